package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Embedding maps integer token ids to learned vectors: row id of W
// [vocab dim].
type Embedding struct {
	Name string
	W    *autograd.Var
}

// NewEmbedding returns an embedding of vocab ids into dim dimensions with
// W drawn from N(0, 1) using rng (as PyTorch). It panics if a size is not
// positive.
func NewEmbedding(name string, vocab, dim int, rng *rand.Rand) *Embedding {
	if vocab <= 0 || dim <= 0 {
		panic(fmt.Sprintf("nn: NewEmbedding %s: vocab %d and dim %d must be positive", name, vocab, dim))
	}
	return &Embedding{Name: name, W: autograd.NewParam(name+".W", tensor.RandN(rng, vocab, dim))}
}

// Lookup records the vectors of ids, a [len(ids) dim] tensor. It panics if
// an id is not in [0, vocab).
func (e *Embedding) Lookup(tp *autograd.Tape, ids []int) *autograd.Var {
	return tp.Embedding(e.W, ids)
}

// Forward looks up ids given as a tensor of whole numbers of any shape
// (as Keras' Embedding takes them), returning shape ids.Shape + [dim]. It
// panics if an id is not a whole number in [0, vocab).
func (e *Embedding) Forward(tp *autograd.Tape, ids *autograd.Var) *autograd.Var {
	v := make([]int, len(ids.Value.Data))
	for i, f := range ids.Value.Data {
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			panic(fmt.Sprintf("nn: Embedding %s: id %g (element %d of shape %v) is not a whole number", e.Name, f, i, ids.Value.Shape))
		}
		v[i] = int(f)
	}
	out := tp.Embedding(e.W, v)
	shape := append(append([]int{}, ids.Value.Shape...), e.W.Value.Shape[1])
	return tp.Reshape(out, shape...)
}

// Params returns W.
func (e *Embedding) Params() []*autograd.Var { return []*autograd.Var{e.W} }

// LayerNorm normalises over the last axis with a learned gain (initially 1)
// and bias (initially 0); see Tape.LayerNorm.
type LayerNorm struct {
	Name       string
	Gain, Bias *autograd.Var
	Eps        float64
}

// NewLayerNorm returns a LayerNorm over a last axis of size dim with
// eps = 1e-5 (PyTorch's default). It panics if dim is not positive.
func NewLayerNorm(name string, dim int) *LayerNorm {
	if dim <= 0 {
		panic(fmt.Sprintf("nn: NewLayerNorm %s: size %d must be positive", name, dim))
	}
	return &LayerNorm{
		Name: name,
		Gain: autograd.NewParam(name+".gain", tensor.Ones(dim)),
		Bias: autograd.NewParam(name+".bias", tensor.New(dim)),
		Eps:  1e-5,
	}
}

// Forward records the normalisation of x [..., dim]. It panics, naming the
// shapes, if x's last axis is not dim.
func (l *LayerNorm) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.LayerNorm(x, l.Gain, l.Bias, l.Eps)
}

// Params returns gain and bias.
func (l *LayerNorm) Params() []*autograd.Var { return []*autograd.Var{l.Gain, l.Bias} }

// Dropout is inverted dropout with drop probability P, in training mode
// until Train(false); see Tape.Dropout.
type Dropout struct {
	P        float64
	rng      *rand.Rand
	training bool
}

// NewDropout returns a Dropout layer in training mode drawing its masks
// from rng. It panics unless 0 ≤ p < 1.
func NewDropout(p float64, rng *rand.Rand) *Dropout {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("nn: NewDropout: probability %g not in [0, 1)", p))
	}
	return &Dropout{P: p, rng: rng, training: true}
}

// Train switches between training (masks drawn) and evaluation (identity).
func (d *Dropout) Train(on bool) { d.training = on }

// Training reports whether d is in training mode.
func (d *Dropout) Training() bool { return d.training }

// Forward records dropout of x in training mode and returns x itself in
// evaluation mode.
func (d *Dropout) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.Dropout(x, d.P, d.rng, d.training)
}

// Params returns nil: dropout has no parameters.
func (d *Dropout) Params() []*autograd.Var { return nil }
