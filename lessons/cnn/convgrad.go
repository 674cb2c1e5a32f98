package cnn

import (
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
)

// convGrad is the backward pass through a convolution in numbers: one
// kernel weight's gradient and one input value's, each summed by hand
// from the node's inputs and the gradient arriving at its output, beside
// the engine's values (which the two sums must equal).
type convGrad struct {
	// The centre weight of kernel 1 on input channel 1: ∂L/∂W as the
	// engine has it and as the sum of input × output gradient over every
	// digit of the batch and every position (Terms of them), and that
	// sum's largest term: digit TermN (1-based) at (TermI, TermJ), its
	// input value TermX times the output's gradient TermG.
	W, WSum             float64
	Terms               int
	TermN, TermI, TermJ int
	TermX, TermG, Term  float64
	HasX                bool // the input takes a gradient (conv2's p1; conv1's x is data)
	X, XSum             float64
	XTerms              int // kernel weight × output gradient pairs summed for X
	XR, XC              int // the input position of X (0-based), first digit, channel 1
	XKernels            int
}

// convGradOf computes the numbers of convGrad for step st, the backward
// step of a Conv2D node with stride 1 and padding 1 and 3×3 kernels.
func convGradOf(st autograd.Step) convGrad {
	n := st.Node
	x, w, g := n.Inputs[0].Value, n.Inputs[1].Value, st.Upstream
	N, C, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	O, OH, OW := w.Shape[0], g.Shape[2], g.Shape[3]
	var r convGrad
	// ∂L/∂W[0][0][1][1]: the centre meets x at the output's own position.
	r.W = st.Grads[1].Data[(0*C+0)*9+4]
	best := -1.0
	for b := range N {
		for i := range OH {
			for j := range OW {
				xv := x.Data[((b*C+0)*H+i)*W+j]
				gv := g.Data[((b*O+0)*OH+i)*OW+j]
				t := xv * gv
				r.WSum += t
				r.Terms++
				if math.Abs(t) > best {
					best = math.Abs(t)
					r.TermN, r.TermI, r.TermJ, r.TermX, r.TermG, r.Term = b+1, i+1, j+1, xv, gv, t
				}
			}
		}
	}
	if st.Grads[0] == nil {
		return r
	}
	// ∂L/∂x of the first digit, channel 1, where it is largest: every
	// kernel o and offset (ki, kj) whose window covered it.
	r.HasX, r.XKernels = true, O
	dx := st.Grads[0].Data[:H*W]
	at := 0
	for k, v := range dx {
		if math.Abs(v) > math.Abs(dx[at]) {
			at = k
		}
	}
	r.XR, r.XC = at/W, at%W
	r.X = dx[at]
	for o := range O {
		for ki := range 3 {
			for kj := range 3 {
				i, j := r.XR+1-ki, r.XC+1-kj
				if i < 0 || i >= OH || j < 0 || j >= OW {
					continue
				}
				r.XSum += w.Data[((o*C+0)*3+ki)*3+kj] * g.Data[((0*O+o)*OH+i)*OW+j]
				r.XTerms++
			}
		}
	}
	return r
}
