package autograd

import (
	"slices"
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

// TestRecyclingTapeStepGrads: the gradients each Step sends, whose slices
// a recycling tape keeps in its own store, are those of an ordinary tape,
// step after step, for graphs that grow from one step to the next (the
// store grows part-way through a backward pass) and shrink again.
func TestRecyclingTapeStepGrads(t *testing.T) {
	rng := tensor.NewRNG(5)
	w := NewParam("W", tensor.RandN(rng, 3, 3))
	x := Const("x", tensor.RandN(rng, 2, 3))
	rec := NewRecyclingTape()
	for _, depth := range []int{2, 40, 3, 90, 1} {
		steps := func(tp *Tape) [][]*tensor.Tensor {
			tp.Reset()
			ZeroGrad(w)
			h := x
			for range depth {
				h = tp.Sigmoid(tp.Add(tp.MatMul(h, w), x))
			}
			var out [][]*tensor.Tensor
			for st := range tp.BackwardSteps(tp.Mean(h)) {
				var gs []*tensor.Tensor
				for _, g := range st.Grads {
					if g != nil {
						g = g.Clone()
					}
					gs = append(gs, g)
				}
				out = append(out, gs)
			}
			return out
		}
		want, got := steps(NewTape()), steps(rec)
		if len(got) != len(want) {
			t.Fatalf("depth %d: %d steps, want %d", depth, len(got), len(want))
		}
		for i := range want {
			for j := range want[i] {
				if (want[i][j] == nil) != (got[i][j] == nil) || (want[i][j] != nil && (!tensor.SameShape(want[i][j], got[i][j]) || !slices.Equal(want[i][j].Data, got[i][j].Data))) {
					t.Fatalf("depth %d: step %d, gradient %d differs from an ordinary tape's", depth, i, j)
				}
			}
		}
	}
}
