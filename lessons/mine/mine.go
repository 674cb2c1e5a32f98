// Package mine opens "mine" mode for a lesson: it builds, from the
// learner's exercises folder, each of the lesson's exercises whose
// functions the lesson's ops can be checked against, binds them into the
// checks' Impl structs through harness processes (package grade), and
// returns the lessons.Mine a run hands to its machines.
package mine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/internal/stubs"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Session is the learner's code of one lesson, running in harness
// processes, until Close.
type Session struct {
	Mine      *lessons.Mine
	Exercises []string // the exercises built, in the lesson's order
	// Skipped are the lesson's checkable exercises left out because their
	// files are still the kit's stubs (not started): the lesson runs the
	// engine's code at their ops.
	Skipped   []string
	harnesses []*grade.Harness
}

// Close ends the harness processes and removes their programs.
func (s *Session) Close() {
	for _, h := range s.harnesses {
		h.Close()
	}
	s.harnesses = nil
}

// notStarted reports whether exercise name of the folder dir is still
// the kit's stub: every Go file of the stub (tests aside) is there,
// unchanged.
func notStarted(dir, name string) bool {
	n := 0
	for file, want := range stubs.Files(name) {
		if !strings.HasSuffix(file, ".go") || strings.HasSuffix(file, "_test.go") {
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, name, file))
		if err != nil || !bytes.Equal(got, want) {
			return false
		}
		n++
	}
	return n > 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "one"
}

// Options say how to build and call the learner's code.
type Options struct {
	Go string
	// CallTimeout bounds each call of a learner's function
	// (grade.DefaultCallTimeout when zero).
	CallTimeout time.Duration
}

// Exercises returns the lesson's exercises that mine mode can check.
func Exercises(l *lessons.Lesson) []string {
	have := trainer.MineExercisesOf(l.ID)
	var out []string
	for _, e := range l.Exercises {
		if slices.Contains(have, e) && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Open builds the lesson's checkable exercises from the exercises folder
// dir. The error is one line: the lesson has no op mine mode checks, or an
// exercise is missing or does not build.
func Open(ctx context.Context, dir string, l *lessons.Lesson, o Options) (*Session, error) {
	names := Exercises(l)
	if len(names) == 0 {
		return nil, fmt.Errorf("mine: lesson %s has no op mine mode can check yet (it checks the exercises %s)", l.ID, strings.Join(trainer.MineExercises(), ", "))
	}
	if _, ok := l.New(lessons.DefaultSeed, l.Defaults()).(lessons.Miner); !ok {
		return nil, fmt.Errorf("mine: lesson %s does not run in mine mode yet", l.ID)
	}
	s := &Session{Mine: &lessons.Mine{Impls: map[string]any{}}}
	var started []string
	for _, name := range names {
		if notStarted(dir, name) {
			s.Skipped = append(s.Skipped, name)
			continue
		}
		started = append(started, name)
	}
	if len(started) == 0 {
		return nil, fmt.Errorf("mine: lesson %s runs your %s, still the stub%s in %s: write %s first, then turn mine mode on",
			l.ID, strings.Join(names, ", "), plural(len(names)), dir, them(len(names)))
	}
	byName := map[string]*grade.Harness{}
	for _, name := range started {
		h, err := grade.OpenHarness(ctx, dir, name, grade.HarnessOptions{Go: o.Go, CallTimeout: o.CallTimeout})
		if err != nil {
			s.Close()
			return nil, err
		}
		s.harnesses = append(s.harnesses, h)
		ex, _ := checks.Lookup(name)
		impl := ex.NewImpl()
		if err := h.Bind(impl); err != nil {
			s.Close()
			return nil, err
		}
		s.Mine.Impls[name] = impl
		s.Exercises = append(s.Exercises, name)
		byName[name] = h
	}
	s.Mine.Skipped = s.Skipped
	s.Mine.Ready = func(exercise string) {
		if h := byName[exercise]; h != nil {
			h.Ready()
		}
	}
	return s, nil
}
