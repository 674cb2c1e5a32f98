package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestGRUGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		b, steps := rapid.IntRange(1, 2).Draw(rt, "batch"), rapid.IntRange(1, 4).Draw(rt, "time")
		in, hid := rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		g := NewGRU("gru", in, hid, tensor.NewRNG(seeded(rt, "seed")))
		g.Cell.Bx.Value = tensor.RandN(tensor.NewRNG(2), 3*hid)
		g.Cell.Bh.Value = tensor.RandN(tensor.NewRNG(3), 3*hid)
		x := input(rt, b, steps, in)
		checkLayer(rt, g, x)
		h0 := autograd.NewParam("h0", tensor.RandN(tensor.NewRNG(4), b, hid))
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var {
			_, h := g.ForwardFrom(tp, x, h0)
			return h
		}, append(g.Params(), x, h0)...)
	})
}

// TestGRUHandCase checks one step against PyTorch's documented GRUCell
// formulas, written out by hand for one input and one hidden unit.
func TestGRUHandCase(t *testing.T) {
	c := NewGRUCell("g", 1, 1, tensor.NewRNG(1))
	copy(c.Wx.Value.Data, []float64{0.5, -0.3, 0.8}) // r, z, n
	copy(c.Wh.Value.Data, []float64{-0.2, 0.4, 0.6})
	copy(c.Bx.Value.Data, []float64{0.1, 0.2, -0.1})
	copy(c.Bh.Value.Data, []float64{0.05, -0.05, 0.3})
	x, h := 1.5, -0.7
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	r := sig(0.5*x + 0.1 + -0.2*h + 0.05)
	z := sig(-0.3*x + 0.2 + 0.4*h - 0.05)
	n := math.Tanh(0.8*x - 0.1 + r*(0.6*h+0.3))
	want := (1-z)*n + z*h
	tp := autograd.NoGradTape()
	got := c.Step(tp, autograd.Const("x", tensor.FromValues([]float64{x}, 1, 1)), autograd.Const("h", tensor.FromValues([]float64{h}, 1, 1)))
	if d := math.Abs(got.Value.Data[0] - want); d > 1e-15 {
		t.Fatalf("h' = %.17g, want %.17g (|Δ| = %g)", got.Value.Data[0], want, d)
	}
}

func TestGRUShapes(t *testing.T) {
	rng := tensor.NewRNG(1)
	x := autograd.Const("x", tensor.RandN(rng, 3, 5, 2))
	g := NewGRU("gru", 2, 4, rng)
	tp := autograd.NoGradTape()
	all, last := g.ForwardFrom(tp, x, nil)
	if !slices.Equal(all.Value.Shape, []int{3, 5, 4}) || !slices.Equal(last.Value.Shape, []int{3, 4}) {
		t.Fatalf("shapes %v %v", all.Value.Shape, last.Value.Shape)
	}
	if got := names(g.Params()); got != "gru.Wx gru.Wh gru.bx gru.bh" {
		t.Errorf("params %q", got)
	}
	mustPanic(t, func() { g.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(3, 5, 3))) }, "nn: GRU gru", "[3 5 3]")
	mustPanic(t, func() { NewGRUCell("g", 0, 2, rng) }, "nn: NewGRUCell g")
}
