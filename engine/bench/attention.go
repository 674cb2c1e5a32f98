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
// X ~ N(0,1) of shape [16 16 32]. Multi-head attention is one packed
// Q|K|V projection, one fused op for the split into heads, the scores,
// the softmax over the keys, the context and the merge of the heads
// (autograd.SelfAttentionQKV), and the output projection. Each dense
// layer and its activation is one fused op (autograd.DenseAct).
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
	qkv := w.QKV.ForwardAct(tp, x, autograd.ActNone) // [b·s, 3d]
	ctx, _ := tp.SelfAttentionQKV(qkv, AttnBatch, AttnHeads, 1/math.Sqrt(hd), false, nil)
	return w.Proj.ForwardAct(tp, ctx, autograd.ActNone)
}

// forward records the block's output for x [batch·seq, d].
func (w *Attention) forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	x = tp.Add(x, w.mha(tp, tp.LayerNorm(x, w.LN1G, w.LN1B, attnEps)))
	h := w.FF1.ForwardAct(tp, tp.LayerNorm(x, w.LN2G, w.LN2B, attnEps), autograd.ActReLU)
	return tp.Add(x, w.FF2.ForwardAct(tp, h, autograd.ActNone))
}

// Step runs one training step and returns the loss.
func (w *Attention) Step() float64 {
	w.tp.Reset()
	loss := nn.MSE(w.tp, w.forward(w.tp, w.x), w.target)
	update(w.tp, loss, w.opt, w.params)
	return loss.Item()
}
