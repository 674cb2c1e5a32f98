package checks

import (
	"fmt"
	"math"
	"testing"
)

// AttnPoolImpl holds the learner's functions of the attnpool exercise:
// attention pooling of a sequence's hidden states into one vector, as the
// sentiment lesson's sequence model does, forward and backward.
//
// Pool(H, w, n): H is T×d, row t the hidden state h_t; w has d entries;
// the first n rows (1 ≤ n ≤ T) are the sentence's words and the rest is
// padding.
//
//	s_t = h_t·w                                        scores, t < n
//	α_t = e^(s_t − max s) / Σ_{u<n} e^(s_u − max s)    weights, t < n
//	α_t = 0                                            padding, t ≥ n
//	pooled = Σ_t α_t h_t                               d entries
//
// Backward(H, w, n, dPooled) is given g = ∂L/∂pooled (d entries) and
// returns ∂L/∂H (T×d, zero rows for the padding) and ∂L/∂w:
//
//	a_t  = h_t·g                      ∂L/∂α_t
//	ds_t = α_t·(a_t − Σ_u α_u a_u)    ∂L/∂s_t, through the softmax
//	dH_t = α_t·g + ds_t·w             the pooling path and the score path
//	dw   = Σ_t ds_t·h_t
//
// No function changes its arguments.
type AttnPoolImpl struct {
	Pool     func(H [][]float64, w []float64, n int) (weights, pooled []float64)
	Backward func(H [][]float64, w []float64, n int, dPooled []float64) (dH [][]float64, dw []float64)
}

// AttnPool runs the checks of the attnpool exercise as sub-tests of t.
func AttnPool(t *testing.T, impl AttnPoolImpl) {
	t.Helper()
	report(t, attnpoolCases(impl))
}

// CheckAttnPool runs the same checks as AttnPool and returns the problems
// found; none means impl passes.
func CheckAttnPool(impl AttnPoolImpl) []Problem { return collect(attnpoolCases(impl)) }

// apCase is one sequence with its scoring vector and upstream gradient.
type apCase struct {
	H    [][]float64
	w, g []float64
	n    int
}

// apVariant is a known mistake; the zero value is right.
type apVariant struct {
	noMask     bool // the softmax runs over all T rows, padding included
	maskAfter  bool // softmax over all T rows, then the padding's weights set to 0
	rawScores  bool // pooled = Σ s_t h_t: the scores, not the weights
	expScores  bool // pooled = Σ e^(s_t) h_t: not normalised
	transposed bool // H read as d×T: s_t = Σ_k H[k][t]·w[k], pooled_k = Σ_t α_t H[k][t]
	wrongAxis  bool // pooled_t = α_t·Σ_k H[t][k]: summed over the features
	noCentre   bool // ds_t = α_t·a_t, without − Σ α a
	noDirect   bool // dH_t = ds_t·w, without α_t·g
	noScore    bool // dH_t = α_t·g, the weights taken as constants; dw = 0
	dwFromA    bool // dw = Σ_t a_t·h_t: ∂L/∂α_t where ∂L/∂s_t belongs
}

// h reads H[t][k], or H[k][t] when transposed.
func (a apCase) h(v apVariant, t, k int) float64 {
	if v.transposed {
		return a.H[k][t]
	}
	return a.H[t][k]
}

// pool is the reference (or a mistaken variant) of Pool. The largest
// score is subtracted before exp.
func (a apCase) pool(v apVariant) (weights, pooled []float64) {
	T, d := len(a.H), len(a.H[0])
	m := a.n
	if v.noMask || v.maskAfter {
		m = T
	}
	s := make([]float64, T)
	for t := range T {
		for k := range d {
			s[t] += a.h(v, t, k) * a.w[k]
		}
	}
	weights = make([]float64, T)
	mx := math.Inf(-1)
	for t := range m {
		mx = math.Max(mx, s[t])
	}
	z := 0.0
	for t := range m {
		weights[t] = math.Exp(s[t] - mx)
		z += weights[t]
	}
	for t := range m {
		weights[t] /= z
	}
	if v.maskAfter {
		for t := a.n; t < T; t++ {
			weights[t] = 0
		}
	}
	if v.wrongAxis {
		pooled = make([]float64, T)
		for t := range T {
			for k := range d {
				pooled[t] += weights[t] * a.H[t][k]
			}
		}
		return weights, pooled
	}
	pooled = make([]float64, d)
	for t := range T {
		c := weights[t]
		switch {
		case t >= a.n && !v.noMask:
			continue
		case v.rawScores:
			c = s[t]
		case v.expScores:
			c = math.Exp(s[t])
		}
		for k := range d {
			pooled[k] += c * a.h(v, t, k)
		}
	}
	return weights, pooled
}

// backward is the reference (or a mistaken variant) of Backward.
func (a apCase) backward(v apVariant) (dH [][]float64, dw []float64) {
	T, d := len(a.H), len(a.H[0])
	alpha, _ := a.pool(apVariant{noMask: v.noMask})
	m := a.n
	if v.noMask {
		m = T
	}
	at := make([]float64, T)
	mean := 0.0
	for t := range m {
		for k := range d {
			at[t] += a.H[t][k] * a.g[k]
		}
		mean += alpha[t] * at[t]
	}
	dH, dw = convZeros(T, d), make([]float64, d)
	for t := range m {
		ds := alpha[t] * (at[t] - mean)
		if v.noCentre {
			ds = alpha[t] * at[t]
		}
		if v.noScore {
			ds = 0
		}
		for k := range d {
			if !v.noDirect {
				dH[t][k] += alpha[t] * a.g[k]
			}
			dH[t][k] += ds * a.w[k]
			if v.dwFromA {
				dw[k] += at[t] * a.H[t][k]
			} else {
				dw[k] += ds * a.H[t][k]
			}
		}
	}
	return dH, dw
}

var apPoolMistakes = []struct {
	hint string
	v    apVariant
}{
	{"the padding rows t ≥ n are not words: leave them out of the softmax (their weight is exactly 0) and out of the sum.", apVariant{noMask: true}},
	{"mask before normalising: take the softmax over the first n scores only; zeroing the padding's weights afterwards leaves weights that no longer sum to 1.", apVariant{maskAfter: true}},
	{"pool with the weights α_t, not the raw scores s_t: pooled = Σ_t α_t·h_t, a weighted average.", apVariant{rawScores: true}},
	{"normalise the exponentials: α_t = e^(s_t)/Σ_u e^(s_u) (with the maximum subtracted); Σ e^(s_t)·h_t is not an average.", apVariant{expScores: true}},
	{"H is T×d: row H[t] is the state h_t, so s_t = Σ_k H[t][k]·w[k] and pooled[k] = Σ_t α_t·H[t][k] (you read H[k][t]).", apVariant{transposed: true}},
	{"pooled sums over time, one entry per feature: pooled[k] = Σ_t α_t·H[t][k], d entries (not one per word).", apVariant{wrongAxis: true}},
}

var apBackMistakes = []struct {
	hint string
	v    apVariant
}{
	{"through the softmax, ∂L/∂s_t = α_t·(a_t − Σ_u α_u·a_u) with a_t = h_t·g: the weights sum to 1, so raising one lowers the others — the − Σ α a term.", apVariant{noCentre: true}},
	{"h_t reaches pooled two ways: directly, weighted by α_t (dH_t gets α_t·g), and through its score s_t = h_t·w (dH_t gets ds_t·w). You left out the first.", apVariant{noDirect: true}},
	{"the weights depend on H and w through the scores: dH_t also gets ds_t·w, and dw = Σ_t ds_t·h_t with ds_t = α_t·(h_t·g − Σ_u α_u·h_u·g).", apVariant{noScore: true}},
	{"the padding rows have no weight and pass no gradient: dH_t = 0 for t ≥ n, and they are not in the softmax.", apVariant{noMask: true}},
	{"w enters through the scores, so dw = Σ_t ds_t·h_t uses ∂L/∂s_t = α_t·(a_t − Σ_u α_u·a_u), after the softmax's Jacobian — not ∂L/∂α_t = a_t.", apVariant{dwFromA: true}},
}

const (
	apPoolHint = "s_t = h_t·w for the n words, α = softmax(s) over them (0 on the padding), pooled = Σ_t α_t·h_t."
	apNaNHint  = "subtract the largest score before exp: e^(s − max) never overflows, and its largest term is e^0 = 1, so the sum is never 0."
)

var apBackHints = map[string]string{
	"dH": "dH_t = α_t·g + ds_t·w with ds_t = α_t·(h_t·g − Σ_u α_u·h_u·g) for t < n, and 0 for the padding.",
	"dw": "dw = Σ_t ds_t·h_t with ds_t = α_t·(h_t·g − Σ_u α_u·h_u·g).",
}

func (a apCase) given(withG bool) []string {
	g := []string{"H = " + matString(a.H), "w = " + vecString(a.w), fmt.Sprintf("n = %d (of T = %d rows)", a.n, len(a.H))}
	if withG {
		g = append(g, "dPooled = "+vecString(a.g))
	}
	return g
}

// apHand: three words of two features; small numbers a learner can
// follow by hand.
var apHand = apCase{
	H: [][]float64{{1, 0}, {0, 2}, {1, 1}},
	w: []float64{1, -0.5}, g: []float64{2, -1}, n: 3,
}

// apPadded: two words and two padding rows whose states are large, so
// that including them changes everything.
var apPadded = apCase{
	H: [][]float64{{0.5, -1, 2}, {1, 0.25, -0.5}, {3, 3, 3}, {-4, 2, 5}},
	w: []float64{1, 2, -1}, g: []float64{1, -2, 0.5}, n: 2,
}

// apLarge: scores of about ±1000, where e^s overflows.
var apLarge = apCase{
	H: [][]float64{{500, 0}, {510, 10}, {-600, 3}},
	w: []float64{2, 1}, g: []float64{0.1, 1}, n: 3,
}

func randomAP(stream uint64, T, d, n int) apCase {
	r := newRand(stream)
	return apCase{H: randMat(r, T, d, -2, 2), w: randVec(r, d, -1.5, 1.5), g: randVec(r, d, -1, 1), n: n}
}

func attnpoolCases(impl AttnPoolImpl) []testCase {
	fwd := funcOf("attnpool.Pool", impl.Pool)
	back := funcOf("attnpool.Backward", impl.Backward)
	random := []apCase{randomAP(31, 6, 4, 6), randomAP(32, 5, 3, 3), randomAP(33, 1, 2, 1), randomAP(34, 7, 5, 4)}
	square := randomAP(35, 4, 4, 4)
	fdCase := randomAP(36, 5, 3, 4)

	poolOf := func(c *ctx, a apCase) (weights, pooled []float64, ok bool) {
		keep := freezeArgs([]string{"H"}, [][][]float64{a.H}, []string{"w"}, a.w)
		ok = call(c, fwd, func() { weights, pooled = impl.Pool(a.H, a.w, a.n) }) && keep.verify(c, fwd)
		return weights, pooled, ok
	}
	// comparePool checks the weights, then pooled, against the reference.
	comparePool := func(c *ctx, a apCase) bool {
		weights, pooled, ok := poolOf(c, a)
		if !ok {
			return false
		}
		wantW, wantP := a.pool(apVariant{})
		square := len(a.H) == len(a.H[0])
		var wm, pm []mistake
		for _, m := range apPoolMistakes {
			if (m.v.noMask || m.v.maskAfter) && a.n == len(a.H) || (m.v.transposed || m.v.wrongAxis) && !square {
				continue
			}
			mw, mp := a.pool(m.v)
			wm, pm = append(wm, mistake{m.hint, mw}), append(pm, mistake{m.hint, mp})
		}
		e := expect{fn: fwd, what: "weights", at: "weights", given: a.given(false), tol: exactTol,
			mistakes: wm, hint: apPoolHint, nanHint: apNaNHint}
		if !e.vec(c, weights, wantW) {
			return false
		}
		pooledHint := "pooled[k] = Σ_t α_t·H[t][k]: the weighted average of the rows of H, summed over time t — one entry per feature, d in all."
		return expect{fn: fwd, what: "pooled", at: "pooled", given: a.given(false), tol: exactTol,
			mistakes: pm, hint: pooledHint, nanHint: apNaNHint}.vec(c, pooled, wantP)
	}
	backOf := func(c *ctx, a apCase) (dH [][]float64, dw []float64, ok bool) {
		keep := freezeArgs([]string{"H"}, [][][]float64{a.H}, []string{"w", "dPooled"}, a.w, a.g)
		ok = call(c, back, func() { dH, dw = impl.Backward(a.H, a.w, a.n, a.g) }) && keep.verify(c, back)
		return dH, dw, ok
	}
	compareBack := func(c *ctx, a apCase, dH [][]float64, dw []float64, wantH [][]float64, wantW []float64, t tol, only string, extra []mistake) bool {
		for _, part := range []string{"dH", "dw"} {
			if only != "" && part != only {
				continue
			}
			ms := extra
			for _, m := range apBackMistakes {
				if m.v.noMask && a.n == len(a.H) {
					continue
				}
				mH, mw := a.backward(m.v)
				vals := mw
				if part == "dH" {
					vals = convFlat(mH)
				}
				ms = append(ms, mistake{m.hint, vals})
			}
			e := expect{fn: back, what: part, at: part, given: a.given(true), tol: t, mistakes: ms, hint: apBackHints[part], nanHint: apNaNHint}
			var ok bool
			if part == "dH" {
				ok = e.mat(c, dH, wantH)
			} else {
				ok = e.vec(c, dw, wantW)
			}
			if !ok {
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, a apCase) bool {
		dH, dw, ok := backOf(c, a)
		if !ok {
			return false
		}
		wantH, wantW := a.backward(apVariant{})
		return compareBack(c, a, dH, dw, wantH, wantW, exactTol, "", nil)
	}
	// vsSlope compares one part of Backward with the central-difference
	// slope of L = dPooled·pooled, pooled from the learner's own Pool.
	vsSlope := func(c *ctx, part string) {
		a := fdCase
		dH, dw, ok := backOf(c, a)
		if !ok {
			return
		}
		H, w := convClone(a.H), append([]float64(nil), a.w...)
		var bad string
		loss := func() float64 {
			_, p := impl.Pool(H, w, a.n)
			if len(p) != len(a.g) {
				bad = fmt.Sprintf("Pool(H, w, n) returned pooled of length %d, want %d", len(p), len(a.g))
				return 0
			}
			s := 0.0
			for k := range p {
				s += a.g[k] * p[k]
			}
			return s
		}
		var fdH [][]float64
		var fdw []float64
		if !call(c, fwd, func() {
			if part == "dH" {
				for _, row := range H {
					fdH = append(fdH, centralDiff(loss, row))
				}
			} else {
				fdw = centralDiff(loss, w)
			}
		}) {
			return
		}
		if bad != "" {
			expect{fn: fwd}.fail(c, "the finite-difference check of Backward needs Pool, and "+bad+".", "fix Pool first: "+apPoolHint)
			return
		}
		wantH, wantW := a.backward(apVariant{})
		vals := wantW
		if part == "dH" {
			vals = convFlat(wantH)
		}
		right := mistake{"your Backward is right; it is the slope of your Pool that is wrong: fix Pool first.", vals}
		if part == "dH" {
			fdw = wantW
		} else {
			fdH = wantH
		}
		compareBack(c, a, dH, dw, fdH, fdw, fdTol, part, []mistake{right})
	}
	return []testCase{
		{"Pool_hand_computed", func(c *ctx) { comparePool(c, apHand) }},
		{"Pool_weights_sum_to_1", func(c *ctx) {
			a := random[0]
			weights, _, ok := poolOf(c, a)
			if !ok {
				return
			}
			if len(weights) != len(a.H) {
				expect{fn: fwd, given: a.given(false)}.fail(c, fmt.Sprintf("weights has length %d, want %d (one per row of H).", len(weights), len(a.H)),
					"weights has one entry per row of H, T in all, 0 for the padding.")
				return
			}
			s := 0.0
			for t, x := range weights {
				if !(x >= 0) {
					expect{fn: fwd, given: a.given(false)}.fail(c, fmt.Sprintf("weights[%d] = %s, want a weight ≥ 0.", t, num(x)),
						"weights are a softmax of the scores, e^(s_t)/Σ_u e^(s_u): never negative. "+apNaNHint)
					return
				}
				s += x
			}
			if !exactTol.ok(s, 1) {
				expect{fn: fwd, given: a.given(false)}.fail(c, fmt.Sprintf("the weights sum to %s, want 1.", num(s)),
					"α = softmax(s): divide each e^(s_t − max) by their sum over the n words.")
			}
		}},
		{"Pool_padding_masked", func(c *ctx) {
			a := apPadded
			weights, _, ok := poolOf(c, a)
			if !ok {
				return
			}
			if len(weights) == len(a.H) {
				for t := a.n; t < len(a.H); t++ {
					if weights[t] != 0 {
						expect{fn: fwd, given: a.given(false)}.fail(c, fmt.Sprintf("weights[%d] = %s, want exactly 0: row %d is padding (n = %d).", t, num(weights[t]), t, a.n),
							"the padding rows t ≥ n are not words: leave them out of the softmax (their weight is exactly 0) and out of the sum.")
						return
					}
				}
			}
			comparePool(c, a)
		}},
		{"Pool_random", func(c *ctx) {
			for _, a := range random {
				if !comparePool(c, a) {
					return
				}
			}
		}},
		{"Pool_square_H", func(c *ctx) { comparePool(c, square) }},
		{"Pool_large_scores_stay_finite", func(c *ctx) { comparePool(c, apLarge) }},
		{"Backward_hand_computed", func(c *ctx) { backward(c, apHand) }},
		{"Backward_padding", func(c *ctx) { backward(c, apPadded) }},
		{"Backward_random", func(c *ctx) {
			for _, a := range random {
				if !backward(c, a) {
					return
				}
			}
		}},
		{"Backward_dH_vs_finite_differences", func(c *ctx) { vsSlope(c, "dH") }},
		{"Backward_dw_vs_finite_differences", func(c *ctx) { vsSlope(c, "dw") }},
	}
}
