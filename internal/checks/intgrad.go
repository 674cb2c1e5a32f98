package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// IntGradImpl holds the learner's functions of the intgrad exercise:
// integrated gradients (Sundararajan, Taly and Yan, 2017) of a tiny MLP
// given by its weights,
//
//	f(x) = w2·tanh(W1·x + b1) + b2
//
// with x of length D, W1 of H×D (row h holds the weights of hidden unit
// h), b1 and w2 of length H and b2 a number.
//
// Forward(W1, b1, w2, b2, x) is f(x).
//
// Gradient(W1, b1, w2, b2, x) is ∂f/∂x (length D):
// ∂f/∂xᵢ = Σ_h w2[h]·(1 − tanh²(z_h))·W1[h][i], z = W1·x + b1.
//
// IntegratedGradients(W1, b1, w2, b2, x, baseline, m) returns the
// attributions by the right Riemann sum with m steps, α_k = k/m for
// k = 1 … m,
//
//	attrᵢ = (xᵢ − x′ᵢ) · (1/m) Σ_{k=1..m} ∂f/∂xᵢ(x′ + α_k·(x − x′))
//
// (x′ the baseline), and the completeness gap
// gap = Σᵢ attrᵢ − (f(x) − f(x′)), which tends to 0 as m grows.
// No function changes its arguments.
type IntGradImpl struct {
	Forward             func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64
	Gradient            func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64
	IntegratedGradients func(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) (attr []float64, gap float64)
}

// IntGrad runs the checks of the intgrad exercise as sub-tests of t.
func IntGrad(t *testing.T, impl IntGradImpl) {
	t.Helper()
	report(t, intgradCases(impl))
}

// CheckIntGrad runs the same checks as IntGrad and returns the problems
// found; none means impl passes.
func CheckIntGrad(impl IntGradImpl) []Problem { return collect(intgradCases(impl)) }

// igModel is a tiny MLP and one input to explain.
type igModel struct {
	W1     [][]float64
	b1, w2 []float64
	b2     float64
	x, x0  []float64 // the input and the baseline
	name   string    // "" for a small case whose values the messages show
}

func (g igModel) f(x []float64) float64 {
	s := g.b2
	for h := range g.W1 {
		z := g.b1[h]
		for i, xi := range x {
			z += g.W1[h][i] * xi
		}
		s += g.w2[h] * math.Tanh(z)
	}
	return s
}

func (g igModel) grad(x []float64) []float64 {
	out := make([]float64, len(x))
	for h := range g.W1 {
		z := g.b1[h]
		for i, xi := range x {
			z += g.W1[h][i] * xi
		}
		t := math.Tanh(z)
		for i := range out {
			out[i] += g.w2[h] * (1 - t*t) * g.W1[h][i]
		}
	}
	return out
}

// igVariant is a known mistake of the attributions; the zero value is
// right.
type igVariant struct {
	left       bool // α_k = (k−1)/m
	midpoint   bool // α_k = (k−½)/m
	inclusive  bool // α_k = k/m for k = 0 … m, m+1 points, divided by m
	noDiff     bool // the (x − x′) factor forgotten
	gradAtX    bool // (x − x′)·∇f(x), no path
	gradInput  bool // x·∇f(x), gradient × input
	noBaseline bool // the baseline taken as 0
	noMean     bool // the sum over k not divided by m
}

func (g igModel) attr(v igVariant, m int) []float64 {
	D := len(g.x)
	x0 := g.x0
	if v.noBaseline {
		x0 = make([]float64, D)
	}
	diff := mapVec(g.x, x0, func(a, b float64) float64 { return a - b })
	switch {
	case v.gradAtX:
		return mapVec(diff, g.grad(g.x), func(d, gr float64) float64 { return d * gr })
	case v.gradInput:
		return mapVec(g.x, g.grad(g.x), func(d, gr float64) float64 { return d * gr })
	}
	first, last, shift := 1, m, 0.0
	switch {
	case v.left:
		first, last = 0, m-1
	case v.inclusive:
		first = 0
	case v.midpoint:
		shift = -0.5
	}
	sum := make([]float64, D)
	pt := make([]float64, D)
	for k := first; k <= last; k++ {
		a := (float64(k) + shift) / float64(m)
		for i := range pt {
			pt[i] = x0[i] + a*diff[i]
		}
		for i, gr := range g.grad(pt) {
			sum[i] += gr
		}
	}
	out := make([]float64, D)
	for i := range out {
		out[i] = sum[i] / float64(m)
		if v.noMean {
			out[i] = sum[i]
		}
		if !v.noDiff {
			out[i] *= diff[i]
		}
	}
	return out
}

// gapOf is Σ attr − (f(x) − f(x′)).
func (g igModel) gapOf(attr []float64) float64 {
	s := 0.0
	for _, a := range attr {
		s += a
	}
	return s - (g.f(g.x) - g.f(g.x0))
}

var igMistakes = []struct {
	hint string
	v    igVariant
}{
	{"this is the left Riemann sum, α_k = (k−1)/m; the exercise asks for the right one, α_k = k/m for k = 1 … m, which ends at the input itself (α = 1) and leaves out the baseline (α = 0).", igVariant{left: true}},
	{"multiply by (xᵢ − x′ᵢ): attrᵢ = (xᵢ − x′ᵢ)·(1/m)Σ_k ∂f/∂xᵢ(x′ + α_k(x − x′)); the average gradient alone is not an attribution, and without the factor completeness fails.", igVariant{noDiff: true}},
	{"these are gradient × input attributions, xᵢ·∂f/∂xᵢ(x), taken at x only: integrated gradients average the gradient along the straight path from the baseline x′ to x, at α_k = k/m, and multiply by (xᵢ − x′ᵢ).", igVariant{gradInput: true}},
	{"the gradient is taken at x only: average it over the m points x′ + (k/m)(x − x′), k = 1 … m, of the path from the baseline.", igVariant{gradAtX: true}},
	{"m+1 points α = 0, 1/m, …, 1 summed and divided by m count one point too many: the right Riemann sum uses k = 1 … m only.", igVariant{inclusive: true}},
	{"use the baseline: the path is x′ + α(x − x′) and the factor is (xᵢ − x′ᵢ); with the baseline taken as 0 the attributions explain f(x) − f(0) instead.", igVariant{noBaseline: true}},
	{"these are midpoints, α_k = (k−½)/m; the exercise asks for the right Riemann sum, α_k = k/m for k = 1 … m.", igVariant{midpoint: true}},
	{"average the gradients: divide the sum over the m points by m (each step of the Riemann sum has width 1/m).", igVariant{noMean: true}},
}

const igHint = "attrᵢ = (xᵢ − x′ᵢ)·(1/m)·Σ_{k=1..m} ∂f/∂xᵢ(x′ + (k/m)(x − x′)), with ∂f/∂x from your Gradient."

func (g igModel) given(withX0 bool, m int) []string {
	if g.name != "" {
		s := fmt.Sprintf("%s: D = %d inputs, H = %d hidden units", g.name, len(g.x), len(g.W1))
		if m > 0 {
			s += fmt.Sprintf(", m = %d", m)
		}
		return []string{s}
	}
	out := []string{"W1 = " + matString(g.W1), "b1 = " + vecString(g.b1), "w2 = " + vecString(g.w2), "b2 = " + num(g.b2), "x = " + vecString(g.x)}
	if withX0 {
		out = append(out, "baseline = "+vecString(g.x0), fmt.Sprintf("m = %d", m))
	}
	return out
}

func randomIG(r *rand.Rand, D, H int) igModel {
	return igModel{W1: randMat(r, H, D, -1.5, 1.5), b1: randVec(r, H, -0.5, 0.5), w2: randVec(r, H, -2, 2), b2: r.Float64() - 0.5,
		x: randVec(r, D, -1.5, 1.5), x0: randVec(r, D, -0.5, 0.5), name: "a seeded random model (the same every run)"}
}

// igHand: H = 2 hidden units, D = 3 inputs, a baseline that is not 0.
var igHand = igModel{
	W1: [][]float64{{1, -0.5, 0.25}, {0.5, 1, -1}},
	b1: []float64{0.1, -0.2},
	w2: []float64{1.5, -1},
	b2: 0.3,
	x:  []float64{1, 0.5, -1},
	x0: []float64{0.2, 0, 0.1},
}

func intgradCases(impl IntGradImpl) []testCase {
	fwd := funcOf("intgrad.Forward", impl.Forward)
	gradFn := funcOf("intgrad.Gradient", impl.Gradient)
	igFn := funcOf("intgrad.IntegratedGradients", impl.IntegratedGradients)
	r := newRand(26)
	random := []igModel{randomIG(r, 4, 3), randomIG(r, 2, 5), randomIG(r, 6, 4)}
	freezeModel := func(g igModel, withX0 bool) frozen {
		names, vecs := []string{"b1", "w2", "x"}, [][]float64{g.b1, g.w2, g.x}
		if withX0 {
			names, vecs = append(names, "baseline"), append(vecs, g.x0)
		}
		for h, row := range g.W1 {
			names, vecs = append(names, fmt.Sprintf("W1[%d]", h)), append(vecs, row)
		}
		return freeze(names, vecs...)
	}
	forward := func(c *ctx, g igModel, x []float64) bool {
		keep := freezeModel(g, false)
		var got float64
		if !call(c, fwd, func() { got = impl.Forward(g.W1, g.b1, g.w2, g.b2, x) }) || !keep.verify(c, fwd) {
			return false
		}
		return expect{fn: fwd, what: "Forward(W1, b1, w2, b2, x)", given: g.given(false, 0), tol: exactTol,
			mistakes: []mistake{{"add b2 at the end: f(x) = w2·tanh(W1·x + b1) + b2.", []float64{g.f(x) - g.b2}}},
			hint:     "f(x) = b2 + Σ_h w2[h]·tanh(b1[h] + Σ_i W1[h][i]·x[i])."}.scalar(c, got, g.f(x))
	}
	gradient := func(c *ctx, g igModel) bool {
		keep := freezeModel(g, false)
		var got []float64
		if !call(c, gradFn, func() { got = impl.Gradient(g.W1, g.b1, g.w2, g.b2, g.x) }) || !keep.verify(c, gradFn) {
			return false
		}
		noDeriv := make([]float64, len(g.x))
		for h := range g.W1 {
			for i := range noDeriv {
				noDeriv[i] += g.w2[h] * g.W1[h][i]
			}
		}
		return expect{fn: gradFn, what: "Gradient(W1, b1, w2, b2, x)", at: "grad", given: g.given(false, 0), tol: exactTol,
			mistakes: []mistake{{"multiply by tanh's derivative, 1 − tanh²(z_h), at z = W1·x + b1: ∂f/∂xᵢ = Σ_h w2[h]·(1 − tanh²(z_h))·W1[h][i].", noDeriv}},
			hint:     "∂f/∂xᵢ = Σ_h w2[h]·(1 − tanh²(z_h))·W1[h][i], z = W1·x + b1: one entry per input i, summed over the hidden units h."}.vec(c, got, g.grad(g.x))
	}
	integrated := func(c *ctx, g igModel, m int) ([]float64, float64, bool) {
		keep := freezeModel(g, true)
		var attr []float64
		var gap float64
		ok := call(c, igFn, func() { attr, gap = impl.IntegratedGradients(g.W1, g.b1, g.w2, g.b2, g.x, g.x0, m) }) && keep.verify(c, igFn)
		return attr, gap, ok
	}
	ig := func(c *ctx, g igModel, m int) bool {
		attr, gap, ok := integrated(c, g, m)
		if !ok {
			return false
		}
		var ms []mistake
		for _, mk := range igMistakes {
			ms = append(ms, mistake{mk.hint, g.attr(mk.v, m)})
		}
		want := g.attr(igVariant{}, m)
		if !(expect{fn: igFn, what: "attr", at: "attr", given: g.given(true, m), tol: exactTol, mistakes: ms, hint: igHint}).vec(c, attr, want) {
			return false
		}
		sum := 0.0
		for _, a := range want {
			sum += a
		}
		fx, f0 := g.f(g.x), g.f(g.x0)
		return expect{fn: igFn, what: "gap", given: append(g.given(true, m),
			fmt.Sprintf("Σ attr = %s, f(x) = %s, f(baseline) = %s", num(sum), num(fx), num(f0))), tol: exactTol,
			mistakes: []mistake{
				{"the gap is Σ attr − (f(x) − f(x′)), in that order: what the attributions add up to minus what they should add up to.", []float64{-g.gapOf(want)}},
				{"subtract f at the baseline too: gap = Σ attr − (f(x) − f(x′)).", []float64{sum - fx}},
				{"return the signed gap, Σ attr − (f(x) − f(x′)), not its absolute value.", []float64{math.Abs(g.gapOf(want))}},
			},
			hint: "gap = Σᵢ attrᵢ − (f(x) − f(x′)), with f(x′) the model at the baseline."}.scalar(c, gap, g.gapOf(want))
	}
	all := func(c *ctx, f func(*ctx, igModel) bool, gs ...igModel) {
		for _, g := range gs {
			if !f(c, g) {
				return
			}
		}
	}
	return []testCase{
		{"Forward_hand_computed", func(c *ctx) { _ = forward(c, igHand, igHand.x) && forward(c, igHand, igHand.x0) }},
		{"Gradient_hand_computed", func(c *ctx) { all(c, gradient, igHand) }},
		{"Gradient_random_models", func(c *ctx) { all(c, gradient, random...) }},
		{"Gradient_vs_finite_differences", func(c *ctx) {
			g := random[2]
			var got []float64
			if !call(c, gradFn, func() { got = impl.Gradient(g.W1, g.b1, g.w2, g.b2, g.x) }) {
				return
			}
			x := append([]float64(nil), g.x...)
			var fd []float64
			if !call(c, fwd, func() {
				fd = centralDiff(func() float64 { return impl.Forward(g.W1, g.b1, g.w2, g.b2, x) }, x)
			}) {
				return
			}
			expect{fn: gradFn, what: "Gradient(W1, b1, w2, b2, x) against the finite-difference slope of your Forward", at: "grad",
				given: g.given(false, 0), tol: fdTol,
				mistakes: []mistake{{"your Gradient is right; it is the slope of your Forward that is wrong: fix Forward first.", g.grad(g.x)}},
				hint:     "∂f/∂xᵢ = Σ_h w2[h]·(1 − tanh²(z_h))·W1[h][i]."}.vec(c, got, fd)
		}},
		{"IntegratedGradients_hand_computed", func(c *ctx) { _ = ig(c, igHand, 1) && ig(c, igHand, 2) && ig(c, igHand, 4) }},
		{"IntegratedGradients_right_Riemann_sum", func(c *ctx) {
			for _, g := range random {
				if !ig(c, g, 7) {
					return
				}
			}
		}},
		{"IntegratedGradients_completeness_as_m_grows", func(c *ctx) {
			g := random[0]
			steps := []int{1, 10, 100, 1000}
			var rows []string
			var gaps []float64
			for _, m := range steps {
				attr, gap, ok := integrated(c, g, m)
				if !ok {
					return
				}
				if len(attr) != len(g.x) {
					expect{fn: igFn, given: g.given(true, m)}.fail(c, fmt.Sprintf("attr has length %d, want %d (one per input).", len(attr), len(g.x)),
						"return one attribution per input feature: a new slice of len(x).")
					return
				}
				sum := 0.0
				for _, a := range attr {
					sum += a
				}
				own := sum - (g.f(g.x) - g.f(g.x0))
				if !exactTol.ok(gap, own) {
					expect{fn: igFn, given: g.given(true, m)}.fail(c,
						fmt.Sprintf("with m = %d the gap returned is %s, but your attributions sum to %s and f(x) − f(x′) = %s, a gap of %s.",
							m, num(gap), num(sum), num(g.f(g.x)-g.f(g.x0)), num(own)),
						"gap = Σᵢ attrᵢ − (f(x) − f(x′)), computed from the attributions you return.")
					return
				}
				gaps = append(gaps, gap)
				rows = append(rows, fmt.Sprintf("m = %d: gap %s", m, num(gap)))
			}
			// The right Riemann sum's error shrinks like 1/m: by 1000 the
			// gap must be a small share of what is being explained.
			whole := math.Abs(g.f(g.x) - g.f(g.x0))
			if last := math.Abs(gaps[len(gaps)-1]); !(last <= 0.01*whole) || !(last < math.Abs(gaps[1])) {
				var ms []mistake
				for _, mk := range igMistakes {
					ms = append(ms, mistake{mk.hint, g.attr(mk.v, 1000)})
				}
				attr, _, _ := integrated(c, g, 1000)
				hint := expect{mistakes: ms, tol: exactTol}.hintFor(igElems(attr, g.attr(igVariant{}, 1000)))
				if hint == "" {
					hint = "completeness: Σ attr → f(x) − f(x′) as m grows, " + igHint
				}
				expect{fn: igFn, given: g.given(true, 0)}.fail(c,
					fmt.Sprintf("the gap does not shrink towards 0 as m grows (f(x) − f(x′) = %s):\n  %s", num(g.f(g.x)-g.f(g.x0)), strings.Join(rows, "\n  ")),
					hint)
			}
		}},
	}
}

func igElems(got, want []float64) []elem {
	if len(got) != len(want) {
		return nil
	}
	es := make([]elem, len(want))
	for i := range want {
		es[i] = elem{fmt.Sprintf("[%d]", i), got[i], want[i]}
	}
	return es
}
