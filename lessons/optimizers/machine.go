package optimizers

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// StepsPerEpoch is how many steps one "epoch" advance takes. There is no
// data set here, so an epoch is just a bigger stride.
const StepsPerEpoch = 50

// machine runs the six optimizers side by side. One op is one optimizer's
// update, in the order of names; a step is all six moving once.
type machine struct {
	seed    uint64
	surf    *surface
	runners []*runner

	// lr is the learning rate in use; nextLR takes over when the next step
	// begins.
	lr, nextLR float64
	focus      string
	steps      int // steps in the run

	step  int // completed steps
	moved int // optimizers that have moved in the step in progress (0 … 5)
	last  int // index of the optimizer that moved last, or −1

	grid *scene.Contour // f over the plot; never modified, shared by clones

	mined mineState // mine mode (mine.go)
}

func newMachine(seed uint64, surf string, lr float64, steps int, focus string) *machine {
	s := surfaceByID(surf)
	m := &machine{seed: seed, surf: s, lr: lr, nextLR: lr, focus: focus, steps: steps, last: -1, grid: s.contour()}
	for _, n := range names {
		m.runners = append(m.runners, newRunner(n, lr, s))
	}
	return m
}

// Set implements lessons.Machine: a new learning rate applies from the
// next step (so all six use the same lr within a step); a new focus at
// once.
func (m *machine) Set(name, value string) {
	switch name {
	case "lr":
		m.nextLR = lessons.Settings{"lr": value}.Float("lr")
	case "focus":
		m.focus = value
	}
}

// Done implements lessons.Machine: the run is over after its last step or
// once all six have diverged.
func (m *machine) Done() bool {
	if m.step >= m.steps || m.mined.stopped {
		return true
	}
	for _, r := range m.runners {
		if r.divStep == 0 {
			return false
		}
	}
	return true
}

// Advance implements lessons.Machine. Op moves one optimizer; Step
// finishes the step in progress (or takes a whole one); Epoch runs to the
// next multiple of StepsPerEpoch; End runs to the end.
func (m *machine) Advance(g lessons.Granularity) {
	switch g {
	case lessons.Op:
		m.op()
	case lessons.Step:
		m.finishStep()
	case lessons.Epoch:
		m.finishStep()
		for !m.Done() && m.step%StepsPerEpoch != 0 {
			m.finishStep()
		}
	default:
		for !m.Done() {
			m.finishStep()
		}
	}
}

func (m *machine) finishStep() {
	m.op()
	for m.moved != 0 && !m.Done() {
		m.op()
	}
}

// op moves the next optimizer. The first op of a step puts the new
// learning rate in place.
func (m *machine) op() {
	if m.Done() {
		return
	}
	if m.moved == 0 && m.nextLR != m.lr {
		m.lr = m.nextLR
		for _, r := range m.runners {
			r.opt.SetLearningRate(m.lr)
		}
	}
	r := m.runners[m.moved]
	var check func(before, g []float64)
	if m.mined.mine != nil {
		check = func(before, g []float64) { m.checkUpdate(r, before, g) }
	}
	r.update(m.surf, m.seed, m.step+1, check)
	m.last = m.moved
	m.moved++
	if m.moved == len(m.runners) {
		m.moved = 0
		m.step++
	}
}

// Clone implements lessons.Cloner.
func (m *machine) Clone() lessons.Machine {
	c := *m
	c.mined = m.mined.clone()
	c.runners = make([]*runner, len(m.runners))
	for i, r := range m.runners {
		c.runners[i] = r.clone()
	}
	return &c
}

// runner returns the runner called name.
func (m *machine) runner(name string) *runner {
	for _, r := range m.runners {
		if r.name == name {
			return r
		}
	}
	panic("optimizers: no optimizer " + name)
}
