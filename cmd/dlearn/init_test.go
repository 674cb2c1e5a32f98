package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// init refuses a non-empty folder and a file, one line and exit 2, and
// writes nothing.
func TestInitRefusesExisting(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "notes.txt"), []byte("mine"), 0o644)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, target := range []string{full, file} {
		code, out, errs := dl(t, "init", target)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dlearn: init: ") {
			t.Errorf("init %s: exit %d, out %q, err %q", target, code, out, errs)
		}
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("init wrote into a non-empty folder: %d entries", len(entries))
	}
}

// After init into an empty folder, grade, hint and reset find the folder
// from anywhere; reset there writes no test that imports the kit.
func TestInitIsFoundFromAnywhere(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	target := t.TempDir() // exists and is empty: allowed
	if code, out, errs := dl(t, "init", target); code != 0 || errs != "" || !strings.Contains(out, target) {
		t.Fatalf("init: exit %d, out %q, err %q", code, out, errs)
	}
	t.Chdir(t.TempDir())
	dir, how, err := findExercises()
	if err != nil || dir != target || !strings.Contains(how, "dlearn init") {
		t.Fatalf("findExercises: %q, %q, %v; want %s", dir, how, err, target)
	}
	if !ownExercises(target) || !standaloneFolder(target) {
		t.Error("the init folder is not the learner's own standalone folder")
	}
	os.WriteFile(filepath.Join(target, "mse", "mse.go"), []byte("package mse\n// mine\n"), 0o644)
	if code, _, errs := dl(t, "reset", "-y", "mse"); code != 0 {
		t.Fatalf("reset: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(target, "mse", "mse_test.go")); err == nil {
		t.Error("reset wrote the kit's test into a standalone folder")
	}
	if _, err := os.Stat(filepath.Join(target, "mse", "mse.go.mine")); err != nil {
		t.Errorf("reset did not keep the learner's file: %v", err)
	}
	code, out, _ := dl(t, "next")
	if code != 0 || !strings.Contains(out, filepath.Join(target, "mse")) {
		t.Errorf("next does not name the folder: %q", out)
	}
	os.RemoveAll(target)
	if _, _, err := findExercises(); err == nil || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("a removed folder: %v", err)
	}
}

// doctor prints one line per thing and exits 0 or 1.
func TestDoctorLines(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	code, out, _ := dl(t, "doctor")
	if code != 1 || !strings.Contains(out, "missing  exercises") {
		t.Errorf("doctor without exercises: exit %d\n%s", code, out)
	}
	for _, what := range []string{"go", "exercises", "progress", "data", "terminal", "isolation"} {
		if !strings.Contains(out, " "+what+" ") {
			t.Errorf("doctor has no %s line:\n%s", what, out)
		}
	}
	if !strings.Contains(out, "embedded MNIST subset") {
		t.Errorf("doctor does not name the embedded data:\n%s", out)
	}
}
