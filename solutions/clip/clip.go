// Package clip is the reference solution of the clip exercise: gradient
// clipping by global norm, as torch.nn.utils.clip_grad_norm_.
package clip

import "math"

// ClipGradNorm returns the gradients scaled together so that their global
// norm is at most maxNorm, and their global norm before clipping.
func ClipGradNorm(grads [][]float64, maxNorm float64) (clipped [][]float64, totalNorm float64) {
	sq := 0.0
	for _, g := range grads {
		for _, x := range g {
			sq += x * x
		}
	}
	totalNorm = math.Sqrt(sq)
	scale := maxNorm / (totalNorm + 1e-6)
	if scale > 1 {
		scale = 1
	}
	clipped = make([][]float64, len(grads))
	for i, g := range grads {
		clipped[i] = make([]float64, len(g))
		for j, x := range g {
			clipped[i][j] = x * scale
		}
	}
	return clipped, totalNorm
}
