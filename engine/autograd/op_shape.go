package autograd

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Transpose returns the transpose of a 2-D a. It panics if a is not 2-D.
//
// Backward: dL/da = gᵀ.
func (t *Tape) Transpose(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Transpose(in[0]) })
	out := t.ar.Transpose(a.Value)
	return t.record("transpose", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Transpose(g))
	}, nil)
}

// Permute reorders a's axes: axis i of the result is axis axes[i] of a
// (NumPy's transpose with axes). It panics if axes is not a permutation of
// a's axes.
//
// Backward: g permuted by the inverse permutation.
func (t *Tape) Permute(a *Var, axes ...int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Permute(in[0], axes...) })
	axes = slices.Clone(axes)
	out := t.ar.Permute(a.Value, axes...)
	v := t.record("permute", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Permute(g, tensor.InversePermutation(axes)...))
	}, nil)
	return withAttrs(v, "axes="+fmtShape(axes))
}

// Reshape returns a with a new shape holding the same elements in the same
// order; one dimension may be −1 and is then inferred. The result shares
// a's data (ops never write to their inputs). It panics, naming both
// shapes, if the sizes differ.
//
// Backward: g reshaped to a's shape.
func (t *Tape) Reshape(a *Var, shape ...int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Reshape(in[0], shape...) })
	out := a.Value.Reshape(shape...)
	v := t.record("reshape", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(g.Reshape(a.Value.Shape...))
	}, nil)
	return withAttrs(v, "shape="+fmtShape(out.Shape))
}

// Flatten reshapes a [N, ...] to [N, rest], keeping the first axis. It
// panics if a is a scalar.
//
// Backward: g reshaped to a's shape.
func (t *Tape) Flatten(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Flatten(in[0]) })
	if len(a.Value.Shape) == 0 {
		panic("autograd: Flatten: a scalar has no first axis to keep")
	}
	return t.Reshape(a, a.Value.Shape[0], tensor.Size(a.Value.Shape[1:]))
}

// normAxis resolves a possibly negative axis (−1 is the last) of a tensor
// of the given rank, panicking, naming op and the shape, if it is out of
// range.
func normAxis(op string, shape []int, axis int) int {
	ax := axis
	if ax < 0 {
		ax += len(shape)
	}
	if ax < 0 || ax >= len(shape) {
		panic(fmt.Sprintf("autograd: %s: axis %d out of range for shape %v", op, axis, shape))
	}
	return ax
}

func axisAttr(axis int) string { return "axis=" + strconv.Itoa(axis) }
