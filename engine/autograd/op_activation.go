package autograd

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Sigmoid returns the logistic function 1/(1+e^−a) element-wise, computed
// without overflow for large |a|.
//
// Backward: dL/da = g ⊙ y(1−y) where y is the output. Local: y(1−y).
func (t *Tape) Sigmoid(a *Var) *Var {
	out := tensor.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = sigmoid(x)
	}
	local := func() *tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, y := range out.Data {
			d.Data[i] = y * (1 - y)
		}
		return d
	}
	return t.record("sigmoid", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, y := range out.Data {
			d.Data[i] = g.Data[i] * y * (1 - y)
		}
		return []*tensor.Tensor{d}
	}, func() []*tensor.Tensor { return []*tensor.Tensor{local()} })
}

// sigmoid is 1/(1+e^−x), evaluated so that e^x never overflows.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Tanh returns the hyperbolic tangent of a element-wise.
//
// Backward: dL/da = g ⊙ (1 − y²) where y is the output. Local: 1 − y².
func (t *Tape) Tanh(a *Var) *Var {
	out := tensor.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		out.Data[i] = math.Tanh(x)
	}
	return t.record("tanh", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, y := range out.Data {
			d.Data[i] = g.Data[i] * (1 - y*y)
		}
		return []*tensor.Tensor{d}
	}, func() []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, y := range out.Data {
			d.Data[i] = 1 - y*y
		}
		return []*tensor.Tensor{d}
	})
}

// ReLU returns max(a, 0) element-wise.
//
// Backward: dL/da = g where a > 0 and 0 elsewhere (the subgradient 0 is
// taken at a = 0). Local: 1 where a > 0, else 0.
func (t *Tape) ReLU(a *Var) *Var {
	return t.leaky("relu", a, 0)
}

// LeakyReLU returns a where a > 0 and slope·a elsewhere, element-wise.
//
// Backward: dL/da = g where a > 0 and slope·g elsewhere. Local: 1 or slope.
func (t *Tape) LeakyReLU(a *Var, slope float64) *Var {
	return withAttrs(t.leaky("leaky_relu", a, slope), "slope="+fmtFloat(slope))
}

func (t *Tape) leaky(op string, a *Var, slope float64) *Var {
	out := tensor.New(a.Value.Shape...)
	for i, x := range a.Value.Data {
		if x > 0 {
			out.Data[i] = x
		} else {
			out.Data[i] = slope * x
		}
	}
	return t.record(op, out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, x := range a.Value.Data {
			if x > 0 {
				d.Data[i] = g.Data[i]
			} else {
				d.Data[i] = slope * g.Data[i]
			}
		}
		return []*tensor.Tensor{d}
	}, func() []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, x := range a.Value.Data {
			if x > 0 {
				d.Data[i] = 1
			} else {
				d.Data[i] = slope
			}
		}
		return []*tensor.Tensor{d}
	})
}
