package toolkit

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
	if h := lessontest.CheckHealth(t, r, 3, 12); len(h.Gauges) != 29 {
		t.Errorf("%d gauges, want 29", len(h.Gauges))
	}
	lessontest.CheckGradCheck(t, r, 4, 2000)
}

// A rate far too large stops the run at the loss jump, with an autopsy
// naming the op whose values grew first, the parameter behind it and the
// control to change.
func TestDivergenceAutopsy(t *testing.T) {
	lessontest.CheckJumpAutopsy(t, Lesson(), lessons.Settings{"inputs": "raw"}, "m1 = matmul(x, d1.W)", "d1.W", "inputs")
}
