package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/internal/progress"
)

func dlIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestLearnerLoop(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	kit := miniKit(t, true)
	t.Chdir(filepath.Dir(kit))

	if code, out, _ := dl(t, "next"); code != 0 || !strings.HasPrefix(out, "next: mse (lesson linreg: ") || !strings.Contains(out, "not graded yet") {
		t.Errorf("next on a fresh kit: %d %q", code, out)
	}
	store, _ := progress.Open()
	now := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	if _, err := store.Update(func(s *progress.State) {
		s.Exercises["mse"] = progress.Exercise{Status: "pass", Passed: 4, Total: 4, Graded: now}
		s.Exercises["logistic"] = progress.Exercise{Status: "fail", Passed: 6, Total: 8, Graded: now,
			Problem: "logistic.BCE (exercises/logistic/logistic.go:30): BCE(p, y) is wrong.", Hint: "clamp p to [ε, 1−ε] first."}
		s.Lessons["linreg"] = progress.Lesson{StepsSeen: 12, Answers: map[string]bool{"reach-goal": true, "dW-sign": false, "W-after": true}}
	}); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := dl(t, "next"); !strings.HasPrefix(out, "next: logistic (lesson logreg: ") || !strings.Contains(out, "last grade: fail, 6/8 checks") {
		t.Errorf("next after mse passes: %q", out)
	}
	_, out, _ := dl(t, "progress")
	for _, want := range []string{"linreg — Linear regression · 12 steps seen · questions 2/3 right", "exercise mse: pass, 4/4 checks", "exercise logistic: fail, 6/8 checks", "exercise gan: not graded yet", "1 of 33 exercises pass"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress does not say %q:\n%s", want, out)
		}
	}

	// The hint ladder: the last grade's diagnosis, then the README.
	_, out, _ = dl(t, "hint")
	if !strings.HasPrefix(out, "hint 1 of ") || !strings.Contains(out, "for logistic:\nyour last grade found: logistic.BCE (exercises/logistic/logistic.go:30)") ||
		!strings.Contains(out, "hint: clamp p to [ε, 1−ε] first.") {
		t.Errorf("first hint: %q", out)
	}
	_, out, _ = dl(t, "hint", "logistic")
	if !strings.HasPrefix(out, "hint 2 of ") || strings.Contains(out, "your last grade") {
		t.Errorf("second hint: %q", out)
	}
	if code, _, errs := dl(t, "hint", "nope"); code != 2 || !strings.HasPrefix(errs, "dlearn: hint: no exercise \"nope\"") {
		t.Errorf("hint nope: %d %q", code, errs)
	}

	// reset asks first, keeps the learner's version and forgets the grade.
	mine, _ := os.ReadFile(filepath.Join(kit, "mse", "mse.go"))
	if _, out, _ := dlIn(t, "n\n", "reset", "mse"); !strings.Contains(out, "nothing changed") {
		t.Errorf("reset answered no: %q", out)
	}
	if now, _ := os.ReadFile(filepath.Join(kit, "mse", "mse.go")); !bytes.Equal(now, mine) {
		t.Fatal("reset answered no changed the file")
	}
	if _, out, _ := dlIn(t, "y\n", "reset", "mse"); !strings.Contains(out, "kept your mse.go.mine") {
		t.Errorf("reset: %q", out)
	}
	stub, _ := os.ReadFile(filepath.Join(kit, "mse", "mse.go"))
	kept, _ := os.ReadFile(filepath.Join(kit, "mse", "mse.go.mine"))
	if !strings.Contains(string(stub), `panic("TODO: implement mse.Loss")`) || !bytes.Equal(kept, mine) {
		t.Errorf("after reset: stub %d bytes, kept %d bytes", len(stub), len(kept))
	}
	st, _, _ := store.Load()
	if _, ok := st.Exercises["mse"]; ok {
		t.Error("reset kept mse's old grade")
	}
	if _, out, _ := dl(t, "reset", "-y", "mse"); !strings.Contains(out, "kept your mse.go.mine.2") {
		t.Errorf("second reset: %q", out)
	}
	if code, _, errs := dl(t, "reset", "nope"); code != 2 || !strings.HasPrefix(errs, "dlearn: reset: no exercise \"nope\"") {
		t.Errorf("reset nope: %d %q", code, errs)
	}
}
