package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/internal/progress"
)

// TestExercisesViewRereadsGrades checks that a grade written by another
// process (dlearn grade) shows in the exercises view without a restart.
func TestExercisesViewRereadsGrades(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	m := newTestModel(t, 120, 40, Options{Store: store})
	ticks := 0
	next := m.c.tick
	m.c.tick = func(d time.Duration, msg tea.Msg) tea.Cmd {
		if _, ok := msg.(gradesTickMsg); ok {
			if ticks++; ticks > 3 {
				return nil // the test clock would otherwise tick for ever
			}
		}
		return next(d, msg)
	}
	m = keys(m, "enter")
	if _, err := store.Update(func(st *progress.State) {
		st.Exercises["mse"] = progress.Exercise{Status: "pass", Passed: 3, Total: 3}
	}); err != nil {
		t.Fatal(err)
	}
	m = send(m, press("x"))
	if m.screen != screenExercises {
		t.Fatalf("x did not open the exercises view (screen %v)", m.screen)
	}
	if got := m.c.progress.Exercises["mse"]; got.Status != "pass" {
		t.Fatalf("grade not re-read: %+v", got)
	}
	if ticks < 2 {
		t.Fatalf("the exercises view did not keep re-reading the grades (%d ticks)", ticks)
	}
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "3/3") && !strings.Contains(view, "pass") {
		t.Fatalf("exercises view does not show the new grade:\n%s", view)
	}
}

// While the exercises view shows, the file is read again only when it
// changed.
func TestGradesReadOnlyWhenChanged(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	grade := func(passed int) {
		t.Helper()
		if _, err := store.Update(func(st *progress.State) {
			st.Exercises["mse"] = progress.Exercise{Status: "pass", Passed: passed, Total: 3}
		}); err != nil {
			t.Fatal(err)
		}
	}
	grade(1)
	m := newTestModel(t, 120, 40, Options{Store: store})
	m = send(m, m.loadGrades()())
	if m.c.progress.Exercises["mse"].Passed != 1 || m.c.gradesRead.fi == nil {
		t.Fatalf("first read: %+v", m.c.progress.Exercises["mse"])
	}
	if msg := m.loadGrades()().(gradesMsg); msg.exercises != nil {
		t.Fatal("an unchanged file was read again")
	}
	grade(2)
	m = send(m, m.loadGrades()())
	if m.c.progress.Exercises["mse"].Passed != 2 {
		t.Fatalf("a changed file was not read: %+v", m.c.progress.Exercises["mse"])
	}
}
