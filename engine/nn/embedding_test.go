package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestEmbeddingLayerNormGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		vocab, dim := rapid.IntRange(1, 5).Draw(rt, "vocab"), rapid.IntRange(1, 4).Draw(rt, "dim")
		e := NewEmbedding("emb", vocab, dim, tensor.NewRNG(seeded(rt, "seed")))
		b, steps := rapid.IntRange(1, 3).Draw(rt, "b"), rapid.IntRange(1, 3).Draw(rt, "t")
		ids := tensor.New(b, steps)
		for i := range ids.Data {
			ids.Data[i] = float64(rapid.IntRange(0, vocab-1).Draw(rt, "id"))
		}
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return e.Forward(tp, autograd.Const("ids", ids)) }, e.W)
		ln := NewLayerNorm("ln", dim)
		ln.Gain.Value = tensor.RandN(tensor.NewRNG(1), dim)
		ln.Bias.Value = tensor.RandN(tensor.NewRNG(2), dim)
		checkLayer(rt, ln, input(rt, b, steps, dim))
	})
}

func TestEmbeddingLayer(t *testing.T) {
	e := NewEmbedding("emb", 4, 3, tensor.NewRNG(1))
	tp := autograd.NewTape()
	y := e.Forward(tp, autograd.Const("ids", tensor.FromValues([]float64{3, 0, 3, 1}, 2, 2)))
	if !slices.Equal(y.Value.Shape, []int{2, 2, 3}) || !slices.Equal(y.Value.Data[:3], e.W.Value.Data[9:12]) {
		t.Errorf("lookup %v", y.Value)
	}
	if l := e.Lookup(tp, []int{2}); !slices.Equal(l.Value.Data, e.W.Value.Data[6:9]) {
		t.Errorf("Lookup %v", l.Value)
	}
	mustPanic(t, func() { e.Forward(tp, autograd.Const("ids", tensor.FromValues([]float64{1.5}, 1))) }, "nn: Embedding emb", "1.5")
	mustPanic(t, func() { e.Forward(tp, autograd.Const("ids", tensor.FromValues([]float64{4}, 1))) }, "Embedding", "index 4")
	if got := names(NewLayerNorm("ln", 3).Params()); got != "ln.gain ln.bias" {
		t.Errorf("params %q", got)
	}
}

func TestDropoutLayer(t *testing.T) {
	d := NewDropout(0.5, tensor.NewRNG(1))
	x := autograd.NewParam("x", tensor.Ones(10, 10))
	model := NewSequential(NewSequential(d), Tanh{})
	tp := autograd.NewTape()
	model.Forward(tp, x)
	if tp.Nodes()[0].Op != "dropout" || !d.Training() {
		t.Fatalf("training mode must record dropout, got %s", tp.Nodes()[0].Label())
	}
	model.Train(false)
	if d.Training() {
		t.Fatalf("Train(false) did not reach the nested Dropout")
	}
	tp2 := autograd.NewTape()
	y := model.Forward(tp2, x)
	if tp2.Len() != 1 || y.Value.Data[0] != math.Tanh(1) {
		t.Errorf("evaluation mode must be the identity")
	}
	checkGrad(t, func(tp *autograd.Tape) *autograd.Var {
		return NewDropout(0.3, tensor.NewRNG(9)).Forward(tp, x)
	}, x)
	mustPanic(t, func() { NewDropout(1, tensor.NewRNG(1)) }, "nn: NewDropout")
}
