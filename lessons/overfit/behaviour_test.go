package overfit

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/lessons"
)

// The claims the narrative makes about whole runs, checked on the default
// seed, and the cost of a step, a scene and a step back.

// TestTheDefaultRunOverfits checks what the narrative says about a run
// without regularization: the training loss falls towards 0, the
// validation loss turns up after an early best, and the text says so.
func TestTheDefaultRunOverfits(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	m := mach(r)
	h := m.hist
	if len(h.valLoss) != 301 || h.best > 30 {
		t.Fatalf("%d measurements, best validation at epoch %d", len(h.valLoss), h.best)
	}
	if last(h.trainLoss) > 0.05 || last(h.trainAcc) != 1 {
		t.Fatalf("training loss %v, accuracy %v: the network did not memorise its points", last(h.trainLoss), last(h.trainAcc))
	}
	if last(h.valLoss) < 2*h.valLoss[h.best] || last(h.valAcc) >= h.valAcc[h.best] {
		t.Fatalf("validation loss %v (best %v), accuracy %v (at best %v): no overfitting to show",
			last(h.valLoss), h.valLoss[h.best], last(h.valAcc), h.valAcc[h.best])
	}
	sc := r.Scene()
	if n := flat(sc.Narrative); !sc.Status.Finished || !strings.Contains(n, "That is overfitting") ||
		!strings.Contains(n, "Early stopping would have stopped at epoch") {
		t.Fatalf("status %+v\n%s", sc.Status, sc.Narrative)
	}
}

// finalVal runs the lesson with set to the end and returns its final
// validation loss and accuracy.
func finalVal(t *testing.T, set lessons.Settings) (loss, acc float64) {
	r := start(t, set)
	r.Advance(lessons.End)
	h := mach(r).hist
	return last(h.valLoss), last(h.valAcc)
}

// TestTheRemediesDoWhatTheNarrativeSays checks, on the default seed, each
// suggestion of the finished block.
func TestTheRemediesDoWhatTheNarrativeSays(t *testing.T) {
	base, baseAcc := finalVal(t, nil)
	if l, _ := finalVal(t, lessons.Settings{"l2": "0.03"}); l > 0.5*base || l > 0.45 {
		t.Errorf("L2 0.03: validation loss %v, without L2 %v", l, base)
	}
	if l, a := finalVal(t, lessons.Settings{"dropout": "0.5"}); l >= base || a <= baseAcc+0.03 {
		t.Errorf("dropout 0.5: validation loss %v accuracy %v, without %v %v", l, a, base, baseAcc)
	}
	if l, _ := finalVal(t, lessons.Settings{"train": "200"}); l > 0.5*base {
		t.Errorf("200 points: validation loss %v, with 30 %v", l, base)
	}
	r := start(t, lessons.Settings{"width": "8"})
	r.Advance(lessons.End)
	if h := mach(r).hist; last(h.trainAcc) != 1 || last(h.valLoss) < 2*h.valLoss[h.best] {
		t.Errorf("width 8 no longer memorises: training accuracy %v, validation loss %v (best %v)",
			last(h.trainAcc), last(h.valLoss), h.valLoss[h.best])
	}
}

// TestAdamIsNoCure backs the narrative's claim: the same network trained
// with Adam on the same points overfits too, and gets further into it in
// as many epochs.
func TestAdamIsNoCure(t *testing.T) {
	m := mach(start(t, nil))
	opt := optim.NewAdam(0.01)
	best, bestEpoch := math.Inf(1), 0
	var val float64
	for e := 1; e <= 300; e++ {
		autograd.ZeroGrad(m.net.params()...)
		tp := autograd.NewTape()
		logit := m.net.forward(tp, autograd.Const("x", m.train.X), true, 0, nil)
		tp.Backward(tp.BCEWithLogits(logit, autograd.Const("y", m.train.Y)))
		opt.Step(m.net.params())
		if val, _ = m.net.eval(m.val); val < best {
			best, bestEpoch = val, e
		}
	}
	sgd := mach(start(t, nil))
	sgd.loop.Advance(lessons.End)
	// "Often sooner": after as many epochs, Adam is further into the
	// noise than plain gradient descent.
	if val < 2*best || val < last(sgd.hist.valLoss) {
		t.Fatalf("Adam: best validation loss %v at epoch %d, final %v (SGD's best at epoch %d)", best, bestEpoch, val, sgd.hist.best)
	}
	t.Logf("Adam: best validation loss %v at epoch %d, final %v; SGD: best %v at epoch %d, final %v",
		best, bestEpoch, val, sgd.hist.valLoss[sgd.hist.best], sgd.hist.best, last(sgd.hist.valLoss))
}

// BenchmarkStep is one training step (forward, backward, update and the
// epoch's measurements) of the default lesson.
func BenchmarkStep(b *testing.B) {
	r, _ := lessons.Start(Lesson(), lessons.DefaultSeed, lessons.Settings{"epochs": "5000", "dropout": "0.3"})
	for b.Loop() {
		r.Advance(lessons.Step)
	}
}

// BenchmarkScene builds the scene between two steps (regions, curves,
// norms, numbers).
func BenchmarkScene(b *testing.B) {
	r, _ := lessons.Start(Lesson(), lessons.DefaultSeed, nil)
	r.Advance(lessons.Step)
	for b.Loop() {
		r.Scene()
	}
}

// BenchmarkBack steps back once from the middle of a run.
func BenchmarkBack(b *testing.B) {
	r, _ := lessons.Start(Lesson(), lessons.DefaultSeed, nil)
	for range 100 {
		r.Advance(lessons.Step)
	}
	for b.Loop() {
		r.Back()
		r.Advance(lessons.Step)
	}
}
