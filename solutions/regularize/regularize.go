// Package regularize is the reference solution of the regularize
// exercise: the gradient of an L2 penalty and inverted dropout, as the
// overfitting lesson (overfit) uses them.
package regularize

// L2Grad returns the gradient of L(w) + (λ/2)·‖w‖² given grad = ∂L/∂w:
// gradᵢ + λ·wᵢ, in a new slice. w and grad are not changed.
func L2Grad(w, grad []float64, lambda float64) []float64 {
	g := make([]float64, len(w))
	for i := range w {
		g[i] = grad[i] + lambda*w[i]
	}
	return g
}

// DropoutForward applies inverted dropout with drop probability p
// (0 ≤ p < 1): element i is dropped (maskᵢ = 0) when u[i] < p and kept
// (maskᵢ = 1/(1−p)) otherwise; y = x ⊙ mask. x and u are not changed.
func DropoutForward(x []float64, p float64, u []float64) (y, mask []float64) {
	y, mask = make([]float64, len(x)), make([]float64, len(x))
	scale := 1 / (1 - p)
	for i := range x {
		if u[i] >= p {
			mask[i] = scale
			y[i] = x[i] * scale
		}
	}
	return y, mask
}

// DropoutBackward returns ∂L/∂x = dy ⊙ mask in a new slice.
func DropoutBackward(dy, mask []float64) []float64 {
	dx := make([]float64, len(dy))
	for i := range dy {
		dx[i] = dy[i] * mask[i]
	}
	return dx
}

// DropoutEval returns a copy of x: inverted dropout does nothing at
// evaluation time, whatever p.
func DropoutEval(x []float64, p float64) []float64 {
	return append([]float64(nil), x...)
}
