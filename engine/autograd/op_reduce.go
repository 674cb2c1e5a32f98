package autograd

import (
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Sum returns the sum of all elements of a as a scalar (shape []); the
// sum of an empty tensor is 0. It does not panic.
//
// Backward: every element of a receives g.
func (t *Tape) Sum(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Sum(in[0]) })
	s := 0.0
	for _, x := range a.Value.Data {
		s += x
	}
	return t.record("sum", t.scalar(s), []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Full(g.Data[0], a.Value.Shape...))
	}, nil)
}

// Mean returns the mean of all elements of a as a scalar.
// It panics if a is empty.
//
// Backward: every element of a receives g/n.
func (t *Tape) Mean(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Mean(in[0]) })
	n := len(a.Value.Data)
	if n == 0 {
		panic("autograd: Mean: empty tensor of shape " + fmtShape(a.Value.Shape))
	}
	s := 0.0
	for _, x := range a.Value.Data {
		s += x
	}
	return t.record("mean", t.scalar(s/float64(n)), []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Full(g.Data[0]/float64(n), a.Value.Shape...))
	}, nil)
}

// SumAxis returns the sum of a along axis (negative counts from the end),
// dropping the axis, or keeping it with size 1 if keepdims. It panics if
// the axis is out of range.
//
// Backward: g is copied to every position along axis.
func (t *Tape) SumAxis(a *Var, axis int, keepdims bool) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.SumAxis(in[0], axis, keepdims) })
	ax := normAxis("SumAxis", a.Value.Shape, axis)
	out := t.ar.SumAxis(a.Value, ax, keepdims)
	v := t.record("sum", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.ExpandAxis(g, a.Value.Shape, ax))
	}, nil)
	return withAttrs(v, reduceAttr(ax, keepdims))
}

// MeanAxis returns the mean of a along axis (negative counts from the
// end), dropping the axis, or keeping it with size 1 if keepdims. It panics
// if the axis is out of range or empty.
//
// Backward: g/n is copied to every position along axis, n its size.
func (t *Tape) MeanAxis(a *Var, axis int, keepdims bool) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.MeanAxis(in[0], axis, keepdims) })
	ax := normAxis("MeanAxis", a.Value.Shape, axis)
	n := a.Value.Shape[ax]
	if n == 0 {
		panic("autograd: MeanAxis: axis " + strconv.Itoa(ax) + " of shape " + fmtShape(a.Value.Shape) + " is empty")
	}
	inv := 1 / float64(n)
	out := t.ar.SumAxis(a.Value, ax, keepdims)
	for i := range out.Data {
		out.Data[i] *= inv
	}
	v := t.record("mean", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.ExpandAxis(g, a.Value.Shape, ax)
		for i := range d.Data {
			d.Data[i] *= inv
		}
		return t.grads(d)
	}, nil)
	return withAttrs(v, reduceAttr(ax, keepdims))
}

// Max returns the largest element of a as a scalar (NaN if any element is
// NaN). It panics if a is empty.
//
// Backward: g goes to the first largest element; the others receive 0.
func (t *Tape) Max(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Max(in[0]) })
	if len(a.Value.Data) == 0 {
		panic("autograd: Max: empty tensor of shape " + fmtShape(a.Value.Shape))
	}
	m, arg := tensor.MaxAxis(a.Value.Reshape(-1), 0, false)
	return t.record("max", m, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(a.Value.Shape...)
		d.Data[arg[0]] = g.Data[0]
		return t.grads(d)
	}, nil)
}

// MaxAxis returns the maximum of a along axis (negative counts from the
// end), dropping the axis, or keeping it with size 1 if keepdims. It panics
// if the axis is out of range or empty.
//
// Backward: each element of g goes to the first maximum of its slice along
// axis; the other positions receive 0.
func (t *Tape) MaxAxis(a *Var, axis int, keepdims bool) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.MaxAxis(in[0], axis, keepdims) })
	ax := normAxis("MaxAxis", a.Value.Shape, axis)
	out, arg := tensor.MaxAxis(a.Value, ax, keepdims)
	_, n, inner := tensor.SplitAxis(a.Value.Shape, ax)
	v := t.record("max", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(a.Value.Shape...)
		for j, k := range arg {
			o, i := j/inner, j%inner
			d.Data[(o*n+k)*inner+i] = g.Data[j]
		}
		return t.grads(d)
	}, nil)
	return withAttrs(v, reduceAttr(ax, keepdims))
}

func reduceAttr(ax int, keepdims bool) string {
	if keepdims {
		return axisAttr(ax) + ", keepdims"
	}
	return axisAttr(ax)
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func fmtShape(s []int) string {
	b := []byte{'['}
	for i, d := range s {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	return string(append(b, ']'))
}
