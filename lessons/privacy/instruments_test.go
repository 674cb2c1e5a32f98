package privacy

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
)

// The lesson's training shows the health gauges (sane after a few steps:
// lessontest.CheckHealth), and the gradient check at the node in focus
// agrees with central differences at the first nodes of a backward pass.
func TestInstruments(t *testing.T) {
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := lessontest.CheckHealth(t, r, 3, 10); len(h.Gauges) != 9 {
		t.Errorf("%d gauges, want 9", len(h.Gauges))
	}
	lessontest.CheckGradCheck(t, r, 4, 2000)
}

// A rate far too large stops the run at the loss jump, with an autopsy
// naming the op whose values grew first, the parameter behind it and the
// control to change.
func TestDivergenceAutopsy(t *testing.T) {
	lessontest.CheckJumpAutopsy(t, Lesson(), lessons.Settings{"lr": "30"}, "h = relu(z₁)", "W₁", "lr")
}

// A run mine mode stopped is done at that step, without the final stage.
func TestMineStopEndsTheRun(t *testing.T) {
	m := newMachine(42, lessons.Settings{"epochs": "1", "batch": "50", "lr": "0.5", "sigma": "1.7", "clip": "1"})
	m.Advance(lessons.Op)
	m.Advance(lessons.Op)
	m.Advance(lessons.Step)
	m.loop.MineStopped = true
	m.Advance(lessons.Step)
	if !m.Done() || m.stage == stFinal || m.loop.Step != 1 {
		t.Fatalf("done %v, stage %d, step %d", m.Done(), m.stage, m.loop.Step)
	}
}
