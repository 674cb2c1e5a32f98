package attention

import (
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of part two's model and task.
const (
	SeqLen = 6  // symbols per sequence
	Vocab  = 8  // symbols A … H
	Dim    = 16 // model width
	Hidden = 32 // width of the feed-forward layer
)

// symbols are the task's tokens, by id.
const symbols = "ABCDEFGH"

// encoder is a one-block pre-LayerNorm transformer encoder with a
// classifier on every position:
//
//	x = embed(tokens) + P               P: sinusoidal positions
//	x ← x + MHA(LN1(x))
//	x ← x + FFN(LN2(x))                 FFN: Dense, ReLU, Dense
//	logits = Dense(LN3(x))              one row of Vocab scores per position
type encoder struct {
	emb           *nn.Embedding
	pos           *tensor.Tensor // [SeqLen Dim], fixed
	ln1, ln2, ln3 *nn.LayerNorm
	mha           *nn.MultiHeadAttention
	ff1, ff2, out *nn.Dense

	// relu is the feed-forward layer's ReLU output [batch SeqLen Hidden]
	// of the last forward pass.
	relu *tensor.Tensor
}

func newEncoder(heads int, causal bool, rng *rand.Rand) *encoder {
	return &encoder{
		emb: nn.NewEmbedding("embed", Vocab, Dim, rng),
		pos: nn.SinusoidalPositions(SeqLen, Dim),
		ln1: nn.NewLayerNorm("ln1", Dim),
		ln2: nn.NewLayerNorm("ln2", Dim),
		ln3: nn.NewLayerNorm("ln3", Dim),
		mha: nn.NewMultiHeadAttention("attn", Dim, heads, causal, rng),
		ff1: nn.NewDense("ffn1", Dim, Hidden, rng),
		ff2: nn.NewDense("ffn2", Hidden, Dim, rng),
		out: nn.NewDense("out", Dim, Vocab, rng),
	}
}

// params returns every parameter in a fixed order.
func (e *encoder) params() []*autograd.Var {
	ps := e.emb.Params()
	ps = append(ps, e.ln1.Params()...)
	ps = append(ps, e.mha.Params()...)
	ps = append(ps, e.ln2.Params()...)
	ps = append(ps, e.ff1.Params()...)
	ps = append(ps, e.ff2.Params()...)
	ps = append(ps, e.ln3.Params()...)
	return append(ps, e.out.Params()...)
}

// forward records the logits [len(ids) Vocab] for the sequences ids
// (SeqLen ids each, one after another). The attention weights of the
// pass are left in e.mha.Weights, the ReLU outputs in e.relu.
func (e *encoder) forward(tp *autograd.Tape, ids []int) *autograd.Var {
	b := len(ids) / SeqLen
	x := tp.Reshape(e.emb.Lookup(tp, ids), b, SeqLen, Dim).Named("tokens")
	x = tp.Add(x, autograd.Const("P", e.pos)).Named("x")
	x = tp.Add(x, e.mha.Forward(tp, e.ln1.Forward(tp, x))).Named("x+attn")
	h := tp.ReLU(e.ff1.Forward(tp, e.ln2.Forward(tp, x)))
	e.relu = h.Value
	x = tp.Add(x, e.ff2.Forward(tp, h)).Named("x+ffn")
	logits := e.out.Forward(tp, e.ln3.Forward(tp, x))
	return tp.Reshape(logits, b*SeqLen, Vocab).Named("logits")
}

// reversed returns the target of a sequence: its symbols in reverse order.
func reversed(seq []int) []int {
	out := make([]int, len(seq))
	for i, s := range seq {
		out[len(seq)-1-i] = s
	}
	return out
}

// sequences returns n random sequences of SeqLen symbols, one after
// another.
func sequences(rng *rand.Rand, n int) []int {
	ids := make([]int, n*SeqLen)
	for i := range ids {
		ids[i] = rng.IntN(Vocab)
	}
	return ids
}
