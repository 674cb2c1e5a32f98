package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestIndexSelectEmbeddingGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 3, 4)
		a := randParam(rt, "a", shape...)
		ax := rapid.IntRange(0, len(shape)-1).Draw(rt, "axis")
		idx := rapid.SliceOfN(rapid.IntRange(0, shape[ax]-1), 0, 6).Draw(rt, "idx")
		checkGrad(rt, func(tp *Tape) *Var { return tp.IndexSelect(a, ax, idx) }, a)
		w := randParam(rt, "w", rapid.IntRange(1, 5).Draw(rt, "vocab"), rapid.IntRange(1, 4).Draw(rt, "dim"))
		ids := rapid.SliceOfN(rapid.IntRange(0, w.Value.Shape[0]-1), 1, 8).Draw(rt, "ids")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Embedding(w, ids) }, w)
	})
}

func TestEmbeddingScatterAdd(t *testing.T) {
	tp := NewTape()
	w := NewParam("emb.W", tensor.FromValues([]float64{1, 2, 3, 4, 5, 6}, 3, 2))
	e := tp.Embedding(w, []int{2, 0, 2})
	if !slices.Equal(e.Value.Data, []float64{5, 6, 1, 2, 5, 6}) {
		t.Fatalf("lookup: %v", e.Value)
	}
	tp.Backward(tp.Sum(e))
	if !slices.Equal(w.Grad.Data, []float64{1, 1, 0, 0, 2, 2}) {
		t.Errorf("scatter-add gradient %v, want [1 1 0 0 2 2]", w.Grad)
	}
	if e.Node().Label() != "v0 = embedding(emb.W, ids=[2 0 2])" {
		t.Errorf("label %q", e.Node().Label())
	}
}

func TestGatherPanics(t *testing.T) {
	tp := NewTape()
	w := NewParam("w", tensor.New(3, 2))
	mustPanic(t, func() { tp.Embedding(w, []int{3}) }, "Embedding", "index 3", "[3 2]")
	mustPanic(t, func() { tp.Embedding(NewParam("v", tensor.New(3)), []int{0}) }, "Embedding", "[3]")
	mustPanic(t, func() { tp.IndexSelect(w, 1, []int{-1}) }, "IndexSelect", "index -1", "[3 2]")
}
