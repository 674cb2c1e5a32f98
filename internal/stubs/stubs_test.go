package stubs

import (
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestEveryExerciseHasAStubAndATest(t *testing.T) {
	names := Names()
	if len(names) != len(checks.Exercises()) {
		t.Fatalf("%d exercises: %v", len(names), names)
	}
	for _, n := range names {
		fs := Files(n)
		if !strings.Contains(string(fs[n+".go"]), `panic("TODO: implement `) || len(fs[n+"_test.go"]) == 0 {
			t.Errorf("%s: %d files, not a stub and its test", n, len(fs))
		}
	}
	if len(Files("nope")) != 0 {
		t.Error("files for an unknown exercise")
	}
}
