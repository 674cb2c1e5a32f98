// Package progress remembers a learner's place between launches: where each
// lesson was left (as a lessons.Journal), how many training steps were seen,
// and the last grade of each exercise.
//
// The state is one JSON file, progress.json, in dlearn's folder: $DLEARN_HOME
// when set, otherwise dlearn/ under the user's config folder. It is written
// atomically. A file that cannot be read as progress is never silently
// dropped: Load moves it aside to progress.json.corrupt-<unix nanoseconds> and
// returns a warning saying where it went.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	HintsSeen int `json:"hints_seen,omitempty"`
}

// State is the whole progress file.
type State struct {
	Version   int                 `json:"version"`
	Lessons   map[string]Lesson   `json:"lessons"`
	Exercises map[string]Exercise `json:"exercises"`
	// Prefs are the learner's preferences (see questions.go).
	Prefs Prefs `json:"prefs"`
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

func empty() *State {
	return &State{Version: Version, Lessons: map[string]Lesson{}, Exercises: map[string]Exercise{}}
}

// Load reads the state. A missing file gives an empty state. A corrupt
// file (not JSON, or a newer version) is moved aside and gives an empty
// state with warning set to a one-line message; err is set only when the
// file could not be read or moved at all.
func (s *Store) Load() (st *State, warning string, err error) {
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return empty(), "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("progress: %w", err)
	}
	st = empty()
	if jerr := json.Unmarshal(data, st); jerr != nil || st.Version > Version || st.Version < 1 {
		aside := fmt.Sprintf("%s.corrupt-%d", s.Path, time.Now().UnixNano())
		if rerr := os.Rename(s.Path, aside); rerr != nil {
			return nil, "", fmt.Errorf("progress: %s is unreadable and could not be moved aside: %w", s.Path, rerr)
		}
		return empty(), fmt.Sprintf("progress file was unreadable; kept it as %s and started afresh", aside), nil
	}
	if st.Lessons == nil {
		st.Lessons = map[string]Lesson{}
	}
	if st.Exercises == nil {
		st.Exercises = map[string]Exercise{}
	}
	return st, "", nil
}

// Save writes st atomically.
func (s *Store) Save(st *State) error {
	st.Version = Version
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	return atomicfile.Write(s.Path, append(data, '\n'), 0o644)
}

// Update loads the state, applies f and saves it, so that concurrent
// writers (the TUI and dlearn grade) lose as little as possible.
func (s *Store) Update(f func(st *State)) (warning string, err error) {
	st, warning, err := s.Load()
	if err != nil {
		return "", err
	}
	f(st)
	return warning, s.Save(st)
}
