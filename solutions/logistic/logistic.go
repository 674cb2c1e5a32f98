// Package logistic is the reference solution of the logistic exercise: the
// sigmoid, the binary cross-entropy and the gradient of the
// logistic-regression lesson.
package logistic

import "math"

// Eps is the clamp of BCE: probabilities are kept in [Eps, 1−Eps] (Keras's
// epsilon), so that log never sees 0.
const Eps = 1e-7

// Sigmoid returns σ(z) = 1/(1 + e^(−z)), in [0, 1] and accurate for any z:
// e^(±z) is only ever taken of a non-positive number, so it cannot
// overflow.
func Sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// BCE returns the mean binary cross-entropy of probabilities p against
// labels y:
//
//	L = −(1/n) · Σᵢ [ yᵢ·log pᵢ + (1−yᵢ)·log(1−pᵢ) ]
//
// with each pᵢ clamped into [Eps, 1−Eps] first. p and y have the same
// length n ≥ 1, labels are in [0, 1]; neither slice is changed.
func BCE(p, y []float64) float64 {
	sum := 0.0
	for i := range p {
		q := min(max(p[i], Eps), 1-Eps)
		sum -= y[i]*math.Log(q) + (1-y[i])*math.Log(1-q)
	}
	return sum / float64(len(p))
}

// Grad returns dL/dz, the gradient of BCE(Sigmoid(z), y) with respect to
// the logits z, in a new slice of length n:
//
//	dL/dzᵢ = (σ(zᵢ) − yᵢ) / n
//
// (BCE's 1/(p(1−p)) cancels the sigmoid's derivative p(1−p)). z and y have
// the same length n ≥ 1; neither is changed.
func Grad(z, y []float64) []float64 {
	n := float64(len(z))
	g := make([]float64, len(z))
	for i := range z {
		g[i] = (Sigmoid(z[i]) - y[i]) / n
	}
	return g
}
