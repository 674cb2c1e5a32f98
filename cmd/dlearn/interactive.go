package main

import (
	"github.com/dlearn/dlearn/lessons"
)

// openTUI starts the terminal app on the home screen, or on lesson id.
func openTUI(e *env, reg *lessons.Registry, seed uint64, id string) error {
	return &exitError{code: 2, msg: "the terminal app is not built yet; use `dlearn lesson ID --plain`"}
}

// openTUIRun starts the terminal app on an already started run.
func openTUIRun(e *env, reg *lessons.Registry, r *lessons.Run) error {
	return openTUI(e, reg, r.Seed(), r.Lesson().ID)
}
