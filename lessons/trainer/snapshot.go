package trainer

import (
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Snapshot is a Loop-driven run between training steps: the parameters'
// values and gradients, a copy of the optimizer (settings and state) and
// the loop's counters, batches, histories and last finished step. Lessons
// wrap it, with their own histories, in lessons.Snapshotter so that
// stepping back restores a recent snapshot instead of replaying the run.
type Snapshot struct {
	values, grads [][]float64
	opt           optim.Optimizer
	loop          Loop
}

// Snapshot saves the loop's state with a copy of opt, or reports false in
// the middle of a training step (snapshots are taken between steps only).
func (l *Loop) Snapshot(opt optim.Optimizer) (Snapshot, bool) {
	if l.InStep() {
		return Snapshot{}, false
	}
	s := Snapshot{opt: opt.Clone(nil), loop: *l}
	s.loop.tape = nil // the live loop's: never shared with another machine
	s.loop.Losses = slices.Clone(l.Losses)
	s.loop.Watch = l.Watch.Clone()
	for _, p := range l.Params {
		s.values = append(s.values, slices.Clone(p.Value.Data))
		var g []float64
		if p.Grad != nil {
			g = slices.Clone(p.Grad.Data)
		}
		s.grads = append(s.grads, g)
	}
	return s, true
}

// Restore puts the loop and its parameters back to s and returns a fresh
// copy of the optimizer as it was, for the lesson to use from now on. The
// loop's hooks (Start, EndEpoch) and parameters stay the live ones: s may
// come from another machine of the same lesson (a look-ahead copy of a run
// is a new machine restored from the run's snapshot), so the optimizer's
// state, kept per parameter, is moved onto this loop's parameters.
func (l *Loop) Restore(s Snapshot) optim.Optimizer {
	start, end, params, mine, tape := l.Start, l.EndEpoch, l.Params, l.Mine, l.tape
	remap := make(map[*autograd.Var]*autograd.Var, len(params))
	for i, p := range s.loop.Params {
		remap[p] = params[i]
	}
	*l = s.loop
	l.Start, l.EndEpoch, l.Params, l.Mine, l.tape = start, end, params, mine, tape
	l.Losses = slices.Clone(s.loop.Losses)
	l.Watch = s.loop.Watch.Clone()
	for i, p := range params {
		copy(p.Value.Data, s.values[i])
		if s.grads[i] == nil {
			p.Grad = nil
			continue
		}
		if p.Grad == nil {
			p.Grad = tensor.New(p.Value.Shape...)
		}
		copy(p.Grad.Data, s.grads[i])
	}
	opt := s.opt.Clone(remap)
	if l.Opt != nil {
		l.Opt = opt // the lesson goes on with this one
	}
	return opt
}
