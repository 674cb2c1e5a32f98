package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/course"
	"github.com/dlearn/dlearn/lessons/scene"
)

// courseHome is the home screen over the real course at w×h, with no
// saved progress.
func courseHome(t *testing.T, w, h int) Model {
	t.Helper()
	m := New(course.Registry(), Options{Seed: lessons.DefaultSeed})
	m.c.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
	return send(m, teaSize(w, h))
}

// TestGoldenHomeCourse draws the course's home screen at 80×24, at the
// top of the list and scrolled to its end: the list says how many lessons
// are above and below.
func TestGoldenHomeCourse(t *testing.T) {
	n := len(course.Registry().All())
	t.Run("top", func(t *testing.T) {
		m := courseHome(t, 80, 24)
		v := ansi.Strip(m.View().Content)
		if !strings.Contains(v, "↓ ") || !strings.Contains(v, " more") {
			t.Errorf("the home list at 80×24 does not say that more lessons follow:\n%s", v)
		}
		requireView(t, m, 80, 24)
	})
	t.Run("scrolled", func(t *testing.T) {
		m := courseHome(t, 80, 24)
		for range n - 1 {
			m = keys(m, "down")
		}
		v := ansi.Strip(m.View().Content)
		last := course.Registry().All()[n-1].Title
		if !strings.Contains(v, fmt.Sprintf("%2d  %s", n, last)) || !strings.Contains(v, "↑ ") {
			t.Errorf("the home list scrolled to its end does not show lesson %d (%s) and the lessons above:\n%s", n, last, v)
		}
		requireView(t, m, 80, 24)
	})
}

// TestHomeReachesEveryLesson moves the cursor over the whole course at
// the smallest sizes: the lesson under the cursor is always on screen.
func TestHomeReachesEveryLesson(t *testing.T) {
	all := course.Registry().All()
	for _, s := range [][2]int{{60, 20}, {80, 24}, {100, 30}} {
		m := courseHome(t, s[0], s[1])
		for i, l := range all {
			if v := ansi.Strip(m.View().Content); !strings.Contains(v, "▸ "+fmt.Sprintf("%2d  %s", i+1, l.Title)) {
				t.Fatalf("%dx%d: lesson %d (%s) under the cursor is not on screen:\n%s", s[0], s[1], i+1, l.Title, v)
			}
			m = keys(m, "down")
		}
	}
}

// TestNarrativeScrolls opens a lesson whose narrative does not fit at
// 80×24: the narrative says there is more, scrolls with ↓, and is back
// at its top after R.
func TestNarrativeScrolls(t *testing.T) {
	m := openCourseLessonAt(t, "optimizers", 80, 24)
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "more lines") {
		t.Fatalf("the narrative gives no sign that it goes on:\n%s", v)
	}
	m = keys(m, "down", "down", "down")
	if m.player.vp.YOffset() != 3 {
		t.Fatalf("three ↓ scrolled the narrative to %d, want 3", m.player.vp.YOffset())
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "3 above") {
		t.Errorf("a scrolled narrative does not say what is above:\n%s", v)
	}
	m = keys(m, "space", "R")
	if m.player.vp.YOffset() != 0 {
		t.Errorf("after R the narrative is scrolled to %d, want its top", m.player.vp.YOffset())
	}
}

// TestPageStaysOnItsPanel turns to the second page of a lesson's panels
// and steps into a phase with other panels: the panel paged to stays on
// screen.
func TestPageStaysOnItsPanel(t *testing.T) {
	m := openCourseLessonAt(t, "logreg", 80, 24)
	m = keys(m, "s", "space", "o", ".")
	pl := m.player.geo.plan
	if len(pl.pages) < 2 {
		t.Fatalf("logreg at 80×24 has %d page(s), want several", len(pl.pages))
	}
	anchor := m.player.geo.page
	if anchor == "" {
		t.Fatal(". did not turn the page")
	}
	for range 12 {
		m = keys(m, "space")
		if !strings.Contains(strings.Join(panelIDs(m.player.sc.Panels), " "), anchor) {
			continue // the panel itself left the scene
		}
		pl := m.player.geo.plan
		shown := false
		for _, b := range pl.pages[pl.pageOf(m.player.geo.page)] {
			shown = shown || b.id == anchor
		}
		if !shown {
			t.Fatalf("at op %d (%s) the page shown no longer holds %s", m.player.sc.Pos.Op, m.player.sc.Phase, anchor)
		}
	}
}

// The controls bar keeps the focused control whole at any width from the
// minimum on, says how many controls it leaves out on each side, and cuts
// a label that alone is too long before its value.
func TestControlsBarWindow(t *testing.T) {
	var ctl []lessons.Control
	for i := range 9 {
		ctl = append(ctl, lessons.Control{Name: fmt.Sprintf("c%d", i), Label: fmt.Sprintf("control number %d", i), Default: fmt.Sprintf("value-%d", i)})
	}
	ctl[4].Label = strings.Repeat("a very long label ", 6)
	p := newPlayer()
	p.lesson = &lessons.Lesson{Controls: ctl}
	for _, w := range []int{60, 80, 120} {
		c := &common{width: w, st: newStyles(true, true)}
		for f := range ctl {
			p.focus = f
			bar := ansi.Strip(p.controls(c))
			if n := ansi.StringWidth(bar); n > w {
				t.Errorf("width %d focus %d: the bar is %d wide", w, f, n)
			}
			val := "▸ " + ctl[f].Label + " " + ctl[f].Default
			if f == 4 {
				val = "… " + ctl[f].Default
			}
			if !strings.Contains(bar, val) {
				t.Errorf("width %d focus %d: %q does not show %q", w, f, bar, val)
			}
			if f > 0 && !strings.Contains(bar, "control number 0") && !strings.Contains(bar, "‹") {
				t.Errorf("width %d focus %d: %q hides the first controls without ‹", w, f, bar)
			}
			if f < len(ctl)-1 && !strings.Contains(bar, "control number 8") && !strings.Contains(bar, "›") {
				t.Errorf("width %d focus %d: %q hides the last controls without ›", w, f, bar)
			}
		}
	}
}

// Stepping keeps the narrative's scroll while the same section shows with
// new numbers, and another section starts at its top.
func TestNarrativeScrollAcrossSteps(t *testing.T) {
	m := openCourseLessonAt(t, "optimizers", 80, 24)
	m = keys(m, "s", "space")
	head := firstLine(m.player.sc.Narrative)
	m = keys(m, "down", "down", "space")
	if firstLine(m.player.sc.Narrative) != head {
		t.Fatalf("the next step's narrative starts %q, not %q as the step before", firstLine(m.player.sc.Narrative), head)
	}
	if got := m.player.vp.YOffset(); got != 2 {
		t.Errorf("the same section one step on is scrolled to %d, want 2 as before", got)
	}
	m = keys(m, "o", "space")
	if firstLine(m.player.sc.Narrative) == head {
		t.Fatalf("op mode shows the same section %q", head)
	}
	if got := m.player.vp.YOffset(); got != 0 {
		t.Errorf("another section is scrolled to %d, want its top", got)
	}
}

// The key-help line at the bottom fits at 80×24 in every lesson, while a
// question waits and once it is answered: it is never cut, and it always
// says how to see every key (?) and how to quit; while a question waits
// it leads with how to answer it.
func TestKeyHelpFits(t *testing.T) {
	for _, l := range course.Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			m := New(course.Registry(), Options{Lesson: l.ID, Seed: lessons.DefaultSeed})
			m.c.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
			m = send(m, teaSize(80, 24), m.Init()())
			for n := 0; m.player.asking(m.c) == nil; n++ {
				if n == 200 {
					t.Fatalf("no question in the first %d steps", n)
				}
				m = keys(m, "space")
			}
			q := m.player.asking(m.c)
			requireKeyHelp(t, m, 80, answerHelp(q).Help().Key)
			m = keys(m, "n")
			requireKeyHelp(t, m, 80, "space/→ step")
		})
	}
}

// requireKeyHelp checks the last line of m's view at width w: whole, with
// ? and q, and starting with first.
func requireKeyHelp(t *testing.T, m Model, w int, first string) {
	t.Helper()
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	last := lines[len(lines)-1]
	if strings.Contains(last, "…") || ansi.StringWidth(last) > w {
		t.Errorf("the key help is cut at width %d: %q", w, last)
	}
	for _, want := range []string{"? more keys", "q quit"} {
		if !strings.Contains(last, want) {
			t.Errorf("the key help at width %d leaves out %q: %q", w, want, last)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(last), first) {
		t.Errorf("the key help at width %d does not lead with %q: %q", w, first, last)
	}
}

// The short help keeps its most important keys first and ? and q always,
// at every width from 40 columns: the descriptions shorten before keys
// are left out, and keys go from the end.
func TestShortHelpLine(t *testing.T) {
	h := help.New()
	k := newPlayerKeys()
	for _, st := range []struct {
		name string
		keys playerKeys
	}{{"stepping", k}, {"done", func() playerKeys { d := k; d.done = true; return d }()},
		{"asking", func() playerKeys {
			a := k
			a.asking = &scene.Question{Kind: scene.QuestionChoice, Choices: []string{"a", "b", "c"}}
			return a
		}()}} {
		bs := st.keys.ShortHelp()
		prev := len(bs) + 1
		for w := 200; w >= 40; w-- {
			line := ansi.Strip(shortLine(h, bs, w))
			if n := ansi.StringWidth(line); n > w || strings.Contains(line, "…") {
				t.Fatalf("%s at %d: %q is %d wide or cut", st.name, w, line, n)
			}
			if !strings.HasSuffix(line, "? more keys • q quit") {
				t.Fatalf("%s at %d: %q does not end with ? and q", st.name, w, line)
			}
			first := bs[0].Help().Key + " "
			if !strings.HasPrefix(line, first) {
				t.Fatalf("%s at %d: %q does not lead with %q", st.name, w, line, first)
			}
			shown := strings.Count(line, " • ") + 1
			if shown > prev {
				t.Fatalf("%s at %d: %d keys, more than the %d at a wider line", st.name, w, shown, prev)
			}
			prev = shown
		}
		if full := ansi.Strip(shortLine(h, bs, 200)); strings.Count(full, " • ")+1 != len(bs) {
			t.Errorf("%s at 200 columns leaves keys out: %q", st.name, full)
		}
	}
}

// At 120×40 the lessons with small computation graphs draw them as boxes
// and arrows at every op of the first two training steps walked op by op
// where the graph is on the page shown, not as the list, and no node name
// is cut.
func TestGraphBoxesAt120x40(t *testing.T) {
	for _, id := range []string{"linreg", "logreg", "backprop"} {
		t.Run(id, func(t *testing.T) {
			m := openCourseLessonAt(t, id, 120, 40)
			m = keys(m, "o")
			seen := 0
			// The first two training steps.
			for n := 0; n < 400 && m.player.sc.Pos.Step < 2; n++ {
				// The graph on the page shown.
				hasGraph := false
				ids := panelIDs(m.player.sc.Panels)
				pl := m.player.geo.plan
				for _, b := range pl.pages[pl.pageOf(m.player.geo.page)] {
					for i, p := range m.player.sc.Panels {
						hasGraph = hasGraph || ids[i] == b.id && p.Graph != nil
					}
				}
				if hasGraph {
					seen++
					v := ansi.Strip(m.View().Content)
					if !strings.Contains(v, "▶[") && !strings.Contains(v, "─▶│") && !strings.Contains(v, "─▶┃") {
						t.Fatalf("op %d (%s): the graph is not drawn as boxes:\n%s", m.player.sc.Pos.Op, m.player.sc.Phase, v)
					}
					requireNoIdentifierCut(t, m, 120, 40)
				}
				m = keys(m, "space")
			}
			if seen < 5 {
				t.Fatalf("only %d ops showed the graph", seen)
			}
		})
	}
}
