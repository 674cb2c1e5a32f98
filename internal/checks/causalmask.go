package checks

import (
	"fmt"
	"math"
	"testing"
)

// CausalMaskImpl holds the learner's functions of the causalmask exercise:
// the mask that makes self-attention causal (a decoder's position i may
// use positions j ≤ i only), the softmax through it, and its backward
// pass.
//
// CausalMask(T) is the additive T×T mask: 0 where j ≤ i (allowed), −∞
// (math.Inf(-1)) where j > i (the future).
//
// MaskedSoftmax(scores) takes T×T scores, adds the mask and applies the
// softmax along each row: wᵢⱼ = e^(sᵢⱼ − mᵢ) / Σ_{k ≤ i} e^(sᵢₖ − mᵢ) for
// j ≤ i, with mᵢ the largest allowed score of row i, and exactly 0 for
// j > i. Each row sums to 1, whatever the masked scores are (even ±1e300).
//
// MaskedSoftmaxBackward(weights, grad) is the gradient of a loss with
// respect to the scores, given the weights MaskedSoftmax returned and the
// gradient grad = ∂L/∂weights (both T×T):
// ∂L/∂sᵢⱼ = wᵢⱼ·(gᵢⱼ − Σₖ wᵢₖ·gᵢₖ). It is 0 above the diagonal: no
// gradient reaches a masked score. No function changes its arguments.
type CausalMaskImpl struct {
	CausalMask            func(T int) [][]float64
	MaskedSoftmax         func(scores [][]float64) [][]float64
	MaskedSoftmaxBackward func(weights, grad [][]float64) [][]float64
}

// CausalMask runs the checks of the causalmask exercise as sub-tests of t.
func CausalMask(t *testing.T, impl CausalMaskImpl) {
	t.Helper()
	report(t, causalmaskCases(impl))
}

// CheckCausalMask runs the same checks as CausalMask and returns the
// problems found; none means impl passes.
func CheckCausalMask(impl CausalMaskImpl) []Problem { return collect(causalmaskCases(impl)) }

// cmVariant is a known mistake; the zero value is right.
type cmVariant struct {
	below      bool    // the past masked instead of the future (j < i)
	diag       bool    // the diagonal masked too (j ≥ i)
	ahead      bool    // one step of the future let through (j > i+1)
	finite     float64 // a large negative number instead of −∞ (0: −∞)
	mult       bool    // a 0/1 multiplicative mask: 1 allowed, 0 masked
	after      bool    // softmax over the whole row, then the future zeroed
	colSoftmax bool    // softmax down each column
	rowMax     bool    // the maximum of the whole row subtracted, masked entries included
	noMax      bool    // nothing subtracted
	noSum      bool    // backward: wᵢⱼ·gᵢⱼ, the Σ term forgotten
	noW        bool    // backward: gᵢⱼ − Σₖ wᵢₖ·gᵢₖ, the factor wᵢⱼ forgotten
}

// masked reports whether entry (i, j) is masked under v.
func (v cmVariant) masked(i, j int) bool {
	switch {
	case v.below:
		return j < i
	case v.diag:
		return j >= i
	case v.ahead:
		return j > i+1
	}
	return j > i
}

func cmMask(v cmVariant, T int) [][]float64 {
	out := make([][]float64, T)
	for i := range out {
		out[i] = make([]float64, T)
		for j := range out[i] {
			switch {
			case v.mult && v.masked(i, j):
				out[i][j] = 0
			case v.mult:
				out[i][j] = 1
			case v.masked(i, j) && v.finite != 0:
				out[i][j] = v.finite
			case v.masked(i, j):
				out[i][j] = math.Inf(-1)
			}
		}
	}
	return out
}

// cmSoftmax is the reference masked softmax (or a mistaken variant).
func cmSoftmax(v cmVariant, s [][]float64) [][]float64 {
	T := len(s)
	if v.colSoftmax {
		return cmTranspose(cmSoftmax(cmVariant{}, cmTranspose(s)))
	}
	out := make([][]float64, T)
	for i := range out {
		out[i] = make([]float64, T)
		allowed := func(j int) bool { return v.after || !v.masked(i, j) }
		m := math.Inf(-1)
		for j := range T {
			if allowed(j) || v.rowMax {
				m = math.Max(m, s[i][j])
			}
		}
		if v.noMax {
			m = 0
		}
		sum := 0.0
		for j := range T {
			if allowed(j) {
				out[i][j] = math.Exp(s[i][j] - m)
				sum += out[i][j]
			}
		}
		for j := range T {
			out[i][j] /= sum
			if v.after && v.masked(i, j) {
				out[i][j] = 0
			}
		}
	}
	return out
}

// cmBackward is the reference backward pass (or a mistaken variant).
func cmBackward(v cmVariant, w, g [][]float64) [][]float64 {
	out := make([][]float64, len(w))
	for i, row := range w {
		dot := 0.0
		for k, x := range row {
			dot += x * g[i][k]
		}
		if v.noSum {
			dot = 0
		}
		out[i] = make([]float64, len(row))
		for j, x := range row {
			if v.noW {
				x = 1
			}
			out[i][j] = x * (g[i][j] - dot)
		}
	}
	return out
}

func cmTranspose(m [][]float64) [][]float64 {
	out := make([][]float64, len(m[0]))
	for j := range out {
		out[j] = make([]float64, len(m))
		for i := range m {
			out[j][i] = m[i][j]
		}
	}
	return out
}

func flat(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

var cmMaskMistakes = []struct {
	hint string
	v    cmVariant
}{
	{"mask the future, not the past: entry (i, j) is −∞ where the key j comes after the query i (j > i, above the diagonal), 0 on and below it.", cmVariant{below: true}},
	{"leave the diagonal at 0: a position may attend to itself (j ≤ i is allowed); masking it leaves the first row with nothing to attend to.", cmVariant{diag: true}},
	{"mask every j > i, including j = i + 1: the very next character is the one being predicted, and seeing it is cheating.", cmVariant{ahead: true}},
	{"use −∞ (math.Inf(-1)), not a large negative number: e^(−∞) is exactly 0 whatever the scores, while −1e9 only underflows when the scores are small.", cmVariant{finite: -1e9}},
	{"this mask is added to the scores, not multiplied: 0 where allowed (adding 0 changes nothing) and −∞ where masked, not 1 and 0.", cmVariant{mult: true}},
}

var cmSoftmaxMistakes = []struct {
	hint string
	v    cmVariant
}{
	{"mask the future, not the past: row i may use the scores of columns j ≤ i.", cmVariant{below: true}},
	{"mask every j > i, including j = i + 1.", cmVariant{ahead: true}},
	{"mask before the softmax, not after: zeroing the future weights of a softmax over the whole row leaves a row that sums to less than 1 — the normalising sum must run over the allowed entries only.", cmVariant{after: true}},
	{"take the softmax along each row (over the keys j for one query i), not down each column.", cmVariant{colSoftmax: true}},
}

var cmBackwardMistakes = []struct {
	hint string
	v    cmVariant
}{
	{"the softmax couples a row: ∂L/∂sᵢⱼ = wᵢⱼ·(gᵢⱼ − Σₖ wᵢₖ·gᵢₖ); without the Σ term the gradient of each row does not sum to 0.", cmVariant{noSum: true}},
	{"multiply by wᵢⱼ: ∂L/∂sᵢⱼ = wᵢⱼ·(gᵢⱼ − Σₖ wᵢₖ·gᵢₖ). The factor is what makes the gradient of a masked score (w = 0) exactly 0.", cmVariant{noW: true}},
}

func causalmaskCases(impl CausalMaskImpl) []testCase {
	mask := funcOf("causalmask.CausalMask", impl.CausalMask)
	soft := funcOf("causalmask.MaskedSoftmax", impl.MaskedSoftmax)
	back := funcOf("causalmask.MaskedSoftmaxBackward", impl.MaskedSoftmaxBackward)
	rowNames := func(p string, n int) []string {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("%s[%d]", p, i)
		}
		return names
	}
	checkMask := func(c *ctx, T int) bool {
		var got [][]float64
		if !call(c, mask, func() { got = impl.CausalMask(T) }) {
			return false
		}
		var ms []mistake
		for _, m := range cmMaskMistakes {
			ms = append(ms, mistake{m.hint, flat(cmMask(m.v, T))})
		}
		return expect{fn: mask, what: fmt.Sprintf("CausalMask(%d)", T), at: "mask", tol: exactTol, mistakes: ms,
			hint: "a T×T matrix: 0 where j ≤ i, math.Inf(-1) where j > i."}.mat(c, got, cmMask(cmVariant{}, T))
	}
	checkSoft := func(c *ctx, s [][]float64) bool {
		keep := freeze(rowNames("scores", len(s)), s...)
		var got [][]float64
		if !call(c, soft, func() { got = impl.MaskedSoftmax(s) }) || !keep.verify(c, soft) {
			return false
		}
		var ms []mistake
		for _, m := range cmSoftmaxMistakes {
			ms = append(ms, mistake{m.hint, flat(cmSoftmax(m.v, s))})
		}
		return expect{fn: soft, what: "MaskedSoftmax(scores)", at: "weights", given: []string{"scores = " + matString(s)}, tol: exactTol,
			mistakes: ms,
			hint:     "for each row i: the softmax of sᵢ₀ … sᵢᵢ (their largest subtracted first), and exactly 0 for j > i.",
			nanHint: "subtract the largest *allowed* score of each row before exp: a masked score may be huge (e^1000 = +Inf) and the future's −∞ minus −∞ is NaN; " +
				"and leave the diagonal unmasked, or the first row has nothing to normalise (0/0)."}.mat(c, got, cmSoftmax(cmVariant{}, s))
	}
	checkBack := func(c *ctx, w, g [][]float64) bool {
		keep := freeze(append(rowNames("weights", len(w)), rowNames("grad", len(g))...), append(append([][]float64{}, w...), g...)...)
		var got [][]float64
		if !call(c, back, func() { got = impl.MaskedSoftmaxBackward(w, g) }) || !keep.verify(c, back) {
			return false
		}
		var ms []mistake
		for _, m := range cmBackwardMistakes {
			ms = append(ms, mistake{m.hint, flat(cmBackward(m.v, w, g))})
		}
		return expect{fn: back, what: "MaskedSoftmaxBackward(weights, grad)", at: "dScores",
			given: []string{"weights = " + matString(w), "grad = " + matString(g)}, tol: exactTol, mistakes: ms,
			hint: "∂L/∂sᵢⱼ = wᵢⱼ·(gᵢⱼ − Σₖ wᵢₖ·gᵢₖ), row by row."}.mat(c, got, cmBackward(cmVariant{}, w, g))
	}
	hand := [][]float64{{1, 5, -2}, {0.5, 2, 9}, {3, -1, 0}}
	huge := [][]float64{{0, 1000, 1e300}, {1000, 999, -1e300}, {-5, 2, 1}}
	return []testCase{
		{"CausalMask_small", func(c *ctx) { _ = checkMask(c, 1) && checkMask(c, 2) && checkMask(c, 4) }},
		{"MaskedSoftmax_hand_computed", func(c *ctx) { checkSoft(c, hand) }},
		{"MaskedSoftmax_first_row_is_one", func(c *ctx) {
			// Row 0 sees only itself: weight 1, whatever its score.
			checkSoft(c, [][]float64{{-30, 4}, {2, 2}})
		}},
		{"MaskedSoftmax_ignores_huge_masked_scores", func(c *ctx) { checkSoft(c, huge) }},
		{"MaskedSoftmax_random", func(c *ctx) {
			r := newRand(71)
			_ = checkSoft(c, randMat(r, 5, 5, -3, 3)) && checkSoft(c, randMat(r, 8, 8, -10, 10))
		}},
		{"MaskedSoftmaxBackward_hand_computed", func(c *ctx) {
			checkBack(c, cmSoftmax(cmVariant{}, hand), [][]float64{{1, 2, 3}, {-1, 0.5, 4}, {0.2, -0.3, 1}})
		}},
		{"MaskedSoftmaxBackward_vs_finite_differences", func(c *ctx) {
			r := newRand(72)
			s, g := randMat(r, 5, 5, -2, 2), randMat(r, 5, 5, -1, 1)
			var w, got [][]float64
			if !call(c, soft, func() { w = impl.MaskedSoftmax(s) }) ||
				!call(c, back, func() { got = impl.MaskedSoftmaxBackward(w, g) }) {
				return
			}
			// L = Σᵢⱼ gᵢⱼ·wᵢⱼ(s): its gradient in s, row by row, by central
			// differences of the learner's own MaskedSoftmax.
			fd := make([][]float64, len(s))
			ok := true
			for i := range s {
				ok = ok && call(c, soft, func() {
					fd[i] = centralDiff(func() float64 {
						l := 0.0
						for a, row := range impl.MaskedSoftmax(s) {
							for b, x := range row {
								l += g[a][b] * x
							}
						}
						return l
					}, s[i])
				})
			}
			if !ok {
				return
			}
			expect{fn: back, what: "MaskedSoftmaxBackward(MaskedSoftmax(scores), grad)", at: "dScores", tol: fdTol,
				given: []string{"scores = a seeded random 5×5 matrix, grad = a seeded random 5×5 matrix",
					"compared with central differences of Σ grad·MaskedSoftmax(scores)"},
				hint: "the gradient must match the slope of your own MaskedSoftmax; if MaskedSoftmax passes its checks, the backward formula is off."}.
				mat(c, got, fd)
		}},
		{"MaskedSoftmaxBackward_no_gradient_to_the_future", func(c *ctx) {
			r := newRand(73)
			s := randMat(r, 6, 6, -2, 2)
			checkBack(c, cmSoftmax(cmVariant{}, s), randMat(r, 6, 6, -1, 1))
		}},
	}
}
