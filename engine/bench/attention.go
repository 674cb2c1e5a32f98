package bench

import (
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of W6.
const (
	AttnBatch = 16
	AttnSeq   = 16
	AttnDim   = 32
	AttnHeads = 4 // of AttnDim/AttnHeads = 8 each
	AttnFF    = 64
	AttnSteps = 100
	AttnLR    = 0.001
	attnEps   = 1e-5 // LayerNorm's ε, PyTorch's default
)

// Attention is W6, one pre-LayerNorm transformer encoder block
//
//	x ← x + MHA(LN1(x))      4 heads of 8
//	x ← x + FFN(LN2(x))      32→64→32, ReLU
//
// trained to reverse its input along the sequence (MSE, Adam) on one batch
// X ~ N(0,1) of shape [16 16 32]. Multi-head attention is built from
// autograd ops: one packed Q|K|V projection, a reshape and permute to
// [3, batch·heads, seq, 8], batched matrix products for the scores and the
// context, a softmax over the keys and the output projection.
type Attention struct {
	LN1G, LN1B, LN2G, LN2B *autograd.Var
	QKV, Proj, FF1, FF2    *nn.Dense
	x, target              *autograd.Var // [256 32] each: batch·seq rows
	tp                     *autograd.Tape
	opt                    optim.Optimizer
	params                 []*autograd.Var
}

// NewAttention returns W6 with its data and weights drawn from seed.
func NewAttention(seed uint64) *Attention {
	rng := tensor.NewRNG(seed)
	x := tensor.RandN(rng, AttnBatch*AttnSeq, AttnDim)
	target := tensor.New(AttnBatch*AttnSeq, AttnDim)
	for b := range AttnBatch {
		for s := range AttnSeq {
			src := x.Data[(b*AttnSeq+s)*AttnDim:][:AttnDim]
			copy(target.Data[(b*AttnSeq+AttnSeq-1-s)*AttnDim:], src)
		}
	}
	prng := tensor.NewRNG(seed + 1)
	w := &Attention{
		LN1G: autograd.NewParam("ln1.gain", tensor.Ones(AttnDim)),
		LN1B: autograd.NewParam("ln1.bias", tensor.New(AttnDim)),
		LN2G: autograd.NewParam("ln2.gain", tensor.Ones(AttnDim)),
		LN2B: autograd.NewParam("ln2.bias", tensor.New(AttnDim)),
		QKV:  nn.NewDense("attn.qkv", AttnDim, 3*AttnDim, prng),
		Proj: nn.NewDense("attn.proj", AttnDim, AttnDim, prng),
		FF1:  nn.NewDense("ffn1", AttnDim, AttnFF, prng),
		FF2:  nn.NewDense("ffn2", AttnFF, AttnDim, prng),
		x:    autograd.Const("x", x),
		tp:   autograd.NewRecyclingTape(),
		opt:  mustOptim("adam", AttnLR),
	}
	w.target = autograd.Const("target", target)
	w.params = []*autograd.Var{w.LN1G, w.LN1B, w.LN2G, w.LN2B}
	for _, d := range []*nn.Dense{w.QKV, w.Proj, w.FF1, w.FF2} {
		w.params = append(w.params, d.Params()...)
	}
	return w
}

// mha records multi-head self-attention of x [batch·seq, d].
func (w *Attention) mha(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	const hd = AttnDim / AttnHeads
	qkv := w.QKV.Forward(tp, x)                                 // [b·s, 3d]
	qkv = tp.Reshape(qkv, AttnBatch, AttnSeq, 3, AttnHeads, hd) // [b s 3 h hd]
	qkv = tp.Permute(qkv, 2, 0, 3, 1, 4)                        // [3 b h s hd]
	qkv = tp.Reshape(qkv, 3, AttnBatch*AttnHeads, AttnSeq, hd)  // [3 b·h s hd]
	q, k, v := tp.Select(qkv, 0, 0), tp.Select(qkv, 0, 1), tp.Select(qkv, 0, 2)
	scores := tp.Scale(tp.BatchMatMul(q, k, false, true), 1/math.Sqrt(hd)) // [b·h s s]
	ctx := tp.BatchMatMul(tp.Softmax(scores), v, false, false)             // [b·h s hd]
	ctx = tp.Reshape(ctx, AttnBatch, AttnHeads, AttnSeq, hd)
	ctx = tp.Permute(ctx, 0, 2, 1, 3) // [b s h hd]
	return w.Proj.Forward(tp, tp.Reshape(ctx, AttnBatch*AttnSeq, AttnDim))
}

// forward records the block's output for x [batch·seq, d].
func (w *Attention) forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	x = tp.Add(x, w.mha(tp, tp.LayerNorm(x, w.LN1G, w.LN1B, attnEps)))
	h := tp.ReLU(w.FF1.Forward(tp, tp.LayerNorm(x, w.LN2G, w.LN2B, attnEps)))
	return tp.Add(x, w.FF2.Forward(tp, h))
}

// Step runs one training step and returns the loss.
func (w *Attention) Step() float64 {
	w.tp.Reset()
	loss := nn.MSE(w.tp, w.forward(w.tp, w.x), w.target)
	update(w.tp, loss, w.opt, w.params)
	return loss.Item()
}
