package gru

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement gru.Step"

// opts are the places where a GRU step commonly goes wrong.
type opts struct {
	zSwap, zrn, rOutside, rOnH, oneBias, nSigmoid bool
}

// wrong is Step with the mistakes set by f.
func wrong(f func(*opts)) checks.GRUImpl {
	var o opts
	f(&o)
	return checks.GRUImpl{Step: func(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) []float64 {
		H := len(h)
		if o.oneBias {
			bh = make([]float64, 3*H)
		}
		mul := func(v []float64, W [][]float64, j int) float64 {
			a := 0.0
			for k, vk := range v {
				a += vk * W[k][j]
			}
			return a
		}
		br, bz := 0, H
		if o.zrn {
			br, bz = H, 0
		}
		r, z := make([]float64, H), make([]float64, H)
		rh := make([]float64, H)
		for j := range H {
			r[j] = sigmoid(mul(x, Wx, br+j) + bx[br+j] + mul(h, Wh, br+j) + bh[br+j])
			z[j] = sigmoid(mul(x, Wx, bz+j) + bx[bz+j] + mul(h, Wh, bz+j) + bh[bz+j])
			rh[j] = r[j] * h[j]
		}
		out := make([]float64, H)
		for j := range H {
			c := 2*H + j
			a := mul(x, Wx, c) + bx[c]
			switch {
			case o.rOutside:
				a += r[j]*mul(h, Wh, c) + bh[c]
			case o.rOnH:
				a += mul(rh, Wh, c) + bh[c]
			default:
				a += r[j] * (mul(h, Wh, c) + bh[c])
			}
			n := math.Tanh(a)
			if o.nSigmoid {
				n = sigmoid(a)
			}
			if o.zSwap {
				out[j] = z[j]*n + (1-z[j])*h[j]
			} else {
				out[j] = (1-z[j])*n + z[j]*h[j]
			}
		}
		return out
	}}
}

var mutants = []struct {
	name string
	impl checks.GRUImpl
	want string
}{
	{"stub", checks.GRUImpl{Step: func(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) []float64 { panic(todo) }},
		"not implemented yet: gru.Step"},
	{"z and 1 − z swapped", wrong(func(o *opts) { o.zSwap = true }), "z keeps the old state h"},
	{"gates z, r, n", wrong(func(o *opts) { o.zrn = true }), "the reset gate r is the first block"},
	{"bh_n outside r", wrong(func(o *opts) { o.rOutside = true }), "bh_n goes inside the r⊙(…)"},
	{"r on h before Wh_n", wrong(func(o *opts) { o.rOnH = true }), "not (r⊙h)·Wh_n + bh_n"},
	{"one bias", wrong(func(o *opts) { o.oneBias = true }), "there are two biases"},
	{"σ candidate", wrong(func(o *opts) { o.nSigmoid = true }), "the candidate n = tanh(…), not σ"},
	{"returns h itself", checks.GRUImpl{Step: func(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) []float64 { return h }},
		"Step(x, h, Wx, Wh, bx, bh) is wrong"},
	{"changes h", checks.GRUImpl{Step: func(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) []float64 {
		out := Step(x, h, Wx, Wh, bx, bh)
		copy(h, out)
		return out
	}}, "changed its argument h[0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckGRU(m.impl), m.want)
		})
	}
}
