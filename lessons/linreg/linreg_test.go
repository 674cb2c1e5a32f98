package linreg

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

func start(t *testing.T, set lessons.Settings) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// params reads W and b from the parameters table of a scene.
func params(t *testing.T, sc scene.Scene) (w, b string) {
	t.Helper()
	for _, p := range sc.Panels {
		if p.Kind == scene.KindTable && p.Title == "parameters" {
			return p.Table.Rows[0][1], p.Table.Rows[1][1]
		}
	}
	t.Fatal("no parameters table in scene")
	return "", ""
}

func mach(r *lessons.Run) *machine { return lessons.MachineOf(r).(*machine) }

func TestSameSeedSameScenes(t *testing.T) {
	a, b := start(t, nil), start(t, nil)
	for i := range 40 {
		g := []lessons.Granularity{lessons.Op, lessons.Step, lessons.Op, lessons.Epoch}[i%4]
		a.Advance(g)
		b.Advance(g)
		if !reflect.DeepEqual(a.Scene(), b.Scene()) {
			t.Fatalf("scenes differ after action %d", i)
		}
	}
}

func TestRewindThenForwardIsIdentical(t *testing.T) {
	r := start(t, nil)
	for range 7 {
		r.Advance(lessons.Op)
	}
	r.Advance(lessons.Step)
	r.Advance(lessons.Op)
	want := r.Scene()
	r.Advance(lessons.Op)
	r.Advance(lessons.Step)
	for range 2 {
		if !r.Back() {
			t.Fatal("Back refused with actions in the log")
		}
	}
	if got := r.Scene(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after two steps back the scene differs:\n got %+v\nwant %+v", got.Pos, want.Pos)
	}
	r.Advance(lessons.Op)
	r.Advance(lessons.Step)
	r2 := start(t, nil)
	for range 7 {
		r2.Advance(lessons.Op)
	}
	r2.Advance(lessons.Step)
	r2.Advance(lessons.Op)
	r2.Advance(lessons.Op)
	r2.Advance(lessons.Step)
	if !reflect.DeepEqual(r.Scene(), r2.Scene()) {
		t.Fatal("forward again after rewinding differs from a run that never rewound")
	}
}

func TestOpByOpEqualsOneStep(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	whole.Advance(lessons.Step)
	ops.Advance(lessons.Op)
	n := ops.Scene().Pos.OpsPerStep
	if n != 11 {
		t.Fatalf("ops per step = %d, want 11 (5 forward, 5 backward, 1 update)", n)
	}
	for range n - 1 {
		ops.Advance(lessons.Op)
	}
	mo, mw := mach(ops), mach(whole)
	if mo.dense.W.Value.Data[0] != mw.dense.W.Value.Data[0] || mo.dense.B.Value.Data[0] != mw.dense.B.Value.Data[0] {
		t.Fatalf("op by op W,b = %v,%v; one step = %v,%v", mo.dense.W.Value.Data, mo.dense.B.Value.Data, mw.dense.W.Value.Data, mw.dense.B.Value.Data)
	}
	if ops.Scene().Phase != "update" || ops.Scene().Pos.Step != 1 {
		t.Fatalf("after %d ops: phase %q step %d", n, ops.Scene().Phase, ops.Scene().Pos.Step)
	}
}

// TestGradientsMatchFormula checks the engine's gradients against the
// closed form of MSE on a line: dW = (2/n)Σ(ŷ−y)x, db = (2/n)Σ(ŷ−y).
func TestGradientsMatchFormula(t *testing.T) {
	r := start(t, nil)
	for range 10 {
		r.Advance(lessons.Op)
	}
	m := mach(r)
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	var dw, db float64
	n := float64(len(m.loop.Rows))
	for i, x := range m.xb.Data {
		e := w*x + b - m.yb.Data[i]
		dw += 2 * e * x / n
		db += 2 * e / n
	}
	if math.Abs(m.dense.W.Grad.Data[0]-dw) > 1e-12 || math.Abs(m.dense.B.Grad.Data[0]-db) > 1e-12 {
		t.Fatalf("engine dW,db = %v,%v; formula %v,%v", m.dense.W.Grad.Data[0], m.dense.B.Grad.Data[0], dw, db)
	}
	if !strings.Contains(r.Scene().Narrative, "∂L/∂W") {
		t.Fatal("backward narrative does not show ∂L/∂W")
	}
}

func TestSeedExampleEndsWithPrediction(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	sc := r.Scene()
	if sc.Phase != "finished" || !sc.Status.Finished || sc.Pos.Step != 400 || sc.Pos.Epoch != 100 {
		t.Fatalf("end of run: phase %q, status %+v, pos %+v", sc.Phase, sc.Status, sc.Pos)
	}
	m := mach(r)
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	pred := trainer.Num(w*Query + b)
	if !strings.Contains(sc.Narrative, "ŷ(0.5) = "+pred) || !strings.Contains(sc.Narrative, "W = "+trainer.Num(w)) {
		t.Fatalf("finished narrative lacks the prediction %s or W:\n%s", pred, sc.Narrative)
	}
	// With lr 0.01 for 100 epochs the default seed has not reached W = 2:
	// the lesson's point.
	if math.Abs(w-2) < 0.1 {
		t.Fatalf("lr 0.01 reached W = %v; the narrative says it should not", w)
	}
	if !strings.Contains(sc.Narrative, "still far from the least-squares") || !strings.Contains(sc.Narrative, "narrow valley") {
		t.Fatalf("finished narrative does not explain why W is not yet 2:\n%s", sc.Narrative)
	}
}

func TestRaisedLearningRateRecoversLine(t *testing.T) {
	r := start(t, nil)
	if _, err := r.Set("lr", "0.1"); err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.End)
	m := mach(r)
	w, b := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	if math.Abs(w-2) >= 0.1 || math.Abs(b-1) >= 0.1 {
		t.Fatalf("lr 0.1: W = %v, b = %v; want within 0.1 of 2 and 1", w, b)
	}
}

func TestHugeLearningRateDivergesWithoutPanic(t *testing.T) {
	r := start(t, lessons.Settings{"lr": "3"})
	r.Advance(lessons.End)
	sc := r.Scene()
	if !sc.Status.Diverged || sc.Phase != "diverged" || !strings.Contains(sc.Status.Message, "lower the learning rate from 3") {
		t.Fatalf("lr 3: status %+v phase %q", sc.Status, sc.Phase)
	}
	if r.Advance(lessons.Step) {
		t.Fatal("a diverged run advanced")
	}
	if !r.Back() {
		t.Fatal("cannot step back from a divergence")
	}
	if r.Scene().Status.Diverged {
		t.Fatal("still diverged after stepping back")
	}
}

func TestLearningRateChangeContinuesAndRewinds(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	restarted, err := r.Set("lr", "0.3")
	if err != nil || restarted {
		t.Fatalf("Set lr: restarted=%v err=%v", restarted, err)
	}
	if r.Scene().Pos.Step != 1 {
		t.Fatal("changing lr lost the position")
	}
	r.Back()
	if got := r.Settings()["lr"]; got != "0.01" {
		t.Fatalf("after undoing the change lr = %s", got)
	}
	restarted, err = r.Set("batch", "8")
	if err != nil || !restarted || r.Scene().Pos.Step != 0 {
		t.Fatalf("Set batch: restarted=%v err=%v step %d", restarted, err, r.Scene().Pos.Step)
	}
	if r.Scene().Pos.Steps != 100*13 {
		t.Fatalf("batch 8 gives %d steps, want 1300", r.Scene().Pos.Steps)
	}
}

func TestBadSettingsAreErrors(t *testing.T) {
	for _, set := range []lessons.Settings{{"lr": "abc"}, {"lr": "-1"}, {"batch": "0"}, {"nosuch": "1"}} {
		if _, err := lessons.Start(Lesson(), 1, set); err == nil {
			t.Errorf("Start with %v: no error", set)
		}
	}
}

func TestScenePanels(t *testing.T) {
	r := start(t, nil)
	sc := r.Scene()
	if len(sc.Panels) != 2 || sc.Panels[0].Kind != scene.KindTable || sc.Panels[1].Kind != scene.KindPlot {
		t.Fatalf("before the first step: %d panels, want the Keras table and the fit", len(sc.Panels))
	}
	r.Advance(lessons.Op)
	sc = r.Scene()
	g := sc.Panels[len(sc.Panels)-1]
	if g.Kind != scene.KindGraph || g.Graph.Current < 0 || g.Graph.Nodes[g.Graph.Current].State != scene.NodeCurrent {
		t.Fatalf("graph panel after one op: %+v", g)
	}
	w0, _ := params(t, sc)
	r.Advance(lessons.Epoch)
	if w1, _ := params(t, r.Scene()); w1 == w0 {
		t.Fatal("W did not change over an epoch")
	}
}
