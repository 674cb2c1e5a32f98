package bptt

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement bptt."

type backFunc = func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64)

func withForward(f func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) [][]float64) checks.BPTTImpl {
	return checks.BPTTImpl{Forward: f, Backward: Backward}
}

func withBackward(f backFunc) checks.BPTTImpl { return checks.BPTTImpl{Forward: Forward, Backward: f} }

// bug is one learner's mistake in the backward loop below; the zero value
// is right.
type bug struct {
	lastOnly  bool // only dhs[T−1] used
	ownOnly   bool // g = dhs[t], the carry dropped
	preact    bool // tanh′ from the pre-activation
	whNotT    bool // carry = da·Wh
	overwrite bool // dWx, dWh, db = the step's share
	dWhOff    bool // dWh += hs[t]ᵀ·da
	noDh0     bool
	normOwn   bool // norms[t] = ‖dhs[t]‖
	normDa    bool // norms[t] = ‖da‖
}

func (m bug) backward(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
	hs := Forward(xs, h0, Wx, Wh, b)
	H := len(b)
	dWx, dWh := zeros(len(Wx), H), zeros(H, H)
	db, norms := make([]float64, H), make([]float64, len(xs))
	carry := make([]float64, H)
	norm := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x * x
		}
		return math.Sqrt(s)
	}
	for t := len(xs) - 1; t >= 0; t-- {
		g := make([]float64, H)
		for j := range g {
			if !m.lastOnly || t == len(xs)-1 {
				g[j] = dhs[t][j]
			}
			if !m.ownOnly {
				g[j] += carry[j]
			}
		}
		prev := h0
		if t > 0 {
			prev = hs[t-1]
		}
		da := make([]float64, H)
		for j := range da {
			if m.preact {
				a := b[j]
				for i := range xs[t] {
					a += xs[t][i] * Wx[i][j]
				}
				for i := range prev {
					a += prev[i] * Wh[i][j]
				}
				da[j] = g[j] * (1 - a*a)
			} else {
				da[j] = g[j] * (1 - hs[t][j]*hs[t][j])
			}
		}
		switch {
		case m.normOwn:
			norms[t] = norm(dhs[t])
		case m.normDa:
			norms[t] = norm(da)
		default:
			norms[t] = norm(g)
		}
		if m.dWhOff {
			prev = hs[t]
		}
		if m.overwrite {
			dWx, dWh, db = zeros(len(Wx), H), zeros(H, H), make([]float64, H)
		}
		for j := range da {
			db[j] += da[j]
			for i := range xs[t] {
				dWx[i][j] += xs[t][i] * da[j]
			}
			for i := range prev {
				dWh[i][j] += prev[i] * da[j]
			}
		}
		carry = make([]float64, H)
		for i := range carry {
			for j := range da {
				if m.whNotT {
					carry[i] += Wh[j][i] * da[j]
				} else {
					carry[i] += Wh[i][j] * da[j]
				}
			}
		}
	}
	if m.noDh0 {
		carry = make([]float64, H)
	}
	return dWx, dWh, db, carry, norms
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.BPTTImpl
	want string
}{
	{"Forward stub", withForward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) [][]float64 {
		panic(todo + "Forward")
	}), "not implemented yet: bptt.Forward"},
	{"Backward stub", withBackward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
		panic(todo + "Backward")
	}), "not implemented yet: bptt.Backward"},
	{"Forward without the recurrence", withForward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) [][]float64 {
		hs := make([][]float64, len(xs))
		for t := range xs {
			hs[t] = Forward(xs[t:t+1], make([]float64, len(b)), Wx, Wh, b)[0]
		}
		return hs
	}), "the recurrence is missing"},
	{"Forward reads Wh transposed", withForward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) [][]float64 {
		WhT := zeros(len(Wh), len(Wh))
		for i := range Wh {
			for j := range Wh {
				WhT[j][i] = Wh[i][j]
			}
		}
		return Forward(xs, h0, Wx, WhT, b)
	}), "Wh is read transposed"},
	{"only the last step's loss", withBackward(bug{lastOnly: true}.backward), "only the last step's loss reaches the weights"},
	{"carried gradient dropped", withBackward(bug{ownOnly: true}.backward), "the gradient carried back from later steps is dropped"},
	{"tanh' of the pre-activation", withBackward(bug{preact: true}.backward), "tanh′ is taken of the pre-activation"},
	{"Wh not transposed", withBackward(bug{whNotT: true}.backward), "Wh is not transposed on the way back"},
	{"gradients not summed over time", withBackward(bug{overwrite: true}.backward), "not summed over time"},
	{"dWh with h_t, not h_{t-1}", withBackward(bug{dWhOff: true}.backward), "dWh pairs da_t with h_t"},
	{"dh0 missing", withBackward(bug{noDh0: true}.backward), "dh0 is missing"},
	{"norms of dhs alone", withBackward(bug{normOwn: true}.backward), "norms[t] is the norm of dhs[t] alone"},
	{"norms of da", withBackward(bug{normDa: true}.backward), "norms[t] is the norm of da"},
	{"norms reversed", withBackward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
		dWx, dWh, db, dh0, norms := Backward(xs, h0, Wx, Wh, b, dhs)
		for i, j := 0, len(norms)-1; i < j; i, j = i+1, j-1 {
			norms[i], norms[j] = norms[j], norms[i]
		}
		return dWx, dWh, db, dh0, norms
	}), "norms is listed from the last step"},
	{"dh0 as nil", withBackward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
		dWx, dWh, db, _, norms := Backward(xs, h0, Wx, Wh, b, dhs)
		return dWx, dWh, db, nil, norms
	}), "dh0 returned nil"},
	{"Backward changes dhs", withBackward(func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
		dWx, dWh, db, dh0, norms := Backward(xs, h0, Wx, Wh, b, dhs)
		dhs[0][1] = 7
		return dWx, dWh, db, dh0, norms
	}), "changed its argument dhs[0][1]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckBPTT(m.impl), m.want)
		})
	}
}

// The mistake helper is right when no mistake is switched on.
func TestBugZeroIsRight(t *testing.T) {
	checks.BPTT(t, checks.BPTTImpl{Forward: Forward, Backward: bug{}.backward})
}
