package trainer

import (
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// Loop is the shared body of a lesson that trains on mini-batches: epochs
// of shuffled batches, each one training step walked by a Cursor, at the
// four granularities of lessons.Granularity, stopping at the last epoch or
// at the first non-finite loss or parameter.
//
// A lesson sets the sizes and hooks, then forwards its Machine's Advance
// and Done to the Loop's.
type Loop struct {
	// N is the number of training rows, Batch the rows per step, Epochs the
	// length of the run. ShuffleSeed seeds the per-epoch shuffles; they come
	// from their own stream, so changing a learning rate never changes
	// which rows form a batch. With NoShuffle, batches keep row order.
	N, Batch, Epochs int
	ShuffleSeed      uint64
	NoShuffle        bool

	// Start is called at the beginning of every training step with the
	// rows of its batch; it returns the forward pass to record (returning
	// the loss) and the update to apply after the backward pass.
	Start func(rows []int) (build func(tp *autograd.Tape) *autograd.Var, update func())
	// Params are checked for NaN and ±Inf after every update.
	Params []*autograd.Var
	// EndEpoch, if set, is called after the last step of every epoch.
	EndEpoch func()

	Cur     Cursor
	Batches [][]int // the current epoch's batches
	Next    int     // index in Batches of the next step's batch
	Rows    []int   // the batch of the current step

	Step     int       // training steps completed
	Epoch    int       // epochs completed
	Losses   []float64 // the batch loss of every completed step
	Diverged bool
	DivStep  int // the step at which the run diverged

	// Mine, when set, is the learner's code each step's ops are checked
	// against (see mine.go); MineStopped is set when a check failed, which
	// ends the run at that step.
	Mine        *lessons.Mine
	MineStopped bool
	mineRep     *lessons.MineReport
	// Opt, when set, is the optimizer the step's update applies to Params:
	// in mine mode its updates are checked too (see mine_update.go).
	Opt     optim.Optimizer
	mineOpt MineOpt
	// Watch stops the run at a divergence (a NaN or ±Inf, or a loss jump:
	// see Watch) and writes its autopsy. Set Watch.Jump before the run to
	// change the jump rule's factor.
	Watch Watch
	// Autopsy is the watch's account of the divergence, once Diverged.
	Autopsy *scene.Autopsy
	// updated is the autopsy of the update just applied, if it left a
	// parameter non-finite.
	updated *scene.Autopsy

	// Recycle, set by a lesson before the run, records every training
	// step on one recycling tape (autograd.NewRecyclingTape), so a step
	// allocates almost nothing once the first has run. It is the lesson's
	// promise that nothing of a step's tape (Cur.Tape's values and
	// gradients, Cur.Loss, Cur.Steps) is read after the next step begins:
	// a lesson that keeps them between steps, or whose snapshots hold
	// Cur, must replace Cur with copies once a step is over (as cnn's
	// compact does). Ignored in mine mode, whose reports keep the step's
	// tensors.
	Recycle bool
	// tape is the recycling tape; it belongs to this loop and is neither
	// saved in snapshots nor taken from one (see Restore).
	tape *autograd.Tape
}

// Done reports whether the run has finished or diverged.
func (l *Loop) Done() bool { return l.Diverged || l.MineStopped || l.Epoch >= l.Epochs }

// StepsPerEpoch is the number of training steps in one epoch.
func (l *Loop) StepsPerEpoch() int { return (l.N + l.Batch - 1) / l.Batch }

// InStep reports whether a training step has begun and not yet ended.
func (l *Loop) InStep() bool { return l.Cur.Phase == Forward || l.Cur.Phase == Backward }

// EpochEnded reports whether the last completed step was the last of an
// epoch.
func (l *Loop) EpochEnded() bool {
	return l.Cur.Phase == Updated && l.Next >= len(l.Batches)
}

// Advance moves the run by g. It does nothing once Done.
func (l *Loop) Advance(g lessons.Granularity) {
	switch g {
	case lessons.Op:
		if l.Done() {
			return
		}
		if !l.InStep() {
			l.begin()
			return
		}
		if l.Cur.Op() {
			l.end()
		}
	case lessons.Step:
		l.finishStep()
	case lessons.Epoch:
		e := l.Epoch
		for !l.Done() && l.Epoch == e {
			l.finishStep()
		}
	default:
		for !l.Done() {
			l.finishStep()
		}
	}
}

func (l *Loop) finishStep() {
	if l.Done() {
		return
	}
	if !l.InStep() {
		if l.beginAhead(); l.Diverged || l.MineStopped {
			return
		}
	}
	if l.Cur.Finish(); l.Cur.Halted {
		return
	}
	l.end()
}

// begin starts the next training step, records its forward pass and
// has the watch look at it.
func (l *Loop) begin() {
	if l.start(); l.MineStopped {
		return
	}
	l.watchForward(l.Watch.Forward(l.Cur.Tape, l.Cur.Loss, l.Step+1))
}

// watchForward stops the run when the watch's look at the forward pass
// (its autopsy a) or the loss says so.
func (l *Loop) watchForward(a *scene.Autopsy) {
	if a != nil || l.Cur.Diverged() {
		l.Diverged, l.DivStep, l.Autopsy = true, l.Step+1, a
		// The whole forward pass is revealed: the autopsy speaks of all
		// of it, and a machine that walks ops until the pass ends (or a
		// group of them) is not left waiting for ops that never come.
		l.Cur.Fwd = l.Cur.Tape.Len()
	}
}

// beginAhead is begin for a step that runs to its end at once
// (finishStep): the backward pass runs while the watch looks at the
// forward pass on another core (the backward pass reads the forward
// values and writes only gradients; the watch reads only the values and
// the nodes' names). When the watch stops the run, the backward pass is
// undone (undoBackward) and the step stands where begin leaves it. Not
// in mine mode, nor when the loss is not finite (the run stops there: no
// backward pass is worth starting), nor when the pass reads a leaf with a
// gradient that is not one of Params (its gradient could not be put
// back), nor for a pass of fewer than parallelScan values (a goroutine
// would cost more than the look).
func (l *Loop) beginAhead() {
	if l.Mine != nil {
		l.begin()
		return
	}
	l.start()
	if l.Cur.Diverged() || !l.aheadPays() {
		l.watchForward(l.Watch.Forward(l.Cur.Tape, l.Cur.Loss, l.Step+1))
		return
	}
	wasNil := make([]bool, len(l.Params))
	for i, p := range l.Params {
		wasNil[i] = p.Grad == nil
	}
	var a *scene.Autopsy
	w := Go(func() { a = l.Watch.Forward(l.Cur.Tape, l.Cur.Loss, l.Step+1) })
	func() {
		defer w.Wait() // even when the backward pass panics: the watch ends first
		l.Cur.backwardAll()
	}()
	if a != nil {
		l.undoBackward(wasNil)
	}
	l.watchForward(a)
}

// aheadPays reports whether beginAhead may run the current pass's
// backward pass beside the watch: every leaf that takes a gradient is one
// of Params, and the pass holds at least parallelScan values.
func (l *Loop) aheadPays() bool {
	total := 0
	for _, n := range l.Cur.Tape.Nodes() {
		total += len(n.Out.Value.Data)
		for _, in := range n.Inputs {
			if in.Node() == nil && in.RequiresGrad() && !slices.Contains(l.Params, in) {
				return false
			}
		}
	}
	return total >= parallelScan
}

// undoBackward puts the step back at the end of its forward pass, as
// before backwardAll: no backward step taken, no node's gradient, and
// each parameter's gradient zeroed (as at the step's start) or none if it
// had none.
func (l *Loop) undoBackward(wasNil []bool) {
	c := &l.Cur
	c.Phase, c.Fwd, c.Steps, c.all = Forward, c.Tape.Len(), nil, nil
	for _, n := range c.Tape.Nodes() {
		n.Out.Grad = nil
	}
	for i, p := range l.Params {
		if wasNil[i] {
			p.Grad = nil
		} else if p.Grad != nil {
			p.Grad.Zero()
		}
	}
}

// start starts the next training step and records its forward pass (in
// mine mode, checking the learner's ops).
func (l *Loop) start() {
	if l.Batches == nil || l.Next >= len(l.Batches) {
		var rng = tensor.NewRNG(l.ShuffleSeed*1_000_003 + uint64(l.Epoch) + 1)
		if l.NoShuffle {
			rng = nil
		}
		l.Batches = data.Batches(l.N, l.Batch, rng)
		l.Next = 0
	}
	l.Rows = l.Batches[l.Next]
	l.Next++
	autograd.ZeroGrad(l.Params...)
	build, update := l.Start(l.Rows)
	l.Watch.Gauges = true
	tp := autograd.NewTape()
	if l.Recycle && l.Mine == nil {
		if l.tape == nil {
			l.tape = autograd.NewRecyclingTape()
		}
		tp = l.tape
	}
	l.Cur.BeginOn(tp, build, func() {
		l.updated = l.Watch.Update(l.Params, l.mineUpdate(update), l.Cur.all, l.Step+1)
	})
	if l.Mine != nil {
		// The learner's values first: the watch sees what they lead to.
		l.mineHooks()
		l.checkMine()
	}
}

// end does the bookkeeping after an update.
func (l *Loop) end() {
	l.Step++
	l.Losses = append(l.Losses, l.Cur.Loss.Item())
	if l.updated != nil {
		l.Diverged, l.DivStep, l.Autopsy = true, l.Step, l.updated
		l.updated = nil
	}
	for _, p := range l.Params {
		if !scanValues(p.Value.Data).allFinite {
			l.Diverged, l.DivStep = true, l.Step
			break
		}
	}
	if l.Next >= len(l.Batches) {
		l.Epoch++
		if l.EndEpoch != nil {
			l.EndEpoch()
		}
	}
}

// Finite reports whether v is neither NaN nor ±Inf.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
