package checks

import (
	"fmt"
	"math"
	"testing"
)

// GANImpl holds the learner's functions of the gan exercise. All four
// work from the discriminator's logits l (D(x) = σ(l)) and must be finite
// for any finite logits, ±1000 included.
//
// DiscriminatorLoss(real, fake) is the sum of two means: the binary
// cross-entropy of the real logits against label 1 and of the fake logits
// against label 0,
//
//	L_D = (1/n_r)·Σᵢ −log σ(realᵢ) + (1/n_f)·Σⱼ −log(1 − σ(fakeⱼ)),
//
// computed stably as −log σ(l) = softplus(−l), −log(1 − σ(l)) =
// softplus(l), softplus(x) = max(x, 0) + log(1 + e^(−|x|)).
// GeneratorLoss(fake) is the non-saturating loss
// L_G = (1/n)·Σⱼ −log σ(fakeⱼ). DiscriminatorGrad returns ∂L_D/∂real,
// (σ(realᵢ) − 1)/n_r, and ∂L_D/∂fake, σ(fakeⱼ)/n_f, in new slices;
// GeneratorGrad returns ∂L_G/∂fake, (σ(fakeⱼ) − 1)/n. Every slice has at
// least one element; the two of the discriminator may differ in length.
// No function changes its arguments.
type GANImpl struct {
	DiscriminatorLoss func(realLogits, fakeLogits []float64) float64
	GeneratorLoss     func(fakeLogits []float64) float64
	DiscriminatorGrad func(realLogits, fakeLogits []float64) (dReal, dFake []float64)
	GeneratorGrad     func(fakeLogits []float64) []float64
}

// GAN runs the checks of the gan exercise as sub-tests of t.
func GAN(t *testing.T, impl GANImpl) {
	t.Helper()
	report(t, ganCases(impl))
}

// CheckGAN runs the same checks as GAN and returns the problems found;
// none means impl passes.
func CheckGAN(impl GANImpl) []Problem { return collect(ganCases(impl)) }

// softplus is log(1 + eˣ), finite for any finite x.
func softplus(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

// meanOf is the mean of f over v.
func meanOf(v []float64, f func(float64) float64) float64 {
	s := 0.0
	for _, x := range v {
		s += f(x)
	}
	return s / float64(len(v))
}

func neg(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 { return f(-x) }
}

func ganDLoss(real, fake []float64) float64 {
	return meanOf(real, neg(softplus)) + meanOf(fake, softplus)
}

func ganGLoss(fake []float64) float64 { return meanOf(fake, neg(softplus)) }

// scaled returns f(vᵢ)/n for each element of v, n = len(v).
func scaled(v []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f(x) / float64(len(v))
	}
	return out
}

func ganDGrad(real, fake []float64) (dReal, dFake []float64) {
	return scaled(real, func(l float64) float64 { return sigmoid(l) - 1 }), scaled(fake, sigmoid)
}

func ganGGrad(fake []float64) []float64 {
	return scaled(fake, func(l float64) float64 { return sigmoid(l) - 1 })
}

func ganGiven(real, fake []float64) []string {
	var g []string
	if real != nil {
		g = append(g, "realLogits = "+vecString(real))
	}
	return append(g, "fakeLogits = "+vecString(fake))
}

// dLossMistakes are the usual wrong discriminator losses.
func dLossMistakes(real, fake []float64) []mistake {
	a, b := meanOf(real, neg(softplus)), meanOf(fake, softplus)
	nr, nf := float64(len(real)), float64(len(fake))
	log10 := func(x float64) float64 { return softplus(x) / math.Ln10 }
	return []mistake{
		{"the labels are swapped: real logits take label 1 (−log σ(l)), fake logits label 0 (−log(1 − σ(l))).",
			[]float64{meanOf(real, softplus) + meanOf(fake, neg(softplus))}},
		{"L_D is the sum of the two means, not their average: each half is already a mean over its batch.", []float64{(a + b) / 2}},
		{"take each half's mean over its own batch: Σ over the real logits / n_real + Σ over the fake logits / n_fake.",
			[]float64{(a*nr + b*nf) / (nr + nf)}},
		{"divide each half by its batch size: both halves are means.", []float64{a*nr + b*nf}},
		{"a cross-entropy is ≥ 0: −log σ(l) for real logits, −log(1 − σ(l)) for fake ones; check the sign.", []float64{-(a + b)}},
		{"the fake half is missing: add −mean log(1 − σ(fake)).", []float64{a}},
		{"the real half is missing: add −mean log σ(real).", []float64{b}},
		{"use the natural log, math.Log (or math.Log1p), not math.Log10.", []float64{meanOf(real, neg(log10)) + meanOf(fake, log10)}},
	}
}

// gLossMistakes are the usual wrong generator losses.
func gLossMistakes(fake []float64) []mistake {
	n := float64(len(fake))
	ns := meanOf(fake, neg(softplus))
	return []mistake{
		{"that is the saturating loss mean log(1 − σ(l)) of the original minimax game; the exercise asks for the non-saturating −mean log σ(l).",
			[]float64{-meanOf(fake, softplus)}},
		{"that is the fake half of D's loss (label 0); G wants D to say real, so its loss uses label 1: −mean log σ(l).",
			[]float64{meanOf(fake, softplus)}},
		{"the loss is −mean log σ(l), which is ≥ 0: check the sign.", []float64{-ns}},
		{"divide by the batch size n: the loss is a mean.", []float64{ns * n}},
	}
}

// dGradMistakes are the usual wrong gradients of L_D, flattened as dReal
// then dFake.
func dGradMistakes(real, fake []float64) []mistake {
	nr, nf := float64(len(real)), float64(len(fake))
	cat := func(r, f func(float64) float64, kr, kf float64) []float64 {
		var out []float64
		for _, l := range real {
			out = append(out, r(l)*kr)
		}
		for _, l := range fake {
			out = append(out, f(l)*kf)
		}
		return out
	}
	right := func(l float64) float64 { return sigmoid(l) - 1 }
	prime := func(f func(float64) float64) func(float64) float64 {
		return func(l float64) float64 { return f(l) * sigmoid(l) * (1 - sigmoid(l)) }
	}
	return []mistake{
		{"the labels are swapped: dReal = (σ(l) − 1)/n_real (label 1), dFake = σ(l)/n_fake (label 0).",
			cat(sigmoid, right, 1/nr, 1/nf)},
		{"the sign is flipped: the gradient of a cross-entropy in the logit is σ(l) − label, so dReal ≤ 0 and dFake ≥ 0.",
			cat(right, sigmoid, -1/nr, -1/nf)},
		{"divide by the batch size: dReal by n_real, dFake by n_fake (each half of L_D is a mean).", cat(right, sigmoid, 1, 1)},
		{"L_D is the sum of the two means, not their average: no extra ½.", cat(right, sigmoid, 0.5/nr, 0.5/nf)},
		{"divide each half by its own batch size, not by n_real + n_fake.", cat(right, sigmoid, 1/(nr+nf), 1/(nr+nf))},
		{"no extra σ'(l) = σ(1 − σ) factor: it cancels against the cross-entropy's 1/(σ(1 − σ)), leaving σ(l) − label.",
			cat(prime(right), prime(sigmoid), 1/nr, 1/nf)},
		{"apply the sigmoid: the gradient is (σ(l) − label)/n, not (l − label)/n.",
			cat(func(l float64) float64 { return l - 1 }, func(l float64) float64 { return l }, 1/nr, 1/nf)},
	}
}

// gGradMistakes are the usual wrong gradients of L_G.
func gGradMistakes(fake []float64) []mistake {
	n := float64(len(fake))
	f := func(g func(s, l float64) float64) []float64 {
		out := make([]float64, len(fake))
		for i, l := range fake {
			out[i] = g(sigmoid(l), l)
		}
		return out
	}
	return []mistake{
		{"that is the gradient of the saturating loss mean log(1 − σ(l)), −σ(l)/n, which vanishes where D is sure (σ → 0); the non-saturating loss gives (σ(l) − 1)/n.",
			f(func(s, _ float64) float64 { return -s / n })},
		{"that is the gradient for label 0 (D's fake half); G's loss uses label 1: (σ(l) − 1)/n.", f(func(s, _ float64) float64 { return s / n })},
		{"the sign is flipped: ∂/∂l of −log σ(l) is σ(l) − 1, negative: raising the logit lowers G's loss.",
			f(func(s, _ float64) float64 { return (1 - s) / n })},
		{"divide by the batch size n: the loss is a mean.", f(func(s, _ float64) float64 { return s - 1 })},
		{"no extra σ'(l) factor: ∂/∂l of −log σ(l) is σ(l) − 1.", f(func(s, _ float64) float64 { return (s - 1) * s * (1 - s) / n })},
		{"apply the sigmoid: the gradient is (σ(l) − 1)/n, not (l − 1)/n.", f(func(_, l float64) float64 { return (l - 1) / n })},
	}
}

// pair compares the two slices of DiscriminatorGrad as one list of
// elements, dReal[i] then dFake[j], after checking both lengths.
func (e expect) pair(c *ctx, gotR, gotF, wantR, wantF []float64) bool {
	var es []elem
	for _, s := range []struct {
		name      string
		got, want []float64
	}{{"dReal", gotR, wantR}, {"dFake", gotF, wantF}} {
		if len(s.got) != len(s.want) {
			e.fail(c, fmt.Sprintf("%s has length %d, want %d.", s.name, len(s.got), len(s.want)),
				"return new slices as long as the logits: dReal like realLogits, dFake like fakeLogits.")
			return false
		}
		for i := range s.want {
			es = append(es, elem{fmt.Sprintf("%s[%d]", s.name, i), s.got[i], s.want[i]})
		}
	}
	return e.elems(c, es)
}

// ganStableHint is the advice for a loss that overflows at large logits.
const ganStableHint = "compute −log σ(l) as softplus(−l) and −log(1 − σ(l)) as softplus(l), with " +
	"softplus(x) = max(x, 0) + math.Log1p(math.Exp(−|x|)): the exponent is never positive, so nothing overflows and no log sees 0."

// ganGradStableHint is the advice for a gradient that overflows.
const ganGradStableHint = "use a sigmoid that is stable for any l (1/(1 + e^(−l)) for l ≥ 0, e^l/(1 + e^l) for l < 0) " +
	"and the simplified forms σ(l) − 1 and σ(l); do not go through 1/σ or 1/(1 − σ)."

func ganCases(impl GANImpl) []testCase {
	dLoss := funcOf("gan.DiscriminatorLoss", impl.DiscriminatorLoss)
	gLoss := funcOf("gan.GeneratorLoss", impl.GeneratorLoss)
	dGrad := funcOf("gan.DiscriminatorGrad", impl.DiscriminatorGrad)
	gGrad := funcOf("gan.GeneratorGrad", impl.GeneratorGrad)
	ln3 := math.Log(3)
	r := newRand(11)
	randReal, randFake := randVec(r, 5, -4, 4), randVec(r, 3, -4, 4)
	large := [][2][]float64{{{1000, -40, 800}, {-1000, 40}}, {{-1000}, {1000}}, {{1000}, {-1000}}}

	dLossOf := func(c *ctx, real, fake []float64) (float64, bool) {
		keep := freeze([]string{"realLogits", "fakeLogits"}, real, fake)
		var got float64
		return got, call(c, dLoss, func() { got = impl.DiscriminatorLoss(real, fake) }) && keep.verify(c, dLoss)
	}
	gLossOf := func(c *ctx, fake []float64) (float64, bool) {
		keep := freeze([]string{"fakeLogits"}, fake)
		var got float64
		return got, call(c, gLoss, func() { got = impl.GeneratorLoss(fake) }) && keep.verify(c, gLoss)
	}
	dGradOf := func(c *ctx, real, fake []float64) (gr, gf []float64, ok bool) {
		keep := freeze([]string{"realLogits", "fakeLogits"}, real, fake)
		return gr, gf, call(c, dGrad, func() { gr, gf = impl.DiscriminatorGrad(real, fake) }) && keep.verify(c, dGrad)
	}
	gGradOf := func(c *ctx, fake []float64) ([]float64, bool) {
		keep := freeze([]string{"fakeLogits"}, fake)
		var got []float64
		return got, call(c, gGrad, func() { got = impl.GeneratorGrad(fake) }) && keep.verify(c, gGrad)
	}
	const (
		dLossHint = "L_D = −mean log σ(real) − mean log(1 − σ(fake)): the cross-entropy of real logits with label 1 plus that of fake logits with label 0."
		gLossHint = "L_G = −mean log σ(fake), the non-saturating generator loss."
		dGradHint = "∂L_D/∂realᵢ = (σ(realᵢ) − 1)/n_real and ∂L_D/∂fakeⱼ = σ(fakeⱼ)/n_fake."
		gGradHint = "∂L_G/∂fakeⱼ = (σ(fakeⱼ) − 1)/n."
	)
	checkDLoss := func(c *ctx, real, fake []float64) bool {
		got, ok := dLossOf(c, real, fake)
		e := expect{fn: dLoss, what: "DiscriminatorLoss(realLogits, fakeLogits)", given: ganGiven(real, fake), tol: exactTol,
			mistakes: dLossMistakes(real, fake), hint: dLossHint, nanHint: ganStableHint}
		return ok && e.scalar(c, got, ganDLoss(real, fake))
	}
	checkGLoss := func(c *ctx, fake []float64) bool {
		got, ok := gLossOf(c, fake)
		e := expect{fn: gLoss, what: "GeneratorLoss(fakeLogits)", given: ganGiven(nil, fake), tol: exactTol,
			mistakes: gLossMistakes(fake), hint: gLossHint, nanHint: ganStableHint}
		return ok && e.scalar(c, got, ganGLoss(fake))
	}
	checkDGrad := func(c *ctx, real, fake []float64, hint string) bool {
		gr, gf, ok := dGradOf(c, real, fake)
		wr, wf := ganDGrad(real, fake)
		e := expect{fn: dGrad, what: "DiscriminatorGrad(realLogits, fakeLogits)", given: ganGiven(real, fake), tol: exactTol,
			mistakes: dGradMistakes(real, fake), hint: hint, nanHint: ganGradStableHint}
		return ok && e.pair(c, gr, gf, wr, wf)
	}
	checkGGrad := func(c *ctx, fake []float64, hint string) bool {
		got, ok := gGradOf(c, fake)
		e := expect{fn: gGrad, what: "GeneratorGrad(fakeLogits)", given: ganGiven(nil, fake), tol: exactTol,
			mistakes: gGradMistakes(fake), hint: hint, nanHint: ganGradStableHint}
		return ok && e.vec(c, got, ganGGrad(fake))
	}

	return []testCase{
		{"DiscriminatorLoss_hand_computed", func(c *ctx) {
			// Unequal batches first, so that a mean over all logits shows.
			// [0] [0]: D says ½ to both, L_D = 2 ln 2; at ln 3 and −ln 3,
			// σ = ¾ and ¼, each costing ln(4/3).
			for _, h := range [][2][]float64{{{0, ln3}, {0}}, {{0}, {0}}, {{ln3, 0}, {-ln3, 0}}, {{2, -0.5, 1}, {-1, 0.5}}} {
				if !checkDLoss(c, h[0], h[1]) {
					return
				}
			}
		}},
		{"DiscriminatorLoss_large_logits", func(c *ctx) {
			for _, h := range large {
				if !checkDLoss(c, h[0], h[1]) {
					return
				}
			}
		}},
		{"DiscriminatorLoss_random_inputs", func(c *ctx) { checkDLoss(c, randReal, randFake) }},
		{"GeneratorLoss_hand_computed", func(c *ctx) {
			for _, fake := range [][]float64{{2, -0.5, 1, -3}, {0}, {ln3, 0}} {
				if !checkGLoss(c, fake) {
					return
				}
			}
		}},
		{"GeneratorLoss_large_logits", func(c *ctx) {
			for _, fake := range [][]float64{{-1000, 1000, -40}, {1000}, {-800, 40}} {
				if !checkGLoss(c, fake) {
					return
				}
			}
		}},
		{"DiscriminatorGrad_hand_computed", func(c *ctx) {
			checkDGrad(c, []float64{0, ln3, -2}, []float64{0, -ln3}, dGradHint)
		}},
		{"DiscriminatorGrad_large_logits", func(c *ctx) {
			checkDGrad(c, []float64{1000, -1000, 40}, []float64{-1000, 1000}, ganGradStableHint)
		}},
		{"DiscriminatorGrad_vs_finite_differences", func(c *ctx) {
			real, fake := append([]float64(nil), randReal...), append([]float64(nil), randFake...)
			gr, gf, ok := dGradOf(c, real, fake)
			if !ok {
				return
			}
			var fr, ff []float64
			loss := func() float64 { return impl.DiscriminatorLoss(real, fake) }
			if !call(c, dLoss, func() { fr, ff = centralDiff(loss, real), centralDiff(loss, fake) }) {
				return
			}
			wr, wf := ganDGrad(real, fake)
			right := mistake{"your DiscriminatorGrad is right; the slope of your DiscriminatorLoss is not: fix the loss first.",
				append(append([]float64(nil), wr...), wf...)}
			e := expect{fn: dGrad, what: "DiscriminatorGrad against the slope of your DiscriminatorLoss",
				given: ganGiven(real, fake), tol: fdTol, mistakes: append([]mistake{right}, dGradMistakes(real, fake)...), hint: dGradHint}
			e.pair(c, gr, gf, fr, ff)
		}},
		{"GeneratorGrad_hand_computed", func(c *ctx) { checkGGrad(c, []float64{0, ln3, -2}, gGradHint) }},
		{"GeneratorGrad_large_logits", func(c *ctx) { checkGGrad(c, []float64{-1000, 1000, -40, 40}, ganGradStableHint) }},
		{"GeneratorGrad_vs_finite_differences", func(c *ctx) {
			fake := append([]float64(nil), randFake...)
			got, ok := gGradOf(c, fake)
			if !ok {
				return
			}
			var fd []float64
			if !call(c, gLoss, func() { fd = centralDiff(func() float64 { return impl.GeneratorLoss(fake) }, fake) }) {
				return
			}
			right := mistake{"your GeneratorGrad is right; the slope of your GeneratorLoss is not: fix the loss first.", ganGGrad(fake)}
			e := expect{fn: gGrad, what: "GeneratorGrad against the slope of your GeneratorLoss", given: ganGiven(nil, fake),
				tol: fdTol, mistakes: append([]mistake{right}, gGradMistakes(fake)...), hint: gGradHint}
			e.vec(c, got, fd)
		}},
	}
}
