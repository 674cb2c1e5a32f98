package autograd

import (
	"fmt"
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Conv2D returns the 2-D convolution (cross-correlation, as in every
// deep-learning framework) of x [N C H W] with weights w [F C KH KW], plus
// the bias b [F] if b is non-nil, with the given stride and zero padding on
// every side. The result is [N F OH OW] with OH = (H + 2·pad − KH)/stride + 1
// (rounded down), likewise OW. It runs as im2col and one matrix product.
// It panics, naming both shapes, if x or w is not 4-D, the channel counts
// differ, b is not [F], stride < 1, pad < 0 or the window does not fit.
//
// Backward, with cols the im2col matrix of x and G the gradient viewed as
// [F, N·OH·OW]: dL/dw = G·colsᵀ, dL/dx = col2im(wᵀ·G), dL/db = G summed
// over everything but F.
func (t *Tape) Conv2D(x, w, b *Var, stride, pad int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Conv2D(in[0], in[1], optional(in, 2), stride, pad) })
	geom, inputs, out, cols := t.convForward("Conv2D", x, w, b, stride, pad)
	v := t.record("conv2d", out, inputs, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.convBackward(geom, g, cols, x, w, b, nil)
	}, nil)
	t.releaseCols(v, cols)
	return withAttrs(v, "stride="+strconv.Itoa(stride)+", pad="+strconv.Itoa(pad))
}

// convForward computes op's convolution of x by w (and b, if not nil):
// its geometry, the op's inputs, the output and the im2col columns the
// backward pass reads. It panics as Conv2D documents.
func (t *Tape) convForward(op string, x, w, b *Var, stride, pad int) (geom tensor.ConvGeom, inputs []*Var, out, cols *tensor.Tensor) {
	geom = tensor.NewConvGeom(op, x.Value.Shape, w.Value.Shape, stride, pad)
	inputs = []*Var{x, w}
	var bv *tensor.Tensor
	if b != nil {
		if len(b.Value.Shape) != 1 || b.Value.Shape[0] != geom.F {
			panic(fmt.Sprintf("autograd: %s: bias shape %v for weights %v, want [%d]", op, b.Value.Shape, w.Value.Shape, geom.F))
		}
		inputs = append(inputs, b)
		bv = b.Value
	}
	out = t.ar.Uninit(geom.OutShape()...) // Conv2DInto writes every element
	// The columns live until the tape is reset (they are the backward
	// pass's input), then go back to the scratch pool (or, on a recycling
	// tape, to the tape's arena, whose buffers fit their size exactly). An
	// op that is not recorded needs them only here: from the scratch pool,
	// they go back at once (releaseCols).
	cols = &tensor.Tensor{Shape: []int{geom.N, geom.C * geom.KH * geom.KW, geom.OH * geom.OW}}
	cols.Data = t.ar.Scratch(tensor.Size(cols.Shape))
	tensor.Conv2DInto(geom, out, cols, x.Value, w.Value, bv)
	return geom, inputs, out, cols
}

// convBackward is a convolution's backward pass for the gradient g of
// its output: the gradients of x, w and (when not nil) b.
// With pre not nil, the gradient is pre(g), formed image by image
// (tensor.Arena.Conv2DBackwardPre).
func (t *Tape) convBackward(geom tensor.ConvGeom, g, cols *tensor.Tensor, x, w, b *Var, pre func(dst, src []float64, off int)) []*tensor.Tensor {
	needB := b != nil && b.requiresGrad
	dx, dw, db := t.ar.Conv2DBackwardPre(geom, g, cols, w.Value, pre, x.requiresGrad, w.requiresGrad, needB)
	if b == nil {
		return t.grads(dx, dw)
	}
	return t.grads(dx, dw, db)
}

// releaseCols gives a convolution's columns back when v's node no longer
// needs them: at once if it was not recorded, at Reset otherwise (a
// recycling tape's arena takes them back itself).
func (t *Tape) releaseCols(v *Var, cols *tensor.Tensor) {
	switch {
	case t.ar != nil:
	case v.node != nil:
		t.onReset(func() { tensor.ReleaseScratch(cols.Data) })
	default:
		tensor.ReleaseScratch(cols.Data)
	}
}

// MaxPool2D returns the maximum of every k×k window of x [N C H W], moved
// by stride (no padding), as [N C OH OW] with OH = (H − k)/stride + 1. It
// panics if x is not 4-D, k < 1, stride < 1 or the window does not fit.
//
// Backward: each element of g goes to the first maximum of its window
// (summed where windows overlap); the other positions receive 0.
func (t *Tape) MaxPool2D(x *Var, k, stride int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.MaxPool2D(in[0], k, stride) })
	geom := tensor.NewPoolGeom("MaxPool2D", x.Value.Shape, k, stride)
	out, arg := t.ar.MaxPool2D(geom, x.Value)
	v := t.record("maxpool2d", out, []*Var{x}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.MaxPool2DGrad(geom, g, arg))
	}, nil)
	return withAttrs(v, "k="+strconv.Itoa(k)+", stride="+strconv.Itoa(stride))
}

// AvgPool2D returns the mean of every k×k window of x [N C H W], moved by
// stride (no padding), as [N C OH OW]. It panics if x is not 4-D, k < 1,
// stride < 1 or the window does not fit.
//
// Backward: each element of g is spread as g/k² over its window (summed
// where windows overlap).
func (t *Tape) AvgPool2D(x *Var, k, stride int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.AvgPool2D(in[0], k, stride) })
	geom := tensor.NewPoolGeom("AvgPool2D", x.Value.Shape, k, stride)
	out := tensor.AvgPool2D(geom, x.Value)
	v := t.record("avgpool2d", out, []*Var{x}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(tensor.AvgPool2DBackward(geom, g))
	}, nil)
	return withAttrs(v, "k="+strconv.Itoa(k)+", stride="+strconv.Itoa(stride))
}
