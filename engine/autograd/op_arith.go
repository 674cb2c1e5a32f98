package autograd

import (
	"slices"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Add returns a + b with NumPy broadcasting. It panics, naming both shapes,
// if they do not broadcast.
//
// Backward: each input receives the upstream gradient g summed over the
// axes it was broadcast along. Local: 1 for both inputs.
func (t *Tape) Add(a, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Add(in[0], in[1]) })
	out := t.ar.Add(a.Value, b.Value)
	return t.record("add", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.sumFor(a, g), t.sumFor(b, g))
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Ones(out.Shape...), tensor.Ones(out.Shape...)}
	})
}

// Sub returns a − b with NumPy broadcasting. It panics, naming both shapes,
// if they do not broadcast.
//
// Backward: dL/da = g, dL/db = −g, each summed to its input's shape.
// Local: 1 and −1.
func (t *Tape) Sub(a, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Sub(in[0], in[1]) })
	out := t.ar.Sub(a.Value, b.Value)
	return t.record("sub", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var gb *tensor.Tensor
		if b.requiresGrad {
			gb = t.ar.SumTo(t.ar.Scaled(g, -1), b.Value.Shape)
		}
		return t.grads(t.sumFor(a, g), gb)
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Ones(out.Shape...), tensor.Full(-1, out.Shape...)}
	})
}

// Mul returns the element-wise product a ⊙ b with NumPy broadcasting. It
// panics, naming both shapes, if they do not broadcast.
//
// Backward: dL/da = g ⊙ b, dL/db = g ⊙ a, each summed to its input's
// shape. Local: b for a, a for b (broadcast to the output's shape).
func (t *Tape) Mul(a, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Mul(in[0], in[1]) })
	out := t.ar.Mul(a.Value, b.Value)
	return t.record("mul", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var ga, gb *tensor.Tensor
		if a.requiresGrad {
			ga = t.sumTo(t.ar.Mul(g, b.Value), a.Value.Shape)
		}
		if b.requiresGrad {
			gb = t.sumTo(t.ar.Mul(g, a.Value), b.Value.Shape)
		}
		return t.grads(ga, gb)
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.BroadcastTo(b.Value, out.Shape...), tensor.BroadcastTo(a.Value, out.Shape...)}
	})
}

// Div returns the element-wise quotient a / b with NumPy broadcasting.
// Division by zero follows IEEE 754 (±Inf or NaN); it does not panic. It
// panics, naming both shapes, if they do not broadcast.
//
// Backward: dL/da = g / b, dL/db = −g ⊙ a / b², each summed to its input's
// shape. Local: 1/b for a, −a/b² for b.
func (t *Tape) Div(a, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Div(in[0], in[1]) })
	out := t.ar.Div(a.Value, b.Value)
	return t.record("div", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var ga, gb *tensor.Tensor
		if a.requiresGrad {
			ga = t.sumTo(t.ar.Div(g, b.Value), a.Value.Shape)
		}
		if b.requiresGrad {
			// −g·a/b² = −g·out/b
			d := t.ar.Div(t.ar.Mul(g, out), b.Value)
			for i, v := range d.Data {
				d.Data[i] = -v
			}
			gb = t.sumTo(d, b.Value.Shape)
		}
		return t.grads(ga, gb)
	}, func() []*tensor.Tensor {
		la := tensor.Div(tensor.Ones(out.Shape...), b.Value)
		lb := tensor.Div(out, b.Value)
		for i, v := range lb.Data {
			lb.Data[i] = -v
		}
		return []*tensor.Tensor{la, lb}
	})
}

// Neg returns −a, in a's shape. It does not panic.
//
// Backward: dL/da = −g. Local: −1.
func (t *Tape) Neg(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Neg(in[0]) })
	out := t.ar.Scaled(a.Value, -1)
	return t.record("neg", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Scaled(g, -1))
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Full(-1, a.Value.Shape...)}
	})
}

// Scale returns c·a for a constant c, in a's shape. It does not panic.
//
// Backward: dL/da = c·g. Local: c.
func (t *Tape) Scale(a *Var, c float64) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Scale(in[0], c) })
	out := t.ar.Scaled(a.Value, c)
	v := t.record("scale", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(t.ar.Scaled(g, c))
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Full(c, a.Value.Shape...)}
	})
	return withAttrs(v, "c="+fmtFloat(c))
}

// AddScalar returns a + c for a constant c (for example 1 − x as
// AddScalar(Neg(x), 1)), in a's shape. It does not panic.
//
// Backward: dL/da = g. Local: 1.
func (t *Tape) AddScalar(a *Var, c float64) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.AddScalar(in[0], c) })
	out := t.ar.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = x + c
	}
	v := t.record("addc", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return t.grads(g)
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Ones(a.Value.Shape...)}
	})
	return withAttrs(v, "c="+fmtFloat(c))
}

// sumFor returns g summed to v's shape (g itself when no axis was
// broadcast), or nil if v takes no gradient.
func (t *Tape) sumFor(v *Var, g *tensor.Tensor) *tensor.Tensor {
	if !v.requiresGrad {
		return nil
	}
	return t.sumTo(g, v.Value.Shape)
}

// sumTo is tensor.SumTo without the copy when no axis was broadcast:
// gradients are read-only once sent, so g can be passed on as it is.
func (t *Tape) sumTo(g *tensor.Tensor, shape []int) *tensor.Tensor {
	if slices.Equal(g.Shape, shape) {
		return g
	}
	return t.ar.SumTo(g, shape)
}
