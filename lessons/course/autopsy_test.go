package course

import (
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// TestAutopsyLinregLargeRate: at learning rate 3 (four times the
// stability limit 2/λmax ≈ 0.765) the loss jumps ×44 in step 2 and the
// run stops there; the autopsy names dense.W, whose first update was
// ‖ΔW‖ = lr·‖dW‖ = 3 × 3.114, and the matmul that carries it into ŷ, and
// the change to try from the lesson's controls.
func TestAutopsyLinregLargeRate(t *testing.T) {
	l, _ := Registry().Get("linreg")
	r, err := lessons.Start(l, lessons.DefaultSeed, lessons.Settings{"lr": "3"})
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.End)
	sc := r.Scene()
	a := sc.Autopsy
	if a == nil {
		t.Fatalf("no autopsy; status %+v", sc.Status)
	}
	if a.Step != 2 || a.Trigger != scene.TriggerJump || a.Param != "dense.W" || a.Op != "z = matmul(x, dense.W)" {
		t.Errorf("step %d trigger %q param %q op %q, want 2, a loss jump, dense.W, z = matmul(x, dense.W)", a.Step, a.Trigger, a.Param, a.Op)
	}
	if want := "dense.W grew ×15.26 in the last update: ‖ΔW‖ = 9.341 from ‖dW‖ = 3.114 (‖W‖ 0.5744 → 8.766)"; a.Summary != want {
		t.Errorf("summary %q, want %q", a.Summary, want)
	}
	if a.Control != "lr" || !strings.HasPrefix(a.Try, "lower the learning rate from 3") {
		t.Errorf("try %q (%s=%s), want the rate lowered", a.Try, a.Control, a.Value)
	}
	if !sc.Status.Diverged || sc.Goal.Verdict == nil || sc.Goal.Verdict.Cause != lessons.CauseDiverged ||
		!strings.Contains(sc.Goal.Verdict.Explain, a.Summary) {
		t.Errorf("the verdict does not carry the autopsy: %+v", sc.Goal.Verdict)
	}
	// Stepping back leaves the stop: the autopsy goes with it.
	r.Back()
	if sc := r.Scene(); sc.Autopsy != nil || sc.Status.Diverged {
		t.Errorf("after stepping back: autopsy %+v, status %+v", sc.Autopsy, sc.Status)
	}
}

// TestAutopsyGANLargeRate: with both Adams at 0.1 (100 times the default)
// D's first update moves its last layer by 71% of its size, its logits
// grow ×12 and D's loss jumps ×38 in step 2: the autopsy names that
// layer's matmul and weight, and the lesson's own remedy.
func TestAutopsyGANLargeRate(t *testing.T) {
	l, _ := Registry().Get("gan")
	r, err := lessons.Start(l, lessons.DefaultSeed, lessons.Settings{"lrd": "0.1", "lrg": "0.1"})
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.End)
	sc := r.Scene()
	a := sc.Autopsy
	if a == nil {
		t.Fatalf("no autopsy; status %+v", sc.Status)
	}
	if a.Step != 2 || a.Trigger != scene.TriggerJump || a.Param != "D.dense3.W" || a.Op != "v6 = matmul(v5, D.dense3.W)" {
		t.Errorf("step %d trigger %q param %q op %q, want 2, a loss jump, D.dense3.W, v6 = matmul(v5, D.dense3.W)", a.Step, a.Trigger, a.Param, a.Op)
	}
	if !strings.HasPrefix(a.Summary, "D.dense3.W moved by 70.76% of its size in the last update") {
		t.Errorf("summary %q", a.Summary)
	}
	if a.Control != "lrd" || a.Value != "0.001" {
		t.Errorf("try %q (%s=%s), want the D rate lowered to 0.001", a.Try, a.Control, a.Value)
	}
	if !strings.Contains(sc.Narrative, "Stopped: the loss jumped") {
		t.Errorf("the narrative does not say why the run stopped:\n%s", sc.Narrative)
	}
}
