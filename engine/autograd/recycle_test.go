package autograd

import (
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestRecyclingTapeReusesMemory trains a tiny model for a few steps on a
// recycling tape and checks the contract of NewRecyclingTape: after the
// first step the tape allocates no tensor, parameters keep their own
// gradient tensor (accumulated in place), and NoGrad draws from the same
// arena.
func TestRecyclingTapeReusesMemory(t *testing.T) {
	rng := tensor.NewRNG(3)
	w := NewParam("W", tensor.RandN(rng, 3, 2))
	b := NewParam("b", tensor.RandN(rng, 2))
	x := Const("x", tensor.RandN(rng, 4, 3))
	tp := NewRecyclingTape()
	if !tp.Recycling() || NewTape().Recycling() {
		t.Fatal("Recycling: want true for NewRecyclingTape only")
	}
	step := func() float64 {
		tp.Reset()
		ZeroGrad(w, b)
		loss := tp.Mean(tp.Square(tp.Tanh(tp.Add(tp.MatMul(x, w), b))))
		tp.Backward(loss)
		return loss.Item()
	}
	step()
	gw := w.Grad
	if tp.Arena().Owns(gw) {
		t.Fatal("a parameter's gradient came from the tape's arena: it would be recycled")
	}
	_, fresh := tp.Arena().Stats()
	for range 3 {
		step()
	}
	served, fresh2 := tp.Arena().Stats()
	if fresh2 != fresh {
		t.Errorf("steps after the first allocated %d tensors (%d served), want 0", fresh2-fresh, served)
	}
	if w.Grad != gw {
		t.Error("the parameter's gradient tensor changed between steps; want it accumulated in place")
	}
	// Two backward passes without ZeroGrad accumulate, as on any tape.
	tp.Reset()
	ZeroGrad(w, b)
	for range 2 {
		tp.Backward(tp.Sum(tp.MatMul(x, w)))
	}
	one := NewTape()
	w2 := NewParam("W", w.Value.Clone())
	one.Backward(one.Sum(one.MatMul(x, w2)))
	for i, v := range w.Grad.Data {
		if v != 2*w2.Grad.Data[i] {
			t.Fatalf("accumulated gradient [%d] = %v, want twice %v", i, v, w2.Grad.Data[i])
		}
	}
	ng := tp.NoGrad()
	y := ng.Tanh(x)
	if y.Node() != nil || !tp.Arena().Owns(y.Value) {
		t.Error("NoGrad: want an unrecorded value from the recycling tape's arena")
	}
	if NewTape().NoGrad().Arena() != nil {
		t.Error("NoGrad of an ordinary tape has an arena")
	}
}
