package trainer

import (
	"math"
	"reflect"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// aheadRun is a Loop whose pass is large enough for beginAhead (a
// 256×16 batch through a 16→64 layer), which at step trouble (1-based;
// 0 for never) makes a scaled product overflow to ±Inf that the rest of
// the pass hides from the loss ("inf"), or multiplies the loss by 10⁴
// ("jump").
func aheadRun(kind string, trouble int) (*Loop, []*autograd.Var) {
	rng := tensor.NewRNG(3)
	x := tensor.RandN(rng, 256, 16)
	w := autograd.NewParam("dense.W", tensor.RandN(rng, 16, 64))
	v := autograd.NewParam("out.W", tensor.RandN(rng, 64, 1))
	params := []*autograd.Var{w, v}
	opt := optim.NewSGD(0.01)
	calls := 0
	l := &Loop{N: 256 * 4, Batch: 256, Epochs: 2, ShuffleSeed: 1, Params: params, Recycle: true}
	l.Start = func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
		calls++
		scale, factor := 1.0, 1.0
		if calls == trouble {
			switch kind {
			case "inf":
				scale = 1e308
			case "jump":
				factor = 1e4
			}
		}
		return func(tp *autograd.Tape) *autograd.Var {
			h := tp.Scale(tp.MatMul(autograd.Const("x", x), w), scale)
			// −h² through a ReLU is 0 even where h is ±Inf: the loss
			// stays finite, only the watch sees the overflow.
			hidden := tp.Mean(tp.ReLU(tp.Neg(tp.Mul(h, h))))
			y := tp.MatMul(tp.Tanh(tp.Scale(tp.MatMul(autograd.Const("x", x), w), 0.1)), v)
			loss := tp.Add(tp.Mean(tp.Mul(y, y)), hidden)
			return tp.Scale(loss, factor).Named("L")
		}, func() { opt.Step(params) }
	}
	return l, params
}

// A step run to its end at once (beginAhead: the backward pass beside
// the watch) leaves the run exactly as the same step walked op by op
// (begin, then the backward pass): the same losses, parameters and
// gradients to the bit, the same health gauges, and, when the watch stops
// the run (an overflow the loss does not show, a jump of the loss, at the
// first step or a later one), the same autopsy, the cursor at the end of
// the forward pass with no backward step, no gradient on any node and
// the parameters' gradients as at the step's start.
func TestStepAheadIsTheStepWalked(t *testing.T) {
	type state struct {
		Diverged  bool
		DivStep   int
		Autopsy   any
		Losses    []uint64
		Params    [][]uint64
		Grads     [][]uint64
		Health    Health
		Phase     Phase
		Fwd       int
		Steps     int
		NodeGrads int
	}
	bits := func(xs []float64) []uint64 {
		out := make([]uint64, len(xs))
		for i, x := range xs {
			out[i] = math.Float64bits(x)
		}
		return out
	}
	run := func(kind string, trouble int, g lessons.Granularity) state {
		l, params := aheadRun(kind, trouble)
		for n := 0; !l.Done() && n < 100000; n++ {
			l.Advance(g)
		}
		s := state{Diverged: l.Diverged, DivStep: l.DivStep, Autopsy: l.Autopsy, Health: l.Health().Clone(),
			Phase: l.Cur.Phase, Fwd: l.Cur.Fwd, Steps: len(l.Cur.Steps)}
		for _, x := range l.Losses {
			s.Losses = append(s.Losses, math.Float64bits(x))
		}
		for _, p := range params {
			s.Params = append(s.Params, bits(p.Value.Data))
			if p.Grad == nil {
				s.Grads = append(s.Grads, nil)
			} else {
				s.Grads = append(s.Grads, bits(p.Grad.Data))
			}
		}
		for _, n := range l.Cur.Tape.Nodes() {
			if n.Out.Grad != nil {
				s.NodeGrads++
			}
		}
		return s
	}
	cases := []struct {
		kind    string
		trouble int
	}{{"", 0}, {"inf", 1}, {"inf", 3}, {"jump", 3}, {"jump", 6}}
	for _, c := range cases {
		walked, ahead := run(c.kind, c.trouble, lessons.Op), run(c.kind, c.trouble, lessons.Step)
		if c.trouble > 0 && (!ahead.Diverged || ahead.DivStep != c.trouble || ahead.Autopsy == nil) {
			t.Fatalf("%s at step %d: diverged %v at %d, autopsy %v", c.kind, c.trouble, ahead.Diverged, ahead.DivStep, ahead.Autopsy)
		}
		if c.trouble == 0 && (ahead.Diverged || len(ahead.Losses) != 8) {
			t.Fatalf("no trouble: diverged %v after %d steps", ahead.Diverged, len(ahead.Losses))
		}
		if !reflect.DeepEqual(ahead, walked) {
			t.Fatalf("%s at step %d: a step run at once leaves\n%+v\nwalked op by op\n%+v", c.kind, c.trouble, ahead, walked)
		}
	}
}
