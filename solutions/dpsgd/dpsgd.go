// Package dpsgd is the reference solution of the dpsgd exercise: one step
// of differentially private SGD.
package dpsgd

import "math"

// clipped returns g·min(1, C/‖g‖₂) as a new slice; a zero g stays zero.
func clipped(g []float64, C float64) []float64 {
	s := 0.0
	for _, x := range g {
		s += x * x
	}
	scale := 1.0
	if norm := math.Sqrt(s); norm > C {
		scale = C / norm
	}
	out := make([]float64, len(g))
	for j, x := range g {
		out[j] = x * scale
	}
	return out
}

// Step returns w − lr·g̃ and g̃ = (Σᵢ clip(gᵢ) + sigma·C·z)/n, each example's
// gradient clipped to L2 norm C. No argument is changed.
func Step(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) (newW, noisyGrad []float64) {
	n, p := float64(len(grads)), len(w)
	sum := make([]float64, p)
	for _, g := range grads {
		for j, x := range clipped(g, C) {
			sum[j] += x
		}
	}
	noisyGrad, newW = make([]float64, p), make([]float64, p)
	for j := range sum {
		noisyGrad[j] = (sum[j] + sigma*C*z[j]) / n
		newW[j] = w[j] - lr*noisyGrad[j]
	}
	return newW, noisyGrad
}
