package rnn

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement rnn."

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.RNNImpl
	want string
}{
	{"Step stub", checks.RNNImpl{Step: func(x, h []float64, Wx, Wh [][]float64, b []float64) []float64 { panic(todo + "Step") },
		StepBackward: StepBackward}, "not implemented yet: rnn.Step"},
	{"StepBackward stub", checks.RNNImpl{Step: Step, StepBackward: func(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
		panic(todo + "StepBackward")
	}}, "not implemented yet: rnn.StepBackward"},
	{"Step without tanh", fwd(func(o *fwdOpts) { o.act = func(a float64) float64 { return a } }), "apply tanh to the sum"},
	{"Step with the sigmoid", fwd(func(o *fwdOpts) { o.act = func(a float64) float64 { return 1 / (1 + math.Exp(-a)) } }), "not the sigmoid"},
	{"Step without the recurrent term", fwd(func(o *fwdOpts) { o.noRecurrent = true }), "add h·Wh"},
	{"Step without the bias", fwd(func(o *fwdOpts) { o.noBias = true }), "add the bias b"},
	{"Step with Wh transposed", fwd(func(o *fwdOpts) { o.whT = true }), "not Σᵢ Wh[j][i]·h[i]"},
	{"tanh' at the pre-activation", bwd(func(o *bwdOpts) {
		o.tanhGrad = func(hNext, _ float64) float64 { a := math.Atanh(hNext); return 1 - a*a }
	}), "not the pre-activation a"},
	{"tanh' at the pre-activation without the bias", bwd(func(o *bwdOpts) { o.preNoBias = true }), "db is wrong"},
	{"tanh' at the previous state", bwd(func(o *bwdOpts) { o.tanhGrad = func(_, h float64) float64 { return 1 - h*h } }),
		"not the previous state h"},
	{"no tanh'", bwd(func(o *bwdOpts) { o.tanhGrad = func(_, _ float64) float64 { return 1 } }), "multiply by tanh'"},
	{"forgets dh (zeros)", bwd(func(o *bwdOpts) { o.dh = "zero" }), "the previous state gets a gradient too"},
	{"forgets dh (nil)", bwd(func(o *bwdOpts) { o.dh = "nil" }), "dh returned nil, want length 2"},
	{"dh through Wh, not Whᵀ", bwd(func(o *bwdOpts) { o.dh = "transposed" }), "not Σⱼ Wh[j][i]·da[j]"},
	{"no bias gradient (zeros)", bwd(func(o *bwdOpts) { o.db = "zero" }), "the bias gets a gradient"},
	{"no bias gradient (nil)", bwd(func(o *bwdOpts) { o.db = "nil" }), "db returned nil"},
	{"dWh transposed", bwd(func(o *bwdOpts) { o.dWhT = true }), "not h[j]·da[i]"},
	{"dWh from hNext", bwd(func(o *bwdOpts) { o.dWhOfNext = true }), "not hNext"},
	{"dWx transposed", checks.RNNImpl{Step: Step, StepBackward: func(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
		dx, dh, dWx, dWh, db := StepBackward(x, h, hNext, Wx, Wh, dhNext)
		return dx, dh, transpose(dWx), dWh, db
	}}, "dWx has shape 4×3, want 3×4"},
	{"changes Wh", checks.RNNImpl{Step: Step, StepBackward: func(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
		dx, dh, dWx, dWh, db := StepBackward(x, h, hNext, Wx, Wh, dhNext)
		Wh[0][0] -= 0.1 * dWh[0][0]
		return dx, dh, dWx, dWh, db
	}}, "changed its argument Wh[0][0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckRNN(m.impl), m.want)
		})
	}
}

// fwdOpts are the places where a forward step commonly goes wrong.
type fwdOpts struct {
	act                      func(a float64) float64
	noRecurrent, noBias, whT bool
}

// fwd returns the solution with the forward mistakes set by f.
func fwd(f func(*fwdOpts)) checks.RNNImpl {
	o := fwdOpts{act: math.Tanh}
	f(&o)
	return checks.RNNImpl{StepBackward: StepBackward, Step: func(x, h []float64, Wx, Wh [][]float64, b []float64) []float64 {
		out := make([]float64, len(b))
		for j := range out {
			a := 0.0
			if !o.noBias {
				a = b[j]
			}
			for i, xi := range x {
				a += xi * Wx[i][j]
			}
			for i, hi := range h {
				switch {
				case o.noRecurrent:
				case o.whT:
					a += Wh[j][i] * hi
				default:
					a += hi * Wh[i][j]
				}
			}
			out[j] = o.act(a)
		}
		return out
	}}
}

// bwdOpts are the places where a backward step commonly goes wrong.
type bwdOpts struct {
	tanhGrad        func(hNext, h float64) float64
	preNoBias       bool   // tanh' = 1 − a² with a = x·Wx + h·Wh
	dh, db          string // "", "zero", "nil"; dh also "transposed"
	dWhT, dWhOfNext bool
}

// bwd returns the solution with the backward mistakes set by f.
func bwd(f func(*bwdOpts)) checks.RNNImpl {
	o := bwdOpts{tanhGrad: func(hNext, _ float64) float64 { return 1 - hNext*hNext }}
	f(&o)
	return checks.RNNImpl{Step: Step, StepBackward: func(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
		n := len(hNext)
		da := make([]float64, n)
		for j := range n {
			g := o.tanhGrad(hNext[j], h[j])
			if o.preNoBias {
				a := 0.0
				for i, xi := range x {
					a += xi * Wx[i][j]
				}
				for i, hi := range h {
					a += hi * Wh[i][j]
				}
				g = 1 - a*a
			}
			da[j] = dhNext[j] * g
		}
		dx, dWx := backThrough(x, Wx, da)
		dh, dWh := backThrough(h, Wh, da)
		switch o.dh {
		case "zero":
			dh = make([]float64, n)
		case "nil":
			dh = nil
		case "transposed":
			for i := range dh {
				dh[i] = 0
				for j := range n {
					dh[i] += Wh[j][i] * da[j]
				}
			}
		}
		if o.dWhT {
			dWh = transpose(dWh)
		}
		if o.dWhOfNext {
			_, dWh = backThrough(hNext, Wh, da)
		}
		db := da
		switch o.db {
		case "zero":
			db = make([]float64, n)
		case "nil":
			db = nil
		}
		return dx, dh, dWx, dWh, db
	}}
}

func transpose(m [][]float64) [][]float64 {
	t := make([][]float64, len(m[0]))
	for j := range t {
		t[j] = make([]float64, len(m))
		for i := range m {
			t[j][i] = m[i][j]
		}
	}
	return t
}
