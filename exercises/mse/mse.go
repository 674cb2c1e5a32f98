// Package mse is an exercise of the linear-regression lesson (linreg):
// the mean squared error loss and its gradient, written from scratch.
//
// Run `dlearn grade mse` (or `go test ./mse` in this folder) to check it.
package mse

// Loss returns the mean squared error of the predictions pred against the
// targets target:
//
//	L = (1/n) · Σᵢ (predᵢ − targetᵢ)²
//
// pred and target have the same length n ≥ 1. Do not change them.
//
// Example: Loss([]float64{3}, []float64{1}) = (3−1)² = 4.
func Loss(pred, target []float64) float64 {
	panic("TODO: implement mse.Loss")
}

// Grad returns dL/dpred, the gradient of Loss with respect to each
// prediction, in a new slice of length n:
//
//	dL/dpredᵢ = 2 · (predᵢ − targetᵢ) / n
//
// (the 2 comes from the square, the 1/n from the mean). pred and target
// have the same length n ≥ 1. Do not change them.
func Grad(pred, target []float64) []float64 {
	panic("TODO: implement mse.Grad")
}
