package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/course"
)

// TestGoldenLessons draws every lesson of the course at 120×40 after a few
// training steps and in the middle of a backward pass (op by op), so a
// change to any lesson's scenes or to any widget shows up as a diff.
// Regenerate with `go test ./tui -run TestGoldenLessons -update` after an
// intended change, and read the new frames before committing them.
func TestGoldenLessons(t *testing.T) {
	for _, l := range course.Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			t.Run("steps", func(t *testing.T) {
				m := openCourseLesson(t, l.ID)
				m = keys(m, "s", "space", "space", "space")
				requireView(t, m, 120, 40)
			})
			t.Run("backward", func(t *testing.T) {
				m := openCourseLesson(t, l.ID)
				m = keys(m, "s", "space", "o")
				// Walk into the backward pass of the second step: the whole
				// forward pass and two backward nodes.
				for range forwardOps(t, l) + 2 {
					m = keys(m, "space")
				}
				requireView(t, m, 120, 40)
			})
		})
	}
}

// openCourseLesson returns the app opened on lesson id of the real course
// at 120×40, with no saved progress.
func openCourseLesson(t *testing.T, id string) Model {
	t.Helper()
	// Questions off: a question waiting at the start would hold every step.
	m := New(course.Registry(), Options{Lesson: id, Seed: lessons.DefaultSeed, NoQuestions: true})
	m.c.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
	return send(m, teaSize(120, 40), m.Init()())
}

// forwardOps is the number of forward ops of one training step of l: the
// ops before the scene's phase turns to "backward".
func forwardOps(t *testing.T, l *lessons.Lesson) int {
	t.Helper()
	r, err := lessons.Start(l, lessons.DefaultSeed, nil)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n < 1000; n++ {
		if !r.Advance(lessons.Op) || r.Scene().Phase == "backward" {
			return n - 1
		}
	}
	return 0
}
