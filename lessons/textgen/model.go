package textgen

import (
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// block is one pre-LayerNorm decoder block:
//
//	x ← x + MHA_causal(LN1(x))
//	x ← x + FFN(LN2(x))          FFN: Dense, ReLU, Dense
type block struct {
	ln1, ln2 *nn.LayerNorm
	mha      *nn.MultiHeadAttention
	ff1, ff2 *nn.Dense
}

// decoder is a character-level Transformer decoder: token embeddings
// plus sinusoidal positions, blocks with causal self-attention, a final
// LayerNorm and a Dense layer giving one score per character at every
// position.
type decoder struct {
	vocab, ctx, dim int
	emb             *nn.Embedding
	pos             *tensor.Tensor // [ctx dim], fixed
	blocks          []*block
	lnF             *nn.LayerNorm
	out             *nn.Dense

	// relu holds the feed-forward ReLU outputs of the last forward pass,
	// one per block.
	relu []*tensor.Tensor
	// fused makes forward record each feed-forward Dense and its ReLU as
	// one op, and attention as one (autograd's DenseAct and Attention:
	// the same values, bit for bit, in fewer passes): for the copies that
	// measure the model (see copy). The lesson's own decoder leaves it
	// unset, so training shows every op.
	fused bool
}

func newDecoder(vocab, ctx, dim, layers, heads int, rng *rand.Rand) *decoder {
	d := &decoder{
		vocab: vocab, ctx: ctx, dim: dim,
		emb: nn.NewEmbedding("embed", vocab, dim, rng),
		pos: nn.SinusoidalPositions(ctx, dim),
		lnF: nn.NewLayerNorm("lnF", dim),
	}
	for l := range layers {
		p := "b" + string(rune('1'+l)) + "."
		d.blocks = append(d.blocks, &block{
			ln1: nn.NewLayerNorm(p+"ln1", dim),
			ln2: nn.NewLayerNorm(p+"ln2", dim),
			mha: nn.NewMultiHeadAttention(p+"attn", dim, heads, true, rng),
			ff1: nn.NewDense(p+"ffn1", dim, 4*dim, rng),
			ff2: nn.NewDense(p+"ffn2", 4*dim, dim, rng),
		})
	}
	d.out = nn.NewDense("out", dim, vocab, rng)
	return d
}

// params returns every parameter in a fixed order.
func (d *decoder) params() []*autograd.Var {
	ps := d.emb.Params()
	for _, b := range d.blocks {
		ps = append(ps, b.ln1.Params()...)
		ps = append(ps, b.mha.Params()...)
		ps = append(ps, b.ln2.Params()...)
		ps = append(ps, b.ff1.Params()...)
		ps = append(ps, b.ff2.Params()...)
	}
	ps = append(ps, d.lnF.Params()...)
	return append(ps, d.out.Params()...)
}

// forward records the logits [len(ids) vocab] of windows of t ids each
// (t ≤ ctx), one window after another: row i holds the scores of the
// character that follows ids[i], seeing only ids up to i in its window.
func (d *decoder) forward(tp *autograd.Tape, ids []int, t int) *autograd.Var {
	b := len(ids) / t
	x := d.inputs(tp, ids, b, t)
	d.relu = d.relu[:0]
	for i, bl := range d.blocks {
		x = d.block(tp, i, bl, x, false)
	}
	logits := d.out.Forward(tp, d.lnF.Forward(tp, x))
	return tp.Reshape(logits, b*t, d.vocab).Named("logits")
}

// forwardLast records the logits [1 vocab] of the character that follows
// the one window ids (1 … ctx ids): the last row of forward(tp, ids,
// len(ids)), bit for bit, for what sampling reads. Every block but the
// last runs on the whole window (the next block's keys and values need
// every position); the last computes its keys and values at every
// position and the rest (the query, the attention, the feed-forward layer,
// the final LayerNorm and the scores) at the last position only. Every
// value of that row comes from the same operands in the same order as in
// forward: products, LayerNorm and the softmax work row by row, and the
// last query may see every position, so its row of the causal mask is all
// zeros (adding 0 changes no score, bar −0 to +0, which the softmax then
// shifts and exponentiates to the same 1).
func (d *decoder) forwardLast(tp *autograd.Tape, ids []int) *autograd.Var {
	t := len(ids)
	x := d.inputs(tp, ids, 1, t)
	d.relu = d.relu[:0]
	for i, bl := range d.blocks {
		x = d.block(tp, i, bl, x, i == len(d.blocks)-1)
	}
	logits := d.out.Forward(tp, d.lnF.Forward(tp, x))
	return tp.Reshape(logits, 1, d.vocab).Named("logits")
}

// inputs records the token embeddings plus positions [b t dim] of ids.
func (d *decoder) inputs(tp *autograd.Tape, ids []int, b, t int) *autograd.Var {
	x := tp.Reshape(d.emb.Lookup(tp, ids), b, t, d.dim).Named("tokens")
	pos := d.pos
	if t < d.ctx {
		pos = tensor.FromValues(d.pos.Data[:t*d.dim], t, d.dim)
	}
	return tp.Add(x, autograd.Const("P", pos)).Named("x")
}

// block records block bl (the i-th) on x [b t dim]. With last set (one
// window: b = 1), only the last position goes past the keys and values:
// the result is [1 1 dim], that position's row of the whole block's.
func (d *decoder) block(tp *autograd.Tape, i int, bl *block, x *autograd.Var, last bool) *autograd.Var {
	h := bl.ln1.Forward(tp, x)
	var a *autograd.Var
	if last {
		// The last query sees every key: the attention without a mask.
		open := *bl.mha
		open.Causal = false
		x = lastRow(x)
		a = open.Attend(tp, lastRow(h), h)
	} else {
		a = bl.mha.Forward(tp, h)
	}
	x = tp.Add(x, a).Named(blockName(i) + "x+attn")
	var r *autograd.Var
	if d.fused {
		r = bl.ff1.ForwardAct(tp, bl.ln2.Forward(tp, x), autograd.ActReLU)
	} else {
		r = tp.ReLU(bl.ff1.Forward(tp, bl.ln2.Forward(tp, x)))
	}
	d.relu = append(d.relu, r.Value)
	return tp.Add(x, bl.ff2.Forward(tp, r)).Named(blockName(i) + "x+ffn")
}

// lastRow is the last position [1 1 dim] of the one window v [1 t dim],
// as a constant: for a tape that records no gradients.
func lastRow(v *autograd.Var) *autograd.Var {
	s := v.Value.Shape
	dim := s[len(s)-1]
	return autograd.Const("", tensor.FromValues(v.Value.Data[len(v.Value.Data)-dim:], 1, 1, dim))
}

func blockName(i int) string { return "b" + string(rune('1'+i)) + "." }

// copy returns a decoder with the same parameter values, its own, for a
// measurement beside training or beside another measurement (forward
// writes the decoder's relu and its attention's Weights, so two passes at
// once need two decoders), with fused ops when fused is set.
func (d *decoder) copy(fused bool) *decoder {
	c := newDecoder(d.vocab, d.ctx, d.dim, len(d.blocks), d.blocks[0].mha.Heads, tensor.NewRNG(0))
	c.fused = fused
	for _, b := range c.blocks {
		b.mha.Fused = fused
	}
	src := d.params()
	for i, p := range c.params() {
		copy(p.Value.Data, src[i].Value.Data)
	}
	return c
}
