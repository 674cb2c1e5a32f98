// Package regularize is an exercise of the overfitting lesson (overfit):
// the gradient of an L2 penalty, and inverted dropout forward, backward
// and at evaluation time, written from scratch.
//
// Run `dlearn grade regularize` (or `go test ./regularize` in this folder)
// to check it.
package regularize

// L2Grad returns the gradient of the regularized loss
//
//	L(w) + (λ/2) · ‖w‖²,   ‖w‖² = Σᵢ wᵢ²
//
// given grad = ∂L/∂w, the gradient of the loss alone:
//
//	∂/∂wᵢ = gradᵢ + λ·wᵢ
//
// in a new slice. The ½ in the penalty is a convention: it cancels the 2
// of the square, so that the update w ← w − lr·(grad + λ·w) shrinks every
// weight by the factor (1 − lr·λ) — "weight decay". w and grad have the
// same length; λ ≥ 0. Do not change w or grad.
//
// Example: L2Grad([]float64{2}, []float64{0.5}, 0.1) = [0.7].
func L2Grad(w, grad []float64, lambda float64) []float64 {
	panic("TODO: implement regularize.L2Grad")
}

// DropoutForward applies inverted dropout to x in training mode, with
// drop probability p (0 ≤ p < 1). u holds one uniform draw in [0, 1) per
// element of x, given to you so that the result is deterministic:
//
//	element i is dropped  when uᵢ <  p   (this happens with probability p)
//	element i is kept     when uᵢ ≥ p
//
// It returns the mask, maskᵢ = 0 for a dropped element and 1/(1−p) for a
// kept one, and the output y = x ⊙ mask (yᵢ = xᵢ·maskᵢ), both in new
// slices of the length of x. The 1/(1−p) keeps the expected value of each
// output equal to its input, so that nothing needs rescaling at test time.
// Do not change x or u.
//
// Example, p = 0.5: x = [4 6], u = [0.2 0.7] gives mask = [0 2], y = [0 12].
func DropoutForward(x []float64, p float64, u []float64) (y, mask []float64) {
	panic("TODO: implement regularize.DropoutForward")
}

// DropoutBackward returns ∂L/∂x given dy = ∂L/∂y and the mask that
// DropoutForward returned: since y = x ⊙ mask,
//
//	∂L/∂xᵢ = dyᵢ · maskᵢ
//
// in a new slice. A dropped element gets no gradient; a kept one gets its
// gradient scaled by 1/(1−p). Do not change dy or mask.
func DropoutBackward(dy, mask []float64) []float64 {
	panic("TODO: implement regularize.DropoutBackward")
}

// DropoutEval is dropout at evaluation (test) time with the same p: with
// inverted dropout it changes nothing, so it returns a copy of x in a new
// slice. (p is there to remind you that it is not used.) Do not change x.
func DropoutEval(x []float64, p float64) []float64 {
	panic("TODO: implement regularize.DropoutEval")
}
