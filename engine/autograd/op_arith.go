package autograd

import "github.com/dlearn/dlearn/engine/tensor"

// Add returns a + b with NumPy broadcasting. It panics if the shapes do not
// broadcast.
//
// Backward: each input receives the upstream gradient summed over the axes
// it was broadcast along.
func (t *Tape) Add(a, b *Var) *Var {
	out := tensor.Binary("Add", a.Value, b.Value, func(x, y float64) float64 { return x + y })
	return t.record("add", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{reduceFor(a, g), reduceFor(b, g)}
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Ones(a.Value.Shape...), tensor.Ones(b.Value.Shape...)}
	})
}

// Sub returns a − b with NumPy broadcasting. It panics if the shapes do not
// broadcast.
//
// Backward: dL/da = g, dL/db = −g (each summed to its input's shape).
func (t *Tape) Sub(a, b *Var) *Var {
	out := tensor.Binary("Sub", a.Value, b.Value, func(x, y float64) float64 { return x - y })
	return t.record("sub", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var gb *tensor.Tensor
		if b.requiresGrad {
			gb = tensor.SumTo(tensor.Map(g, func(v float64) float64 { return -v }), b.Value.Shape)
		}
		return []*tensor.Tensor{reduceFor(a, g), gb}
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Ones(a.Value.Shape...), tensor.Full(-1, b.Value.Shape...)}
	})
}

// Mul returns the element-wise product a ⊙ b with NumPy broadcasting. It
// panics if the shapes do not broadcast.
//
// Backward: dL/da = g ⊙ b, dL/db = g ⊙ a (each summed to its input's shape).
func (t *Tape) Mul(a, b *Var) *Var {
	out := tensor.Binary("Mul", a.Value, b.Value, func(x, y float64) float64 { return x * y })
	return t.record("mul", out, []*Var{a, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		var ga, gb *tensor.Tensor
		if a.requiresGrad {
			ga = tensor.SumTo(tensor.Binary("Mul", g, b.Value, func(x, y float64) float64 { return x * y }), a.Value.Shape)
		}
		if b.requiresGrad {
			gb = tensor.SumTo(tensor.Binary("Mul", g, a.Value, func(x, y float64) float64 { return x * y }), b.Value.Shape)
		}
		return []*tensor.Tensor{ga, gb}
	}, nil)
}

// Scale returns c·a for a constant c.
//
// Backward: dL/da = c·g.
func (t *Tape) Scale(a *Var, c float64) *Var {
	out := tensor.Map(a.Value, func(x float64) float64 { return c * x })
	v := t.record("scale", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Map(g, func(x float64) float64 { return c * x })}
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Full(c, a.Value.Shape...)}
	})
	return withAttrs(v, "c="+fmtFloat(c))
}

// Square returns a ⊙ a.
//
// Backward: dL/da = 2a ⊙ g.
func (t *Tape) Square(a *Var) *Var {
	out := tensor.Map(a.Value, func(x float64) float64 { return x * x })
	return t.record("square", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Binary("Square", g, a.Value, func(gv, x float64) float64 { return 2 * x * gv })}
	}, func() []*tensor.Tensor {
		return []*tensor.Tensor{tensor.Map(a.Value, func(x float64) float64 { return 2 * x })}
	})
}

// reduceFor returns g summed to v's shape, or nil if v takes no gradient.
func reduceFor(v *Var, g *tensor.Tensor) *tensor.Tensor {
	if !v.requiresGrad {
		return nil
	}
	return tensor.SumTo(g, v.Value.Shape)
}
