package autograd

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/tensor"
	"gonum.org/v1/gonum/blas"
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
	checkMask("Attention", mask, bs, tq, tk)
	dk, dv := sq[2], sv[2]
	hq, hk, hv := contiguous(q.Value.Data, tq, dk), contiguous(k.Value.Data, tk, dk), contiguous(v.Value.Data, tk, dv)
	out := t.ar.Uninit(bs, tq, dv)
	a := attentionForward(t.ar, bs, hq, hk, hv, contiguous(out.Data, tq, dv), scale, causal, mask)
	rec := t.record("attention", out, []*Var{q, k, v}, func(g *tensor.Tensor) []*tensor.Tensor {
		var gq, gk, gv *tensor.Tensor
		var hgq, hgk, hgv unitLayout
		if q.requiresGrad {
			gq = t.ar.Uninit(sq...)
			hgq = contiguous(gq.Data, tq, dk)
		}
		if k.requiresGrad {
			gk = t.ar.Uninit(sk...)
			hgk = contiguous(gk.Data, tk, dk)
		}
		if v.requiresGrad {
			gv = t.ar.Uninit(sv...)
			hgv = contiguous(gv.Data, tk, dv)
		}
		attentionBackward(t.ar, bs, contiguous(g.Data, tq, dv), hq, hk, hv, hgq, hgk, hgv, a, scale)
		return []*tensor.Tensor{gq, gk, gv}
	}, nil)
	return withAttrs(rec, attentionAttrs(scale, causal, mask)), a
}

// checkMask panics, naming op and the shapes, unless mask is nil, [tq tk]
// or [bs tq tk].
func checkMask(op string, mask *tensor.Tensor, bs, tq, tk int) {
	if mask == nil {
		return
	}
	ms := mask.Shape
	if !(len(ms) == 2 && ms[0] == tq && ms[1] == tk) && !(len(ms) == 3 && ms[0] == bs && ms[1] == tq && ms[2] == tk) {
		panic(fmt.Sprintf("autograd: %s: mask shape %v for scores [%d %d %d], want [%d %d] or [%d %d %d]", op, ms, bs, tq, tk, tq, tk, bs, tq, tk))
	}
}

// attentionAttrs is the display form of an attention op's arguments.
func attentionAttrs(scale float64, causal bool, mask *tensor.Tensor) string {
	attrs := "scale=" + fmtFloat(scale)
	if causal {
		attrs += ", causal"
	}
	if mask != nil {
		attrs += ", masked"
	}
	return attrs
}

// unitLayout describes where the per-unit matrices of an attention op live:
// unit u (a batch element and a head, u = b·n + j for n heads) is the
// rows×width matrix starting at column base + j·width of row b·rows of
// data, whose rows are ld apart. A contiguous [B rows width] tensor is
// one head with ld = width; the packed Q|K|V of SelfAttentionQKV is n
// heads side by side. The per-unit products read and write these places
// directly (tensor.BLAS's strided Dgemm), so no head is ever copied out.
type unitLayout struct {
	data                     []float64
	ld, base, n, rows, width int
}

// contiguous is the layout of a [B rows width] tensor's data.
func contiguous(data []float64, rows, width int) unitLayout {
	return unitLayout{data: data, ld: width, n: 1, rows: rows, width: width}
}

// at returns unit u's data from its first element on.
func (h unitLayout) at(u int) []float64 {
	return h.data[(u/h.n)*h.rows*h.ld+h.base+(u%h.n)*h.width:]
}

// unitGemm computes c = op(a)·op(b) (beta 0) for one unit with the
// engine's product: the same per-element sequence of fused multiply-adds
// as tensor.BatchMatMulInto on contiguous copies, so the same bits.
func unitGemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	tr := func(t bool) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	tensor.BLAS{}.Dgemm(tr(ta), tr(tb), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
}

// attentionUnitWork is the work (in tensor.ParallelFor's units) of one
// unit's forward or backward pass: its products plus the exponentials.
func attentionUnitWork(tq, tk, dk, dv int) int {
	return tq*tk*(dk+dv) + 8*tq*tk
}

// attentionForward writes softmax(scale·q·kᵀ + mask)·v of every unit into
// out and returns the weights [units Tq Tk], for q, k, v and out laid out
// as described by their layouts (q, out with Tq rows, k, v with Tk) and
// shapes already checked. Units are split between the cores; each unit's
// arithmetic is the same whoever runs it.
func attentionForward(ar *tensor.Arena, units int, q, k, v, out unitLayout, scale float64, causal bool, mask *tensor.Tensor) (a *tensor.Tensor) {
	tq, tk, dk, dv := q.rows, k.rows, q.width, v.width
	a = ar.Uninit(units, tq, tk)
	tensor.ParallelFor(units, units*attentionUnitWork(tq, tk, dk, dv), func(lo, hi int) {
		for u := lo; u < hi; u++ {
			au := a.Data[u*tq*tk : (u+1)*tq*tk]
			unitGemm(false, true, tq, tk, dk, q.at(u), q.ld, k.at(u), k.ld, au, tk)
			var mu []float64 // the mask's [Tq Tk] for this unit
			if mask != nil {
				mu = mask.Data[:tq*tk]
				if len(mask.Shape) == 3 {
					mu = mask.Data[u*tq*tk : (u+1)*tq*tk]
				}
			}
			if !causal {
				tensor.SoftmaxRows(au, au, tk, scale, mu)
			} else {
				for i := range tq {
					row := au[i*tk : (i+1)*tk]
					var mr []float64
					if mu != nil {
						mr = mu[i*tk : i*tk+i+1]
					}
					tensor.SoftmaxRows(row[:i+1], row[:i+1], i+1, scale, mr)
					clear(row[i+1:])
				}
			}
			unitGemm(false, false, tq, dv, tk, au, tk, v.at(u), v.ld, out.at(u), out.ld)
		}
	})
	return a
}

// attentionBackward writes the gradients of attentionForward's q, k and v
// into gq, gk and gv (laid out as q, k and v; a nil data means not
// needed) for the upstream gradient g (laid out as the output) and the
// weights a. Units are split between the cores.
func attentionBackward(ar *tensor.Arena, units int, g, q, k, v, gq, gk, gv unitLayout, a *tensor.Tensor, scale float64) {
	tq, tk, dk, dv := q.rows, k.rows, q.width, v.width
	needS := gq.data != nil || gk.data != nil
	var ds *tensor.Tensor // dA, then dS in place
	if needS {
		ds = ar.Uninit(units, tq, tk)
	}
	tensor.ParallelFor(units, units*attentionUnitWork(tq, tk, dk, dv), func(lo, hi int) {
		for u := lo; u < hi; u++ {
			au := a.Data[u*tq*tk : (u+1)*tq*tk]
			if gv.data != nil {
				unitGemm(true, false, tk, dv, tq, au, tk, g.at(u), g.ld, gv.at(u), gv.ld)
			}
			if !needS {
				continue
			}
			du := ds.Data[u*tq*tk : (u+1)*tq*tk]
			unitGemm(false, true, tq, tk, dv, g.at(u), g.ld, v.at(u), v.ld, du, tk)
			tensor.SoftmaxRowsBackward(du, au, du, tk, scale)
			if gq.data != nil {
				unitGemm(false, false, tq, dk, tk, du, tk, k.at(u), k.ld, gq.at(u), gq.ld)
			}
			if gk.data != nil {
				unitGemm(true, false, tk, dk, tq, du, tk, q.at(u), q.ld, gk.at(u), gk.ld)
			}
		}
	})
}

// SelfAttentionQKV is multi-head self-attention from packed projections,
// as one op: qkv [batch·T, 3·d] holds each position's query, key and value
// side by side (columns [0, d), [d, 2d), [2d, 3d)), each split into heads
// of d/heads columns; the result is the heads' contexts side by side,
// [batch·T, d], ready for the output projection. It computes what
// reshaping qkv to [batch T 3 heads d/heads], permuting to
// [3 batch heads T d/heads], selecting q, k and v, Attention (with scale,
// causal and mask over [batch·heads T T]) and permuting the result back
// compute, bit for bit, without the copies between: each head's products
// read and write the packed rows in place, and the heads are split between
// the cores. weights is
// [batch·heads T T]. It panics, naming the shapes, if qkv is not 2-D with
// rows a multiple of batch and columns a multiple of 3·heads, or mask
// does not fit.
//
// Backward: Attention's, gathered from and scattered to the packed
// layout.
func (t *Tape) SelfAttentionQKV(qkv *Var, batch, heads int, scale float64, causal bool, mask *tensor.Tensor) (res *Var, weights *tensor.Tensor) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var {
		r, _ := t.SelfAttentionQKV(in[0], batch, heads, scale, causal, mask)
		return r
	})
	s := qkv.Value.Shape
	if len(s) != 2 || batch <= 0 || heads <= 0 || s[0]%batch != 0 || s[1]%(3*heads) != 0 || s[0] == 0 {
		panic(fmt.Sprintf("autograd: SelfAttentionQKV: shape %v for batch %d and %d heads, want [batch·T 3·d] with heads dividing d", s, batch, heads))
	}
	steps, d := s[0]/batch, s[1]/3
	hd := d / heads
	checkMask("SelfAttentionQKV", mask, batch*heads, steps, steps)
	packed := func(data []float64, ld, w int) unitLayout {
		return unitLayout{data: data, ld: ld, base: w * d, n: heads, rows: steps, width: hd}
	}
	out := t.ar.Uninit(batch*steps, d)
	units := batch * heads
	a := attentionForward(t.ar, units, packed(qkv.Value.Data, 3*d, 0), packed(qkv.Value.Data, 3*d, 1), packed(qkv.Value.Data, 3*d, 2),
		packed(out.Data, d, 0), scale, causal, mask)
	rec := t.record("self_attention", out, []*Var{qkv}, func(g *tensor.Tensor) []*tensor.Tensor {
		dqkv := t.ar.Uninit(s...)
		attentionBackward(t.ar, units, packed(g.Data, d, 0),
			packed(qkv.Value.Data, 3*d, 0), packed(qkv.Value.Data, 3*d, 1), packed(qkv.Value.Data, 3*d, 2),
			packed(dqkv.Data, 3*d, 0), packed(dqkv.Data, 3*d, 1), packed(dqkv.Data, 3*d, 2), a, scale)
		return []*tensor.Tensor{dqkv}
	}, nil)
	return withAttrs(rec, "heads="+itoa(heads)+", "+attentionAttrs(scale, causal, mask)), a
}
