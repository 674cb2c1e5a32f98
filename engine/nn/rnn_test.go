package nn

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestRNNGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		b, steps := rapid.IntRange(1, 2).Draw(rt, "batch"), rapid.IntRange(1, 4).Draw(rt, "time")
		in, hid := rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		r := NewRNN("rnn", in, hid, tensor.NewRNG(seeded(rt, "seed")))
		r.Cell.B.Value = tensor.RandN(tensor.NewRNG(1), hid)
		x := input(rt, b, steps, in)
		checkLayer(rt, r, x)
		l := NewLSTM("lstm", in, hid, tensor.NewRNG(seeded(rt, "seed2")))
		checkLayer(rt, l, x)
		// Gradients also flow into given initial states.
		h0 := autograd.NewParam("h0", tensor.RandN(tensor.NewRNG(4), b, hid))
		c0 := autograd.NewParam("c0", tensor.RandN(tensor.NewRNG(5), b, hid))
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var {
			_, h, c := l.ForwardFrom(tp, x, h0, c0)
			return tp.Concat(1, h, c)
		}, append(l.Params(), x, h0, c0)...)
	})
}

func TestRNNShapesAndStates(t *testing.T) {
	rng := tensor.NewRNG(1)
	x := autograd.Const("x", tensor.RandN(rng, 3, 5, 2))
	r := NewRNN("rnn", 2, 4, rng)
	tp := autograd.NoGradTape()
	all, last := r.ForwardFrom(tp, x, nil)
	if !slices.Equal(all.Value.Shape, []int{3, 5, 4}) || !slices.Equal(last.Value.Shape, []int{3, 4}) {
		t.Fatalf("shapes %v %v", all.Value.Shape, last.Value.Shape)
	}
	if got := tp.Select(all, 1, 4).Value.Data; !slices.Equal(got, last.Value.Data) {
		t.Errorf("last hidden state differs from the last of all")
	}
	// One step by hand: h1 = tanh(x0·Wx + 0·Wh + b).
	h1 := r.Cell.Step(tp, tp.Select(x, 1, 0), autograd.Const("h", tensor.New(3, 4)))
	if !slices.Equal(h1.Value.Data, tp.Select(all, 1, 0).Value.Data) {
		t.Errorf("first state differs from one cell step")
	}
	l := NewLSTM("lstm", 2, 4, rng)
	if got := names(l.Params()); got != "lstm.Wx lstm.Wh lstm.b" {
		t.Errorf("params %q", got)
	}
	if b := l.Cell.B.Value.Data; b[3] != 0 || b[4] != 1 || b[7] != 1 || b[8] != 0 {
		t.Errorf("forget-gate bias must start at 1: %v", b)
	}
	if got := names(r.Params()); got != "rnn.Wx rnn.Wh rnn.b" {
		t.Errorf("params %q", got)
	}
	mustPanic(t, func() { r.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(3, 5, 3))) }, "nn: RNN rnn", "[3 5 3]")
	mustPanic(t, func() { l.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(3, 2))) }, "nn: LSTM lstm", "[3 2]")
}
