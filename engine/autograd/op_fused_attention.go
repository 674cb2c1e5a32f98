package autograd

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Attention returns scaled dot-product attention as one op,
//
//	S = scale · q·kᵀ (+ mask),  A = softmax(S) over the keys,  out = A·v
//
// for q [B Tq dk], k [B Tk dk] and v [B Tk dv] (B is usually
// batch·heads); out is [B Tq dv]. With causal set, query i attends only to
// keys j ≤ i (Tq must equal Tk): the masked weights are exactly 0, as when
// a large negative number is added to their scores. mask, if non-nil, is
// added to the scores, as [Tq Tk] (the same for every B) or [B Tq Tk]; a
// padding mask holds a large negative number (nn uses −1e9) at the keys to
// ignore. weights is A [B Tq Tk], for display; it belongs to the op.
//
// Attention computes the same values as the composition
// BatchMatMul(Softmax(Add(Scale(BatchMatMul(q, k, false, true), scale),
// mask)), v, false, false), bit for bit, without keeping S or any
// intermediate but A. It panics, naming the shapes, if q, k or v is not
// 3-D, the batch sizes, key lengths or depths differ, causal is set with
// Tq ≠ Tk, or mask has another shape.
//
// Backward, with G the upstream gradient: dL/dv = Aᵀ·G; dA = G·vᵀ;
// dS = A ⊙ (dA − rowsum(dA ⊙ A)); dL/dq = scale·dS·k and
// dL/dk = (scale·dS)ᵀ·q. The mask gets no gradient.
func (t *Tape) Attention(q, k, v *Var, scale float64, causal bool, mask *tensor.Tensor) (res *Var, weights *tensor.Tensor) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var {
		r, _ := t.Attention(in[0], in[1], in[2], scale, causal, mask)
		return r
	})
	sq, sk, sv := q.Value.Shape, k.Value.Shape, v.Value.Shape
	if len(sq) != 3 || len(sk) != 3 || len(sv) != 3 || sq[0] != sk[0] || sk[0] != sv[0] || sq[2] != sk[2] || sk[1] != sv[1] {
		panic(fmt.Sprintf("autograd: Attention: shapes q %v, k %v, v %v, want [B Tq dk], [B Tk dk], [B Tk dv]", sq, sk, sv))
	}
	bs, tq, tk := sq[0], sq[1], sk[1]
	if causal && tq != tk {
		panic(fmt.Sprintf("autograd: Attention: causal mask needs equal lengths, shapes q %v and k %v", sq, sk))
	}
	if mask != nil {
		ms := mask.Shape
		if !(len(ms) == 2 && ms[0] == tq && ms[1] == tk) && !(len(ms) == 3 && ms[0] == bs && ms[1] == tq && ms[2] == tk) {
			panic(fmt.Sprintf("autograd: Attention: mask shape %v for scores [%d %d %d], want [%d %d] or [%d %d %d]", ms, bs, tq, tk, tq, tk, bs, tq, tk))
		}
	}
	a := tensor.New(bs, tq, tk)
	tensor.BatchMatMulInto(a, q.Value, k.Value, false, true, 0)
	for b := range bs {
		for i := range tq {
			row := a.Data[(b*tq+i)*tk : (b*tq+i+1)*tk]
			for j, s := range row {
				row[j] = scale * s
			}
			if mask != nil {
				off := i * tk
				if len(mask.Shape) == 3 {
					off += b * tq * tk
				}
				for j, m := range mask.Data[off : off+tk] {
					row[j] += m
				}
			}
			if causal {
				softmaxRow(row[:i+1], row[:i+1])
				clear(row[i+1:])
				continue
			}
			softmaxRow(row, row)
		}
	}
	out := tensor.New(bs, tq, sv[2])
	tensor.BatchMatMulInto(out, a, v.Value, false, false, 0)
	attrs := "scale=" + fmtFloat(scale)
	if causal {
		attrs += ", causal"
	}
	if mask != nil {
		attrs += ", masked"
	}
	rec := t.record("attention", out, []*Var{q, k, v}, func(g *tensor.Tensor) []*tensor.Tensor {
		var gq, gk, gv *tensor.Tensor
		if v.requiresGrad {
			gv = tensor.New(sv...)
			tensor.BatchMatMulInto(gv, a, g, true, false, 0)
		}
		if !q.requiresGrad && !k.requiresGrad {
			return []*tensor.Tensor{nil, nil, gv}
		}
		ds := tensor.New(bs, tq, tk) // dA, then dS in place
		tensor.BatchMatMulInto(ds, g, v.Value, false, true, 0)
		for r := 0; r < len(ds.Data); r += tk {
			y, dr := a.Data[r:r+tk], ds.Data[r:r+tk]
			dot := 0.0
			for j, w := range y {
				dot += w * dr[j]
			}
			for j, w := range y {
				dr[j] = scale * (w * (dr[j] - dot))
			}
		}
		if q.requiresGrad {
			gq = tensor.New(sq...)
			tensor.BatchMatMulInto(gq, ds, k.Value, false, false, 0)
		}
		if k.requiresGrad {
			gk = tensor.New(sk...)
			tensor.BatchMatMulInto(gk, ds, q.Value, true, false, 0)
		}
		return []*tensor.Tensor{gq, gk, gv}
	}, nil)
	return withAttrs(rec, attrs), a
}
