package autograd

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Sigmoid returns the logistic function 1/(1+e^−a) element-wise, computed
// without overflow for large |a|. The result has a's shape; Sigmoid does
// not panic.
//
// Backward: dL/da = g ⊙ y(1−y) where y is the output. Local: y(1−y).
func (t *Tape) Sigmoid(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Sigmoid(in[0]) })
	out := t.ar.Uninit(a.Value.Shape...)
	each2(costExp, out.Data, a.Value.Data, sigmoidKernel)
	return t.record("sigmoid", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.Uninit(out.Shape...)
		each3(costCheap, d.Data, g.Data, out.Data, sigmoidGradKernel)
		return t.grads(d)
	}, func() []*tensor.Tensor {
		d := t.ar.Uninit(out.Shape...)
		for i, y := range out.Data {
			d.Data[i] = y * (1 - y)
		}
		return []*tensor.Tensor{d}
	})
}

// sigmoidKernel writes sigmoid(a) into dst (dst may be a): the values of
// sigmoid, with the exponentials of a stretch taken at once by
// tensor.ExpInto (math.Exp's bits).
func sigmoidKernel(dst, a []float64) {
	dst = dst[:len(a)]
	var buf [256]float64
	for lo := 0; lo < len(a); lo += len(buf) {
		x, d := a[lo:min(lo+len(buf), len(a))], dst[lo:min(lo+len(buf), len(a))]
		e := buf[:len(x)]
		for i, v := range x {
			// sigmoid's exponent: −x for x ≥ 0, x otherwise (a NaN too).
			e[i] = v
			if v >= 0 {
				e[i] = -v
			}
		}
		tensor.ExpInto(e, e)
		for i, v := range x {
			if v >= 0 {
				d[i] = 1 / (1 + e[i])
			} else {
				d[i] = e[i] / (1 + e[i])
			}
		}
	}
}

// sigmoidGradKernel writes g ⊙ y(1−y) into dst.
func sigmoidGradKernel(dst, g, y []float64) {
	for i, v := range y {
		dst[i] = g[i] * v * (1 - v)
	}
}

// sigmoid is 1/(1+e^−x), evaluated so that e^x never overflows.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Tanh returns the hyperbolic tangent of a element-wise, in a's shape. It
// does not panic.
//
// Backward: dL/da = g ⊙ (1 − y²) where y is the output. Local: 1 − y².
func (t *Tape) Tanh(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Tanh(in[0]) })
	out := t.ar.Uninit(a.Value.Shape...)
	each2(costExp, out.Data, a.Value.Data, tanhKernel)
	return t.record("tanh", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.Uninit(out.Shape...)
		each3(costCheap, d.Data, g.Data, out.Data, tanhGradKernel)
		return t.grads(d)
	}, func() []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, y := range out.Data {
			d.Data[i] = 1 - y*y
		}
		return []*tensor.Tensor{d}
	})
}

// tanhKernel writes tanh(a) into dst (dst may be a): tensor.TanhInto,
// math.Tanh's bits.
func tanhKernel(dst, a []float64) { tensor.TanhInto(dst, a) }

// tanhGradKernel writes g ⊙ (1 − y²) into dst.
func tanhGradKernel(dst, g, y []float64) {
	for i, v := range y {
		dst[i] = g[i] * (1 - v*v)
	}
}

// reluKernel writes max(a, 0) into dst (dst may be a), with a vector loop
// where the CPU has one (reluPrefix: the same bits).
func reluKernel(dst, a []float64) {
	dst = dst[:len(a)]
	for i := reluPrefix(dst, a); i < len(a); i++ {
		dst[i] = max(a[i], 0)
	}
}

// reluGradKernel writes g where a > 0, else 0, into dst, with a vector
// loop where the CPU has one (reluGradPrefix: the same bits).
func reluGradKernel(dst, g, a []float64) {
	dst, g = dst[:len(a)], g[:len(a)]
	for i := reluGradPrefix(dst, g, a); i < len(a); i++ {
		dst[i] = math.Float64frombits(math.Float64bits(g[i]) & positive(a[i]))
	}
}

// ReLU returns max(a, 0) element-wise, in a's shape. It does not panic.
//
// Backward: dL/da = g where a > 0 and 0 elsewhere (the subgradient 0 is
// taken at a = 0). Local: 1 where a > 0, else 0.
func (t *Tape) ReLU(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.ReLU(in[0]) })
	return t.leaky("relu", a, 0)
}

// LeakyReLU returns a where a > 0 and slope·a elsewhere, element-wise, in
// a's shape. It does not panic.
//
// Backward: dL/da = g where a > 0 and slope·g elsewhere. Local: 1 or slope.
func (t *Tape) LeakyReLU(a *Var, slope float64) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.LeakyReLU(in[0], slope) })
	return withAttrs(t.leaky("leaky_relu", a, slope), "slope="+fmtFloat(slope))
}

func (t *Tape) leaky(op string, a *Var, slope float64) *Var {
	// The loops are branch-free: the signs of activations are random, and
	// a mispredicted branch per element costs more than the arithmetic.
	out := t.ar.Uninit(a.Value.Shape...)
	if slope == 0 {
		each2(costCheap, out.Data, a.Value.Data, reluKernel)
	} else {
		for i, x := range a.Value.Data {
			out.Data[i] = pick(x, x, slope*x)
		}
	}
	return t.record(op, out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.Uninit(out.Shape...)
		gd := g.Data[:len(d.Data)]
		if slope == 0 {
			each3(costCheap, d.Data, gd, a.Value.Data, reluGradKernel)
		} else {
			for i, x := range a.Value.Data {
				d.Data[i] = pick(x, gd[i], slope*gd[i])
			}
		}
		return t.grads(d)
	}, func() []*tensor.Tensor {
		d := tensor.New(out.Shape...)
		for i, x := range a.Value.Data {
			d.Data[i] = pick(x, 1, slope)
		}
		return []*tensor.Tensor{d}
	})
}

// pick returns pos if x > 0 and neg otherwise (also for x = ±0 and for a
// NaN with the sign bit set), without a branch.
func pick(x, pos, neg float64) float64 {
	m := positive(x)
	return math.Float64frombits(math.Float64bits(pos)&m | math.Float64bits(neg)&^m)
}

// positive returns all ones if x > 0 and zero otherwise (also for ±0 and
// for a NaN with the sign bit set): x's bits as an integer are then > 0.
func positive(x float64) uint64 {
	b := int64(math.Float64bits(x))
	return ^uint64((b-1)>>63) & ^uint64(b>>63)
}
