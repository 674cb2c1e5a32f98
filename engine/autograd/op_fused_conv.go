package autograd

import (
	"fmt"
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Conv2DAct returns act(Conv2D(x, w, b, stride, pad)), a convolution and
// its activation as one op: the same values as Conv2D followed by the
// activation's op, bit for bit, without the activation's separate output
// tensor. Shapes and panics are Conv2D's; it also panics on an unknown
// activation.
//
// Backward: d = g ⊙ act′ (from the output, as ReLU, Tanh and Sigmoid do),
// then Conv2D's rule for d. Conv2DAct has no Local; the lessons show the
// unfused ops.
func (t *Tape) Conv2DAct(x, w, b *Var, stride, pad int, act Activation) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var {
		return t.Conv2DAct(in[0], in[1], optional(in, 2), stride, pad, act)
	})
	if act < ActNone || act > ActSigmoid {
		panic(fmt.Sprintf("autograd: Conv2DAct: unknown activation %d", int(act)))
	}
	geom, inputs, out, cols := t.convForward("Conv2DAct", x, w, b, stride, pad)
	act.apply(out.Data)
	v := t.record("conv2d", out, inputs, func(g *tensor.Tensor) []*tensor.Tensor {
		k := act.gradKernel()
		if k == nil {
			return t.convBackward(geom, g, cols, x, w, b, nil)
		}
		// d = g ⊙ act′ image by image, inside the backward pass's loop
		// over the images (the same bits as act.grad over the whole of g).
		return t.convBackward(geom, g, cols, x, w, b, func(dst, src []float64, off int) {
			k(dst, src, out.Data[off:off+len(src)])
		})
	}, nil)
	t.releaseCols(v, cols)
	return withAttrs(v, "stride="+strconv.Itoa(stride)+", pad="+strconv.Itoa(pad)+", act="+act.String())
}

// gradKernel returns the serial loop of act.grad (d = g ⊙ act′ from the
// output y), nil for ActNone.
func (a Activation) gradKernel() func(d, g, y []float64) {
	switch a {
	case ActReLU:
		return reluGradKernel
	case ActTanh:
		return tanhGradKernel
	case ActSigmoid:
		return sigmoidGradKernel
	}
	return nil
}
