package autograd

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Pow returns a raised element-wise to the constant power p. Negative
// elements with a non-integer p give NaN (IEEE 754); Pow does not panic.
//
// Backward: dL/da = g ⊙ p·a^(p−1). Local: p·a^(p−1).
func (t *Tape) Pow(a *Var, p float64) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Pow(in[0], p) })
	out := t.ar.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = math.Pow(x, p)
	}
	local := func() *tensor.Tensor {
		d := t.ar.New(a.Value.Shape...)
		for i, x := range a.Value.Data {
			d.Data[i] = p * math.Pow(x, p-1)
		}
		return d
	}
	v := t.record("pow", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := local()
		for i, gv := range g.Data {
			d.Data[i] *= gv
		}
		return t.grads(d)
	}, func() []*tensor.Tensor { return []*tensor.Tensor{local()} })
	return withAttrs(v, "p="+fmtFloat(p))
}

// Square returns a ⊙ a, in a's shape. It does not panic.
//
// Backward: dL/da = 2a ⊙ g. Local: 2a.
func (t *Tape) Square(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Square(in[0]) })
	out := t.ar.Mul(a.Value, a.Value) // x·x
	return t.record("square", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.ScaledMul(a.Value, g, 2)) // 2·x·g
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Scaled(a.Value, 2)}
	})
}

// Sqrt returns the element-wise square root of a. Negative elements give
// NaN and zeros an infinite gradient (IEEE 754); Sqrt does not panic.
//
// Backward: dL/da = g / (2·sqrt(a)). Local: 1 / (2·sqrt(a)).
func (t *Tape) Sqrt(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Sqrt(in[0]) })
	out := t.ar.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = math.Sqrt(x)
	}
	return t.record("sqrt", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(a.Value.Shape...)
		for i, y := range out.Data {
			d.Data[i] = g.Data[i] * 0.5 / y
		}
		return t.grads(d)
	}, func() []*tensor.Tensor {
		d := tensor.New(a.Value.Shape...)
		for i, y := range out.Data {
			d.Data[i] = 0.5 / y
		}
		return []*tensor.Tensor{d}
	})
}

// Exp returns e raised element-wise to a. Large elements overflow to +Inf
// (IEEE 754); Exp does not panic.
//
// Backward: dL/da = g ⊙ exp(a). Local: exp(a).
func (t *Tape) Exp(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Exp(in[0]) })
	out := t.ar.Uninit(a.Value.Shape...)
	tensor.ExpInto(out.Data, a.Value.Data) // math.Exp's bits
	return t.record("exp", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Mul(g, out))
	}, func() []*tensor.Tensor { return []*tensor.Tensor{out.Clone()} })
}

// Log returns the element-wise natural logarithm of a. Zeros give −Inf and
// negative elements NaN (IEEE 754); Log does not panic.
//
// Backward: dL/da = g / a. Local: 1/a.
func (t *Tape) Log(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Log(in[0]) })
	out := t.ar.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = math.Log(x)
	}
	return t.record("log", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Div(g, a.Value))
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Div(tensor.Ones(a.Value.Shape...), a.Value)}
	})
}
