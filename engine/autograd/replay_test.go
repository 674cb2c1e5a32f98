package autograd

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestReplay: replaying a recorded forward pass with a leaf replaced
// gives what recording it afresh with that value gives, bit for bit (a
// dropout keeping its mask), and changes nothing recorded.
func TestReplay(t *testing.T) {
	x := NewParam("x", tensor.FromValues([]float64{0.5, -1, 2, 0.25}, 2, 2))
	w := NewParam("w", tensor.FromValues([]float64{1, 2, -1, 0.5}, 2, 2))
	build := func(tp *Tape, rng *rand.Rand) *Var {
		h := tp.Dropout(tp.ReLU(tp.MatMul(x, w)), 0.5, rng, true)
		return tp.Mean(tp.Square(tp.Softmax(tp.Concat(1, h, tp.Exp(x)))))
	}
	tp := NewTape()
	loss := build(tp, rand.New(rand.NewPCG(1, 2)))
	recorded := make([][]float64, tp.Len())
	for i, n := range tp.Nodes() {
		recorded[i] = slices.Clone(n.Out.Value.Data)
	}
	moved := w.Value.Clone()
	for i := range moved.Data {
		moved.Data[i] += 0.125
	}
	got := tp.Replay(loss, map[*Var]*tensor.Tensor{w: moved})

	orig := w.Value
	w.Value = moved
	want := build(NoGradTape(), rand.New(rand.NewPCG(1, 2))).Value
	w.Value = orig
	if got.Data[0] != want.Data[0] || got.Data[0] == loss.Value.Data[0] {
		t.Fatalf("replay %v, fresh %v, recorded %v", got.Data, want.Data, loss.Value.Data)
	}
	for i, n := range tp.Nodes() {
		if !slices.Equal(n.Out.Value.Data, recorded[i]) {
			t.Fatalf("replay changed %s", n.Label())
		}
	}
	if r := tp.Replay(loss, nil); r != loss.Value {
		t.Fatal("a replay with nothing replaced is not the recorded value")
	}
}
