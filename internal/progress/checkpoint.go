package progress

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dlearn/dlearn/internal/atomicfile"
	"github.com/dlearn/dlearn/lessons"
)

// Each lesson's latest checkpoints (lessons.Saved) are kept in a file of
// their own, checkpoints/<lesson>.ckpt beside the progress file, so that
// reopening a lesson does not replay its journal from the seed. The
// progress file stays small; a checkpoint file is at most
// lessons.MaxCheckpointSize (16 MiB; 0.3–1.1 MB for the lessons that save one)
// and is written atomically. It is only a cache: one that is missing,
// stale (of another journal or program build), corrupt or too large is
// ignored when the lesson reopens (the journal is replayed in full), and
// replaced or removed at the next save.

// CheckpointPath returns the file of lesson's checkpoints.
func (s *Store) CheckpointPath(lesson string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, lesson)
	return filepath.Join(filepath.Dir(s.Path), "checkpoints", safe+".ckpt")
}

// ReadCheckpoint returns the bytes of lesson's checkpoint file, or nil
// when there is none, it cannot be read, it is not a regular file or it
// is larger than lessons.MaxCheckpointSize; it never reads more than that.
func (s *Store) ReadCheckpoint(lesson string) []byte {
	path := s.CheckpointPath(lesson)
	// Stat first: opening a named pipe to read would wait for a writer.
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > lessons.MaxCheckpointSize {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(f, lessons.MaxCheckpointSize+1))
	if err != nil || len(b) > lessons.MaxCheckpointSize {
		return nil
	}
	return b
}

// WriteCheckpoint atomically replaces lesson's checkpoint file with data,
// or removes it when data is nil. Temporary files a killed write left are
// removed once they are older than a write takes.
func (s *Store) WriteCheckpoint(lesson string, data []byte) error {
	path := s.CheckpointPath(lesson)
	atomicfile.RemoveStale(path, staleTemp)
	if data == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if len(data) > lessons.MaxCheckpointSize {
		return errors.New("progress: checkpoint larger than lessons.MaxCheckpointSize")
	}
	return atomicfile.Write(path, data, 0o644)
}
