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
	geom := tensor.NewConvGeom("Conv2D", x.Value.Shape, w.Value.Shape, stride, pad)
	inputs := []*Var{x, w}
	var bv *tensor.Tensor
	if b != nil {
		if len(b.Value.Shape) != 1 || b.Value.Shape[0] != geom.F {
			panic(fmt.Sprintf("autograd: Conv2DAct: bias shape %v for weights %v, want [%d]", b.Value.Shape, w.Value.Shape, geom.F))
		}
		inputs = append(inputs, b)
		bv = b.Value
	}
	out := t.ar.Uninit(geom.OutShape()...) // Conv2DInto writes every element
	cols := &tensor.Tensor{Shape: []int{geom.N, geom.C * geom.KH * geom.KW, geom.OH * geom.OW}}
	cols.Data = t.ar.Scratch(tensor.Size(cols.Shape))
	tensor.Conv2DInto(geom, out, cols, x.Value, w.Value, bv)
	act.apply(out.Data)
	v := t.record("conv2d", out, inputs, func(g *tensor.Tensor) []*tensor.Tensor {
		d := g
		if act != ActNone {
			d = t.ar.New(out.Shape...)
			act.grad(d.Data, g.Data, out.Data)
		}
		needB := b != nil && b.requiresGrad
		dx, dw, db := t.ar.Conv2DBackward(geom, d, cols, w.Value, x.requiresGrad, w.requiresGrad, needB)
		if b == nil {
			return []*tensor.Tensor{dx, dw}
		}
		return []*tensor.Tensor{dx, dw, db}
	}, nil)
	switch {
	case t.ar != nil: // the arena takes the columns back at Reset
	case v.node != nil:
		t.onReset(func() { tensor.ReleaseScratch(cols.Data) })
	default:
		tensor.ReleaseScratch(cols.Data)
	}
	return withAttrs(v, "stride="+strconv.Itoa(stride)+", pad="+strconv.Itoa(pad)+", act="+act.String())
}
