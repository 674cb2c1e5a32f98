//go:build unix

package progress

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A named pipe where a checkpoint file should be is not opened (reading
// it would wait for a writer for ever).
func TestCheckpointFileIsNotAPipe(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	if err := os.MkdirAll(filepath.Dir(s.CheckpointPath("x")), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(s.CheckpointPath("fifo"), 0o644); err != nil {
		t.Skip(err)
	}
	if got := s.ReadCheckpoint("fifo"); got != nil {
		t.Fatal("read a named pipe")
	}
}
