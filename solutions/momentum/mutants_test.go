package momentum

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement momentum.Momentum"

// right is the reference implementation the mutants start from.
var right = checks.MomentumImpl{Momentum: Momentum, Nesterov: Nesterov, RMSProp: RMSProp}

// with returns right with some functions replaced.
func with(f func(*checks.MomentumImpl)) checks.MomentumImpl {
	impl := right
	f(&impl)
	return impl
}

type stepFn = func(w, v, g []float64, lr, mu float64) ([]float64, []float64)

// elementwise builds a momentum-style step from its per-element update.
func elementwise(f func(w, v, g, lr, mu float64) (float64, float64)) stepFn {
	return func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
		wn, vn := make([]float64, len(w)), make([]float64, len(w))
		for i := range w {
			wn[i], vn[i] = f(w[i], v[i], g[i], lr, mu)
		}
		return wn, vn
	}
}

func rmsprop(f func(w, s, g, lr, a, eps float64) (float64, float64)) func(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) {
	return func(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) {
		wn, sn := make([]float64, len(w)), make([]float64, len(w))
		for i := range w {
			wn[i], sn[i] = f(w[i], s[i], g[i], lr, a, eps)
		}
		return wn, sn
	}
}

// global is the package-level velocity of the "state in a global" mutant.
var global []float64

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.MomentumImpl
	want string
}{
	{"stub", with(func(m *checks.MomentumImpl) {
		m.Momentum = func(w, v, g []float64, lr, mu float64) ([]float64, []float64) { panic(todo) }
	}), "not implemented yet: momentum.Momentum (solutions/momentum/mutants_test.go:"},
	{"lr inside v (TensorFlow's convention)", with(func(m *checks.MomentumImpl) {
		m.Momentum = elementwise(func(w, v, g, lr, mu float64) (float64, float64) {
			v = mu*v - lr*g
			return w + v, v
		})
	}), "lr belongs in the weight update, not in v"},
	{"velocity not carried", with(func(m *checks.MomentumImpl) {
		m.Momentum = elementwise(func(w, v, g, lr, mu float64) (float64, float64) { return w - lr*g, g })
	}), "the velocity is not carried"},
	{"velocity in a package variable", with(func(m *checks.MomentumImpl) {
		m.Momentum = func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
			if len(global) != len(w) {
				global = make([]float64, len(w))
			}
			wn, vn := Momentum(w, global, g, lr, mu)
			global = vn
			return wn, vn
		}
	}), "never in a package-level variable"},
	{"dampened velocity", with(func(m *checks.MomentumImpl) {
		m.Momentum = elementwise(func(w, v, g, lr, mu float64) (float64, float64) {
			v = mu*v + (1-mu)*g
			return w - lr*v, v
		})
	}), "not (1 − μ)·g"},
	{"weights moved by the old velocity", with(func(m *checks.MomentumImpl) {
		m.Momentum = elementwise(func(w, v, g, lr, mu float64) (float64, float64) { return w - lr*v, mu*v + g })
	}), "move w with the new velocity"},
	{"velocity written into v", with(func(m *checks.MomentumImpl) {
		m.Momentum = func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
			wn, vn := Momentum(w, v, g, lr, mu)
			copy(v, vn)
			return wn, v
		}
	}), "changed its argument v[0]"},
	{"Nesterov without the look-ahead", with(func(m *checks.MomentumImpl) { m.Nesterov = Momentum }),
		"Nesterov's look-ahead is missing"},
	{"Nesterov looking ahead with the old velocity", with(func(m *checks.MomentumImpl) {
		m.Nesterov = elementwise(func(w, v, g, lr, mu float64) (float64, float64) { return w - lr*(g+mu*v), mu*v + g })
	}), "Nesterov's look-ahead is missing"},
	{"RMSProp with ε inside the square root", with(func(m *checks.MomentumImpl) {
		m.RMSProp = rmsprop(func(w, s, g, lr, a, eps float64) (float64, float64) {
			s = a*s + (1-a)*g*g
			return w - lr*g/math.Sqrt(s+eps), s
		})
	}), "ε goes outside the square root"},
	{"RMSProp with α and 1 − α swapped", with(func(m *checks.MomentumImpl) {
		m.RMSProp = rmsprop(func(w, s, g, lr, a, eps float64) (float64, float64) {
			s = (1-a)*s + a*g*g
			return w - lr*g/(math.Sqrt(s)+eps), s
		})
	}), "α and 1 − α are swapped"},
	{"RMSProp without the square root", with(func(m *checks.MomentumImpl) {
		m.RMSProp = rmsprop(func(w, s, g, lr, a, eps float64) (float64, float64) {
			s = a*s + (1-a)*g*g
			return w - lr*g/(s+eps), s
		})
	}), "divide by the square root of s"},
	{"RMSProp mean not carried", with(func(m *checks.MomentumImpl) {
		m.RMSProp = rmsprop(func(w, _, g, lr, a, eps float64) (float64, float64) {
			s := (1 - a) * g * g
			return w - lr*g/(math.Sqrt(s)+eps), s
		})
	}), "the running mean is not carried"},
	{"results swapped", with(func(m *checks.MomentumImpl) {
		m.Momentum = func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
			wn, vn := Momentum(w, v, g, lr, mu)
			return vn, wn
		}
	}), "the new v that Momentum(w, v, g, lr, mu) returns (2nd result) is wrong"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			global = nil
			checks.Catches(t, checks.CheckMomentum(mu.impl), mu.want)
		})
	}
}
