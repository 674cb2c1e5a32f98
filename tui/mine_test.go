package tui

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/logreg"
)

// The app's side of mine mode: the m key, the job, the scene's table and
// status. The learner's code here is in-process functions (the build and
// the harness are tested in lessons/mine).
func TestMineKey(t *testing.T) {
	closed := 0
	var openErr error
	open := func(_ context.Context, l *lessons.Lesson) (*lessons.Mine, func(), error) {
		if openErr != nil {
			return nil, nil, openErr
		}
		wrong := &checks.LogisticImpl{
			Sigmoid: func(z float64) float64 { return 1 / (1 + math.Exp(z)) },
			BCE:     func(p, y []float64) float64 { return 0 },
		}
		return &lessons.Mine{Impls: map[string]any{"logistic": wrong}}, func() { closed++ }, nil
	}
	m := New(lessons.NewRegistry(logreg.Lesson()), Options{Lesson: "logreg", OpenMine: open, NoQuestions: true})
	m.c.tick = newTestModel(t, 1, 1, Options{}).c.tick
	m = send(m, teaSize(120, 40), m.Init()())
	m = keys(m, "m", "space")
	v := ansi.Strip(m.View().Content)
	if !m.player.mineOn || !strings.Contains(v, "yours vs engine") || !strings.Contains(v, "mine: step 1, p = sigmoid(s)") ||
		!strings.Contains(v, "mind the sign") {
		t.Fatalf("after m and a step, mine mode shows no disagreement:\n%s", v)
	}
	if m.player.failure != "" || !m.player.done {
		t.Errorf("failure %q done %v", m.player.failure, m.player.done)
	}
	m = keys(m, "m")
	v = ansi.Strip(m.View().Content)
	if m.player.mineOn || closed != 1 || strings.Contains(v, "yours vs engine") || !strings.Contains(v, "mine mode off") {
		t.Errorf("m again: on %v, closed %d:\n%s", m.player.mineOn, closed, v)
	}
	// A build error is a note; the run goes on without mine mode.
	openErr = errors.New("mine: exercises/logistic did not build: logistic.go:3:1: syntax error")
	m = keys(m, "m")
	if v = ansi.Strip(m.View().Content); !strings.Contains(v, "did not build") {
		t.Errorf("a build error is not shown:\n%s", v)
	}
	m = keys(m, "space")
	if m.player.mineOn || m.player.failure != "" || m.player.sc.Pos.Step != 1 {
		t.Errorf("a build error: on %v failure %q step %d:\n%s", m.player.mineOn, m.player.failure, m.player.sc.Pos.Step, v)
	}
}

func TestMineOnOpen(t *testing.T) {
	calls := 0
	open := func(_ context.Context, l *lessons.Lesson) (*lessons.Mine, func(), error) {
		calls++
		return &lessons.Mine{Impls: map[string]any{}}, nil, nil
	}
	m := New(lessons.NewRegistry(logreg.Lesson()), Options{Lesson: "logreg", OpenMine: open, Mine: true, NoQuestions: true})
	m = send(m, teaSize(120, 40), m.Init()())
	if calls != 1 || !m.player.mineOn {
		t.Errorf("--mine: %d builds, on %v", calls, m.player.mineOn)
	}
}
