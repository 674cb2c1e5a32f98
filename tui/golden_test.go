package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/dlearn/dlearn/internal/progress"
)

// sizes are the terminal sizes of the view goldens: the minimum, a
// stacked layout and the side-by-side layout.
var sizes = [][2]int{{60, 20}, {90, 30}, {120, 40}}

// eachSize runs f for each size in a subtest named after it.
func eachSize(t *testing.T, f func(t *testing.T, w, h int) Model) {
	for _, s := range sizes {
		t.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(t *testing.T) {
			m := f(t, s[0], s[1])
			requireView(t, m, s[0], s[1])
		})
	}
}

// requireView checks the view's size and compares it with the golden.
func requireView(t *testing.T, m Model, w, h int) {
	t.Helper()
	view := m.View().Content
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Errorf("line %d is %d wide, want %d: %q", i, n, w, ansi.Strip(l))
			break
		}
	}
	golden.RequireEqual(t, []byte(ansi.Strip(view)))
}

func TestGoldenHome(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := newTestModel(t, w, h, Options{})
		m.c.progress.Lessons[testLesson] = progress.Lesson{StepsSeen: 12}
		m.c.progress.Exercises["mse"] = progress.Exercise{Status: "pass", Passed: 3, Total: 3}
		return keys(m, "down")
	})
}

func TestGoldenHomeFilter(t *testing.T) {
	m := newTestModel(t, 90, 30, Options{})
	m = keys(m, "/", "p", "l", "a")
	requireView(t, m, 90, 30)
}

// playerAfterSteps opens the test lesson and takes a few steps and ops,
// so that every panel kind has something to show.
func playerAfterSteps(t *testing.T, w, h int, opts Options) Model {
	m := newTestModel(t, w, h, opts)
	m = keys(m, "enter", "space", "space", "space", "o", "space")
	if m.screen != screenPlayer || m.player.sc.Pos.Step != 3 || m.player.sc.Pos.Op != 1 {
		t.Fatalf("player at %+v on screen %d, want step 3 op 1", m.player.sc.Pos, m.screen)
	}
	return m
}

func TestGoldenPlayer(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		return playerAfterSteps(t, w, h, Options{})
	})
}

func TestGoldenPlayerWide(t *testing.T) {
	requireView(t, playerAfterSteps(t, 160, 50, Options{}), 160, 50)
}

func TestGoldenHelp(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		return keys(playerAfterSteps(t, w, h, Options{}), "?")
	})
}

func TestGoldenExercises(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := newTestModel(t, w, h, Options{ExercisesDir: "testdata/exercises"})
		m.c.progress.Exercises["mse"] = progress.Exercise{Status: "pass", Passed: 3, Total: 3}
		m.c.progress.Exercises["sgd"] = progress.Exercise{Status: "fail", Passed: 1, Total: 4}
		m = keys(m, "enter", "x")
		if m.screen != screenExercises {
			t.Fatal("x did not open the exercises")
		}
		return m
	})
}

func TestGoldenTooSmall(t *testing.T) {
	for _, s := range [][2]int{{59, 20}, {100, 12}, {30, 8}} {
		t.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(t *testing.T) {
			m := playerAfterSteps(t, 120, 40, Options{})
			m = send(m, teaSize(s[0], s[1]))
			requireView(t, m, s[0], s[1])
			if !strings.Contains(ansi.Strip(m.View().Content), fmt.Sprintf("now %d×%d", s[0], s[1])) {
				t.Error("the view does not say the terminal is too small")
			}
		})
	}
}

// colourSGR matches an SGR sequence that sets a colour.
var colourSGR = regexp.MustCompile(`\x1b\[[0-9;:]*(?:^|;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:[;:][0-9;:]*)?m`)

func TestGoldenNoColor(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := playerAfterSteps(t, w, h, Options{NoColor: true})
		for _, v := range []string{m.View().Content, keys(m, "x").View().Content, keys(m, "esc").View().Content} {
			if loc := colourSGR.FindStringIndex(v); loc != nil {
				t.Fatalf("NO_COLOR view has a colour sequence %q", v[loc[0]:loc[1]])
			}
		}
		return m
	})
}

func TestGoldenDiverged(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := playerAfterSteps(t, w, h, Options{})
		m = keys(m, "s", "]", "]", "]") // 0.1 → 0.3 → 1 → 3
		if v := settingValue(m.player.sc, "lr", ""); v != "3" {
			t.Fatalf("lr = %s after three ], want 3", v)
		}
		m = keys(m, "r")
		if !m.player.sc.Status.Diverged || m.player.running {
			t.Fatalf("status %+v running %v, want diverged and stopped", m.player.sc.Status, m.player.running)
		}
		if !strings.Contains(ansi.Strip(m.View().Content), "diverged at step") {
			t.Error("the status line does not say the run diverged")
		}
		return m
	})
}
