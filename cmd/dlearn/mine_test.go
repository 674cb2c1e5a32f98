package main

import (
	"strings"
	"testing"
)

func TestMineFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"lesson", "explain", "--plain", "--mine"}, // no op mine mode checks (linreg now runs in it)
		{"lesson", "speech", "--plain", "--mine", "--branch", "lr=0.1"},
	} {
		code, _, errs := dl(t, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "mine") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// The kit's exercises folder holds the stubs: mine mode has nothing of
// the learner's to run in logreg, and says so in one line (exit 2).
func TestMineStubsNotStarted(t *testing.T) {
	code, out, errs := dl(t, "lesson", "logreg", "--json", "--mine")
	if code != 2 || out != "" || strings.Count(strings.TrimSpace(errs), "\n") != 0 ||
		!strings.Contains(errs, "lesson logreg runs your logistic, still the stub in") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
