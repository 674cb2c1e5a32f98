// Package logistic is an exercise of the logistic-regression lesson
// (logreg): the sigmoid, the binary cross-entropy and its gradient with
// respect to the logits, written from scratch.
//
// Run `dlearn grade logistic` (or `go test ./logistic` in this folder) to
// check it.
package logistic

// Eps is the clamp of BCE: probabilities are kept in [Eps, 1−Eps] (Keras's
// epsilon), so that log never sees 0.
const Eps = 1e-7

// Sigmoid returns σ(z) = 1/(1 + e^(−z)), a probability in [0, 1].
//
// It must be accurate for any z: e^800 overflows to +Inf, so compute
// 1/(1 + e^(−z)) when z ≥ 0 and e^z/(1 + e^z) when z < 0.
func Sigmoid(z float64) float64 {
	panic("TODO: implement logistic.Sigmoid")
}

// BCE returns the mean binary cross-entropy of probabilities p against
// labels y:
//
//	L = −(1/n) · Σᵢ [ yᵢ·log pᵢ + (1−yᵢ)·log(1−pᵢ) ]
//
// Clamp each pᵢ into [Eps, 1−Eps] first, so that p = 0 or 1 gives a large
// but finite loss. p and y have the same length n ≥ 1; labels are in
// [0, 1] and may be fractional. Do not change p or y.
func BCE(p, y []float64) float64 {
	panic("TODO: implement logistic.BCE")
}

// Grad returns dL/dz, the gradient of BCE(Sigmoid(z), y) with respect to
// the logits z, in a new slice of length n:
//
//	dL/dzᵢ = (σ(zᵢ) − yᵢ) / n
//
// (BCE's 1/(p(1−p)) cancels the sigmoid's derivative p(1−p)). z and y have
// the same length n ≥ 1. Do not change them.
func Grad(z, y []float64) []float64 {
	panic("TODO: implement logistic.Grad")
}
