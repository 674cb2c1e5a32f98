package optimizers

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

func dist(m *machine, name string) float64 {
	x, y := m.runner(name).pos()
	return m.surf.dist(x, y)
}

// TestValleyMomentumAndAdamBeatGD checks what the valley's narrative says:
// at lr 0.1, after 100 steps, momentum and Adam are much closer to the
// minimum than GD, which covers only 2% of the remaining way along the
// floor per step.
func TestValleyMomentumAndAdamBeatGD(t *testing.T) {
	r := start(t, lessons.Settings{"steps": "100"})
	r.Advance(lessons.End)
	m := mach(r)
	gd, mo, ad := dist(m, "gd"), dist(m, "momentum"), dist(m, "adam")
	if !(mo < gd/5 && ad < gd/5) {
		t.Fatalf("after 100 steps: GD %v, momentum %v, Adam %v; want momentum and Adam 5× closer", gd, mo, ad)
	}
	// GD along the floor: x shrinks by exactly 1 − lr·0.2 per step.
	if x, _ := m.runner("gd").pos(); math.Abs(x-m.surf.start[0]*math.Pow(0.98, 100)) > 1e-9 {
		t.Fatalf("GD x after 100 steps = %v, want %v", x, m.surf.start[0]*math.Pow(0.98, 100))
	}
	sc := r.Scene()
	if sc.Phase != "finished" || !sc.Status.Finished {
		t.Fatalf("phase %q, status %+v", sc.Phase, sc.Status)
	}
	want := "After 100 steps GD was " + trainer.Num(gd) + " from the minimum, momentum\n" + trainer.Num(mo) + " and Adam " + trainer.Num(ad)
	if !strings.Contains(sc.Narrative, want) {
		t.Fatalf("finished narrative lacks %q:\n%s", want, sc.Narrative)
	}
	if !strings.Contains(sc.Narrative, "no cure for overfitting") && !strings.Contains(sc.Narrative, "nothing to overfit") {
		t.Fatal("finished narrative does not say adaptive rates are not about overfitting")
	}
}

// TestRosenbrockAdamArrives runs the default number of steps on the banana.
func TestRosenbrockAdamArrives(t *testing.T) {
	r := start(t, lessons.Settings{"surface": "rosenbrock"})
	r.Advance(lessons.End)
	m := mach(r)
	if m.step != 500 {
		t.Fatalf("ran %d steps, want the default 500", m.step)
	}
	if d := dist(m, "adam"); d > 0.3 {
		t.Errorf("Adam ended %v from (1, 1), want within 0.3", d)
	}
	if d := dist(m, "momentum"); d > 0.15 {
		t.Errorf("momentum ended %v from (1, 1), want within 0.15", d)
	}
	if d := dist(m, "gd"); d < 1 {
		t.Errorf("GD ended %v from (1, 1); the narrative says it crawls", d)
	}
	sc := r.Scene()
	if !strings.Contains(sc.Narrative, "1. **Momentum**") || !strings.Contains(sc.Narrative, "2. **Adam**") {
		t.Errorf("ranking does not match the distances:\n%s", sc.Narrative)
	}
	// The narrative's explanation of Adam's short steps: √v̂ far above |g|.
	if v := m.optView(m.runner("adam")); !v.Stale || !strings.Contains(sc.Narrative, "v̂ still holds older, steeper gradients") {
		t.Errorf("Adam √v̂ = %v, |g| = %v: the narrative's explanation does not apply or is missing", v.SqrtVHat, v.G)
	}
}

// TestRosenbrockScaleInvariance checks the claim that dividing the
// Rosenbrock function by 100 leaves the paths of the adaptive methods
// unchanged (up to ε) and shortens GD's steps.
func TestRosenbrockScaleInvariance(t *testing.T) {
	small, big := rosenbrock(0.01), rosenbrock(1)
	for _, n := range []string{"gd", "adagrad", "rmsprop", "adam"} {
		lr := 0.01
		a, b := newRunner(n, lr, small), newRunner(n, lr, big)
		for k := 1; k <= 200; k++ {
			a.update(small, 1, k, nil)
			b.update(big, 1, k, nil)
		}
		ax, ay := a.pos()
		bx, by := b.pos()
		same := math.Abs(ax-bx) < 1e-6 && math.Abs(ay-by) < 1e-6
		if same != (n != "gd") {
			t.Errorf("%s: paths on f and f/100 end at (%v, %v) and (%v, %v)", n, ax, ay, bx, by)
		}
	}
}

// TestSaddleGDLingers checks the saddle's narrative: GD stays on the ridge
// for dozens of steps, the adaptive methods leave it at once.
func TestSaddleGDLingers(t *testing.T) {
	r := start(t, lessons.Settings{"surface": "saddle", "steps": "100"})
	r.Advance(lessons.End)
	m := mach(r)
	v := m.view()
	if v.ByName["gd"].RidgeSteps < 30 || v.ByName["adam"].RidgeSteps > 1 || v.ByName["sgd"].RidgeSteps >= v.ByName["gd"].RidgeSteps {
		t.Fatalf("ridge steps: GD %d, SGD %d, Adam %d", v.ByName["gd"].RidgeSteps, v.ByName["sgd"].RidgeSteps, v.ByName["adam"].RidgeSteps)
	}
	if !strings.Contains(r.Scene().Narrative, "before leaving it: GD\n"+trimInt(v.ByName["gd"].RidgeSteps)) {
		t.Fatalf("narrative does not give GD's ridge steps:\n%s", r.Scene().Narrative)
	}
}

func trimInt(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestTooLargeLRDivergesGDWithoutPanic(t *testing.T) {
	r := start(t, lessons.Settings{"lr": "0.12", "focus": "gd"})
	r.Advance(lessons.End)
	m := mach(r)
	gd := m.runner("gd")
	if gd.divStep == 0 || m.runner("momentum").divStep != 0 || m.runner("adam").divStep != 0 {
		t.Fatalf("lr 0.12: GD diverged at %d, momentum at %d, Adam at %d; want only GD (and SGD)",
			gd.divStep, m.runner("momentum").divStep, m.runner("adam").divStep)
	}
	sc := r.Scene()
	if sc.Status.Level != scene.LevelWarning || sc.Status.Diverged || !sc.Status.Finished ||
		!strings.Contains(sc.Status.Message, "goal missed") || sc.Goal.Verdict.Cause != lessons.CauseDiverged {
		t.Fatalf("status %+v", sc.Status)
	}
	if m.step != 500 || dist(m, "adam") > 1e-3 {
		t.Fatalf("the others did not go on: step %d, Adam %v from the minimum", m.step, dist(m, "adam"))
	}
	rows := panel(t, sc, "all six").Table.Rows
	if !strings.Contains(rows[0][0], "diverged at step") {
		t.Fatalf("GD's row does not say it diverged: %v", rows[0])
	}
	if !strings.Contains(sc.Narrative, "**GD** diverged at step") {
		t.Fatalf("finished narrative does not list GD as diverged:\n%s", sc.Narrative)
	}
	if r.Advance(lessons.Step) {
		t.Fatal("a finished run advanced")
	}
	mid := start(t, lessons.Settings{"lr": "0.12"})
	advance(mid, lessons.Step, 30)
	if n := mid.Scene().Narrative; !strings.Contains(n, "- **GD diverged at step 18**: it left the plot far behind") ||
		!strings.Contains(n, "the others go on") {
		t.Fatalf("step 30 narrative:\n%s", n)
	}
	// Far larger learning rates: every value in the scene stays finite.
	for _, s := range surfaceIDs {
		r := start(t, lessons.Settings{"lr": "10", "surface": s, "steps": "50"})
		r.Advance(lessons.End)
		if _, err := json.Marshal(r.Scene()); err != nil {
			t.Fatalf("%s at lr 10: %v", s, err)
		}
	}
}

func TestAllDivergedStopsTheRun(t *testing.T) {
	m := newMachine(1, "valley", 0.1, 500, "adam")
	m.Advance(lessons.Step)
	for _, r := range m.runners {
		r.divStep, r.divWhy = 1, "forced by the test"
	}
	sc := m.Scene()
	if !m.Done() || !sc.Status.Diverged || sc.Phase != "diverged" || !strings.Contains(sc.Narrative, "All six diverged") {
		t.Fatalf("done %v, status %+v, phase %q", m.Done(), sc.Status, sc.Phase)
	}
}

func TestLearningRateChangeAppliesFromNextStep(t *testing.T) {
	r := start(t, nil)
	advance(r, lessons.Op, 3)
	restarted, err := r.Set("lr", "0.05")
	if err != nil || restarted {
		t.Fatalf("Set lr: restarted=%v err=%v", restarted, err)
	}
	r.Advance(lessons.Op) // AdaGrad, still in step 1
	m := mach(r)
	if got := m.runner("adagrad").opt.LearningRate(); got != 0.1 {
		t.Fatalf("mid-step the lr changed to %v", got)
	}
	r.Advance(lessons.Step)
	if !strings.Contains(r.Scene().Narrative, "The learning rate becomes 0.05") {
		t.Fatalf("narrative does not announce the new lr:\n%s", r.Scene().Narrative)
	}
	r.Advance(lessons.Op)
	for _, run := range mach(r).runners {
		if got := run.opt.LearningRate(); got != 0.05 {
			t.Fatalf("%s: lr %v in step 2, want 0.05", run.name, got)
		}
	}
	for range 4 { // the op, the step, the op and the change of lr
		r.Back()
	}
	if r.Settings()["lr"] != "0.1" || mach(r).nextLR != 0.1 {
		t.Fatalf("after undoing the change lr = %s", r.Settings()["lr"])
	}
	if restarted, _ := r.Set("surface", "saddle"); !restarted || r.Scene().Pos.Step != 0 {
		t.Fatal("changing the surface did not restart the run")
	}
}

func TestFocusSwitchesTheDetail(t *testing.T) {
	r := start(t, nil)
	advance(r, lessons.Step, 3)
	if _, err := r.Set("focus", "momentum"); err != nil {
		t.Fatal(err)
	}
	sc := r.Scene()
	if p := panel(t, sc, "focus: "); p.Title != "focus: Momentum" || p.Table.Rows[2][0] != "velocity" {
		t.Fatalf("detail panel %q: %v", p.Title, p.Table.Rows)
	}
	if !strings.Contains(sc.Narrative, "**Momentum**, update 3") || !strings.Contains(sc.Narrative, "v = μ·v + g") {
		t.Fatalf("narrative does not follow momentum:\n%s", sc.Narrative)
	}
	bars := panel(t, sc, "distance").Bars
	if bars.Labels[bars.Highlight] != "Momentum" {
		t.Fatalf("bars highlight %d", bars.Highlight)
	}
}

func TestScenePanels(t *testing.T) {
	r := start(t, lessons.Settings{"surface": "rosenbrock"})
	advance(r, lessons.Step, 7)
	sc := r.Scene()
	p := panel(t, sc, "paths on").Plot
	if p.Contour == nil || p.XRange == nil || len(p.Contour.Levels) == 0 || len(p.Series) != 7 {
		t.Fatalf("path plot: contour %v, %d series", p.Contour != nil, len(p.Series))
	}
	for _, s := range p.Series[:6] {
		if s.Style != scene.Path || len(s.X) != 8 || s.X[0] != -1.2 || s.Y[0] != 1 {
			t.Fatalf("series %s: style %s, %d points from (%v, %v)", s.Name, s.Style, len(s.X), s.X[0], s.Y[0])
		}
	}
	if loss := panel(t, sc, "loss").Plot; !loss.LogY || len(loss.Series) != 6 || len(loss.Series[0].Y) != 8 {
		t.Fatalf("loss plot: %+v", loss)
	}
	if rows := panel(t, sc, "all six").Table.Rows; len(rows) != 6 || !strings.HasPrefix(rows[5][4], "m = ") || rows[0][1] != "lr = 0.1" {
		t.Fatalf("state table rows: %v", rows)
	}
}

func TestBadSettingsAreErrors(t *testing.T) {
	for _, set := range []lessons.Settings{
		{"lr": "abc"}, {"lr": "-1"}, {"lr": "0"}, {"lr": "NaN"}, {"surface": "bowl"},
		{"focus": "adamw"}, {"steps": "0"}, {"steps": "1.5"}, {"nosuch": "1"},
	} {
		if _, err := lessons.Start(Lesson(), 1, set); err == nil {
			t.Errorf("Start with %v: no error", set)
		}
	}
}
