package trainer

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// tinyRun is a Loop fitting y = 2x − 1 with a 1→4→1 tanh network and SGD,
// whose cursor is settled after every step as the lessons that recycle do.
type tinyRun struct {
	loop   Loop
	opt    optim.Optimizer
	params []*autograd.Var
}

func newTinyRun(recycle bool) *tinyRun {
	rng := tensor.NewRNG(5)
	x := tensor.RandN(rng, 40, 1)
	y := tensor.New(40, 1)
	for i, v := range x.Data {
		y.Data[i] = 2*v - 1
	}
	w1, b1 := autograd.NewParam("W1", tensor.RandN(rng, 1, 4)), autograd.NewParam("b1", tensor.New(4))
	w2, b2 := autograd.NewParam("W2", tensor.RandN(rng, 4, 1)), autograd.NewParam("b2", tensor.New(1))
	r := &tinyRun{opt: optim.NewSGD(0.1), params: []*autograd.Var{w1, b1, w2, b2}}
	r.loop = Loop{N: 40, Batch: 8, Epochs: 3, ShuffleSeed: 9, Params: r.params, Recycle: recycle,
		Start: func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
			xb, yb := tensor.New(len(rows), 1), tensor.New(len(rows), 1)
			for i, row := range rows {
				xb.Data[i], yb.Data[i] = x.Data[row], y.Data[row]
			}
			return func(tp *autograd.Tape) *autograd.Var {
				h := tp.Tanh(tp.Add(tp.MatMul(autograd.Const("x", xb), w1), b1))
				d := tp.Sub(tp.Add(tp.MatMul(h, w2), b2), autograd.Const("y", yb))
				return tp.Mean(tp.Mul(d, d)).Named("L")
			}, func() { r.opt.Step(r.params) }
		}}
	return r
}

func (r *tinyRun) advance(g lessons.Granularity) {
	r.loop.Advance(g)
	if r.loop.Cur.Phase == Updated && r.loop.Cur.Tape.Len() > 0 {
		r.loop.Cur = r.loop.Cur.Settled()
	}
}

// TestRecyclingLoopIsTheSameRun checks Loop.Recycle: the run's losses
// and parameters equal an ordinary loop's to the last bit; a snapshot
// taken between steps holds nothing the following steps overwrite (its
// loss survives them, and restoring it replays the same steps); and the
// tape's arena allocates nothing after the first step.
func TestRecyclingLoopIsTheSameRun(t *testing.T) {
	rec, plain := newTinyRun(true), newTinyRun(false)
	for range 7 {
		rec.advance(lessons.Step)
		plain.advance(lessons.Step)
	}
	snap, ok := rec.loop.Snapshot(rec.opt)
	if !ok {
		t.Fatal("no snapshot between steps")
	}
	lossAt7 := rec.loop.Cur.Loss.Item()
	_, fresh := rec.loop.tape.Arena().Stats()
	for range 5 {
		rec.advance(lessons.Step)
		plain.advance(lessons.Step)
	}
	if _, fresh2 := rec.loop.tape.Arena().Stats(); fresh2 != fresh {
		t.Errorf("the recycling tape allocated %d tensors after its first step, want 0", fresh2-fresh)
	}
	for i, l := range rec.loop.Losses {
		if math.Float64bits(l) != math.Float64bits(plain.loop.Losses[i]) {
			t.Fatalf("loss of step %d: %v recycling, %v ordinary", i+1, l, plain.loop.Losses[i])
		}
	}
	if got := snap.loop.Cur.Loss.Item(); got != lossAt7 {
		t.Fatalf("the snapshot's loss changed from %v to %v as the run went on: it shares the recycled tape", lossAt7, got)
	}
	if snap.loop.tape != nil {
		t.Error("the snapshot keeps the loop's recycling tape")
	}
	// Back to step 7, and on again: the same five losses.
	later := append([]float64(nil), rec.loop.Losses[7:]...)
	tape := rec.loop.tape
	rec.opt = rec.loop.Restore(snap)
	if rec.loop.tape != tape {
		t.Error("Restore replaced the live loop's tape")
	}
	for range 5 {
		rec.advance(lessons.Step)
	}
	for i, l := range rec.loop.Losses[7:] {
		if math.Float64bits(l) != math.Float64bits(later[i]) {
			t.Fatalf("after restoring step 7, step %d's loss is %v, was %v", 8+i, l, later[i])
		}
	}
	for i, p := range rec.params {
		for j, v := range p.Value.Data {
			if w := plain.params[i].Value.Data[j]; math.Float64bits(v) != math.Float64bits(w) {
				t.Fatalf("%s[%d] = %v recycling, %v ordinary", p.Name, j, v, w)
			}
		}
	}
}
