//go:build unix

package tui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/dlearn/dlearn/internal/progress"
)

// The whole path of a signal through Run: the real signal goes to the
// app as a message, the app saves the place and quits, and Run returns a
// SignalError with the conventional exit code.
func TestRunSavesOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
		in, keys := io.Pipe()
		var stderr bytes.Buffer
		done := make(chan error, 1)
		go func() {
			done <- run(testRegistry(), Options{Store: store, Lesson: testLesson, NoQuestions: true, Stderr: &stderr},
				tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
		}()
		time.Sleep(500 * time.Millisecond)
		keys.Write([]byte("ll")) // two steps
		time.Sleep(500 * time.Millisecond)
		if err := syscall.Kill(os.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: Run did not return", sig)
		}
		keys.Close()
		var se *SignalError
		if !errors.As(err, &se) || se.Signal != sig || se.ExitCode() != 128+int(sig) {
			t.Fatalf("%v: Run returned %v", sig, err)
		}
		st, _, lerr := store.Load()
		if lerr != nil || st.Lessons[testLesson].StepsSeen != 2 {
			t.Fatalf("%v: saved %+v (%v)", sig, st.Lessons[testLesson], lerr)
		}
	}
}
