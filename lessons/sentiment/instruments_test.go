package sentiment

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
	if h := lessontest.CheckHealth(t, r, 3, 10); len(h.Gauges) != 4 {
		t.Errorf("%d gauges, want 4", len(h.Gauges))
	}
	lessontest.CheckGradCheck(t, r, 4, 2000)
}

// A rate far too large stops the run at the loss jump, with an autopsy
// naming the op whose values grew first, the parameter behind it and the
// control to change.
func TestDivergenceAutopsy(t *testing.T) {
	lessontest.CheckJumpAutopsy(t, Lesson(), lessons.Settings{"lr": "3"}, "x̄·u = matmul(x̄, bag.out.W)", "bag.out.W", "lr")
}

// Once the bag model has trained, the instruments are the sequence
// model's: its layers' gauges, the GRU's saturated gates, and the check
// through its ops.
func TestSequenceInstruments(t *testing.T) {
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, lessons.Settings{"epochs": "1"})
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.Epoch)
	h := lessontest.CheckHealth(t, r, 2, 10)
	// The GRU's gates and candidates, one time step per node and sentences
	// of every length, are pooled into one gauge per kind.
	want := map[string]string{"sigmoid": "saturated", "tanh": "saturated", "seq.E": "‖dW‖", "gru": "‖dW‖", "w": "‖dW‖", "seq.out": "‖dW‖"}
	for layer, kind := range want {
		if _, ok := h.Latest(layer, kind); !ok {
			t.Errorf("no gauge %s of %s", kind, layer)
		}
	}
	if len(h.Gauges) != 10 {
		t.Errorf("%d gauges, want 10", len(h.Gauges))
	}
	gcs := lessontest.CheckGradCheck(t, r, 6, 5000)
	if last := gcs[len(gcs)-1].Node; last != "Σαh = bmm(αᵀ, H)" && last != "αᵀ = reshape(α, shape=[32 1 14])" {
		t.Errorf("the check did not reach the attention pooling: last %s", last)
	}
}

// Mine mode reaches both models' loops, and a bag model it stopped ends
// the run there: the sequence model does not train, and the report and
// the instruments are the bag model's.
func TestMineReachesBothModels(t *testing.T) {
	m := newMachine(42, config{lr: 0.02, epochs: 1, hidden: 8, pool: PoolAttention})
	mine := &lessons.Mine{}
	m.Mined().SetMine(mine)
	if m.bagLoop.Mine != mine || m.seqLoop.Mine != mine {
		t.Fatal("mine mode does not reach both loops")
	}
	m.Mined().SetMine(nil) // no learner's code here: stop the bag model by hand
	m.Advance(lessons.Step)
	m.bagLoop.MineStopped = true
	if !m.Done() || m.Instruments() != &m.bagLoop {
		t.Fatalf("done %v, instruments the bag's %v", m.Done(), m.Instruments() == &m.bagLoop)
	}
	m.Advance(lessons.End)
	if m.seqLoop.Step != 0 {
		t.Fatalf("the sequence model trained %d steps after mine mode stopped the run", m.seqLoop.Step)
	}
}
