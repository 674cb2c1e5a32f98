package explain

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/tensor"
)

// testDigits are a few real test digits (or the synthetic fallback).
func testDigits(t *testing.T) *data.Images {
	t.Helper()
	_, test := loadDigits(42)
	return test
}

func digitOf(set *data.Images, i int) []float64 {
	return set.X.Data[i*Pixels : (i+1)*Pixels]
}

func TestGaussLegendreIsExactForPolynomialsOfDegree2mMinus1(t *testing.T) {
	for _, m := range []int{1, 2, 3, 5, 8, 16, 32} {
		alpha, w := nodes(Gauss, m)
		if sum(w) < 1-1e-14 || sum(w) > 1+1e-14 {
			t.Errorf("m = %d: weights add up to %v, want 1", m, sum(w))
		}
		for d := 0; d <= 2*m-1; d++ {
			got := 0.0
			for k, a := range alpha {
				got += w[k] * math.Pow(a, float64(d))
			}
			if want := 1 / float64(d+1); math.Abs(got-want) > 1e-13 {
				t.Errorf("m = %d: ∫₀¹ α^%d dα = %v, want %v", m, d, got, want)
			}
		}
		if m > 8 {
			continue // past that the error at degree 2m is below rounding
		}
		// Degree 2m is no longer exact.
		got := 0.0
		for k, a := range alpha {
			got += w[k] * math.Pow(a, float64(2*m))
		}
		if math.Abs(got-1/float64(2*m+1)) < 1e-15 {
			t.Errorf("m = %d: degree %d integrated exactly, which Gauss–Legendre cannot do", m, 2*m)
		}
	}
}

func TestRiemannNodesAreThePapers(t *testing.T) {
	alpha, w := nodes(Riemann, 4)
	want := []float64{0.25, 0.5, 0.75, 1}
	for k := range want {
		if alpha[k] != want[k] || w[k] != 0.25 {
			t.Fatalf("node %d: α = %v, w = %v; want α = %v, w = 0.25", k, alpha[k], w[k], want[k])
		}
	}
}

// TestSaliencyMatchesFiniteDifferences: the engine's ∂s/∂x equals a
// central difference on a few pixels, for an untrained network of each
// kind. The ReLU network is given a digit with noise added: on a real
// digit its max-pooling windows over the blank background hold equal
// values, a kink where the score has no derivative (a central difference
// there sees both sides).
func TestSaliencyMatchesFiniteDifferences(t *testing.T) {
	set := testDigits(t)
	noisy := append([]float64(nil), digitOf(set, 3)...)
	rng := tensor.NewRNG(9)
	for i := range noisy {
		noisy[i] += 0.3 * rng.Float64()
	}
	for _, act := range []string{Smooth, Kinked} {
		img := digitOf(set, 3)
		if act == Kinked {
			img = noisy
		}
		n := newNet(Filters, act, tensor.NewRNG(7))
		for _, c := range []int{0, 4} {
			g, _ := n.saliency(img, c)
			for _, i := range []int{14*Side + 14, 10*Side + 12, 20*Side + 9, 0} {
				const eps = 1e-5
				pm := tensor.New(2, 1, Side, Side)
				copy(pm.Data, img)
				copy(pm.Data[Pixels:], img)
				pm.Data[i] += eps
				pm.Data[Pixels+i] -= eps
				s := n.scores(pm)
				fd := (s[c] - s[Classes+c]) / (2 * eps)
				if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s, class %d, pixel %d: ∂s/∂x = %v, finite difference %v", act, c, i, g[i], fd)
				}
			}
		}
	}
}

// TestIntegratedGradientsCompleteness: on the smooth network Gauss–Legendre
// with 32 points makes the attributions add up to s(x) − s(black) to
// within 1e-9 relative; the Riemann sum's error roughly halves when m
// doubles; the attributions of black pixels are exactly 0.
func TestIntegratedGradientsCompleteness(t *testing.T) {
	set := testDigits(t)
	n := newNet(Filters, Smooth, tensor.NewRNG(11))
	for _, d := range []int{0, 1, 2} {
		img := digitOf(set, d)
		c := set.Labels[d]
		g := n.integratedGradients(img, c, Gauss, 32)
		if g.Rel > 1e-9 {
			t.Errorf("digit %d: Gauss–Legendre m = 32: relative error %v", d, g.Rel)
		}
		if math.Abs(g.Sum-(g.FX-g.FBase)) != g.Error {
			t.Errorf("digit %d: Error %v is not |Σ − Δs|", d, g.Error)
		}
		for i, x := range img {
			if x == 0 && g.Attr[i] != 0 {
				t.Fatalf("digit %d: black pixel %d has attribution %v", d, i, g.Attr[i])
			}
		}
		r16 := n.integratedGradients(img, c, Riemann, 16).Rel
		r64 := n.integratedGradients(img, c, Riemann, 64).Rel
		if ratio := r16 / r64; ratio < 3 || ratio > 5 {
			t.Errorf("digit %d: Riemann error 16 → 64 points fell %v-fold, want about 4 (1/m)", d, ratio)
		}
	}
}

// TestOcclusionOfABlankRegionChangesNothing: a patch over pixels that are
// black already leaves the image, and so the score, exactly as it was.
func TestOcclusionOfABlankRegionChangesNothing(t *testing.T) {
	set := testDigits(t)
	img := digitOf(set, 0)
	n := newNet(Filters, Smooth, tensor.NewRNG(5))
	const patch = 4
	o := n.occlude(img, 7, patch)
	side := Side - patch + 1
	blank := 0
	for r := range side {
		for q := range side {
			empty := true
			for i := r; i < r+patch; i++ {
				for j := q; j < q+patch; j++ {
					empty = empty && img[i*Side+j] == 0
				}
			}
			if !empty {
				continue
			}
			blank++
			if d := o.Drops[r*side+q]; d != 0 {
				t.Fatalf("patch at (%d, %d) covers only black pixels but changes the score by %v", r, q, d)
			}
		}
	}
	if blank == 0 {
		t.Fatal("no blank patch position in the digit: the test checks nothing")
	}
	// And the best position is a real drop, equal to a direct evaluation.
	cov := append([]float64(nil), img...)
	for i := o.BestR; i < o.BestR+patch; i++ {
		for j := o.BestC; j < o.BestC+patch; j++ {
			cov[i*Side+j] = 0
		}
	}
	s := n.scores(tensor.FromValues(cov, 1, 1, Side, Side))
	if got := o.Score - s[7]; math.Abs(got-o.Drops[o.Best]) > 1e-12 {
		t.Errorf("best drop %v, direct evaluation %v", o.Drops[o.Best], got)
	}
}

// TestGradCAMByHand: one channel of 2×2 with gradients (1, 2, 3, −2): α =
// 1; the map is ReLU(α·h). Two channels whose weighted sum is negative in
// places are cut to 0 there.
func TestGradCAMByHand(t *testing.T) {
	g := camOf([]float64{0.5, -1, 2, 0}, []float64{1, 2, 3, -2}, 1, 2, 2)
	if g.Weights[0] != 1 {
		t.Fatalf("α = %v, want mean(1, 2, 3, −2) = 1", g.Weights[0])
	}
	want := []float64{0.5, 0, 2, 0}
	for i := range want {
		if g.Coarse[i] != want[i] {
			t.Fatalf("map %v, want %v", g.Coarse, want)
		}
	}
	// Channel 0: h = (1, 1, 1, 1), gradients mean 2; channel 1: h = (0, 1,
	// 2, 3), gradients mean −1. Σ = (2, 1, 0, −1) → ReLU (2, 1, 0, 0).
	g = camOf([]float64{1, 1, 1, 1, 0, 1, 2, 3}, []float64{2, 2, 2, 2, -1, -1, -1, -1}, 2, 2, 2)
	want = []float64{2, 1, 0, 0}
	for i := range want {
		if math.Abs(g.Coarse[i]-want[i]) > 1e-15 {
			t.Fatalf("two channels: map %v, want %v", g.Coarse, want)
		}
	}
}

// TestUpsampleByHand: [1 2] to four values is [1, 1.25, 1.75, 2] (pixel
// centres aligned, edges clamped, as PyTorch's bilinear interpolate with
// align_corners=False); a constant stays constant.
func TestUpsampleByHand(t *testing.T) {
	got := upsample([]float64{1, 2}, 1, 2, 1, 4)
	want := []float64{1, 1.25, 1.75, 2}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("upsample [1 2] → %v, want %v", got, want)
		}
	}
	c := upsample([]float64{3, 3, 3, 3}, 2, 2, 5, 7)
	for _, v := range c {
		if math.Abs(v-3) > 1e-15 {
			t.Fatalf("a constant map upsampled: %v", c)
		}
	}
}

// TestGradCAMUsesTheEnginesGradient: the network's Grad-CAM weights are
// the mean gradients of the score with respect to the last convolution's
// maps; checked against a finite difference of the score when one whole
// map is shifted by ε (which moves the score by ε·Σ gradient).
func TestGradCAMUsesTheEnginesGradient(t *testing.T) {
	set := testDigits(t)
	img := digitOf(set, 1)
	n := newNet(Filters, Smooth, tensor.NewRNG(3))
	g := n.gradCAM(img, 2)
	// s is linear in h2 after it (avg-pool, dense): shifting channel k of
	// h2 by ε everywhere changes s_c by ε·196·α_k exactly. Apply it
	// through the dense weights: avg-pool of a constant is the constant.
	w := n.dense.W.Value // [2f·49, 10]
	for k, a := range g.Weights {
		direct := 0.0
		for p := range 49 {
			direct += w.Data[(k*49+p)*Classes+2]
		}
		// ∂s/∂h2 at each position is (1/4)·w of its pooling cell: mean
		// over 196 positions = Σ_p w_p·4·(1/4)/196.
		if want := direct / 196; math.Abs(a-want) > 1e-12 {
			t.Errorf("channel %d: α = %v, from the dense weights %v", k, a, want)
		}
	}
}

func TestSpearman(t *testing.T) {
	if r := spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); math.Abs(r-1) > 1e-15 {
		t.Errorf("monotone: ρ = %v", r)
	}
	if r := spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); math.Abs(r+1) > 1e-15 {
		t.Errorf("reversed: ρ = %v", r)
	}
	// Ties take their mean rank: ranks (1.5, 1.5, 3) and (1, 2, 3).
	got := ranks([]float64{5, 5, 7})
	if got[0] != 1.5 || got[1] != 1.5 || got[2] != 3 {
		t.Errorf("ranks of (5, 5, 7): %v", got)
	}
	if r := spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); r != 0 {
		t.Errorf("constant: ρ = %v", r)
	}
}

// TestEdgesHaveNoModel: the control map is zero on a blank image and
// large at a step edge.
func TestEdgesHaveNoModel(t *testing.T) {
	img := make([]float64, Pixels)
	for i := range Side {
		for j := Side / 2; j < Side; j++ {
			img[i*Side+j] = 1
		}
	}
	e := edges(img)
	if e[10*Side+3] != 0 || e[10*Side+20] != 0 {
		t.Errorf("edges away from the step: %v, %v", e[10*Side+3], e[10*Side+20])
	}
	if e[10*Side+Side/2] != 4 || e[10*Side+Side/2-1] != 4 {
		t.Errorf("edges at the step: %v, %v, want 4", e[10*Side+Side/2-1], e[10*Side+Side/2])
	}
}

// TestRiemannWithOneStepIsGradientTimesInput: the right Riemann sum with
// m = 1 takes the gradient at α = 1 only, which is gradient × input.
func TestRiemannWithOneStepIsGradientTimesInput(t *testing.T) {
	set := testDigits(t)
	img := digitOf(set, 2)
	n := newNet(Filters, Smooth, tensor.NewRNG(13))
	g, _ := n.saliency(img, 1)
	ig := n.integratedGradients(img, 1, Riemann, 1)
	for i, a := range ig.Attr {
		if math.Abs(a-g[i]*img[i]) > 1e-15 {
			t.Fatalf("pixel %d: IG %v, gradient × input %v", i, a, g[i]*img[i])
		}
	}
}
