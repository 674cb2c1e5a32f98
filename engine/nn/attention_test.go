package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestAttentionGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		heads, dk := rapid.IntRange(1, 2).Draw(rt, "heads"), rapid.IntRange(1, 2).Draw(rt, "dk")
		b, steps := rapid.IntRange(1, 2).Draw(rt, "b"), rapid.IntRange(1, 3).Draw(rt, "t")
		causal := rapid.Bool().Draw(rt, "causal")
		m := NewMultiHeadAttention("attn", heads*dk, heads, causal, tensor.NewRNG(seeded(rt, "seed")))
		for _, p := range m.Params() {
			if len(p.Value.Shape) == 1 {
				p.Value = tensor.RandN(tensor.NewRNG(3), p.Value.Shape...)
			}
		}
		checkLayer(rt, m, input(rt, b, steps, heads*dk))
		if !causal {
			tk := rapid.IntRange(1, 3).Draw(rt, "tk")
			xq, xkv := input(rt, b, steps, heads*dk), input(rt, b, tk, heads*dk)
			xkv.Name = "xkv"
			checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return m.Attend(tp, xq, xkv) }, append(m.Params(), xq, xkv)...)
		}
	})
}

func TestAttentionWeights(t *testing.T) {
	rng := tensor.NewRNG(1)
	m := NewMultiHeadAttention("attn", 8, 2, true, rng)
	x := autograd.Const("x", tensor.RandN(rng, 3, 4, 8))
	y := m.Forward(autograd.NewTape(), x)
	if !slices.Equal(y.Value.Shape, []int{3, 4, 8}) || !slices.Equal(m.Weights.Shape, []int{3, 2, 4, 4}) {
		t.Fatalf("shapes %v %v", y.Value.Shape, m.Weights.Shape)
	}
	for r := 0; r < len(m.Weights.Data); r += 4 {
		row, i := m.Weights.Data[r:r+4], (r/4)%4
		s := 0.0
		for j, w := range row {
			s += w
			if j > i && w != 0 {
				t.Fatalf("causal: query %d attends to future key %d with %g", i, j, w)
			}
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("weights row sums to %g", s)
		}
	}
	if got := names(m.Params()); got != "attn.q.W attn.q.b attn.k.W attn.k.b attn.v.W attn.v.b attn.o.W attn.o.b" {
		t.Errorf("params %q", got)
	}
	mustPanic(t, func() { NewMultiHeadAttention("a", 6, 4, false, rng) }, "nn: NewMultiHeadAttention a", "6", "4 heads")
	mustPanic(t, func() { m.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(3, 4, 6))) }, "nn: MultiHeadAttention attn", "[3 4 6]")
	mustPanic(t, func() {
		m.Attend(autograd.NewTape(), x, autograd.Const("y", tensor.New(3, 5, 8)))
	}, "causal", "[3 4 8]", "[3 5 8]")
}
