package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dlearn/dlearn/lessons"
)

func TestCheckpointFiles(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Path: filepath.Join(dir, "progress.json")}
	if got := s.ReadCheckpoint("cnn"); got != nil {
		t.Fatalf("no file: read %d bytes", len(got))
	}
	if err := s.WriteCheckpoint("cnn", []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if got := s.ReadCheckpoint("cnn"); !bytes.Equal(got, []byte("abc")) {
		t.Fatalf("read %q", got)
	}
	if p := s.CheckpointPath("../x"); filepath.Dir(p) != filepath.Join(dir, "checkpoints") {
		t.Fatalf("a lesson id leaves the folder: %s", p)
	}
	// A crafted huge file is refused without being read: a sparse file
	// larger than the limit.
	f, err := os.Create(s.CheckpointPath("big"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(lessons.MaxCheckpointSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := s.ReadCheckpoint("big"); got != nil {
		t.Fatalf("a file over the limit gave %d bytes", len(got))
	}
	if err := s.WriteCheckpoint("big", make([]byte, lessons.MaxCheckpointSize+1)); err == nil {
		t.Fatal("wrote a checkpoint over the limit")
	}
	// A folder in its place is not read.
	if err := os.Mkdir(s.CheckpointPath("dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := s.ReadCheckpoint("dir"); got != nil {
		t.Fatal("read a folder")
	}
	if err := s.WriteCheckpoint("cnn", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.CheckpointPath("cnn")); !os.IsNotExist(err) {
		t.Fatalf("nil did not remove the file: %v", err)
	}
	if err := s.WriteCheckpoint("cnn", nil); err != nil {
		t.Fatalf("removing a missing file: %v", err)
	}
}
