package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

func TestMineFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"lesson", "linreg", "--plain", "--mine"},
		{"lesson", "speech", "--plain", "--mine", "--branch", "lr=0.1"},
	} {
		code, _, errs := dl(t, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "mine") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// The kit's exercises folder holds the stubs: mine mode builds the
// logistic stub and stops at its first call with the learner's panic.
func TestMineStubStops(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a harness; runs without -short")
	}
	code, out, errs := dl(t, "lesson", "logreg", "--json", "--mine")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var sc scene.Scene
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sc); err != nil {
		t.Fatal(err)
	}
	if sc.Pos.Step != 0 || !strings.HasPrefix(sc.Status.Message, "mine: step 1, p = sigmoid(s) (logistic.Sigmoid): panic at exercises/logistic/logistic.go") ||
		!strings.Contains(sc.Status.Message, "TODO") {
		t.Errorf("status %+v at %+v", sc.Status, sc.Pos)
	}
	if p := sc.Panels[len(sc.Panels)-1]; p.ID != "mine" || p.Table.Rows[0][0] != "✗ first" {
		t.Errorf("last panel %+v", p)
	}
}
