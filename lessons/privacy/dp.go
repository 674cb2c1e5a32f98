package privacy

import (
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/tensor"
)

// perExample holds the gradients of a batch's examples, each example's
// own, read from the batch's one backward pass. The loss is the mean of
// the examples' losses, so row i of ∂L/∂z₁ is ∂ℓᵢ/∂z₁ᵢ / B: example i's
// gradient reaches only its own row. Times B, that row is example i's
// δ₁ᵢ, and its weight gradient is an outer product:
//
//	∂ℓᵢ/∂W₁ = xᵢᵀ δ₁ᵢ,  ∂ℓᵢ/∂b₁ = δ₁ᵢ,  ∂ℓᵢ/∂W₂ = hᵢᵀ δ₂ᵢ,  ∂ℓᵢ/∂b₂ = δ₂ᵢ
//
// (the trick Opacus uses; Goodfellow, "Efficient per-example gradient
// computations", 2015). Norms and weighted sums of the B gradients are
// then taken without writing out B copies of every parameter.
type perExample struct {
	x, h, d1, d2 *tensor.Tensor // [B Pixels], [B Hidden], [B Hidden], [B Classes]
	b            int
}

// readPerExample reads the per-example gradients of a pass whose
// backward pass has run.
func readPerExample(p pass) perExample {
	b := p.x.Value.Shape[0]
	return perExample{x: p.x.Value, h: p.h.Value,
		d1: tensor.Scaled(p.z1.Grad, float64(b)), d2: tensor.Scaled(p.z2.Grad, float64(b)), b: b}
}

func sq(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return s
}

func row(t *tensor.Tensor, i int) []float64 {
	c := t.Shape[1]
	return t.Data[i*c : (i+1)*c]
}

// norms returns ‖gᵢ‖₂ over all parameters for every example: the norm of
// an outer product is the product of the norms, so
// ‖gᵢ‖² = (‖xᵢ‖² + 1)‖δ₁ᵢ‖² + (‖hᵢ‖² + 1)‖δ₂ᵢ‖².
func (g perExample) norms() []float64 {
	out := make([]float64, g.b)
	for i := range g.b {
		out[i] = math.Sqrt((sq(row(g.x, i))+1)*sq(row(g.d1, i)) + (sq(row(g.h, i))+1)*sq(row(g.d2, i)))
	}
	return out
}

// full writes out example i's gradient, flattened in the order of
// net.params (W₁ row-major, b₁, W₂, b₂): for tests and the narrative.
func (g perExample) full(i int) []float64 {
	var out []float64
	outer := func(a, d []float64) {
		for _, x := range a {
			for _, y := range d {
				out = append(out, x*y)
			}
		}
	}
	x, d1, h, d2 := row(g.x, i), row(g.d1, i), row(g.h, i), row(g.d2, i)
	outer(x, d1)
	out = append(out, d1...)
	outer(h, d2)
	return append(out, d2...)
}

// weightedSum returns Σᵢ sᵢ gᵢ, flattened like full: for the weights
// xᵀ·diag(s)·δ₁ and hᵀ·diag(s)·δ₂, one matrix product each.
func (g perExample) weightedSum(s []float64) []float64 {
	scale := func(d *tensor.Tensor) *tensor.Tensor {
		out := d.Clone()
		c := d.Shape[1]
		for i := range g.b {
			for j := range c {
				out.Data[i*c+j] *= s[i]
			}
		}
		return out
	}
	colSum := func(d *tensor.Tensor) []float64 {
		c := d.Shape[1]
		out := make([]float64, c)
		for i := range g.b {
			for j := range c {
				out[j] += d.Data[i*c+j]
			}
		}
		return out
	}
	sd1, sd2 := scale(g.d1), scale(g.d2)
	w1 := tensor.New(Pixels, Hidden)
	tensor.MatMulInto(w1, g.x, sd1, true, false, 0)
	w2 := tensor.New(Hidden, Classes)
	tensor.MatMulInto(w2, g.h, sd2, true, false, 0)
	out := append(w1.Data, colSum(sd1)...)
	out = append(out, w2.Data...)
	return append(out, colSum(sd2)...)
}

// clipScale is min(1, C/‖g‖): the factor that brings a gradient longer
// than C down to norm C and leaves a shorter one (or a zero one) as it
// is.
func clipScale(norm, C float64) float64 {
	if norm <= C {
		return 1
	}
	return C / norm
}

// noisyMean is g̃ = (Σᵢ ḡᵢ + σ·C·z)/n, the exercise dpsgd's convention:
// the noise, of standard deviation σ·C (C is how far one example can move
// the sum), goes on the sum, and the sum is divided by the batch size.
func noisyMean(sum []float64, C, sigma float64, z []float64, n int) (noise, mean []float64) {
	noise, mean = make([]float64, len(sum)), make([]float64, len(sum))
	for j, s := range sum {
		noise[j] = sigma * C * z[j]
		mean[j] = (s + noise[j]) / float64(n)
	}
	return noise, mean
}

// dpStep is one DP-SGD step in numbers, as the lesson reveals it.
type dpStep struct {
	C, sigma, lr float64
	b            int
	// norms are the examples' gradient norms before clipping, scales
	// min(1, C/‖gᵢ‖); clipped counts the examples scaled down.
	norms, scales []float64
	clipped       int
	// sum is Σᵢ ḡᵢ, noise σ·C·z, mean (sum + noise)/B: flattened over
	// every parameter.
	sum, noise, mean []float64
	// plain is the mean of the unclipped gradients, what SGD would use.
	sumNorm, noiseNorm, meanNorm, plainNorm float64
}

// drawNoise draws the step's standard normal z, one per parameter, from
// rng.
func drawNoise(rng *rand.Rand, p int) []float64 {
	z := make([]float64, p)
	for j := range z {
		z[j] = rng.NormFloat64()
	}
	return z
}

// newDPStep clips, sums, adds the noise σ·C·z and averages.
func newDPStep(g perExample, C, sigma, lr float64, z []float64) *dpStep {
	d := &dpStep{C: C, sigma: sigma, lr: lr, b: g.b, norms: g.norms()}
	d.scales = make([]float64, g.b)
	ones := make([]float64, g.b)
	for i, nm := range d.norms {
		d.scales[i] = clipScale(nm, C)
		if d.scales[i] < 1 {
			d.clipped++
		}
		ones[i] = 1 / float64(g.b)
	}
	d.sum = g.weightedSum(d.scales)
	d.noise, d.mean = noisyMean(d.sum, C, sigma, z, g.b)
	d.sumNorm, d.noiseNorm, d.meanNorm = math.Sqrt(sq(d.sum)), math.Sqrt(sq(d.noise)), math.Sqrt(sq(d.mean))
	d.plainNorm = math.Sqrt(sq(g.weightedSum(ones)))
	return d
}

// maxNorm is the largest of xs.
func maxNorm(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}
