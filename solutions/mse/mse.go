// Package mse is the reference solution of the mse exercise: the mean
// squared error of the linear-regression lesson and its gradient.
package mse

// Loss returns the mean squared error of pred against target:
//
//	L = (1/n) · Σᵢ (predᵢ − targetᵢ)²
//
// pred and target have the same length n ≥ 1; neither is changed.
func Loss(pred, target []float64) float64 {
	sum := 0.0
	for i := range pred {
		d := pred[i] - target[i]
		sum += d * d
	}
	return sum / float64(len(pred))
}

// Grad returns dL/dpred, the gradient of Loss with respect to pred, in a
// new slice of length n:
//
//	dL/dpredᵢ = 2 · (predᵢ − targetᵢ) / n
//
// pred and target have the same length n ≥ 1; neither is changed.
func Grad(pred, target []float64) []float64 {
	n := float64(len(pred))
	g := make([]float64, len(pred))
	for i := range pred {
		g[i] = 2 * (pred[i] - target[i]) / n
	}
	return g
}
