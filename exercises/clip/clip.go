// Package clip is an exercise of the recurrent-networks lesson (rnn):
// gradient clipping by global norm, the usual cure for exploding
// gradients in backpropagation through time.
//
// Run `dlearn grade clip` (or `go test ./clip` in this folder) to check it.
package clip

// ClipGradNorm clips the gradients of several parameter tensors together
// by their global norm, as PyTorch's torch.nn.utils.clip_grad_norm_ does.
//
// grads holds one gradient per parameter tensor, each flattened into a
// []float64 (a 3×4 weight matrix is 12 values); the lengths may differ.
// With total the 2-norm of all of them together,
//
//	total = √( Σᵢ Σⱼ grads[i][j]² )        one norm over every tensor
//	scale = maxNorm / (total + 1e-6)
//
// every element of every tensor is multiplied by scale if scale < 1; if
// scale ≥ 1 (the norm is already small enough) the gradients are returned
// unchanged. All tensors share the one scale, so the direction of the
// whole gradient is kept.
//
// Return the clipped gradients as new slices with the shape of grads, and
// total, the norm before clipping. Do not change grads.
func ClipGradNorm(grads [][]float64, maxNorm float64) (clipped [][]float64, totalNorm float64) {
	panic("TODO: implement clip.ClipGradNorm")
}
