package checks

import (
	"fmt"
	"math"
	"testing"
)

// AttentionImpl holds the learner's function of the attention exercise.
//
// Attention(Q, K, V, causal) is scaled dot-product attention for queries
// Q (n×d), keys K (m×d) and values V (m×dv):
//
//	sᵢⱼ = (Qᵢ·Kⱼ)/√d                           scores, n×m
//	weightsᵢⱼ = e^(sᵢⱼ) / Σₖ e^(sᵢₖ)            softmax of each row
//	outᵢ = Σⱼ weightsᵢⱼ·Vⱼ                      n×dv
//
// computed stably (finite for scores of any size). With causal set (and
// n = m), query i may only attend to keys j ≤ i: a masked score is −∞, so
// its weight is exactly 0 and each row still sums to 1. No argument is
// changed.
type AttentionImpl struct {
	Attention func(Q, K, V [][]float64, causal bool) (out, weights [][]float64)
}

// Attention runs the checks of the attention exercise as sub-tests of t.
func Attention(t *testing.T, impl AttentionImpl) {
	t.Helper()
	report(t, attentionCases(impl))
}

// CheckAttention runs the same checks as Attention and returns the
// problems found; none means impl passes.
func CheckAttention(impl AttentionImpl) []Problem { return collect(attentionCases(impl)) }

// attnVariant is a known mistake in attention; the zero value is right.
type attnVariant struct {
	noScale    bool // s = Q·Kᵀ
	scaleByD   bool // s = Q·Kᵀ/d
	colSoftmax bool // softmax over the queries (each column sums to 1)
	maskAfter  bool // softmax first, then masked weights set to 0
	noMask     bool // causal ignored
	vT         bool // outᵢₖ = Σⱼ weightsᵢⱼ·Vₖⱼ (weights·Vᵀ)
}

// attnRun is the reference (or a mistaken variant) of scaled dot-product
// attention, with the row maximum subtracted before exp.
func attnRun(v attnVariant, Q, K, V [][]float64, causal bool) (out, w [][]float64) {
	n, m, d := len(Q), len(K), len(Q[0])
	scale := 1 / math.Sqrt(float64(d))
	switch {
	case v.noScale:
		scale = 1
	case v.scaleByD:
		scale = 1 / float64(d)
	}
	hidden := func(i, j int) bool { return causal && !v.noMask && j > i }
	w = make([][]float64, n)
	for i := range w {
		w[i] = make([]float64, m)
		for j := range m {
			w[i][j] = math.Inf(-1)
			if !hidden(i, j) || v.maskAfter {
				s := 0.0
				for k := range d {
					s += Q[i][k] * K[j][k]
				}
				w[i][j] = s * scale
			}
		}
	}
	if v.colSoftmax {
		w = transposeMat(w)
	}
	for _, r := range w {
		softmaxInPlace(r)
	}
	if v.colSoftmax {
		w = transposeMat(w)
	}
	if v.maskAfter {
		for i := range w {
			for j := range w[i] {
				if hidden(i, j) && !v.noMask {
					w[i][j] = 0
				}
			}
		}
	}
	dv := len(V[0])
	out = make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, dv)
		for k := range dv {
			for j := range m {
				if v.vT {
					if k < len(V) && j < len(V[k]) {
						out[i][k] += w[i][j] * V[k][j]
					}
					continue
				}
				out[i][k] += w[i][j] * V[j][k]
			}
		}
	}
	return out, w
}

// softmaxInPlace replaces r by its softmax, the maximum subtracted first;
// entries of −∞ become exactly 0.
func softmaxInPlace(r []float64) {
	mx := math.Inf(-1)
	for _, x := range r {
		mx = math.Max(mx, x)
	}
	s := 0.0
	for j, x := range r {
		r[j] = math.Exp(x - mx)
		s += r[j]
	}
	for j := range r {
		r[j] /= s
	}
}

func transposeMat(a [][]float64) [][]float64 {
	t := make([][]float64, len(a[0]))
	for j := range t {
		t[j] = make([]float64, len(a))
		for i := range a {
			t[j][i] = a[i][j]
		}
	}
	return t
}

func flatten(a [][]float64) []float64 {
	var f []float64
	for _, r := range a {
		f = append(f, r...)
	}
	return f
}

// The hints of the usual mistakes, tried in this order.
var attnWeightMistakes = []struct {
	hint string
	v    attnVariant
}{
	{"divide the scores by √d (d = the width of a query, len(Q[0])): without it wide heads saturate the softmax.", attnVariant{noScale: true}},
	{"scale by 1/√d, not 1/d: the dot product of d unit-variance terms has standard deviation √d.", attnVariant{scaleByD: true}},
	{"normalise each row: weightsᵢⱼ = e^(sᵢⱼ)/Σₖ e^(sᵢₖ) runs over the keys k of one query i, not over the queries.", attnVariant{colSoftmax: true}},
	{"mask before the softmax: set the masked scores to −∞ (math.Inf(-1)) so the weights left still sum to 1; zeroing weights after the softmax does not renormalise them.", attnVariant{maskAfter: true}},
	{"with causal set, query i must not see keys j > i: their scores are −∞ and their weights exactly 0.", attnVariant{noMask: true}},
}

const attnHint = "weights = softmax of each row of Q·Kᵀ/√d (with −∞ for masked scores); out = weights·V."

const attnNaNHint = "subtract each row's largest score before exp: e^(s − max) never overflows, and its largest term is e^0 = 1, so the sum is never 0."

func attnGiven(Q, K, V [][]float64, causal bool) []string {
	return []string{"Q = " + matString(Q), "K = " + matString(K), "V = " + matString(V), fmt.Sprintf("causal = %v", causal)}
}

func attentionCases(impl AttentionImpl) []testCase {
	fn := funcOf("attention.Attention", impl.Attention)
	run := func(c *ctx, Q, K, V [][]float64, causal bool) (out, w [][]float64, ok bool) {
		var names []string
		var rows [][]float64
		for _, m := range []struct {
			name string
			a    [][]float64
		}{{"Q", Q}, {"K", K}, {"V", V}} {
			for i, r := range m.a {
				names, rows = append(names, fmt.Sprintf("%s[%d]", m.name, i)), append(rows, r)
			}
		}
		keep := freeze(names, rows...)
		ok = call(c, fn, func() { out, w = impl.Attention(Q, K, V, causal) }) && keep.verify(c, fn)
		return out, w, ok
	}
	// compare checks the weights, then the output, against the reference.
	compare := func(c *ctx, Q, K, V [][]float64, causal bool, t tol) {
		out, w, ok := run(c, Q, K, V, causal)
		if !ok {
			return
		}
		wantOut, wantW := attnRun(attnVariant{}, Q, K, V, causal)
		var ms []mistake
		for _, am := range attnWeightMistakes {
			if (am.v.maskAfter || am.v.noMask) && !causal {
				continue
			}
			_, mw := attnRun(am.v, Q, K, V, causal)
			ms = append(ms, mistake{am.hint, flatten(mw)})
		}
		e := expect{fn: fn, what: "weights", at: "weights", given: attnGiven(Q, K, V, causal), tol: t,
			mistakes: ms, hint: attnHint, nanHint: attnNaNHint}
		if !e.mat(c, w, wantW) {
			return
		}
		vt, _ := attnRun(attnVariant{vT: true}, Q, K, V, causal)
		e = expect{fn: fn, what: "out", at: "out", given: attnGiven(Q, K, V, causal), tol: t,
			mistakes: []mistake{{"out = weights·V: outᵢₖ = Σⱼ weightsᵢⱼ·Vⱼₖ, each row of V belongs to one key j (not weights·Vᵀ).", flatten(vt)}},
			hint:     "outᵢ = Σⱼ weightsᵢⱼ·Vⱼ: the weighted average of the rows of V, out is n×dv.", nanHint: attnNaNHint}
		e.mat(c, out, wantOut)
	}
	r := newRand(6)
	randQ, randK, randV := randMat(r, 4, 3, -2, 2), randMat(r, 5, 3, -2, 2), randMat(r, 5, 2, -2, 2)
	sq := [3][][]float64{randMat(r, 5, 4, -2, 2), randMat(r, 5, 4, -2, 2), randMat(r, 5, 3, -2, 2)}
	return []testCase{
		{"hand_computed", func(c *ctx) {
			// 2 queries, 3 keys, values of width 3; d = 2.
			compare(c, [][]float64{{1, 0}, {0, 2}}, [][]float64{{1, 0}, {0, 1}, {1, 1}},
				[][]float64{{1, 0, 0}, {0, 2, 0}, {1, 1, 1}}, false, exactTol)
		}},
		{"rows_of_weights_sum_to_1", func(c *ctx) {
			_, w, ok := run(c, randQ, randK, randV, false)
			if !ok {
				return
			}
			_, want := attnRun(attnVariant{}, randQ, randK, randV, false)
			if msg := shapeMismatch(w, want); msg != "" {
				expect{fn: fn, given: attnGiven(randQ, randK, randV, false)}.fail(c, "weights "+msg+".",
					"weights has one row per query and one column per key: n×m for Q n×d and K m×d.")
				return
			}
			for i, row := range w {
				s := 0.0
				for j, x := range row {
					if x < 0 {
						expect{fn: fn, given: attnGiven(randQ, randK, randV, false)}.fail(c,
							fmt.Sprintf("weights[%d][%d] = %s, want a weight ≥ 0.", i, j, num(x)),
							"weights are a softmax, e^(sᵢⱼ)/Σₖ e^(sᵢₖ), never negative: apply the softmax to the scaled scores.")
						return
					}
					s += x
				}
				if !exactTol.ok(s, 1) {
					expect{fn: fn, given: attnGiven(randQ, randK, randV, false)}.fail(c,
						fmt.Sprintf("row %d of weights sums to %s, want 1.", i, num(s)),
						"each row is a softmax over the keys: weightsᵢⱼ = e^(sᵢⱼ)/Σₖ e^(sᵢₖ), with k running over the keys of query i, not over the queries.")
					return
				}
			}
		}},
		{"random_inputs", func(c *ctx) { compare(c, randQ, randK, randV, false, exactTol) }},
		{"causal_mask", func(c *ctx) {
			Q, K, V := sq[0], sq[1], sq[2]
			_, w, ok := run(c, Q, K, V, true)
			if !ok {
				return
			}
			_, want := attnRun(attnVariant{}, Q, K, V, true)
			if shapeMismatch(w, want) == "" {
				fail := func(what, hint string) {
					expect{fn: fn, given: attnGiven(Q, K, V, true)}.fail(c, what, hint)
				}
				for i := range w {
					if x := w[i][i]; math.IsNaN(x) || x == 0 {
						fail(fmt.Sprintf("weights[%d][%d] = %s, want %s: query %d may see key %d.", i, i, num(x), num(want[i][i]), i, i),
							"the mask forbids only the keys after the query, j > i; the diagonal j = i stays (a token sees itself), so row 0 keeps one key.")
						return
					}
				}
				for i := range w {
					for j := i + 1; j < len(w[i]); j++ {
						switch x := w[i][j]; {
						case x == 0:
						case math.Abs(x) > 1e-6:
							fail(fmt.Sprintf("weights[%d][%d] = %s, want 0: key %d comes after query %d.", i, j, num(x), j, i),
								"with causal set, query i must not see keys j > i: their scores are −∞ and their weights exactly 0.")
							return
						default:
							fail(fmt.Sprintf("weights[%d][%d] = %s, want exactly 0: key %d comes after query %d.", i, j, num(x), j, i),
								"set a masked score to −∞ (math.Inf(-1)) before the softmax: e^(−∞) is exactly 0, where a large negative number only gives a small weight.")
							return
						}
					}
				}
			}
			compare(c, Q, K, V, true, exactTol)
		}},
		{"not_causal_sees_every_key", func(c *ctx) { compare(c, sq[0], sq[1], sq[2], false, exactTol) }},
		{"large_scores_stay_finite", func(c *ctx) {
			// Scores of ±1414: e^1414 overflows to +Inf, e^−2121 underflows to 0.
			compare(c, [][]float64{{2000, 0}, {-2000, -1000}}, [][]float64{{1, 0}, {0, 1}, {1, 1}},
				[][]float64{{1, 2}, {3, 4}, {5, 6}}, false, exactTol)
		}},
	}
}
