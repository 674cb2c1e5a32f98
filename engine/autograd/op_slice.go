package autograd

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Slice returns the elements of a with index start ≤ i < end along axis
// (negative axis counts from the end), keeping the axis. It panics if the
// axis is out of range or not 0 ≤ start ≤ end ≤ size.
//
// Backward: g is placed at [start, end) along axis of a zero gradient.
func (t *Tape) Slice(a *Var, axis, start, end int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Slice(in[0], axis, start, end) })
	ax := normAxis("Slice", a.Value.Shape, axis)
	if start < 0 || start > end || end > a.Value.Shape[ax] {
		panic(fmt.Sprintf("autograd: Slice: range %d:%d out of range for axis %d of shape %v", start, end, ax, a.Value.Shape))
	}
	shape := slices.Clone(a.Value.Shape)
	shape[ax] = end - start
	v := t.take("slice", a, ax, shape, start, end)
	return withAttrs(v, axisAttr(ax)+", "+strconv.Itoa(start)+":"+strconv.Itoa(end))
}

// Select returns a[…, i, …]: index i along axis, with that axis removed
// (x[:, t, :] is Select(x, 1, t)). It panics if the axis or i is out of
// range.
//
// Backward: g is placed at index i along axis of a zero gradient.
func (t *Tape) Select(a *Var, axis, i int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Select(in[0], axis, i) })
	ax := normAxis("Select", a.Value.Shape, axis)
	if i < 0 || i >= a.Value.Shape[ax] {
		panic(fmt.Sprintf("autograd: Select: index %d out of range for axis %d of shape %v", i, ax, a.Value.Shape))
	}
	shape := slices.Delete(slices.Clone(a.Value.Shape), ax, ax+1)
	v := t.take("select", a, ax, shape, i, i+1)
	return withAttrs(v, axisAttr(ax)+", i="+strconv.Itoa(i))
}

// take copies the slab [start, end) along axis ax of a into a tensor of
// the given shape (same size).
func (t *Tape) take(op string, a *Var, ax int, shape []int, start, end int) *Var {
	outer, n, inner := tensor.SplitAxis(a.Value.Shape, ax)
	w := (end - start) * inner
	out := t.ar.New(shape...)
	for o := range outer {
		copy(out.Data[o*w:(o+1)*w], a.Value.Data[(o*n+start)*inner:])
	}
	return t.record(op, out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(a.Value.Shape...)
		for o := range outer {
			copy(d.Data[(o*n+start)*inner:(o*n+start)*inner+w], g.Data[o*w:(o+1)*w])
		}
		return t.grads(d)
	}, nil)
}
