package stubs

import (
	"bytes"
	"os"
	"path/filepath"
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

// The embedded copies must match exercises/ (go generate ./internal/stubs
// after changing an exercise).
func TestCopiesMatchTheExercises(t *testing.T) {
	mod, err := os.ReadFile("../../exercises/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mod), "\ngo "+GoVersion+"\n") {
		t.Errorf("GoVersion %s is not the go line of exercises/go.mod:\n%s", GoVersion, mod)
	}
	readmes, _ := filepath.Glob("../../exercises/*/README.md")
	if len(readmes) == 0 {
		t.Fatal("no exercise READMEs found")
	}
	for _, f := range readmes {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(f))
		if !bytes.Equal(Readme(name), want) {
			t.Errorf("docs/%s.md differs from %s: run go generate ./internal/stubs", name, f)
		}
	}
	if Readme("nope") != nil {
		t.Error("a README for an unknown exercise")
	}
}
