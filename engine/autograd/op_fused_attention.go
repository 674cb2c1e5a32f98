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
	checkMask("Attention", mask, bs, tq, tk)
	out, a := attentionForward(t.ar, q.Value, k.Value, v.Value, scale, causal, mask)
	rec := t.record("attention", out, []*Var{q, k, v}, func(g *tensor.Tensor) []*tensor.Tensor {
		gq, gk, gv := attentionBackward(t.ar, g, a, q.Value, k.Value, v.Value, scale, q.requiresGrad, k.requiresGrad, v.requiresGrad)
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

// attentionForward returns softmax(scale·q·kᵀ + mask)·v and the weights,
// for q [B Tq dk], k [B Tk dk] and v [B Tk dv] whose shapes were checked.
func attentionForward(ar *tensor.Arena, q, k, v *tensor.Tensor, scale float64, causal bool, mask *tensor.Tensor) (out, a *tensor.Tensor) {
	bs, tq, tk := q.Shape[0], q.Shape[1], k.Shape[1]
	a = ar.New(bs, tq, tk)
	tensor.BatchMatMulInto(a, q, k, false, true, 0)
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
	out = ar.New(bs, tq, v.Shape[2])
	tensor.BatchMatMulInto(out, a, v, false, false, 0)
	return out, a
}

// attentionBackward returns the gradients of attentionForward's q, k and
// v (nil where not needed) for the upstream gradient g and the weights a.
func attentionBackward(ar *tensor.Arena, g, a, q, k, v *tensor.Tensor, scale float64, needQ, needK, needV bool) (gq, gk, gv *tensor.Tensor) {
	if needV {
		gv = ar.New(v.Shape...)
		tensor.BatchMatMulInto(gv, a, g, true, false, 0)
	}
	if !needQ && !needK {
		return nil, nil, gv
	}
	tk := a.Shape[2]
	ds := ar.New(a.Shape...) // dA, then dS in place
	tensor.BatchMatMulInto(ds, g, v, false, true, 0)
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
	if needQ {
		gq = ar.New(q.Shape...)
		tensor.BatchMatMulInto(gq, ds, k, false, false, 0)
	}
	if needK {
		gk = ar.New(k.Shape...)
		tensor.BatchMatMulInto(gk, ds, q, true, false, 0)
	}
	return gq, gk, gv
}

// SelfAttentionQKV is multi-head self-attention from packed projections,
// as one op: qkv [batch·T, 3·d] holds each position's query, key and value
// side by side (columns [0, d), [d, 2d), [2d, 3d)), each split into heads
// of d/heads columns; the result is the heads' contexts side by side,
// [batch·T, d], ready for the output projection. It computes what
// reshaping qkv to [batch T 3 heads d/heads], permuting to
// [3 batch heads T d/heads], selecting q, k and v, Attention (with scale,
// causal and mask over [batch·heads T T]) and permuting the result back
// compute, bit for bit, without the copies between. weights is
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
	parts := [3]*tensor.Tensor{}
	for w := range parts {
		parts[w] = t.ar.New(batch*heads, steps, hd)
		moveHeads(parts[w].Data, qkv.Value.Data, batch, steps, heads, hd, 3*d, w*d, false)
	}
	ctx, a := attentionForward(t.ar, parts[0], parts[1], parts[2], scale, causal, mask)
	out := t.ar.New(batch*steps, d)
	moveHeads(ctx.Data, out.Data, batch, steps, heads, hd, d, 0, true)
	rec := t.record("self_attention", out, []*Var{qkv}, func(g *tensor.Tensor) []*tensor.Tensor {
		gh := t.ar.New(batch*heads, steps, hd)
		moveHeads(gh.Data, g.Data, batch, steps, heads, hd, d, 0, false)
		gq, gk, gv := attentionBackward(t.ar, gh, a, parts[0], parts[1], parts[2], scale, true, true, true)
		dqkv := t.ar.New(s...)
		for w, gp := range [3]*tensor.Tensor{gq, gk, gv} {
			moveHeads(gp.Data, dqkv.Data, batch, steps, heads, hd, 3*d, w*d, true)
		}
		return []*tensor.Tensor{dqkv}
	}, nil)
	return withAttrs(rec, "heads="+itoa(heads)+", "+attentionAttrs(scale, causal, mask)), a
}

// moveHeads copies between heads laid out [batch·heads T hd] (h) and the
// rows [batch·T, ld] of a packed matrix (p), whose head j occupies the
// columns off + j·hd … off + (j+1)·hd − 1: from p to h, or from h to p
// when toPacked is set.
func moveHeads(h, p []float64, batch, steps, heads, hd, ld, off int, toPacked bool) {
	for b := range batch {
		for j := range heads {
			for s := range steps {
				hs := h[((b*heads+j)*steps+s)*hd:][:hd]
				ps := p[(b*steps+s)*ld+off+j*hd:][:hd]
				if toPacked {
					copy(ps, hs)
				} else {
					copy(hs, ps)
				}
			}
		}
	}
}
