package autograd

import (
	"fmt"
	"slices"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Concat joins vs along axis (negative counts from the end). All inputs
// must have the same rank and the same sizes on every other axis. It
// panics, naming the op and the first two shapes that differ, if they do
// not, or if vs is empty.
//
// Backward: each input receives its own slab of g along axis.
func (t *Tape) Concat(axis int, vs ...*Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Concat(axis, in...) })
	if len(vs) == 0 {
		panic("autograd: Concat: no inputs")
	}
	first := vs[0].Value.Shape
	ax := normAxis("Concat", first, axis)
	shape := slices.Clone(first)
	shape[ax] = 0
	for _, v := range vs {
		s := v.Value.Shape
		if len(s) != len(first) || !slices.Equal(s[:ax], first[:ax]) || !slices.Equal(s[ax+1:], first[ax+1:]) {
			panic(fmt.Sprintf("autograd: Concat: shapes %v and %v differ outside axis %d", first, s, ax))
		}
		shape[ax] += s[ax]
	}
	return withAttrs(t.join("concat", ax, shape, vs), axisAttr(ax))
}

// Stack joins equally shaped vs along a new axis (0 … rank; negative counts
// from the end of the result's axes), so the result has one more axis of
// size len(vs). It panics, naming the op and both shapes, if the shapes
// differ, or if vs is empty.
//
// Backward: each input receives its slice of g along the new axis.
func (t *Tape) Stack(axis int, vs ...*Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Stack(axis, in...) })
	if len(vs) == 0 {
		panic("autograd: Stack: no inputs")
	}
	first := vs[0].Value.Shape
	ax := normAxis("Stack", make([]int, len(first)+1), axis)
	for _, v := range vs {
		if !slices.Equal(v.Value.Shape, first) {
			panic(fmt.Sprintf("autograd: Stack: shapes %v and %v differ", first, v.Value.Shape))
		}
	}
	shape := slices.Insert(slices.Clone(first), ax, len(vs))
	return withAttrs(t.join("stack", ax, shape, vs), axisAttr(ax))
}

// join copies vs, viewed as [outer, n_i·inner] blocks, side by side into a
// tensor of the given shape: concatenation along axis ax of shape.
func (t *Tape) join(op string, ax int, shape []int, vs []*Var) *Var {
	outer, total, inner := tensor.SplitAxis(shape, ax)
	out := t.ar.New(shape...)
	widths := make([]int, len(vs)) // n_i·inner of each input
	for i, v := range vs {
		widths[i] = len(v.Value.Data) / max(outer, 1)
	}
	row := total * inner
	off := 0
	for i, v := range vs {
		w := widths[i]
		for o := range outer {
			copy(out.Data[o*row+off:o*row+off+w], v.Value.Data[o*w:(o+1)*w])
		}
		off += w
	}
	inputs := slices.Clone(vs)
	return t.record(op, out, inputs, func(g *tensor.Tensor) []*tensor.Tensor {
		grads := make([]*tensor.Tensor, len(inputs))
		off := 0
		for i, v := range inputs {
			w := widths[i]
			if v.requiresGrad {
				d := t.ar.New(v.Value.Shape...)
				for o := range outer {
					copy(d.Data[o*w:(o+1)*w], g.Data[o*row+off:o*row+off+w])
				}
				grads[i] = d
			}
			off += w
		}
		return grads
	}, nil)
}
