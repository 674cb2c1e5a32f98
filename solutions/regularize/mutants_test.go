package regularize

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement regularize.DropoutForward"

func with(f func(*checks.RegularizeImpl)) checks.RegularizeImpl {
	impl := checks.RegularizeImpl{L2Grad: L2Grad, DropoutForward: DropoutForward, DropoutBackward: DropoutBackward, DropoutEval: DropoutEval}
	f(&impl)
	return impl
}

// l2 is L2Grad with the penalty's gradient k·λ·w (k = 1 is right).
func l2(k float64) func(w, grad []float64, lambda float64) []float64 {
	return func(w, grad []float64, lambda float64) []float64 {
		return L2Grad(w, grad, k*lambda)
	}
}

// dropout is DropoutForward with its own rule for dropping and scaling.
func dropout(dropped func(u, p float64) bool, scale func(p float64) float64) func([]float64, float64, []float64) ([]float64, []float64) {
	return func(x []float64, p float64, u []float64) ([]float64, []float64) {
		y, mask := make([]float64, len(x)), make([]float64, len(x))
		for i := range x {
			if !dropped(u[i], p) {
				mask[i] = scale(p)
				y[i] = x[i] * mask[i]
			}
		}
		return y, mask
	}
}

func below(u, p float64) bool    { return u < p }
func inverted(p float64) float64 { return 1 / (1 - p) }

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.RegularizeImpl
	want string
}{
	{"stub", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = func([]float64, float64, []float64) ([]float64, []float64) { panic(todo) }
	}), "not implemented yet: regularize.DropoutForward (solutions/regularize/mutants_test.go:"},
	{"L2 with λ/2", with(func(i *checks.RegularizeImpl) { i.L2Grad = l2(0.5) }), "the ½ cancels the 2 of the square"},
	{"L2 with 2λ", with(func(i *checks.RegularizeImpl) { i.L2Grad = l2(2) }), "that is the gradient of λ·‖w‖²"},
	{"L2 subtracted", with(func(i *checks.RegularizeImpl) { i.L2Grad = l2(-1) }), "add λ·w, do not subtract it"},
	{"L2 without the loss", with(func(i *checks.RegularizeImpl) {
		i.L2Grad = func(w, grad []float64, lambda float64) []float64 { return L2Grad(w, make([]float64, len(w)), lambda) }
	}), "returning λ·w alone drops the loss"},
	{"L1 instead of L2", with(func(i *checks.RegularizeImpl) {
		i.L2Grad = func(w, grad []float64, lambda float64) []float64 {
			s := make([]float64, len(w))
			for k, v := range w {
				s[k] = math.Copysign(1, v)
				if v == 0 {
					s[k] = 0
				}
			}
			return L2Grad(s, grad, lambda)
		}
	}), "gradient of the L1 penalty"},
	{"L2 written into grad", with(func(i *checks.RegularizeImpl) {
		i.L2Grad = func(w, grad []float64, lambda float64) []float64 {
			for k := range grad {
				grad[k] += lambda * w[k]
			}
			return grad
		}
	}), "changed its argument grad[0]"},
	{"dropout without 1/(1−p)", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = dropout(below, func(float64) float64 { return 1 })
	}), "scale the kept values by 1/(1−p)"},
	{"dropout scaled by (1−p)", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = dropout(below, func(p float64) float64 { return 1 - p })
	}), "not by (1−p)"},
	{"dropout keeps when u < p", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = dropout(func(u, p float64) bool { return u >= p }, inverted)
	}), "you kept the ones with u < p"},
	{"dropout drops u = p", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = dropout(func(u, p float64) bool { return u <= p }, inverted)
	}), "u exactly equal to p is kept"},
	{"dropout with a 0/1 mask", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = func(x []float64, p float64, u []float64) ([]float64, []float64) {
			y, mask := DropoutForward(x, p, u)
			for k := range mask {
				if mask[k] != 0 {
					mask[k] = 1
				}
			}
			return y, mask
		}
	}), "the mask holds the factor each element was multiplied by"},
	{"dropout backward ignores the mask", with(func(i *checks.RegularizeImpl) {
		i.DropoutBackward = func(dy, mask []float64) []float64 { return append([]float64(nil), dy...) }
	}), "multiply by the mask"},
	{"dropout backward with a 0/1 mask", with(func(i *checks.RegularizeImpl) {
		i.DropoutBackward = func(dy, mask []float64) []float64 {
			dx := make([]float64, len(dy))
			for k := range dy {
				if mask[k] != 0 {
					dx[k] = dy[k]
				}
			}
			return dx
		}
	}), "use the mask's values, not only whether they are 0"},
	{"dropout backward scaled twice", with(func(i *checks.RegularizeImpl) {
		i.DropoutBackward = func(dy, mask []float64) []float64 { return DropoutBackward(DropoutBackward(dy, mask), mask) }
	}), "multiply by the mask once"},
	{"dropout at test time scaled by (1−p)", with(func(i *checks.RegularizeImpl) {
		i.DropoutEval = func(x []float64, p float64) []float64 {
			y := DropoutEval(x, p)
			for k := range y {
				y[k] *= 1 - p
			}
			return y
		}
	}), "non-inverted dropout"},
	{"dropout at test time scaled by 1/(1−p)", with(func(i *checks.RegularizeImpl) {
		i.DropoutEval = func(x []float64, p float64) []float64 {
			y := DropoutEval(x, p)
			for k := range y {
				y[k] /= 1 - p
			}
			return y
		}
	}), "no scaling at test time"},
	{"dropout applied at test time", with(func(i *checks.RegularizeImpl) {
		i.DropoutEval = func(x []float64, p float64) []float64 {
			u := []float64{0.9, 0.1, 0.5, 0.2} // drops what falls below p
			y, _ := DropoutForward(x, p, u[:len(x)])
			return y
		}
	}), "at evaluation dropout does nothing"},
	{"dropout at test time returns x", with(func(i *checks.RegularizeImpl) {
		i.DropoutEval = func(x []float64, p float64) []float64 { return x }
	}), "returned x itself"},
	{"dropout forward index out of range", with(func(i *checks.RegularizeImpl) {
		i.DropoutForward = func(x []float64, p float64, u []float64) ([]float64, []float64) {
			return DropoutForward(x, p, u[1:])
		}
	}), "regularize.DropoutForward panicked at solutions/regularize/"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckRegularize(m.impl), m.want)
		})
	}
}
