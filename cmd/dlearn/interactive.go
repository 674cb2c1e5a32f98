package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/mine"
	"github.com/dlearn/dlearn/tui"
)

// tuiOptions are the options every way of opening the terminal app shares:
// the learner's progress store (in memory only if there is no config
// folder) and the exercises folder.
func tuiOptions(e *env, seed uint64, noQuestions bool) tui.Options {
	opts := tui.Options{Seed: seed, NoQuestions: noQuestions, Stderr: e.stderr}
	if st, err := progress.Open(); err == nil {
		opts.Store = st
	} else {
		fmt.Fprintf(e.stderr, "dlearn: %v; your place will not be remembered\n", err)
	}
	if dir, _, err := findExercises(); err == nil {
		opts.ExercisesDir = dir
	}
	opts.OpenMine = func(ctx context.Context, l *lessons.Lesson) (*lessons.Mine, func(), error) {
		s, err := openMine(ctx, l)
		if err != nil {
			return nil, nil, err
		}
		return s.Mine, s.Close, nil
	}
	return opts
}

// openMine builds the learner's code of lesson l's checkable exercises
// from their exercises folder (found as grade finds it) for mine mode.
func openMine(ctx context.Context, l *lessons.Lesson) (*mine.Session, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	dir, _, err := findExercises()
	if err != nil {
		return nil, fmt.Errorf("mine: %v", err)
	}
	return mine.Open(ctx, dir, l, mine.Options{})
}

// openTUI starts the terminal app on the home screen.
func openTUI(e *env, reg *lessons.Registry, seed uint64, noQuestions bool) error {
	return runTUI(reg, tuiOptions(e, seed, noQuestions))
}

// openTUIRun starts the terminal app on lesson l. Settings given on the
// command line start it afresh with them; otherwise it resumes the
// learner's saved place.
func openTUIRun(e *env, reg *lessons.Registry, l *lessons.Lesson, seed uint64, set lessons.Settings, explicit, noQuestions, mine bool) error {
	opts := tuiOptions(e, seed, noQuestions)
	opts.Lesson = l.ID
	opts.Mine = mine
	if explicit {
		opts.Settings = set
	}
	return runTUI(reg, opts)
}

// runTUI runs the app. A signal that ended it (after it saved the
// learner's place) exits with 128 + the signal's number.
func runTUI(reg *lessons.Registry, opts tui.Options) error {
	err := tui.Run(reg, opts)
	var sig *tui.SignalError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &sig):
		return &exitError{code: sig.ExitCode(), msg: sig.Error()}
	}
	return &exitError{code: 1, msg: fmt.Sprintf("terminal app: %v", err)}
}
