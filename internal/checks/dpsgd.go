package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// DPSGDImpl holds the learner's function of the dpsgd exercise: one step
// of differentially private SGD (Abadi et al., 2016).
//
// Step(w, grads, C, sigma, lr, z) is given the weights w (p), the
// per-example gradients grads (n×p, one example per row), the clipping
// norm C > 0, the noise multiplier sigma ≥ 0, the learning rate lr and a
// standard normal draw z (p), passed in so that the step is checkable:
//
//	ḡᵢ = gᵢ · min(1, C/‖gᵢ‖₂)         each example clipped on its own (a zero gᵢ stays 0)
//	g̃  = (Σᵢ ḡᵢ + sigma·C·z) / n       the noisy mean gradient
//	newW = w − lr·g̃
//
// It returns newW and g̃, both new slices of length p; no argument is
// changed.
type DPSGDImpl struct {
	Step func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) (newW, noisyGrad []float64)
}

// DPSGD runs the checks of the dpsgd exercise as sub-tests of t.
func DPSGD(t *testing.T, impl DPSGDImpl) {
	t.Helper()
	report(t, dpsgdCases(impl))
}

// CheckDPSGD runs the same checks as DPSGD and returns the problems found;
// none means impl passes.
func CheckDPSGD(impl DPSGDImpl) []Problem { return collect(dpsgdCases(impl)) }

// dpVariant is a known mistake; the zero value is right.
type dpVariant struct {
	clipSum     bool // the sum of the gradients clipped, not each one
	clipMean    bool // the mean clipped, then the noise added (over n)
	byValue     bool // each element clamped to [−C, C]
	noClip      bool
	normalise   bool // every gradient scaled to norm C, small ones up
	noiseNoC    bool // noise σ·z
	noiseOverN2 bool // noise divided by n twice
	noiseNotN   bool // noise not divided by n
	noMean      bool // nothing divided by n
}

// dpCase is one step's inputs.
type dpCase struct {
	w            []float64
	grads        [][]float64
	C, sigma, lr float64
	z            []float64
	name         string // "" for a small case whose values the messages show
}

func dpClipped(g []float64, C float64, byValue, normalise bool) []float64 {
	out := make([]float64, len(g))
	if byValue {
		for j, x := range g {
			out[j] = math.Max(-C, math.Min(C, x))
		}
		return out
	}
	s := 0.0
	for _, x := range g {
		s += x * x
	}
	scale := 1.0
	if norm := math.Sqrt(s); norm > 0 && (norm > C || normalise) {
		scale = C / norm
	}
	for j, x := range g {
		out[j] = x * scale
	}
	return out
}

// dpRun is the reference step (or a mistaken one): the noisy mean gradient.
func dpRun(v dpVariant, k dpCase) []float64 {
	n, p := float64(len(k.grads)), len(k.w)
	sum := make([]float64, p)
	for _, g := range k.grads {
		if !v.noClip && !v.clipSum && !v.clipMean {
			g = dpClipped(g, k.C, v.byValue, v.normalise)
		}
		for j, x := range g {
			sum[j] += x
		}
	}
	switch {
	case v.clipSum:
		sum = dpClipped(sum, k.C, false, false)
	case v.clipMean:
		for j := range sum {
			sum[j] /= n
		}
		sum = dpClipped(sum, k.C, false, false)
		for j := range sum {
			sum[j] *= n
		}
	}
	noise := k.sigma * k.C
	switch {
	case v.noiseNoC:
		noise = k.sigma
	case v.noiseOverN2:
		noise /= n
	case v.noiseNotN:
		noise *= n
	}
	div := n
	if v.noMean {
		div = 1
	}
	out := make([]float64, p)
	for j := range out {
		out[j] = (sum[j] + noise*k.z[j]) / div
	}
	return out
}

// dpStep returns w − lr·g.
func dpStep(w, g []float64, lr float64) []float64 {
	return mapVec(w, g, func(x, y float64) float64 { return x - lr*y })
}

var dpMistakes = []struct {
	hint string
	v    dpVariant
}{
	{"clip each example's gradient on its own, before the sum: ḡᵢ = gᵢ·min(1, C/‖gᵢ‖). Clipping the sum bounds nothing about any one example, and that bound is what the privacy guarantee rests on.", dpVariant{clipSum: true}},
	{"clip each example's gradient to norm C: ḡᵢ = gᵢ·min(1, C/‖gᵢ‖₂). Without it one example can move the weights arbitrarily far, and the noise σ·C no longer hides it.", dpVariant{noClip: true}},
	{"clip each example's gradient before averaging: the mean of clipped gradients, not the clipped mean; one example's influence is bounded only if its own gradient is clipped.", dpVariant{clipMean: true}},
	{"clip by the L2 norm of the whole example gradient, gᵢ·min(1, C/‖gᵢ‖₂), which keeps its direction; clamping each element to [−C, C] (clipping by value) does not bound the norm by C.", dpVariant{byValue: true}},
	{"min(1, C/‖gᵢ‖): a gradient already shorter than C stays as it is; only longer ones are scaled down to norm C.", dpVariant{normalise: true}},
	{"the noise's standard deviation is σ·C, the noise multiplier times the clipping norm (the sensitivity of the sum): add σ·C·z, not σ·z.", dpVariant{noiseNoC: true}},
	{"divide by n once, after adding the noise to the sum: g̃ = (Σ ḡᵢ + σ·C·z)/n. The noise here is divided by n twice.", dpVariant{noiseOverN2: true}},
	{"the noise is added to the sum and divided by n with it: g̃ = (Σ ḡᵢ + σ·C·z)/n. Added after the mean, it is n times too large.", dpVariant{noiseNotN: true}},
	{"divide by the batch size n: g̃ = (Σ ḡᵢ + σ·C·z)/n, the noisy mean, not the noisy sum.", dpVariant{noMean: true}},
}

const dpHint = "ḡᵢ = gᵢ·min(1, C/‖gᵢ‖₂) for each example; g̃ = (Σᵢ ḡᵢ + σ·C·z)/n; newW = w − lr·g̃."

func (k dpCase) given() []string {
	if k.name != "" {
		return []string{fmt.Sprintf("%s: n = %d examples, p = %d weights, C = %s, sigma = %s, lr = %s",
			k.name, len(k.grads), len(k.w), num(k.C), num(k.sigma), num(k.lr))}
	}
	return []string{"w = " + vecString(k.w), "grads = " + matString(k.grads),
		fmt.Sprintf("C = %s, sigma = %s, lr = %s", num(k.C), num(k.sigma), num(k.lr)), "z = " + vecString(k.z)}
}

func randomDP(r *rand.Rand, n, p int, C, sigma float64) dpCase {
	k := dpCase{w: randVec(r, p, -1, 1), C: C, sigma: sigma, lr: 0.1, z: make([]float64, p),
		name: "a seeded random batch (the same every run)"}
	for j := range k.z {
		k.z[j] = r.NormFloat64()
	}
	for range n {
		// Gradients of norms from about 0.1·C to 5·C, some clipped, some not.
		k.grads = append(k.grads, randVec(r, p, -1, 1))
		g := k.grads[len(k.grads)-1]
		s := 0.0
		for _, x := range g {
			s += x * x
		}
		want := C * (0.1 + 4.9*r.Float64())
		for j := range g {
			g[j] *= want / math.Sqrt(s)
		}
	}
	return k
}

// dpHand: one gradient of norm 5 (clipped to 1), one of norm 0.5 (kept),
// one of norm 2 (halved); by hand, with C = 1 and σ = 0.5:
// Σ ḡ = (0.6, 0.8) + (0.3, −0.4) + (0, −1) = (0.9, −0.6), noise 0.5·(1, −2),
// g̃ = (1.4, −1.6)/3.
var dpHand = dpCase{w: []float64{1, -1}, grads: [][]float64{{3, 4}, {0.3, -0.4}, {0, -2}},
	C: 1, sigma: 0.5, lr: 0.1, z: []float64{1, -2}}

func dpsgdCases(impl DPSGDImpl) []testCase {
	fn := funcOf("dpsgd.Step", impl.Step)
	r := newRand(25)
	check := func(c *ctx, k dpCase) bool {
		names := []string{"w", "z"}
		vecs := [][]float64{k.w, k.z}
		for i, g := range k.grads {
			names, vecs = append(names, fmt.Sprintf("grads[%d]", i)), append(vecs, g)
		}
		keep := freeze(names, vecs...)
		var newW, g []float64
		if !call(c, fn, func() { newW, g = impl.Step(k.w, k.grads, k.C, k.sigma, k.lr, k.z) }) || !keep.verify(c, fn) {
			return false
		}
		var ms []mistake
		for _, m := range dpMistakes {
			ms = append(ms, mistake{m.hint, dpRun(m.v, k)})
		}
		want := dpRun(dpVariant{}, k)
		if !(expect{fn: fn, what: "noisyGrad", at: "noisyGrad", given: k.given(), tol: exactTol, mistakes: ms, hint: dpHint,
			nanHint: "a gradient of norm 0 gives C/0 = +Inf and 0·Inf = NaN: min(1, C/‖g‖) is 1 there, so leave a zero gradient as it is."}).vec(c, g, want) {
			return false
		}
		var wms []mistake
		wms = append(wms, mistake{"step against the gradient: newW = w − lr·g̃, not w + lr·g̃.", dpStep(k.w, want, -k.lr)})
		wms = append(wms, mistake{"multiply by the learning rate: newW = w − lr·g̃.", dpStep(k.w, want, 1)})
		wms = append(wms, mistake{"update with the noisy gradient g̃ that you return: the noise is what makes the step private, and the weights are what gets released.", dpStep(k.w, dpRun(dpVariant{}, dpCase{w: k.w, grads: k.grads, C: k.C, lr: k.lr, z: k.z}), k.lr)})
		return expect{fn: fn, what: "newW", at: "newW", given: k.given(), tol: exactTol, mistakes: wms,
			hint: "newW = w − lr·g̃, with g̃ the noisy mean gradient you return."}.vec(c, newW, dpStep(k.w, want, k.lr))
	}
	all := func(c *ctx, ks ...dpCase) {
		for _, k := range ks {
			if !check(c, k) {
				return
			}
		}
	}
	small := dpCase{w: []float64{0.5, 0, -0.5}, grads: [][]float64{{0.1, -0.2, 0.2}, {-0.3, 0, 0.4}},
		C: 1, sigma: 0, lr: 0.5, z: []float64{0.3, -1, 2}}
	apart := dpCase{w: []float64{0, 0}, grads: [][]float64{{4, 0}, {-3, 0}, {0, 0.5}},
		C: 1, sigma: 0, lr: 1, z: []float64{1, 1}}
	zero := dpCase{w: []float64{1, 2, 3}, grads: [][]float64{{0, 0, 0}, {2, -1, 2}},
		C: 1.5, sigma: 1, lr: 0.1, z: []float64{0.5, -0.5, 1}}
	noisy := dpCase{w: []float64{0.2, -0.4}, grads: [][]float64{{0.5, 0}, {0, -0.5}, {0.3, 0.4}, {-0.1, 0.1}},
		C: 2, sigma: 1.1, lr: 0.05, z: []float64{-1.5, 0.7}}
	var random []dpCase
	for _, s := range [][2]int{{1, 5}, {6, 3}, {16, 7}} {
		random = append(random, randomDP(r, s[0], s[1], 0.5+r.Float64(), 0.5+r.Float64()))
	}
	return []testCase{
		{"hand_computed", func(c *ctx) { all(c, dpHand) }},
		{"short_gradients_are_not_scaled_up", func(c *ctx) { all(c, small) }},
		{"each_example_clipped_on_its_own", func(c *ctx) { all(c, apart) }},
		{"noise_is_sigma_C_z_over_n", func(c *ctx) { all(c, noisy) }},
		{"zero_gradient_example", func(c *ctx) { all(c, zero) }},
		{"random_batches", func(c *ctx) { all(c, random...) }},
	}
}
