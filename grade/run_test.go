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

func TestRunOptionErrors(t *testing.T) {
	dir := copyKit(t)
	_, err := Run(context.Background(), Options{Dir: dir, Exercises: []string{"mse", "nope"}})
	var unknown *UnknownError
	if !errors.As(err, &unknown) || !strings.HasPrefix(unknown.Error(), `grade: no exercise "nope"; the exercises are: `) {
		t.Errorf("unknown exercise: %v", err)
	}
	// The kit's root is a Go module with folders of Go code, but not an
	// exercises folder.
	var notEx *NotExercisesError
	if _, err := Run(context.Background(), Options{Dir: ".."}); !errors.As(err, &notEx) {
		t.Errorf("the kit's root graded: %v", err)
	}
	if _, err := FindDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no exercises/ folder") {
		t.Errorf("FindDir outside a kit: %v", err)
	}
	_, err = Run(context.Background(), Options{Dir: dir, Exercises: []string{"mse"}, Go: filepath.Join(dir, "no-such-go")})
	if err == nil || !strings.Contains(err.Error(), "go command was not found") {
		t.Errorf("missing go: %v", err)
	}
	_, err = Run(context.Background(), Options{Dir: dir, Weights: map[string]float64{"nope": 2}})
	if err == nil || !strings.Contains(err.Error(), `the weights name "nope"`) {
		t.Errorf("weights of an unknown exercise: %v", err)
	}
}

// TestRunMissingFolder grades a learner's folder alone (no kit around
// it, no go.mod) where one exercise's folder is gone: it is reported with
// all its checks, not run.
func TestRunMissingFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a harness; runs without -short")
	}
	dir := copyKit(t)
	for _, gone := range []string{"go.mod", "gan"} {
		if err := os.RemoveAll(filepath.Join(dir, gone)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Run(context.Background(), Options{Dir: dir, Exercises: []string{"mse", "gan"}})
	if err != nil {
		t.Fatal(err)
	}
	ex := byName(r)
	expect(t, ex["mse"], Todo, "not implemented yet: mse.Loss (exercises/mse/mse.go:16)")
	expect(t, ex["gan"], Error, "the folder exercises/gan has no Go code")
	if g := ex["gan"]; g.Total != 11 || g.Checks[0].Status != NotRun {
		t.Errorf("gan: %d checks, first %s", g.Total, g.Checks[0].Status)
	}
}

func TestRunCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a harness; runs without -short")
	}
	dir := copyKit(t)
	hijack(t, dir, "mse", "mse.Loss", "func evil() {\n\tfor {\n\t}\n}\n")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(3 * time.Second)
		cancel()
	}()
	start := time.Now()
	_, err := Run(ctx, Options{Dir: dir, Exercises: []string{"mse"}, Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 30*time.Second {
		t.Errorf("cancelled run: %v after %v", err, time.Since(start))
	}
}

// TestSolutionsThroughTheLearnersSide grades the real exercises folder
// with each stub swapped for its reference solution by an overlay: every
// solution passes every check, through the harness.
func TestSolutionsThroughTheLearnersSide(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ten harnesses; runs without -short")
	}
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
	r, err := Run(context.Background(), Options{Dir: exDir, Overlay: overlay, Weights: map[string]float64{"gan": 3}})
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, r)
	for _, e := range r.Exercises {
		if e.Status != Pass {
			t.Errorf("%s: %s %d/%d %s", e.Name, e.Status, e.Passed, e.Total, e.Message)
			for _, c := range e.Checks {
				if c.Status != Pass {
					t.Errorf("  %s: %s", c.Name, c.Message)
				}
			}
		}
	}
	// Every exercise weighs 1 but gan, which weighs 3.
	if want := float64(len(manifestTotals) + 2); r.Points != want || r.MaxPoints != want {
		t.Errorf("points %v/%v, want %v/%v", r.Points, r.MaxPoints, want, want)
	}
}

// BenchmarkGradeAll is the full warm grade of every exercise (the
// solutions through an overlay): it should stay under 10 s.
func BenchmarkGradeAll(b *testing.B) {
	exDir, _ := filepath.Abs("../exercises")
	solDir, _ := filepath.Abs("../solutions")
	data, err := SwapOverlay(exDir, solDir)
	if err != nil {
		b.Skip("no solutions: ", err)
	}
	overlay := filepath.Join(b.TempDir(), "overlay.json")
	if err := os.WriteFile(overlay, data, 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Run(context.Background(), Options{Dir: exDir, Overlay: overlay}); err != nil {
			b.Fatal(err)
		}
	}
}
