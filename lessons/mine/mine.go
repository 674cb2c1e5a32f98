// Package mine opens "mine" mode for a lesson: it builds, from the
// learner's exercises folder, each of the lesson's exercises whose
// functions the lesson's ops can be checked against, binds them into the
// checks' Impl structs through harness processes (package grade), and
// returns the lessons.Mine a run hands to its machines.
package mine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Session is the learner's code of one lesson, running in harness
// processes, until Close.
type Session struct {
	Mine      *lessons.Mine
	Exercises []string // the exercises built, in the lesson's order
	harnesses []*grade.Harness
}

// Close ends the harness processes and removes their programs.
func (s *Session) Close() {
	for _, h := range s.harnesses {
		h.Close()
	}
	s.harnesses = nil
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
	byName := map[string]*grade.Harness{}
	for _, name := range names {
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
	s.Mine.Ready = func(exercise string) {
		if h := byName[exercise]; h != nil {
			h.Ready()
		}
	}
	return s, nil
}
