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
		d := g
		if act != ActNone {
			d = t.ar.Uninit(out.Shape...) // act.grad writes every element
			act.grad(d.Data, g.Data, out.Data)
		}
		return t.convBackward(geom, d, cols, x, w, b)
	}, nil)
	t.releaseCols(v, cols)
	return withAttrs(v, "stride="+strconv.Itoa(stride)+", pad="+strconv.Itoa(pad)+", act="+act.String())
}
