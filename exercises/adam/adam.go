// Package adam is an exercise of the optimizers lesson: the Adam
// optimizer, with bias correction, written from scratch.
//
// Run `dlearn grade adam` (or `go test ./adam` in this folder) to check it.
package adam

// Adam is the Adam optimizer (Kingma and Ba, 2015). It keeps running
// averages of the gradient (m) and of its square (v), one per weight,
// and corrects their bias towards zero in the first steps.
//
// Add the state Adam keeps between steps as unexported fields: m and v
// (one value per weight, made on the first Step) and the step count t.
type Adam struct {
	LR    float64 // learning rate
	Beta1 float64 // decay of the running mean of g
	Beta2 float64 // decay of the running mean of g²
	Eps   float64 // keeps the division finite where v̂ is 0
}

// New returns an Adam optimizer with learning rate lr and the usual
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func New(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step takes one optimization step: it updates the weights w in place
// from their gradient g (same length; do not change g):
//
//	t ← t + 1
//	m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
//	m̂ = m / (1−β1ᵗ)              v̂ = v / (1−β2ᵗ)
//	w ← w − lr · m̂ / (√v̂ + ε)
//
// m and v start at zero; t is 1 on the first Step.
func (a *Adam) Step(w, g []float64) {
	panic("TODO: implement adam.(*Adam).Step")
}
