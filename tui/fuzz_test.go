package tui

import (
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// fuzzKeys are the keys the random walk presses: every binding, a few
// that mean nothing, and text for the home filter.
var fuzzKeys = []string{
	"space", "right", "l", "left", "h", "o", "s", "e", "r", "+", "-", "[", "]", "tab", "shift+tab",
	"x", "esc", "?", "up", "down", "pgup", "pgdown", "enter", "/", "backspace", ".", ",",
	"a", "z", "0", "@", "k", "j", "R", "n", "1", "2", "3", "9",
}

// TestRandomKeys presses hundreds of random keys, with resizes (some
// below the minimum) in between, on every lesson of the test registry:
// nothing panics and every frame has exactly the window's size.
func TestRandomKeys(t *testing.T) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 7))
		w, h := 120, 40
		m := newTestModel(t, w, h, Options{NoColor: seed%2 == 1})
		if seed >= 3 {
			// The quiz lesson, with its goal and questions, first on the list.
			m.c.reg = lessons.NewRegistry(newQuizLesson(), newTestLesson(), newPlainLesson())
		}
		for i := range 400 {
			if rng.IntN(25) == 0 {
				w, h = 20+rng.IntN(160), 5+rng.IntN(60)
				m = send(m, tea.WindowSizeMsg{Width: w, Height: h})
			}
			k := fuzzKeys[rng.IntN(len(fuzzKeys))]
			if k == "q" {
				continue
			}
			m = send(m, press(k))
			view := m.View().Content
			if lines := strings.Split(view, "\n"); len(lines) != h {
				t.Fatalf("seed %d key %d (%s): %d lines at %dx%d", seed, i, k, len(lines), w, h)
			}
			for _, l := range strings.Split(view, "\n") {
				if ansi.StringWidth(l) != w {
					t.Fatalf("seed %d key %d (%s): a line is %d wide at %dx%d", seed, i, k, ansi.StringWidth(l), w, h)
				}
			}
		}
	}
}

// A lesson that panics or produces absurd scenes shows an error; it does
// not take the program down.
func TestBrokenLesson(t *testing.T) {
	broken := &lessons.Lesson{ID: "broken", Title: "Broken", Summary: "panics on the second step",
		New: func(uint64, lessons.Settings) lessons.Machine { return &brokenMachine{} }}
	m := New(lessons.NewRegistry(broken), Options{})
	m.c.tick = newTestModel(t, 1, 1, Options{}).c.tick
	m = send(m, teaSize(100, 30))
	m = keys(m, "enter", "space")
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "NaN") {
		t.Fatalf("the absurd scene is not drawn:\n%s", v)
	}
	m = keys(m, "space", "space", "left", "r")
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "the lesson failed") {
		t.Fatalf("the failure is not shown:\n%s", v)
	}
	m = keys(m, "esc")
	if m.screen != screenHome {
		t.Fatal("esc does not leave a broken lesson")
	}
}

type brokenMachine struct{ n int }

func (m *brokenMachine) Advance(lessons.Granularity) {
	m.n++
	if m.n == 2 {
		panic("boom")
	}
}
func (m *brokenMachine) Done() bool         { return false }
func (m *brokenMachine) Set(string, string) {}
func (m *brokenMachine) Scene() scene.Scene {
	nan := []float64{0, nan(), inf(), -inf(), 1e300}
	return scene.Scene{Phase: "odd", Narrative: "odd", Panels: []scene.Panel{
		{Kind: scene.KindPlot, Title: "nan", Plot: &scene.Plot{LogY: true, Series: []scene.Series{
			{Style: scene.Line, X: []float64{0, 1, 2, 3, 4}, Y: nan}, {Style: scene.Scatter, X: nan, Y: nan[:2], Classes: []int{-3}}},
			Region: &scene.Grid{Rows: 3, Cols: 3, Values: []float64{1}}, Contour: &scene.Contour{Grid: scene.Grid{Rows: 2, Cols: 2, Values: nan}, Levels: []float64{nan[1]}}}},
		{Kind: scene.KindMatrix, Title: "m", Matrix: &scene.Matrix{Rows: 3, Cols: 4, Values: nan, Grads: nan[:1], Highlight: []scene.Cell{{Row: 9, Col: 9}}}},
		{Kind: scene.KindGraph, Title: "g", Graph: &scene.Graph{Current: 7, Nodes: []scene.GraphNode{{Label: "a", Inputs: []int{5, -1}}}}},
		{Kind: scene.KindImage, Title: "i", Image: &scene.Image{Rows: 300, Cols: 2, Tiles: [][]float64{nan}, Min: 1, Max: 1}},
		{Kind: scene.KindBars, Title: "b", Bars: &scene.Bars{Values: nan, Highlight: 99}},
		{Kind: scene.KindTable, Title: "t", Table: &scene.Table{Rows: [][]string{{"a"}, {"b", "c", "d"}}}},
		{Kind: scene.KindImage, Title: "wrong field", Bars: &scene.Bars{}},
	}}
}
