// Package progress remembers a learner's place between launches: where each
// lesson was left (as a lessons.Journal), how many training steps were seen,
// and the last grade of each exercise.
//
// The state is one JSON file, progress.json, in dlearn's folder: $DLEARN_HOME
// when set, otherwise dlearn/ under the user's config folder. It is written
// atomically. A file that cannot be read as progress is never silently
// dropped: Load moves it aside to progress.json.corrupt-<unix nanoseconds> and
// returns a warning saying where it went.
//
// Several dlearn processes may share the file (two terminals, the app and
// dlearn grade): Update holds an advisory lock on progress.json.lock
// while it reads, changes and writes, so no update is lost. A progress
// file that is a symbolic link is written through; a read-only one is
// never overwritten; fields this version does not know are kept. What
// Load reads is bounded (MaxFileSize, MaxJournalEntries, and the limits
// in shape.go), so a crafted file cannot exhaust memory or time.
//
// Beside it, checkpoints/<lesson>.ckpt holds a lesson's latest saved
// checkpoints (see checkpoint.go): a cache that makes reopening a heavy
// lesson fast, never needed for correctness.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dlearn/dlearn/internal/atomicfile"
	"github.com/dlearn/dlearn/lessons"
)

// Version is the file format version written by Save.
const Version = 1

// Lesson is what is remembered of one lesson.
type Lesson struct {
	Journal   lessons.Journal `json:"journal"`
	StepsSeen int             `json:"steps_seen"`
	Updated   time.Time       `json:"updated"`
	// Answers holds the learner's first answer to each of the lesson's
	// questions (see questions.go).
	Answers map[string]bool `json:"answers,omitempty"`
	// Extra holds the fields of the file this version does not know, so
	// that saving keeps them.
	Extra Unknown `json:"-"`
}

// Exercise is the last grade of one exercise.
type Exercise struct {
	// Status is "pass", "fail", "todo" (not implemented yet) or "error"
	// (did not build, timed out or crashed).
	Status string    `json:"status"`
	Passed int       `json:"passed"`
	Total  int       `json:"total"`
	Graded time.Time `json:"graded"`
	// Problem is the first line of what the last grade found wrong (or
	// not implemented), and Hint its hint, if the check gave one: the
	// first rung of dlearn hint.
	Problem string `json:"problem,omitempty"`
	Hint    string `json:"hint,omitempty"`
	// HintsSeen is how many rungs of dlearn hint's ladder the learner
	// has climbed since the exercise last changed status.
	HintsSeen int     `json:"hints_seen,omitempty"`
	Extra     Unknown `json:"-"`
}

// State is the whole progress file.
type State struct {
	Version   int                 `json:"version"`
	Lessons   map[string]Lesson   `json:"lessons"`
	Exercises map[string]Exercise `json:"exercises"`
	// Prefs are the learner's preferences (see questions.go).
	Prefs Prefs   `json:"prefs"`
	Extra Unknown `json:"-"`
}

// Dir returns dlearn's folder: $DLEARN_HOME, or dlearn/ in the user's
// config folder.
func Dir() (string, error) {
	if d := os.Getenv("DLEARN_HOME"); d != "" {
		return d, nil
	}
	c, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("progress: no config folder (set DLEARN_HOME): %w", err)
	}
	return filepath.Join(c, "dlearn"), nil
}

// Store reads and writes the progress file in one folder.
type Store struct {
	Path string
}

// Open returns the store in Dir().
func Open() (*Store, error) {
	d, err := Dir()
	if err != nil {
		return nil, err
	}
	return &Store{Path: filepath.Join(d, "progress.json")}, nil
}

// Limits on what Load accepts, so that a corrupt or crafted file cannot
// exhaust memory or time: a learner's real file is a few kilobytes.
const (
	// MaxFileSize is the largest progress file Load reads; a larger one
	// is set aside like a corrupt one.
	MaxFileSize = 16 << 20
	// MaxJournalEntries is the most journal entries kept per lesson; a
	// longer journal keeps its first entries (an earlier place in the
	// same run) and Load warns.
	MaxJournalEntries = 10_000
)

// ErrReadOnly is returned by Save and Update when the progress file is
// read-only: it is never overwritten.
var ErrReadOnly = errors.New("read-only")

func empty() *State {
	return &State{Version: Version, Lessons: map[string]Lesson{}, Exercises: map[string]Exercise{}}
}

// Load reads the state. A missing file gives an empty state. A corrupt
// file (not JSON, larger than MaxFileSize) is moved aside and gives an
// empty state with warning set to a one-line message. The warning also
// says when the file is read-only (nothing will be saved) or a journal
// was cut to MaxJournalEntries. err is set when the file could not be
// read or moved at all, and for a file in a newer dlearn's format, which
// is left alone (so Update, which loads first, never overwrites it).
func (s *Store) Load() (st *State, warning string, err error) {
	f, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return empty(), "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("progress: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("progress: %w", err)
	}
	if fi.IsDir() {
		return nil, "", fmt.Errorf("progress: %s is a folder, not a file", s.Path)
	}
	if fi.Size() > MaxFileSize {
		return s.setAside(fmt.Sprintf("larger than %d MB", MaxFileSize>>20))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("progress: %w", err)
	}
	if len(data) > MaxFileSize {
		return s.setAside(fmt.Sprintf("larger than %d MB", MaxFileSize>>20))
	}
	if why := checkShape(data); why != nil {
		return s.setAside("too large to load (" + why.Error() + ")")
	}
	st = empty()
	if jerr := json.Unmarshal(data, st); jerr != nil || st.Version < 1 {
		var v struct{ Version int }
		if json.Unmarshal(data, &v) == nil && v.Version > Version {
			return nil, "", newerError(s.Path, v.Version)
		}
		return s.setAside("unreadable")
	}
	if st.Version > Version {
		return nil, "", newerError(s.Path, st.Version)
	}
	if st.Lessons == nil {
		st.Lessons = map[string]Lesson{}
	}
	if st.Exercises == nil {
		st.Exercises = map[string]Exercise{}
	}
	var warnings []string
	for _, id := range slices.Sorted(maps.Keys(st.Lessons)) {
		l := st.Lessons[id]
		if n := len(l.Journal.Entries); n > MaxJournalEntries {
			// A copy: the cut slice would keep the whole array alive.
			l.Journal.Entries = append([]lessons.Entry(nil), l.Journal.Entries[:MaxJournalEntries]...)
			st.Lessons[id] = l
			warnings = append(warnings, fmt.Sprintf("the saved place in %s had %d actions; kept the first %d", id, n, MaxJournalEntries))
		}
	}
	if fi.Mode().Perm()&0o200 == 0 {
		warnings = append(warnings, fmt.Sprintf("%s is read-only: your place will not be saved (make it writable to save it)", s.Path))
	}
	return st, strings.Join(warnings, "; "), nil
}

// newerError is Load's error for a file written by a newer dlearn: it is
// left as it is (not set aside, never overwritten), and nothing is saved.
func newerError(path string, v int) error {
	return fmt.Errorf("progress: %s is from a newer dlearn (format %d, this one reads %d); it is left as it is", path, v, Version)
}

// setAside moves the unreadable file (the file a link points to, when
// the progress file is a link) to <file>.corrupt-<unix nanoseconds> and
// returns an empty state and a warning saying where it went.
func (s *Store) setAside(why string) (*State, string, error) {
	path, err := atomicfile.Resolve(s.Path)
	if err != nil {
		return nil, "", fmt.Errorf("progress: %w", err)
	}
	aside := fmt.Sprintf("%s.corrupt-%d", path, time.Now().UnixNano())
	if rerr := os.Rename(path, aside); rerr != nil {
		return nil, "", fmt.Errorf("progress: %s is %s and could not be moved aside: %w", s.Path, why, rerr)
	}
	return empty(), fmt.Sprintf("progress file was %s; kept it as %s and started afresh", why, aside), nil
}

// staleTemp is the age past which a temporary file of the progress file
// is surely left by a killed write (a write takes milliseconds).
const staleTemp = time.Minute

// RemoveStaleTemps removes the temporary files a killed dlearn left beside
// the progress file (older than a minute, so no running write is
// touched; saves also remove them, under the lock). The app calls it when
// it starts. It returns how many it removed.
func (s *Store) RemoveStaleTemps() int { return atomicfile.RemoveStale(s.Path, staleTemp) }

// Save writes st atomically, under the store's lock.
func (s *Store) Save(st *State) error {
	release, err := s.lock()
	if err != nil {
		return err
	}
	defer release()
	return s.save(st)
}

// save writes st; the caller holds the lock. A read-only file is not
// overwritten; an existing file keeps its permissions; temporary files
// left by a killed writer are removed.
func (s *Store) save(st *State) error {
	st.Version = Version
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	target, err := atomicfile.Resolve(s.Path)
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("progress: %s is a folder, not a file", s.Path)
		}
		if fi.Mode().Perm()&0o200 == 0 {
			return fmt.Errorf("progress: %s is %w, so it was not overwritten", s.Path, ErrReadOnly)
		}
		perm = fi.Mode().Perm()
	}
	// Under the lock no other dlearn is between creating a temporary file
	// and renaming it, so any left are from a killed write.
	atomicfile.RemoveStale(s.Path, 0)
	if err := atomicfile.Write(s.Path, append(data, '\n'), perm); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	return nil
}

// Update loads the state, applies f and saves it, holding the store's
// lock throughout, so that concurrent writers (two apps, the app and
// dlearn grade) never lose each other's updates: f is applied to what
// the file holds now, and each writer changes only its own entries.
func (s *Store) Update(f func(st *State)) (warning string, err error) {
	release, err := s.lock()
	if err != nil {
		return "", err
	}
	defer release()
	st, warning, err := s.Load()
	if err != nil {
		return "", err
	}
	f(st)
	return warning, s.save(st)
}

// Lock timing: how long Update waits for another writer, and (where the
// lock is a file's existence, without flock) when a lock file is old
// enough to have been left by a killed process.
const (
	lockWait  = 10 * time.Second
	staleLock = 30 * time.Second
)

// lock takes the store's lock: an flock on progress.json.lock beside the
// progress file (or, without flock, the lock file's exclusive creation).
// It waits up to lockWait for another writer.
func (s *Store) lock() (release func(), err error) {
	lp := s.Path + ".lock"
	if err := os.MkdirAll(filepath.Dir(lp), 0o755); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		if exclusiveCreate {
			f, err := os.OpenFile(lp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
			if err == nil {
				f.Close()
				return func() { os.Remove(lp) }, nil
			}
			if !errors.Is(err, fs.ErrExist) {
				return nil, fmt.Errorf("progress: %w", err)
			}
			if fi, err := os.Stat(lp); err == nil && time.Since(fi.ModTime()) > staleLock {
				os.Remove(lp)
				continue
			}
		} else {
			f, err := os.OpenFile(lp, os.O_CREATE|os.O_RDWR, 0o644)
			if err != nil {
				return nil, fmt.Errorf("progress: %w", err)
			}
			busy, err := tryLock(f)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("progress: lock %s: %w", lp, err)
			}
			if !busy {
				return func() { unlock(f); f.Close() }, nil
			}
			f.Close()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("progress: %s stayed locked by another dlearn for %v", lp, lockWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
