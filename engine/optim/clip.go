package optim

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
)

// ClipGradNorm rescales the gradients of params together so that their
// global L2 norm (over every element of every non-nil Grad) is at most
// maxNorm, and returns the norm before clipping. As in PyTorch's
// clip_grad_norm_, the gradients are multiplied by
// min(1, maxNorm/(norm + 1e-6)), so their direction is kept.
//
// If the norm is NaN or infinite the gradients are left as they are and
// the norm is returned, so a diverging run shows as such. ClipGradNorm
// panics if maxNorm is not a finite number > 0.
func ClipGradNorm(params []*autograd.Var, maxNorm float64) (totalNorm float64) {
	if !finite(maxNorm) || maxNorm <= 0 {
		panic(fmt.Sprintf("optim: ClipGradNorm: max norm %g must be a finite number > 0", maxNorm))
	}
	totalNorm = GradNorm(params)
	if !finite(totalNorm) {
		return totalNorm
	}
	coef := maxNorm / (totalNorm + 1e-6)
	if coef >= 1 {
		return totalNorm
	}
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		for i := range p.Grad.Data {
			p.Grad.Data[i] *= coef
		}
	}
	return totalNorm
}

// GradNorm returns the global L2 norm of the gradients of params: the
// square root of the sum of every squared element of every non-nil Grad.
func GradNorm(params []*autograd.Var) float64 {
	// Scaled sum of squares (as in BLAS nrm2) so that huge gradients do not
	// overflow to +Inf before the square root.
	scale, ssq := 0.0, 1.0
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		for _, g := range p.Grad.Data {
			if math.IsNaN(g) {
				return math.NaN()
			}
			if g == 0 {
				continue
			}
			a := math.Abs(g)
			if math.IsInf(a, 0) {
				return math.Inf(1)
			}
			if scale < a {
				ssq = 1 + ssq*(scale/a)*(scale/a)
				scale = a
			} else {
				ssq += (a / scale) * (a / scale)
			}
		}
	}
	return scale * math.Sqrt(ssq)
}
