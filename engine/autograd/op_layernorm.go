package autograd

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/tensor"
)

// LayerNorm normalises x over its last axis (size D) to zero mean and unit
// variance, then scales by gain and shifts by bias (both [D]):
//
//	y = (x − mean) / sqrt(var + eps) ⊙ gain + bias
//
// with the biased variance (divided by D), as in PyTorch and Keras. It
// panics, naming the shapes, if x is a scalar or gain or bias is not [D].
//
// Backward, with x̂ the normalised input and r = 1/sqrt(var + eps), per
// row: dL/dgain = Σ g ⊙ x̂ and dL/dbias = Σ g over rows; with h = g ⊙ gain,
// dL/dx = r·(h − mean(h) − x̂ ⊙ mean(h ⊙ x̂)).
func (t *Tape) LayerNorm(x, gain, bias *Var, eps float64) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.LayerNorm(in[0], in[1], in[2], eps) })
	if len(x.Value.Shape) == 0 {
		panic("autograd: LayerNorm: a scalar has no last axis to normalise over")
	}
	d := x.Value.Shape[len(x.Value.Shape)-1]
	for _, p := range []*Var{gain, bias} {
		if len(p.Value.Shape) != 1 || p.Value.Shape[0] != d {
			panic(fmt.Sprintf("autograd: LayerNorm: shapes %v and %v: gain and bias must be [%d]", x.Value.Shape, p.Value.Shape, d))
		}
	}
	rows := len(x.Value.Data) / max(d, 1)
	xhat := t.ar.Uninit(x.Value.Shape...) // every element is written
	rstd := t.ar.Scratch(rows)
	out := t.ar.Uninit(x.Value.Shape...)
	// Each row's mean and variance are sums in order; rows run four at a
	// time where the CPU has the kernel (the same bits).
	if d > 0 {
		tensor.LayerNormRows(out.Data, xhat.Data, rstd, x.Value.Data, gain.Value.Data, bias.Value.Data, d, eps)
	}
	v := t.record("layernorm", out, []*Var{x, gain, bias}, func(g *tensor.Tensor) []*tensor.Tensor {
		var dx, dg, db *tensor.Tensor
		if gain.requiresGrad {
			dg = t.ar.New(d)
		}
		if bias.requiresGrad {
			db = t.ar.New(d)
		}
		if x.requiresGrad {
			dx = t.ar.Uninit(x.Value.Shape...) // every row is written
		}
		var dxd, dgd, dbd []float64
		if dx != nil {
			dxd = dx.Data
		}
		if dg != nil {
			dgd = dg.Data
		}
		if db != nil {
			dbd = db.Data
		}
		if d > 0 {
			tensor.LayerNormRowsBackward(dxd, dgd, dbd, g.Data, xhat.Data, rstd, gain.Value.Data, d)
		}
		return t.grads(dx, dg, db)
	}, nil)
	return withAttrs(v, "eps="+fmtFloat(eps))
}
