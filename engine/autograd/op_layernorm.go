package autograd

import (
	"fmt"
	"math"

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
	gv, bv := gain.Value.Data[:d], bias.Value.Data[:d]
	for r := range rows {
		xr, hr, or := x.Value.Data[r*d:(r+1)*d], xhat.Data[r*d:(r+1)*d:(r+1)*d], out.Data[r*d:(r+1)*d:(r+1)*d]
		mean := 0.0
		for _, v := range xr {
			mean += v
		}
		mean /= float64(d)
		vr := 0.0
		for _, v := range xr {
			vr += (v - mean) * (v - mean)
		}
		vr /= float64(d)
		rs := 1 / math.Sqrt(vr+eps)
		rstd[r] = rs
		for i, v := range xr {
			h := (v - mean) * rs
			hr[i] = h
			or[i] = h*gv[i] + bv[i]
		}
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
		for r := range rows {
			gr, hr := g.Data[r*d:(r+1)*d], xhat.Data[r*d:(r+1)*d:(r+1)*d]
			if dg != nil {
				for i, v := range gr {
					dg.Data[i] += v * hr[i]
				}
			}
			if db != nil {
				for i, v := range gr {
					db.Data[i] += v
				}
			}
			if dx != nil {
				mh, mhx := 0.0, 0.0
				for i, v := range gr {
					h := v * gv[i]
					mh += h
					mhx += h * hr[i]
				}
				mh /= float64(d)
				mhx /= float64(d)
				dr := dx.Data[r*d : (r+1)*d]
				for i, v := range gr {
					dr[i] = rstd[r] * (v*gv[i] - mh - hr[i]*mhx)
				}
			}
		}
		return t.grads(dx, dg, db)
	}, nil)
	return withAttrs(v, "eps="+fmtFloat(eps))
}
