package grade

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeModule writes files (path → content) under a new temporary folder
// and returns it.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tinyKit is a course kit in miniature: exercises/ with one exercise that
// passes, one that loops forever and one that does not build.
func tinyKit(t *testing.T) string {
	return writeModule(t, map[string]string{
		"exercises/go.mod":              "module example.com/kit/exercises\n\ngo 1.26\n",
		"exercises/ok/ok.go":            "package ok\n\nfunc Two() int { return 2 }\n",
		"exercises/ok/ok_test.go":       "package ok\n\nimport \"testing\"\n\nfunc TestOK(t *testing.T) {\n\tt.Run(\"two\", func(t *testing.T) {\n\t\tif Two() != 2 {\n\t\t\tt.Error(\"not two\")\n\t\t}\n\t})\n}\n",
		"exercises/loop/loop.go":        "package loop\n\nfunc Spin() {\n\tfor {\n\t}\n}\n",
		"exercises/loop/loop_test.go":   "package loop\n\nimport \"testing\"\n\nfunc TestSpin(t *testing.T) { Spin() }\n",
		"exercises/broken/broken.go":    "package broken\n\nfunc F() int { return \"x\" }\n",
		"exercises/broken/b_test.go":    "package broken\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { F() }\n",
		"exercises/notes/README.md":     "not an exercise: no Go code\n",
		"exercises/onlytests/x_test.go": "package onlytests\n",
	})
}

func TestRunTinyKit(t *testing.T) {
	kit := tinyKit(t)
	dir, err := FindDir(filepath.Join(kit, "exercises", "ok"))
	if err != nil || dir != filepath.Join(kit, "exercises") {
		t.Fatalf("FindDir = %q, %v", dir, err)
	}
	r, err := Run(context.Background(), Options{Dir: dir, Order: []string{"ok"}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Exercises {
		got = append(got, e.Name+"="+string(e.Status))
	}
	if strings.Join(got, " ") != "ok=pass broken=error loop=error" {
		t.Fatalf("exercises %v (want ok first, then the others by name)", got)
	}
	if msg := r.Exercises[1].Message; !strings.Contains(msg, "exercises/broken/broken.go:3") {
		t.Errorf("build error %q does not point at the file", msg)
	}
	if msg := r.Exercises[2].Message; !strings.HasPrefix(msg, "timed out after 1s") || !strings.Contains(msg, "in loop.Spin (exercises/loop/loop.go:") {
		t.Errorf("timeout message %q", msg)
	}
	if r.Points != 1 || r.MaxPoints != 3 || r.Status != Error {
		t.Errorf("points %d/%d status %s", r.Points, r.MaxPoints, r.Status)
	}
}

func TestRunOptionErrors(t *testing.T) {
	kit := tinyKit(t)
	dir := filepath.Join(kit, "exercises")
	_, err := Run(context.Background(), Options{Dir: dir, Exercises: []string{"ok", "nope"}})
	var unknown *UnknownError
	if !errors.As(err, &unknown) || unknown.Error() != `grade: no exercise "nope"; the exercises are: broken, loop, ok` {
		t.Errorf("unknown exercise: %v", err)
	}
	if _, err := FindDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no exercises/ folder") {
		t.Errorf("FindDir outside a kit: %v", err)
	}
	_, err = Run(context.Background(), Options{Dir: dir, Exercises: []string{"ok"}, Go: filepath.Join(kit, "no-such-go")})
	if err == nil || !strings.Contains(err.Error(), "go command was not found") {
		t.Errorf("missing go: %v", err)
	}
}

func TestRunCancel(t *testing.T) {
	dir := filepath.Join(tinyKit(t), "exercises")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Options{Dir: dir, Exercises: []string{"loop"}, Timeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 15*time.Second {
		t.Errorf("cancelled run: %v after %v", err, time.Since(start))
	}
}

// TestSolutionsThroughTheLearnersSide grades the real exercises folder
// with each stub swapped for its reference solution by an overlay: the
// learner's test files, module and wrappers must accept the solutions.
func TestSolutionsThroughTheLearnersSide(t *testing.T) {
	exDir, _ := filepath.Abs("../exercises")
	solDir, _ := filepath.Abs("../solutions")
	if _, err := os.Stat(solDir); err != nil {
		t.Log("no solutions/ folder (a classroom copy): nothing to compare")
		return
	}
	data, err := SwapOverlay(exDir, solDir)
	if err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	if err := os.WriteFile(overlay, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), Options{Dir: exDir, Overlay: overlay})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Exercises {
		if e.Status != Pass || e.Total == 0 {
			t.Errorf("%s: %s %d/%d %s", e.Name, e.Status, e.Passed, e.Total, e.Message)
			for _, c := range e.Checks {
				if c.Status != Pass {
					t.Errorf("  %s: %s", c.Name, c.Message)
				}
			}
		}
	}
}
