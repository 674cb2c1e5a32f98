// Package atomicfile writes files so that a reader, or a crash, never sees
// half of one: the data goes to a temporary file in the same folder, is
// synced, and is renamed over the destination.
//
// A destination that is a symbolic link is written through: the file the
// link points to is replaced (atomically, in its own folder) and the link
// stays a link.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// maxLinks bounds the symbolic links Resolve follows (as the kernel does).
const maxLinks = 40

// Resolve returns the file path names in the end: path itself, or, when it
// is a symbolic link (or a chain of them), the file the last link points
// to, which need not exist yet.
func Resolve(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// TempPattern is the pattern of the temporary files Write makes for path
// (in the folder of the file path resolves to).
func TempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// Write atomically replaces path with data, creating parent folders with
// mode 0o755 as needed. The file gets mode perm. When path is a symbolic
// link, the file it points to is replaced and the link is kept.
func Write(path string, data []byte, perm os.FileMode) error {
	path, err := Resolve(path)
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	f, err := os.CreateTemp(dir, TempPattern(path))
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("atomicfile: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("atomicfile: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("atomicfile: %w", err)
	}
	return nil
}

// RemoveStale removes the temporary files Write left for path (a write
// killed before its rename) that are older than age. It returns how many
// it removed. Call it only when no other writer of path can be between
// CreateTemp and Rename (under a lock), or with an age no write takes.
func RemoveStale(path string, age time.Duration) int {
	path, err := Resolve(path)
	if err != nil {
		return 0
	}
	dir := filepath.Dir(path)
	prefix := strings.TrimSuffix(TempPattern(path), "*")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		fi, err := e.Info()
		if err != nil || time.Since(fi.ModTime()) < age {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n
}
