package trainer

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// LearningRate is the standard learning-rate control: a float on the given
// ladder; a change applies from the next update on.
func LearningRate(def string, ladder ...float64) lessons.Control {
	return lessons.Control{
		Name: "lr", Label: "learning rate", Kind: lessons.Float,
		Help: "step size of the optimizer; a change applies from the next update on",
		Min:  1e-6, Max: ladder[len(ladder)-1] * 10,
		Ladder: ladder, Default: def,
	}
}

// BatchSize is the standard batch-size control for n training rows; a
// change restarts the run.
func BatchSize(n int, def string) lessons.Control {
	ladder := []float64{}
	for _, b := range []float64{1, 4, 8, 16, 32, 64, 128, 256} {
		if int(b) < n {
			ladder = append(ladder, b)
		}
	}
	return lessons.Control{
		Name: "batch", Label: "batch size", Kind: lessons.Int,
		Help: "rows per training step; restarts the run",
		Min:  1, Max: float64(n),
		Ladder: append(ladder, float64(n)), Default: def, Restart: true,
	}
}

// Epochs is the standard epochs control, up to most; a change restarts the
// run.
func Epochs(most int, def string) lessons.Control {
	ladder := []float64{}
	for _, e := range []float64{1, 10, 50, 100, 200, 500, 1000, 2000, 5000} {
		if int(e) <= most {
			ladder = append(ladder, e)
		}
	}
	return lessons.Control{
		Name: "epochs", Label: "epochs", Kind: lessons.Int,
		Help: "passes over the data; restarts the run",
		Min:  1, Max: float64(most),
		Ladder: ladder, Default: def, Restart: true,
	}
}

// Phase names where a Loop-driven run stands, as a scene phase and the
// narrative block that explains it: "diverged" ("exploded" when the watch
// stopped a loss jump before anything overflowed), "finished", "ready"
// ("intro" block), "forward" ("fwd-<op>" of the node just revealed, also
// where mine mode stopped the run),
// "backward" ("bwd-<op>") or "update".
func (l *Loop) Phase() (phase, block string) {
	cur := &l.Cur
	switch {
	case l.Diverged:
		return "diverged", StopBlock(l.Autopsy)
	case l.MineStopped && cur.Tape == nil:
		// Stopped before the first step (a check a lesson makes at its
		// start: the initialisation, the untrained model's samples).
		return "ready", "intro"
	case l.MineStopped && cur.Phase == Updated:
		// Stopped at an update (Opt's, mine_update.go): it is revealed.
		return "update", "update"
	case l.MineStopped:
		// Stopped by the learner's code (mine mode) at the op revealed:
		// the run did not finish, it stands at that op, forward or
		// backward.
		if cur.haltedInUpdate {
			return "update", "update"
		}
		if cur.Phase == Backward && len(cur.Steps) > 0 {
			return "backward", "bwd-" + cur.Steps[len(cur.Steps)-1].Node.Op
		}
		return "forward", "fwd-" + cur.Tape.Nodes()[cur.Fwd-1].Op
	case l.Done():
		return "finished", "finished"
	case cur.Tape == nil:
		return "ready", "intro"
	case cur.Phase == Forward:
		return "forward", "fwd-" + cur.Tape.Nodes()[cur.Fwd-1].Op
	case cur.Phase == Backward:
		return "backward", "bwd-" + cur.Steps[len(cur.Steps)-1].Node.Op
	}
	return "update", "update"
}

// StopBlock is the narrative block of a run stopped diverging with
// autopsy a (nil when there is none): "exploded" when the watch stopped
// a loss jump before anything overflowed, which is not the story of the
// lesson's "diverged" block (see Narrative's fallback), else "diverged".
func StopBlock(a *scene.Autopsy) string {
	if a != nil && a.Trigger == scene.TriggerJump {
		return "exploded"
	}
	return "diverged"
}

// ParamRow is one row of a parameters table for element i of parameter p:
// its name, its value, the gradient the backward pass has revealed so far
// ("—" until it reaches p) and the last update the optimizer applied ("—"
// before the first).
func (l *Loop) ParamRow(name string, p *autograd.Var, i int, last *tensor.Tensor) []string {
	grad, update := "—", "—"
	if g := l.Cur.GradSoFar(p); g != nil {
		grad = Num(g[i])
	}
	if last != nil {
		update = Num(last.Data[i])
	}
	return []string{name, Num(p.Value.Data[i]), grad, update}
}

// ParamColumns are the columns of a table of ParamRow rows.
var ParamColumns = []string{"", "value", "gradient", "Δ last"}
