package autograd

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Exp returns e raised element-wise to a. Large elements overflow to +Inf
// (IEEE 754); Exp does not panic.
//
// Backward: dL/da = g ⊙ exp(a). Local: exp(a).
func (t *Tape) Exp(a *Var) *Var {
	out := tensor.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = math.Exp(x)
	}
	return t.record("exp", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Mul(g, out)}
	}, func() []*tensor.Tensor { return []*tensor.Tensor{out.Clone()} })
}

// Log returns the element-wise natural logarithm of a. Zeros give −Inf and
// negative elements NaN (IEEE 754); Log does not panic.
//
// Backward: dL/da = g / a. Local: 1/a.
func (t *Tape) Log(a *Var) *Var {
	out := tensor.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = math.Log(x)
	}
	return t.record("log", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Div(g, a.Value)}
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Div(tensor.Ones(a.Value.Shape...), a.Value)}
	})
}
