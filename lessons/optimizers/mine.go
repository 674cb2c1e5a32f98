package optimizers

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode: the update of Momentum, RMSProp and Adam is made again by
// the learner's code (the momentum exercise's Momentum and RMSProp, the
// adam exercise's optimizer), fed the same gradient at the same place, and
// compared with the engine's (trainer.MineOpt, which says the conventions);
// where it agrees, the optimizer goes on from the learner's new position.
// GD, SGD and AdaGrad have no exercise and move as always. At the first
// update that disagrees, or a call that panics or hangs, the run stops
// there, with that optimizer's move revealed. The lesson has no
// learning-rate schedule, so the schedule exercise has nothing to check
// here.

// mineState is the machine's side of mine mode.
type mineState struct {
	mine    *lessons.Mine
	rep     *lessons.MineReport // of the step in progress or the last one
	stopped bool
}

// Mined implements lessons.Miner.
func (m *machine) Mined() lessons.MineChecker { return m }

// SetMine implements lessons.MineChecker.
func (m *machine) SetMine(mine *lessons.Mine) { m.mined.mine = mine }

// MineReport implements lessons.MineChecker.
func (m *machine) MineReport() *lessons.MineReport { return m.mined.rep }

// clone returns a copy whose report can grow apart from s's.
func (s mineState) clone() mineState {
	if s.rep != nil {
		r := *s.rep
		r.Checks = append([]lessons.MineCheck(nil), s.rep.Checks...)
		s.rep = &r
	}
	return s
}

// checkUpdate compares runner r's update just made (from position before
// with gradient g) with the learner's, in mine mode.
func (m *machine) checkUpdate(r *runner, before, g []float64) {
	if m.mined.mine == nil {
		return
	}
	if m.moved == 0 || m.mined.rep == nil || m.mined.rep.Step != m.step+1 {
		m.mined.rep = &lessons.MineReport{Step: m.step + 1, First: -1}
	}
	for _, c := range r.mine.Update(m.mined.mine, r, r.opt, []*autograd.Var{r.p}, [][]float64{before}, [][]float64{g}) {
		c.Node = labels[r.name] + " (x, y) ← " + c.Op
		if !trainer.MineAdd(m.mined.rep, c) {
			m.mined.stopped = true
		}
	}
}
