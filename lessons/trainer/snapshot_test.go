package trainer

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// fitLoop is a loop that fits w to the rows' values by Adam on the mean
// of (w·x)², with its own parameter.
func fitLoop() (*Loop, *autograd.Var, *optim.Optimizer) {
	w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2, 3}, 3))
	var opt optim.Optimizer = optim.NewAdam(0.1)
	l := &Loop{N: 8, Batch: 2, Epochs: 3, ShuffleSeed: 1, Params: []*autograd.Var{w}}
	l.Start = func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
		build := func(tp *autograd.Tape) *autograd.Var {
			x := autograd.Const("x", tensor.FromValues([]float64{float64(rows[0] + 1), 1, float64(rows[1])}, 3))
			p := tp.Mul(w, x)
			return tp.Mean(tp.Mul(p, p))
		}
		return build, func() { opt.Step([]*autograd.Var{w}) }
	}
	return l, w, &opt
}

// A snapshot restored into another loop with its own parameters (a fresh
// machine, as the runtime makes to look ahead) goes on exactly as the
// loop that took it: the optimizer's state moves to the new parameters.
func TestSnapshotRestoresIntoAFreshLoop(t *testing.T) {
	a, wa, opta := fitLoop()
	for range 3 {
		a.Advance(lessons.Step)
	}
	s, ok := a.Snapshot(*opta)
	if !ok {
		t.Fatal("no snapshot between steps")
	}
	b, wb, optb := fitLoop()
	*optb = b.Restore(s)
	a.Advance(lessons.Step)
	b.Advance(lessons.Step)
	if !slices.Equal(wa.Value.Data, wb.Value.Data) {
		t.Fatalf("after a step: %v from the loop, %v from its snapshot in a fresh loop", wa.Value.Data, wb.Value.Data)
	}
}
