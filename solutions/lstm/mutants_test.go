package lstm

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement lstm."

// opts are the places where an LSTM step commonly goes wrong.
type opts struct {
	// forward: the blocks of z read as i, f, g, o
	order             [4]int
	tanhOld, gSigmoid bool
	// backward
	noDc, dcNoF, noDcNext, sigmoidPlus, backSwapIF, backTanhOld bool
}

func wrongForward(x, h, c []float64, Wx, Wh [][]float64, b []float64, o opts) cell {
	H := len(h)
	z := make([]float64, 4*H)
	for j := range z {
		z[j] = b[j]
		for k, xk := range x {
			z[j] += xk * Wx[k][j]
		}
		for k, hk := range h {
			z[j] += hk * Wh[k][j]
		}
	}
	s := cell{make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H)}
	for j := range H {
		s.i[j] = sigmoid(z[o.order[0]*H+j])
		s.f[j] = sigmoid(z[o.order[1]*H+j])
		s.g[j] = math.Tanh(z[o.order[2]*H+j])
		if o.gSigmoid {
			s.g[j] = sigmoid(z[o.order[2]*H+j])
		}
		s.o[j] = sigmoid(z[o.order[3]*H+j])
		s.cNext[j] = s.f[j]*c[j] + s.i[j]*s.g[j]
		if o.tanhOld {
			s.hNext[j] = s.o[j] * math.Tanh(c[j])
		} else {
			s.hNext[j] = s.o[j] * math.Tanh(s.cNext[j])
		}
	}
	return s
}

// wrong returns the solution with the mistakes set by f.
func wrong(f func(*opts)) checks.LSTMImpl {
	o := opts{order: [4]int{0, 1, 2, 3}}
	f(&o)
	step := func(x, h, c []float64, Wx, Wh [][]float64, b []float64) ([]float64, []float64) {
		s := wrongForward(x, h, c, Wx, Wh, b, o)
		return s.hNext, s.cNext
	}
	back := func(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) ([]float64, []float64, []float64, [][]float64, [][]float64, []float64) {
		s := forward(x, h, c, Wx, Wh, b)
		H := len(h)
		dsig := func(y float64) float64 {
			if o.sigmoidPlus {
				return y * (1 + y)
			}
			return y * (1 - y)
		}
		dz := make([]float64, 4*H)
		dc := make([]float64, H)
		for j := range H {
			tc := math.Tanh(s.cNext[j])
			if o.backTanhOld {
				tc = math.Tanh(c[j])
			}
			dct := dhNext[j] * s.o[j] * (1 - tc*tc)
			if !o.noDcNext {
				dct += dcNext[j]
			}
			bi, bf := 0, H
			if o.backSwapIF {
				bi, bf = H, 0
			}
			dz[bi+j] = dct * s.g[j] * dsig(s.i[j])
			dz[bf+j] = dct * c[j] * dsig(s.f[j])
			dz[2*H+j] = dct * s.i[j] * (1 - s.g[j]*s.g[j])
			dz[3*H+j] = dhNext[j] * tc * dsig(s.o[j])
			switch {
			case o.noDc:
			case o.dcNoF:
				dc[j] = dct
			default:
				dc[j] = dct * s.f[j]
			}
		}
		dx, dWx := backThrough(x, Wx, dz)
		dh, dWh := backThrough(h, Wh, dz)
		return dx, dh, dc, dWx, dWh, dz
	}
	return checks.LSTMImpl{Step: step, StepBackward: back}
}

// onlyBack keeps the right Step and takes StepBackward from impl.
func onlyBack(impl checks.LSTMImpl) checks.LSTMImpl {
	return checks.LSTMImpl{Step: Step, StepBackward: impl.StepBackward}
}

// onlyStep keeps the right StepBackward and takes Step from impl.
func onlyStep(impl checks.LSTMImpl) checks.LSTMImpl {
	return checks.LSTMImpl{Step: impl.Step, StepBackward: StepBackward}
}

var mutants = []struct {
	name string
	impl checks.LSTMImpl
	want string
}{
	{"Step stub", checks.LSTMImpl{Step: func(x, h, c []float64, Wx, Wh [][]float64, b []float64) ([]float64, []float64) { panic(todo + "Step") },
		StepBackward: StepBackward}, "not implemented yet: lstm.Step"},
	{"StepBackward stub", checks.LSTMImpl{Step: Step, StepBackward: func(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) ([]float64, []float64, []float64, [][]float64, [][]float64, []float64) {
		panic(todo + "StepBackward")
	}}, "not implemented yet: lstm.StepBackward"},
	{"gates f, i, g, o", onlyStep(wrong(func(o *opts) { o.order = [4]int{1, 0, 2, 3} })), "the input gate i is the first block"},
	{"gates i, f, o, g", onlyStep(wrong(func(o *opts) { o.order = [4]int{0, 1, 3, 2} })), "the candidate g is the third block"},
	{"h' from tanh(c)", onlyStep(wrong(func(o *opts) { o.tanhOld = true })), "uses the new cell state c', not the previous c"},
	{"g through the sigmoid", onlyStep(wrong(func(o *opts) { o.gSigmoid = true })), "the candidate g = tanh(z_g), not σ"},
	{"no gradient for c", onlyBack(wrong(func(o *opts) { o.noDc = true })), "the previous cell state gets a gradient"},
	{"dc without the forget gate", onlyBack(wrong(func(o *opts) { o.dcNoF = true })), "so multiply by the forget gate f"},
	{"dcNext forgotten", onlyBack(wrong(func(o *opts) { o.noDcNext = true })), "add dcNext"},
	{"σ' = σ(1+σ)", onlyBack(wrong(func(o *opts) { o.sigmoidPlus = true })), "not σ(z)·(1 + σ(z))"},
	{"backward with gates f, i", onlyBack(wrong(func(o *opts) { o.backSwapIF = true })), "dz's first block is the input gate's"},
	{"backward through tanh(c)", onlyBack(wrong(func(o *opts) { o.backTanhOld = true })), "use c', not the previous c"},
	// A learner whose Step and StepBackward share the swapped gate order:
	// the finite differences of their own Step agree, the reference does not.
	{"f, i, g, o in both", wrong(func(o *opts) { o.order = [4]int{1, 0, 2, 3}; o.backSwapIF = true }), "the input gate i is the first block"},
	{"changes c", checks.LSTMImpl{Step: Step, StepBackward: func(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) ([]float64, []float64, []float64, [][]float64, [][]float64, []float64) {
		dx, dh, dc, dWx, dWh, db := StepBackward(x, h, c, Wx, Wh, b, dhNext, dcNext)
		c[0] = 0
		return dx, dh, dc, dWx, dWh, db
	}}, "changed its argument c[0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckLSTM(m.impl), m.want)
		})
	}
}
