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
			// Keys and values from different inputs.
			xv := input(rt, b, tk, heads*dk)
			xv.Name = "xv"
			checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return m.AttendKV(tp, xq, xkv, xv) }, append(m.Params(), xq, xkv, xv)...)
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
	mustPanic(t, func() {
		m.AttendKV(autograd.NewTape(), x, x, autograd.Const("v", tensor.New(3, 3, 8)))
	}, "nn: MultiHeadAttention attn", "[3 3 8]", "keys as long as values")
}

// TestCrossAttentionHandCase: one head, d = 1, identity projections, so
// the output is Σ_j softmax_j(q·k_j)·v_j written out by hand; keys and
// values differ, and the values decide the output while the keys decide
// the weights.
func TestCrossAttentionHandCase(t *testing.T) {
	m := NewMultiHeadAttention("x", 1, 1, false, tensor.NewRNG(1))
	for _, d := range []*Dense{m.Q, m.K, m.V, m.O} {
		d.W.Value.Data[0], d.B.Value.Data[0] = 1, 0
	}
	q, ks, vs := 0.7, []float64{1, -2, 0.5}, []float64{10, 20, 30}
	den, num := 0.0, 0.0
	for j, k := range ks {
		e := math.Exp(q * k)
		den += e
		num += e * vs[j]
	}
	c := func(name string, v ...float64) *autograd.Var {
		return autograd.Const(name, tensor.FromValues(v, 1, len(v), 1))
	}
	got := m.AttendKV(autograd.NoGradTape(), c("q", q), c("k", ks...), c("v", vs...)).Value.Data[0]
	if want := num / den; math.Abs(got-want) > 1e-12 {
		t.Fatalf("cross-attention output %.15g, want %.15g", got, want)
	}
}
