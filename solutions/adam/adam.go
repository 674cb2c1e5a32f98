// Package adam is the reference solution of the adam exercise: the Adam
// optimizer of the optimizers lesson, with bias correction.
package adam

import "math"

// Adam is the Adam optimizer (Kingma and Ba, 2015). It keeps running
// averages of the gradient (m) and of its square (v), one per weight,
// and corrects their bias towards zero in the first steps.
type Adam struct {
	LR    float64 // learning rate
	Beta1 float64 // decay of the running mean of g
	Beta2 float64 // decay of the running mean of g²
	Eps   float64 // keeps the division finite where v̂ is 0

	m, v []float64 // running averages, made on the first Step
	t    int       // steps taken
}

// New returns an Adam optimizer with learning rate lr and the usual
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func New(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step takes one optimization step: it updates the weights w in place
// from their gradient g (same length; g is not changed):
//
//	t ← t + 1
//	m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
//	m̂ = m / (1−β1ᵗ)              v̂ = v / (1−β2ᵗ)
//	w ← w − lr · m̂ / (√v̂ + ε)
//
// The first Step fixes the number of weights; Step panics if a later call
// has a different length.
func (a *Adam) Step(w, g []float64) {
	if a.m == nil {
		a.m, a.v = make([]float64, len(w)), make([]float64, len(w))
	}
	if len(w) != len(a.m) || len(g) != len(w) {
		panic("adam: Step with a different number of weights")
	}
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	for i := range w {
		a.m[i] = a.Beta1*a.m[i] + (1-a.Beta1)*g[i]
		a.v[i] = a.Beta2*a.v[i] + (1-a.Beta2)*g[i]*g[i]
		mHat, vHat := a.m[i]/c1, a.v[i]/c2
		w[i] -= a.LR * mHat / (math.Sqrt(vHat) + a.Eps)
	}
}
