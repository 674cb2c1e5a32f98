package autograd

import (
	"strconv"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Sum returns the sum of all elements of a as a scalar.
//
// Backward: every element of a receives g.
func (t *Tape) Sum(a *Var) *Var {
	s := 0.0
	for _, x := range a.Value.Data {
		s += x
	}
	return t.record("sum", tensor.Scalar(s), []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Full(g.Data[0], a.Value.Shape...)}
	}, nil)
}

// Mean returns the mean of all elements of a as a scalar.
// It panics if a is empty.
//
// Backward: every element of a receives g/n.
func (t *Tape) Mean(a *Var) *Var {
	n := len(a.Value.Data)
	if n == 0 {
		panic("autograd: Mean: empty tensor of shape " + fmtShape(a.Value.Shape))
	}
	s := 0.0
	for _, x := range a.Value.Data {
		s += x
	}
	return t.record("mean", tensor.Scalar(s/float64(n)), []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Full(g.Data[0]/float64(n), a.Value.Shape...)}
	}, nil)
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
