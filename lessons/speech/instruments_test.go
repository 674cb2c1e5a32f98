package speech

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
	if h := lessontest.CheckHealth(t, r, 3, 20); len(h.Gauges) != 8 {
		t.Errorf("%d gauges, want 8", len(h.Gauges))
	}
	lessontest.CheckGradCheck(t, r, 4, 2000)
}

// The speech lesson has no setting that diverges: its watch leaves a
// large rate's loss jump alone (Jump −1, as cnn and overfit), so lr 1 ends
// with the dead units its goal names (TestBadSettingsMissWithTheirCause).
