package mine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/explain"
	"github.com/dlearn/dlearn/lessons/privacy"
	"github.com/dlearn/dlearn/lessons/speech"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The signal lessons' own checks (speech's sound walk, privacy's DP-SGD
// step) with the
// reference solutions and a mutant, through real harnesses: they run
// without -short.

// speech and privacy build their exercise; explain's intgrad is not
// mapped (its functions take a tanh MLP's weights, and the lesson
// explains a CNN).
func TestSignalExercises(t *testing.T) {
	for _, c := range []struct {
		l    *lessons.Lesson
		want string
	}{{speech.Lesson(), "melbank"}, {privacy.Lesson(), "dpsgd"}, {explain.Lesson(), ""}} {
		if got := strings.Join(Exercises(c.l), " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.l.ID, got, c.want)
		}
	}
	ops := strings.Join(trainer.MineOps(), "\n")
	for _, op := range []string{"dp-sgd step: dpsgd.Step", "power spectrum: melbank.PowerSpectrum", "mel filter bank: melbank.MelFilterBank"} {
		if !strings.Contains(ops, op) {
			t.Errorf("MineOps has no %q:\n%s", op, ops)
		}
	}
}

// sameScene fails unless the two runs stand at the same place with the
// same goal measure and the same panels' tables (the mine run's report
// panel aside).
func sameScene(t *testing.T, mine, eng *lessons.Run) {
	t.Helper()
	got, want := mine.Scene(), eng.Scene()
	if got.Pos != want.Pos || (got.Goal == nil) != (want.Goal == nil) || got.Goal != nil && got.Goal.Measure != want.Goal.Measure {
		t.Fatalf("mine run at %+v with %+v, the engine's at %+v with %+v", got.Pos, got.Goal, want.Pos, want.Goal)
	}
	for i, p := range want.Panels {
		if i >= len(got.Panels) || got.Panels[i].ID != p.ID {
			t.Fatalf("panel %d: %q, the engine's %q", i, got.Panels[i].ID, p.ID)
		}
		g, _ := json.Marshal(got.Panels[i].Table)
		w, _ := json.Marshal(p.Table)
		if string(g) != string(w) {
			t.Fatalf("panel %s:\n%s\nthe engine's:\n%s", p.ID, g, w)
		}
	}
}

// A short run: one epoch of 10 private steps at the defaults.
var privacySet = lessons.Settings{"epochs": "1"}

func TestSignalPrivacy(t *testing.T) {
	l := privacy.Lesson()
	s := open(t, solutionsFor(t, l, nil), l, 0)
	if strings.Join(s.Exercises, " ") != "dpsgd" {
		t.Fatalf("exercises %v", s.Exercises)
	}
	r, eng := startBoth(t, l, s, privacySet)
	r.Advance(lessons.End)
	eng.Advance(lessons.End)
	sameEnd(t, r, eng)
	sameScene(t, r, eng)
	rep := report(r)
	if rep == nil || rep.Stopped() || rep.Step != 10 || len(rep.Checks) != 1 {
		t.Fatalf("report %+v", rep)
	}
	if c := rep.Checks[0]; !c.OK || c.Func != "dpsgd.Step" || c.Used != c.Total-2 || c.Total != 2*715 { // W₁'s share is compared, not used
		t.Errorf("check %+v", c)
	}
}

func TestSignalPrivacyMutant(t *testing.T) {
	l := privacy.Lesson()
	// The noise without C: σ·z, told apart from σ·C·z at C = 0.3.
	s := open(t, solutionsFor(t, l, map[string][]string{"dpsgd": {"(sum[j] + sigma*C*z[j]) / n", "(sum[j] + sigma*z[j]) / n"}}), l, 0)
	set := lessons.Settings{"epochs": "1", "batch": "10", "clip": "0.3"}
	r, _ := startBoth(t, l, s, set)
	r.Advance(lessons.End)
	stopsAt(t, r, 1, "update: DP-SGD step, C=0.3 σ=1.7 lr=0.5, B=10", "add σ·C·z, not σ·z")
}

func TestSignalSpeech(t *testing.T) {
	l := speech.Lesson()
	s := open(t, solutionsFor(t, l, nil), l, 0)
	if strings.Join(s.Exercises, " ") != "melbank" {
		t.Fatalf("exercises %v", s.Exercises)
	}
	r, eng := startBoth(t, l, s, nil)
	for range 8 + 2 { // the sound walk, 2 training steps
		r.Advance(lessons.Step)
		eng.Advance(lessons.Step)
	}
	sameScene(t, r, eng)
	rep := report(r)
	if rep == nil || rep.Stopped() || len(rep.Checks) != 3 {
		t.Fatalf("report %+v", rep)
	}
	for _, c := range rep.Checks {
		if !c.OK || c.Used != c.Total || c.Total == 0 {
			t.Errorf("check %+v", c)
		}
	}
}

func TestSignalSpeechMutant(t *testing.T) {
	l := speech.Lesson()
	// Slaney's normalisation: each triangle scaled to area 1.
	s := open(t, solutionsFor(t, l, map[string][]string{"melbank": {"w[j][k] = max(0, min(up, down))", "w[j][k] = max(0, min(up, down)) * 2 / (f[j+2] - f[j])"}}), l, 0)
	r, _ := startBoth(t, l, s, nil)
	r.Advance(lessons.End)
	stopsAt(t, r, 0, "mel filter bank: 24 bands, 256-point FFT, 8000 Hz, 0–4000 Hz", "Slaney's normalisation")
}
