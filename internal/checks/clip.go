package checks

import (
	"fmt"
	"math"
	"testing"
)

// ClipImpl holds the learner's function of the clip exercise: gradient
// clipping by global norm, as torch.nn.utils.clip_grad_norm_.
//
// ClipGradNorm(grads, maxNorm) is given the gradients of several
// parameter tensors, each flattened into one []float64 (their lengths may
// differ), and returns them clipped together, with their total norm:
//
//	total = √(Σ over all tensors and elements of g²)
//	scale = maxNorm / (total + 1e-6)
//	clipped = grads·scale if scale < 1, else grads unchanged
//
// total is the norm before clipping. The result has the shape of grads;
// grads is not changed.
type ClipImpl struct {
	ClipGradNorm func(grads [][]float64, maxNorm float64) (clipped [][]float64, totalNorm float64)
}

// Clip runs the checks of the clip exercise as sub-tests of t.
func Clip(t *testing.T, impl ClipImpl) {
	t.Helper()
	report(t, clipCases(impl))
}

// CheckClip runs the same checks as Clip and returns the problems found;
// none means impl passes.
func CheckClip(impl ClipImpl) []Problem { return collect(clipCases(impl)) }

// clipVariant is a known mistake; the zero value is right.
type clipVariant struct {
	perTensor   bool // each tensor clipped by its own norm
	byValue     bool // each element clamped to [−maxNorm, maxNorm]
	always      bool // scaled by maxNorm/(total + 1e-6) even below the threshold
	noSqrt      bool // total = Σg²
	sumOfNorms  bool // total = Σ‖gᵢ‖
	noEps       bool // scale = maxNorm/total
	normAfter   bool // the norm returned is the one after clipping
	maxAbsTotal bool // total = max |g| (the ∞-norm)
}

const clipEps = 1e-6

func clipNorm(v clipVariant, gs [][]float64) float64 {
	sq, sumNorms, maxAbs := 0.0, 0.0, 0.0
	for _, g := range gs {
		s := 0.0
		for _, x := range g {
			s += x * x
			maxAbs = math.Max(maxAbs, math.Abs(x))
		}
		sq += s
		sumNorms += math.Sqrt(s)
	}
	switch {
	case v.noSqrt:
		return sq
	case v.sumOfNorms:
		return sumNorms
	case v.maxAbsTotal:
		return maxAbs
	}
	return math.Sqrt(sq)
}

// clipRun is the reference clip_grad_norm_ (or a mistaken one).
func clipRun(v clipVariant, gs [][]float64, maxNorm float64) ([][]float64, float64) {
	total := clipNorm(v, gs)
	out := make([][]float64, len(gs))
	scaleOf := func(norm float64) float64 {
		eps := clipEps
		if v.noEps {
			eps = 0
		}
		s := maxNorm / (norm + eps)
		if s >= 1 && !v.always {
			return 1
		}
		return s
	}
	scale := scaleOf(total)
	for i, g := range gs {
		out[i] = make([]float64, len(g))
		s := scale
		if v.perTensor {
			s = scaleOf(clipNorm(clipVariant{}, [][]float64{g}))
		}
		for j, x := range g {
			if v.byValue {
				out[i][j] = math.Max(-maxNorm, math.Min(maxNorm, x))
			} else {
				out[i][j] = x * s
			}
		}
	}
	if v.normAfter {
		total = clipNorm(clipVariant{}, out)
	}
	return out, total
}

var clipMistakes = []struct {
	hint string
	v    clipVariant
}{
	{"the gradients are clipped tensor by tensor: clipping by global norm computes one norm over all the tensors together, " +
		"√(Σ over every tensor of Σg²), and scales every tensor by the same factor, so their directions relative to each other are kept.",
		clipVariant{perTensor: true}},
	{"that is clipping by value (each element clamped to [−maxNorm, maxNorm], tf.clip_by_value): clipping by norm scales " +
		"all the gradients by maxNorm/(total + 1e-6), which keeps their direction.", clipVariant{byValue: true}},
	{"scale only when the norm is too large: if maxNorm/(total + 1e-6) ≥ 1, return the gradients unchanged (clipping never makes a gradient larger).",
		clipVariant{always: true}},
	{"the norm is the square root of the sum of squares: √(Σg²), not Σg².", clipVariant{noSqrt: true}},
	{"the global norm is √(Σ over all tensors of Σg²), not the sum of the tensors' norms Σ‖gᵢ‖.", clipVariant{sumOfNorms: true}},
	{"the global norm is the 2-norm √(Σg²), not the largest |g|.", clipVariant{maxAbsTotal: true}},
	{"PyTorch adds 1e-6 to the norm before dividing: scale = maxNorm/(total + 1e-6).", clipVariant{noEps: true}},
	{"return the total norm before clipping (what clip_grad_norm_ returns, and what you would log to watch gradients explode), " +
		"not the norm of the clipped gradients.", clipVariant{normAfter: true}},
}

// clipGiven describes the inputs for messages.
func clipGiven(gs [][]float64, maxNorm float64) []string {
	g := []string{fmt.Sprintf("maxNorm = %g", maxNorm)}
	for i, t := range gs {
		if i == 4 {
			g = append(g, fmt.Sprintf("… and %d more tensors", len(gs)-4))
			break
		}
		g = append(g, fmt.Sprintf("grads[%d] = %s", i, vecString(t)))
	}
	return g
}

// clipRagged compares a list of vectors of different lengths.
func (e expect) clipRagged(c *ctx, got, want [][]float64) bool {
	if len(got) != len(want) {
		e.fail(c, fmt.Sprintf("%s has %d tensors, want %d (one per tensor of grads).", e.what, len(got), len(want)),
			"return one clipped slice per gradient tensor, in the same order.")
		return false
	}
	var es []elem
	for i := range want {
		if len(got[i]) != len(want[i]) {
			e.fail(c, fmt.Sprintf("%s[%d] has length %d, want %d (the length of grads[%d]).", e.what, i, len(got[i]), len(want[i]), i),
				"each clipped tensor has the shape of its gradient.")
			return false
		}
		for j := range want[i] {
			es = append(es, elem{fmt.Sprintf("[%d][%d]", i, j), got[i][j], want[i][j]})
		}
	}
	return e.elems(c, es)
}

func clipFlat(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

func clipCases(impl ClipImpl) []testCase {
	fn := funcOf("clip.ClipGradNorm", impl.ClipGradNorm)
	check := func(c *ctx, gs [][]float64, maxNorm float64) bool {
		names := make([]string, len(gs))
		for i := range gs {
			names[i] = fmt.Sprintf("grads[%d]", i)
		}
		keep := freeze(names, gs...)
		var got [][]float64
		var total float64
		if !call(c, fn, func() { got, total = impl.ClipGradNorm(gs, maxNorm) }) || !keep.verify(c, fn) {
			return false
		}
		want, wantTotal := clipRun(clipVariant{}, gs, maxNorm)
		var nm, cm []mistake
		for _, m := range clipMistakes {
			mc, mt := clipRun(m.v, gs, maxNorm)
			nm = append(nm, mistake{m.hint, []float64{mt}})
			cm = append(cm, mistake{m.hint, clipFlat(mc)})
		}
		given := clipGiven(gs, maxNorm)
		en := expect{fn: fn, what: "ClipGradNorm's 2nd result (the total norm)", given: given, tol: exactTol, mistakes: nm,
			hint: "the total norm is √(Σ over all tensors and elements of g²), taken before clipping."}
		if !en.scalar(c, total, wantTotal) {
			return false
		}
		ec := expect{fn: fn, what: "ClipGradNorm's 1st result (the clipped gradients)", at: "clipped", given: given,
			tol: exactTol, mistakes: cm,
			hint: fmt.Sprintf("the total norm is %s and maxNorm %g: scale = maxNorm/(total + 1e-6) = %s; multiply every element "+
				"of every tensor by it if it is below 1, else return the gradients unchanged.",
				num(wantTotal), maxNorm, num(maxNorm/(wantTotal+clipEps))),
			nanHint: "a NaN comes from 0/0: with all gradients zero the norm is 0, the scale is maxNorm/1e-6 ≥ 1 and nothing is scaled."}
		return ec.clipRagged(c, got, want)
	}
	r := newRand(31)
	randomGrads := func(lens []int, lo, hi float64) [][]float64 {
		var gs [][]float64
		for _, n := range lens {
			gs = append(gs, randVec(r, n, lo, hi))
		}
		return gs
	}
	big := randomGrads([]int{6, 3, 1, 4}, -2, 2)
	small := randomGrads([]int{4, 2, 5}, -0.1, 0.1)
	return []testCase{
		{"hand_computed", func(c *ctx) {
			// One norm over both tensors: √(3² + 4²) = 5, so both are
			// scaled by 1/(5 + 1e-6), though the first alone has norm 3.
			if check(c, [][]float64{{3, 0}, {4}}, 1) {
				check(c, [][]float64{{0.3, 0}, {0.4}}, 1) // norm 0.5 < 1: unchanged
			}
		}},
		{"above_the_threshold", func(c *ctx) { check(c, big, 1.5) }},
		{"below_the_threshold", func(c *ctx) {
			// The norm is about 0.2: nothing is scaled, whatever maxNorm.
			check(c, small, 5)
		}},
		{"small_norm_clipped", func(c *ctx) {
			// A small norm and a smaller maxNorm: the 1e-6 counts.
			check(c, small, 0.05)
		}},
		{"one_tensor_much_larger", func(c *ctx) {
			// The first tensor dominates the norm; the others are
			// scaled down with it, though their own norms are small.
			check(c, [][]float64{{30, -40, 0}, {0.5, 0.2}, {-0.1}}, 5)
		}},
		{"zero_gradients", func(c *ctx) {
			check(c, [][]float64{{0, 0, 0}, {0}}, 1)
		}},
	}
}
