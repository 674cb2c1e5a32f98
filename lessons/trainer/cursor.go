package trainer

import (
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
)

// Phase is where a training step stands.
type Phase int

const (
	// Idle: between training steps.
	Idle Phase = iota
	// Forward: the forward pass is being revealed node by node.
	Forward
	// Backward: the backward pass is being revealed node by node.
	Backward
	// Updated: the optimizer has applied the update; the step is over.
	Updated
)

func (p Phase) String() string {
	return [...]string{"idle", "forward", "backward", "update"}[p]
}

// Cursor walks one training step at op granularity. Begin computes the
// whole forward pass at once (define-by-run) and Op reveals it one node at a
// time; then the backward pass, one node at a time, as the engine's stepping
// iterator (the same code path as Backward) yields it; then the update.
// The iterator runs to the end when the backward phase begins, so an
// abandoned step holds no resources; Steps and GradSoFar expose only what
// has been revealed.
//
// Run the whole step with Finish; a step walked op by op ends with exactly
// the same parameters.
type Cursor struct {
	Tape  *autograd.Tape
	Loss  *autograd.Var
	Phase Phase
	// Fwd is how many forward nodes are revealed (1 … Tape.Len()).
	Fwd int
	// Steps are the backward steps taken so far, in the order taken.
	Steps []autograd.Step
	// Halted stops the step where it stands (mine mode found the
	// learner's code wrong there): Op does nothing more and the update is
	// never applied. Set during the backward pass (by the tape's hook),
	// it ends the pass at the node being differentiated, revealed with
	// all before it.
	Halted bool
	// haltedInUpdate: Halted was set by the update (a check of the
	// learner's code there), which then left the parameters alone.
	haltedInUpdate bool

	all    []autograd.Step
	update func()
}

// Begin starts a training step: build records the forward pass on a fresh
// tape and returns the loss; update applies the optimizer. The first
// forward node is revealed.
func (c *Cursor) Begin(build func(tp *autograd.Tape) *autograd.Var, update func()) {
	c.BeginOn(autograd.NewTape(), build, update)
}

// BeginOn is Begin on the tape tp, reset first: with a recycling tape
// (autograd.NewRecyclingTape) every value, gradient and Step of the
// step is valid only until tp is reset again, at the next BeginOn. The
// caller must then copy whatever outlives the step (the Loop's Losses are
// copies already).
func (c *Cursor) BeginOn(tp *autograd.Tape, build func(tp *autograd.Tape) *autograd.Var, update func()) {
	tp.Reset()
	c.Tape = tp
	c.Loss = build(c.Tape)
	c.Phase = Forward
	c.Fwd = 1
	// Fresh slices, not reused ones: a snapshot of the loop may still hold
	// the previous step's.
	c.Steps, c.all = nil, nil
	c.update = update
	c.Halted, c.haltedInUpdate = false, false
}

// OpsPerStep is the number of ops of the current step: forward nodes,
// backward nodes and the update.
func (c *Cursor) OpsPerStep() int { return 2*c.Tape.Len() + 1 }

// OpIndex is the 1-based index of the op just revealed within the step.
func (c *Cursor) OpIndex() int {
	switch c.Phase {
	case Forward:
		return c.Fwd
	case Backward:
		return c.Tape.Len() + len(c.Steps)
	case Updated:
		return c.OpsPerStep()
	}
	return 0
}

// Diverged reports whether the loss is NaN or ±Inf.
func (c *Cursor) Diverged() bool {
	if c.Loss == nil {
		return false
	}
	v := c.Loss.Value.Data[0]
	return math.IsNaN(v) || math.IsInf(v, 0)
}

// Op advances by one op and reports whether the step is over (updated).
func (c *Cursor) Op() bool {
	if c.Halted {
		return false
	}
	switch c.Phase {
	case Forward:
		if c.Fwd < c.Tape.Len() {
			c.Fwd++
			return false
		}
		c.Phase = Backward
		for st := range c.Tape.BackwardSteps(c.Loss) {
			c.all = append(c.all, st)
			if c.Halted {
				c.Steps = c.all
				return false
			}
		}
		c.Steps = c.all[:0]
		return c.backwardOne()
	case Backward:
		return c.backwardOne()
	}
	return true
}

func (c *Cursor) backwardOne() bool {
	if len(c.Steps) < len(c.all) {
		c.Steps = c.all[:len(c.Steps)+1]
		return false
	}
	c.update()
	if c.Halted {
		// Stopped in the update (mine mode): the step stands there, not
		// over.
		c.haltedInUpdate = true
		return false
	}
	c.Phase = Updated
	return true
}

// backwardAll reveals the whole forward pass and runs and reveals the
// whole backward pass, stopping before the update: the cursor then
// stands where Op leaves it after the last backward step.
func (c *Cursor) backwardAll() {
	c.Fwd, c.Phase = c.Tape.Len(), Backward
	for st := range c.Tape.BackwardSteps(c.Loss) {
		c.all = append(c.all, st)
	}
	c.Steps = c.all
}

// GradSoFar returns the gradient that the revealed backward steps have sent
// to v (nil if none yet). After the backward phase it equals v.Grad for a
// parameter whose gradient was zeroed before the step.
func (c *Cursor) GradSoFar(v *autograd.Var) []float64 {
	var g []float64
	for _, st := range c.Steps {
		for j, in := range st.Node.Inputs {
			if in != v || st.Grads[j] == nil {
				continue
			}
			if g == nil {
				g = make([]float64, len(st.Grads[j].Data))
			}
			for i, x := range st.Grads[j].Data {
				g[i] += x
			}
		}
	}
	return g
}

// Settled returns the cursor of a finished step reduced to what the scenes
// between steps read: the Updated phase and a copy of the loss, on an
// empty tape. A lesson keeps it instead of the full cursor, whose tape
// holds every activation and gradient of the step (and which a recycling
// Loop reuses at the next step), so its snapshots stay small, can be
// saved, and share nothing with the next step.
func (c *Cursor) Settled() Cursor {
	loss := c.Loss
	if loss != nil {
		loss = autograd.Const(loss.Name, loss.Value.Clone())
	}
	return Cursor{Tape: autograd.NewTape(), Loss: loss, Phase: Updated}
}

// Finish runs the rest of the step (whatever is left of forward, backward
// and the update).
func (c *Cursor) Finish() {
	for c.Phase != Updated && c.Phase != Idle && !c.Halted {
		c.Op()
	}
}
