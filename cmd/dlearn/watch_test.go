package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/dlearn/dlearn/grade"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until out contains want n times, or fails after 30s.
func waitFor(t *testing.T, out *syncBuffer, want string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for strings.Count(out.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %d× %q after 30s; output:\n%s", n, want, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestWatchRegradesOnSave(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	dir := miniKit(t, false)
	var out, errs syncBuffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errs}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	right, err := os.ReadFile(filepath.Join(miniKit(t, true), "mse", "mse.go"))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- watch(ctx, e, grade.Options{Dir: dir, Exercises: []string{"mse"}, Timeout: 30 * time.Second}, 50*time.Millisecond)
	}()

	waitFor(t, &out, "Points 0.5/1", 1)
	// An editor's swap file changes nothing; the real save re-grades.
	if err := os.WriteFile(filepath.Join(dir, "mse", ".mse.go.swp"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mse", "mse.go"), right, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, &out, "Points 1/1", 1)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("watch returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not stop when cancelled")
	}
	if n := strings.Count(out.String(), "dlearn watch ·"); n != 2 {
		t.Errorf("graded %d times, want 2 (once at start, once for the save):\n%s", n, out.String())
	}
	if errs.String() != "" {
		t.Errorf("stderr: %q", errs.String())
	}
}

func TestWatchIgnoresEditorFiles(t *testing.T) {
	for name, want := range map[string]bool{
		"/k/exercises/mse/mse.go":           true,
		"/k/exercises/go.mod":               true,
		"/k/exercises/mse/.mse.go.swp":      false,
		"/k/exercises/mse/mse.go~":          false,
		"/k/exercises/mse/#mse.go#":         false,
		"/k/exercises/mse/.#mse.go":         false,
		"/k/exercises/mse/4913":             false,
		"/k/exercises/mse/README.md":        false,
		"/k/exercises/mse/mse.go.tmp.12345": false,
	} {
		if got := relevant(fsnotify.Event{Name: name, Op: fsnotify.Write}); got != want {
			t.Errorf("relevant(%s) = %v, want %v", name, got, want)
		}
	}
	if relevant(fsnotify.Event{Name: "/k/exercises/mse/mse.go", Op: fsnotify.Chmod}) {
		t.Error("a chmod alone re-grades")
	}
}
