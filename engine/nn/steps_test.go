package nn

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// TestSteppedBackwardEqualsBackward runs the backward pass of a
// multi-layer network once with Backward and once by stepping the iterator
// to its end, and compares every parameter gradient with ==.
func TestSteppedBackwardEqualsBackward(t *testing.T) {
	rng := tensor.NewRNG(11)
	model := NewSequential(
		NewDense("dense1", 4, 16, rng), Tanh{},
		NewDense("dense2", 16, 16, rng), Tanh{},
		NewDense("dense3", 16, 3, rng),
	)
	x := autograd.Const("x", tensor.RandN(rng, 32, 4))
	labels := make([]int, 32)
	for i := range labels {
		labels[i] = rng.IntN(3)
	}
	build := func(tp *autograd.Tape) *autograd.Var { return CrossEntropy(tp, model.Forward(tp, x), labels) }
	params := model.Params()

	tp := autograd.NewTape()
	tp.Backward(build(tp))
	want := make([][]float64, len(params))
	for i, p := range params {
		want[i] = slices.Clone(p.Grad.Data)
	}

	autograd.ZeroGrad(params...)
	tp2 := autograd.NewTape()
	loss := build(tp2)
	steps := 0
	for range tp2.BackwardSteps(loss) {
		steps++
	}
	if steps != tp2.Len() || steps < 9 {
		t.Fatalf("%d steps for %d nodes", steps, tp2.Len())
	}
	for i, p := range params {
		for j := range want[i] {
			if p.Grad.Data[j] != want[i][j] {
				t.Fatalf("%s[%d]: stepped %v, Backward %v", p.Name, j, p.Grad.Data[j], want[i][j])
			}
		}
	}
}

func TestSequentialParamsOrder(t *testing.T) {
	rng := tensor.NewRNG(1)
	m := NewSequential(NewDense("a", 2, 3, rng), ReLU{}, NewLayerNorm("ln", 3), Sigmoid{}, NewDense("b", 3, 2, rng), Softmax{})
	if got := names(m.Params()); got != "a.W a.b ln.gain ln.bias b.W b.b" {
		t.Errorf("params %q", got)
	}
	y := m.Forward(autograd.NoGradTape(), autograd.Const("x", tensor.RandN(rng, 5, 2)))
	for r := range 5 {
		if s := y.Value.Data[2*r] + y.Value.Data[2*r+1]; s < 1-1e-12 || s > 1+1e-12 {
			t.Errorf("softmax row %d sums to %g", r, s)
		}
	}
}
