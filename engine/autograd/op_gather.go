package autograd

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// IndexSelect gathers the entries idx[0], idx[1], … along axis of a (an
// index may repeat), so the result has len(idx) entries on that axis.
// Selecting rows of a matrix is IndexSelect(a, 0, rows). It panics if the
// axis or an index is out of range.
//
// Backward: scatter-add: each entry of g is added back at the index it was
// taken from, so repeated indices sum their gradients.
func (t *Tape) IndexSelect(a *Var, axis int, idx []int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.IndexSelect(in[0], axis, idx) })
	ax := normAxis("IndexSelect", a.Value.Shape, axis)
	v := t.gather("index_select", "IndexSelect", a, ax, idx)
	return withAttrs(v, axisAttr(ax)+", "+idsAttr(idx))
}

// gather implements IndexSelect and Embedding.
func (t *Tape) gather(op, name string, a *Var, ax int, idx []int) *Var {
	outer, n, inner := tensor.SplitAxis(a.Value.Shape, ax)
	for _, k := range idx {
		if k < 0 || k >= n {
			panic(fmt.Sprintf("autograd: %s: index %d out of range for axis %d of shape %v", name, k, ax, a.Value.Shape))
		}
	}
	idx = slices.Clone(idx)
	shape := slices.Clone(a.Value.Shape)
	shape[ax] = len(idx)
	out := t.ar.New(shape...)
	m := len(idx)
	for o := range outer {
		for j, k := range idx {
			copy(out.Data[(o*m+j)*inner:(o*m+j+1)*inner], a.Value.Data[(o*n+k)*inner:])
		}
	}
	return t.record(op, out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(a.Value.Shape...)
		for o := range outer {
			for j, k := range idx {
				dst := d.Data[(o*n+k)*inner : (o*n+k+1)*inner]
				for i, v := range g.Data[(o*m+j)*inner : (o*m+j+1)*inner] {
					dst[i] += v
				}
			}
		}
		return t.grads(d)
	}, nil)
}

// idsAttr shows short index lists in full and long ones by length.
func idsAttr(idx []int) string {
	if len(idx) > 8 {
		return "ids=" + strconv.Itoa(len(idx)) + " ids"
	}
	return "ids=" + fmtShape(idx)
}

// Embedding returns the rows w[ids[0]], w[ids[1]], … of the weight matrix
// w [V D] as a [len(ids) D] tensor: a lookup table from token ids to
// vectors. It panics if w is not 2-D or an id is not in [0, V).
//
// Backward: scatter-add: row j of g is added to row ids[j] of dL/dw, so a
// token that occurs twice gets the sum of both gradients; rows not looked
// up receive 0.
func (t *Tape) Embedding(w *Var, ids []int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Embedding(in[0], ids) })
	if len(w.Value.Shape) != 2 {
		panic(fmt.Sprintf("autograd: Embedding: weight shape %v is not 2-D [vocab dim]", w.Value.Shape))
	}
	return withAttrs(t.gather("embedding", "Embedding", w, 0, ids), idsAttr(ids))
}
