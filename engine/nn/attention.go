package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// maskValue is added to the scores of masked (future) positions: exp of
// it underflows to exactly 0, without the Inf a lesson would show as
// divergence.
const maskValue = -1e9

// MultiHeadAttention is scaled dot-product attention with several heads
// (Vaswani et al.). For queries from xq [batch Tq d] and keys and values
// from xkv [batch Tk d], with d split into heads of size d/heads:
//
//	Q = xq·Wq, K = xkv·Wk, V = xkv·Wv   (each split into heads)
//	A = softmax(Q·Kᵀ / sqrt(d/heads))   (per head, over the keys)
//	out = concat_heads(A·V)·Wo
//
// each projection a Dense layer with bias. With Causal set, position i may
// attend only to positions ≤ i. The weights A of the last Forward are kept
// in Weights for display. With Fused set, the scores, their scale, the
// mask, the softmax and the weighted sum are one op (autograd.Attention:
// the same values bit for bit); the lessons, which show every op, leave it
// unset.
type MultiHeadAttention struct {
	Name       string
	Heads      int
	Causal     bool
	Fused      bool
	Q, K, V, O *Dense
	// Weights holds the attention weights [batch heads Tq Tk] of the last
	// Forward (nil before one); each row sums to 1.
	Weights *tensor.Tensor
}

// NewMultiHeadAttention returns attention over d features split into
// heads, with the four d×d projections initialised Glorot uniform (as
// Keras) using rng. It panics unless d and heads are positive and heads
// divides d.
func NewMultiHeadAttention(name string, d, heads int, causal bool, rng *rand.Rand) *MultiHeadAttention {
	if d <= 0 || heads <= 0 || d%heads != 0 {
		panic(fmt.Sprintf("nn: NewMultiHeadAttention %s: %d features do not split into %d heads", name, d, heads))
	}
	return &MultiHeadAttention{
		Name: name, Heads: heads, Causal: causal,
		Q: NewDenseInit(name+".q", d, d, GlorotUniform, rng),
		K: NewDenseInit(name+".k", d, d, GlorotUniform, rng),
		V: NewDenseInit(name+".v", d, d, GlorotUniform, rng),
		O: NewDenseInit(name+".o", d, d, GlorotUniform, rng),
	}
}

// Forward records self-attention of x [batch T d] and returns
// [batch T d]. It panics if x is not [batch T d].
func (m *MultiHeadAttention) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return m.Attend(tp, x, x)
}

// Attend records attention of queries from xq [batch Tq d] over keys and
// values from xkv [batch Tk d] (cross-attention, as in seq2seq), returning
// [batch Tq d]. It panics, naming the shapes, if they are not 3-D with d
// features and the same batch, or if Causal is set and Tq ≠ Tk.
func (m *MultiHeadAttention) Attend(tp *autograd.Tape, xq, xkv *autograd.Var) *autograd.Var {
	return m.AttendKV(tp, xq, xkv, xkv)
}

// AttendKV records attention of queries from xq [batch Tq d] with keys
// from xk and values from xv, both [batch Tk d] — keys and values from
// different inputs (K = xk·Wk, V = xv·Wv), as in retrieval where what is
// matched is not what is read out. It returns [batch Tq d] and panics,
// naming the shapes, if they are not 3-D with d features, one batch size
// and one key length, or if Causal is set and Tq ≠ Tk.
func (m *MultiHeadAttention) AttendKV(tp *autograd.Tape, xq, xk, xv *autograd.Var) *autograd.Var {
	d := m.Q.W.Value.Shape[0]
	sq, sk, sv := xq.Value.Shape, xk.Value.Shape, xv.Value.Shape
	if len(sq) != 3 || len(sk) != 3 || len(sv) != 3 || sq[2] != d || sk[2] != d || sv[2] != d ||
		sq[0] != sk[0] || sv[0] != sk[0] || sv[1] != sk[1] {
		panic(fmt.Sprintf("nn: MultiHeadAttention %s: shapes %v, %v and %v, want [batch T %d] with one batch size and keys as long as values", m.Name, sq, sk, sv, d))
	}
	b, tq, tk, h := sq[0], sq[1], sk[1], m.Heads
	if m.Causal && tq != tk {
		panic(fmt.Sprintf("nn: MultiHeadAttention %s: causal mask needs equal lengths, shapes %v and %v", m.Name, sq, sk))
	}
	dk := d / h
	heads := func(v *autograd.Var, t int) *autograd.Var { // [b t d] → [b·h t dk]
		return tp.Reshape(tp.Permute(tp.Reshape(v, b, t, h, dk), 0, 2, 1, 3), b*h, t, dk)
	}
	q := heads(m.Q.Forward(tp, xq), tq)
	k := heads(m.K.Forward(tp, xk), tk)
	v := heads(m.V.Forward(tp, xv), tk)
	var ctx *autograd.Var
	if m.Fused {
		var a *tensor.Tensor
		ctx, a = tp.Attention(q, k, v, 1/math.Sqrt(float64(dk)), m.Causal, nil)
		m.Weights = a.Reshape(b, h, tq, tk)
	} else {
		ctx = m.attend(tp, q, k, v, b, tq, tk, dk)
	}
	ctx = tp.Reshape(tp.Permute(tp.Reshape(ctx, b, h, tq, dk), 0, 2, 1, 3), b, tq, d)
	return m.O.Forward(tp, ctx)
}

// attend records the unfused attention of the heads q [b·h tq dk] over k
// and v [b·h tk dk], keeping the weights in m.Weights.
func (m *MultiHeadAttention) attend(tp *autograd.Tape, q, k, v *autograd.Var, b, tq, tk, dk int) *autograd.Var {
	h := m.Heads
	scores := tp.Scale(tp.BatchMatMul(q, k, false, true), 1/math.Sqrt(float64(dk)))
	if m.Causal {
		mask := tensor.New(tq, tk)
		for i := range tq {
			for j := i + 1; j < tk; j++ {
				mask.Data[i*tk+j] = maskValue
			}
		}
		scores = tp.Add(scores, autograd.Const("causal_mask", mask))
	}
	a := tp.Softmax(scores).Named(m.Name + ".weights")
	m.Weights = a.Value.Reshape(b, h, tq, tk)
	return tp.BatchMatMul(a, v, false, false) // [b·h tq dk]
}

// Params returns the parameters of the Q, K, V and O projections, in that
// order (W then b for each).
func (m *MultiHeadAttention) Params() []*autograd.Var {
	var ps []*autograd.Var
	for _, d := range []*Dense{m.Q, m.K, m.V, m.O} {
		ps = append(ps, d.Params()...)
	}
	return ps
}
