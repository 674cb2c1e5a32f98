package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons"
)

// homeModel is the home screen: the lessons in course order with the
// learner's progress, a filter, and a cursor.
type homeModel struct {
	keys      homeKeys
	help      help.Model
	cursor    int
	filter    string
	filtering bool
}

func newHome() homeModel {
	return homeModel{keys: newHomeKeys(), help: help.New()}
}

// visible returns the lessons matching the filter, in course order, with
// their course numbers.
func (h homeModel) visible(c *common) (ls []*lessons.Lesson, nums []int) {
	f := strings.ToLower(strings.TrimSpace(h.filter))
	for i, l := range c.reg.All() {
		hay := strings.ToLower(l.ID + " " + l.Title + " " + l.Summary + " " + strings.Join(l.Topics, " "))
		if f == "" || strings.Contains(hay, f) {
			ls = append(ls, l)
			nums = append(nums, i+1)
		}
	}
	return ls, nums
}

// update handles a message; quit asks the app to quit.
func (h homeModel) update(c *common, msg tea.Msg) (_ homeModel, _ tea.Cmd, quit bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil, false
	}
	ls, _ := h.visible(c)
	if h.filtering {
		switch k.String() {
		case "esc":
			h.filtering, h.filter = false, ""
		case "enter":
			h.filtering = false
			return h.openCursor(ls)
		case "backspace":
			if r := []rune(h.filter); len(r) > 0 {
				h.filter = string(r[:len(r)-1])
			}
		case "up", "down":
			h.cursor = h.move(ls, k.String() == "down")
		default:
			if k.Text != "" && len(h.filter) < 40 {
				h.filter += k.Text
			}
		}
		h.cursor = min(h.cursor, max(0, len(h.filterCount(c))-1))
		return h, nil, false
	}
	switch {
	case key.Matches(k, h.keys.Quit):
		return h, nil, true
	case key.Matches(k, h.keys.Up):
		h.cursor = h.move(ls, false)
	case key.Matches(k, h.keys.Down):
		h.cursor = h.move(ls, true)
	case key.Matches(k, h.keys.Open):
		return h.openCursor(ls)
	case key.Matches(k, h.keys.Filter):
		h.filtering = true
	case key.Matches(k, h.keys.Clear):
		h.filter = ""
		c.notice = ""
	case key.Matches(k, h.keys.Help):
		h.help.ShowAll = !h.help.ShowAll
	}
	return h, nil, false
}

func (h homeModel) filterCount(c *common) []*lessons.Lesson {
	ls, _ := h.visible(c)
	return ls
}

func (h homeModel) move(ls []*lessons.Lesson, down bool) int {
	if len(ls) == 0 {
		return 0
	}
	if down {
		return min(h.cursor+1, len(ls)-1)
	}
	return max(h.cursor-1, 0)
}

func (h homeModel) openCursor(ls []*lessons.Lesson) (homeModel, tea.Cmd, bool) {
	if h.cursor < 0 || h.cursor >= len(ls) {
		return h, nil, false
	}
	l := ls[h.cursor]
	return h, func() tea.Msg { return openLessonMsg{lesson: l} }, false
}

// progressLine sums up the learner's progress in lesson l.
func progressLine(c *common, l *lessons.Lesson) string {
	var parts []string
	if p, ok := c.progress.Lessons[l.ID]; ok && p.StepsSeen > 0 {
		parts = append(parts, fmt.Sprintf("%d steps seen", p.StepsSeen))
	} else if ok {
		parts = append(parts, "started")
	} else {
		parts = append(parts, "not started")
	}
	if right, n := c.progress.Lessons[l.ID].Score(); n > 0 {
		parts = append(parts, fmt.Sprintf("questions %d/%d right", right, n))
	}
	if n := len(l.Exercises); n > 0 {
		passed := 0
		for _, e := range l.Exercises {
			if c.progress.Exercises[e].Status == "pass" {
				passed++
			}
		}
		parts = append(parts, fmt.Sprintf("exercises %d/%d", passed, n))
	}
	return strings.Join(parts, " · ")
}

func (h homeModel) view(c *common) string {
	st := c.st
	w := c.width
	var b strings.Builder
	title := " dlearn — deep learning, one step at a time"
	b.WriteString(st.Header.Render(padTo(title, w)) + "\n\n")
	h.help.SetWidth(w - 2)
	h.help.Styles = st.Help
	helpView := " " + h.help.View(h.keys)
	filterLine := st.Muted.Render(" Lessons")
	switch {
	case h.filtering:
		filterLine = " " + st.Bold.Render("filter: ") + h.filter + "▏" + st.Muted.Render("  (enter open · esc clear)")
	case h.filter != "":
		filterLine = " " + st.Bold.Render("filter: ") + h.filter + st.Muted.Render("  (esc clear)")
	}
	ls, nums := h.visible(c)
	// The list's room: the window less the title, the filter line, the
	// notice and help lines. Each lesson takes three lines (name, summary,
	// a blank), or two when that lets more of them show; a list that still
	// does not fit scrolls with the cursor, and says how many lessons are
	// above (on the filter line) and below (on its last line).
	room := max(2, c.height-4-lineCount(helpView)-1)
	per := 3
	if len(ls)*3 > room {
		per = 2
	}
	fit := len(ls)
	if len(ls)*per > room {
		fit = max(1, (room-1)/per)
	}
	first := 0
	if h.cursor >= fit {
		first = h.cursor - fit + 1
	}
	first = min(first, max(0, len(ls)-fit))
	if first > 0 {
		filterLine += st.Muted.Render(fmt.Sprintf("   ↑ %d more", first))
	}
	b.WriteString(filterLine + "\n\n")
	if len(ls) == 0 {
		b.WriteString(st.Muted.Render("   no lesson matches") + "\n")
	}
	for i := first; i < min(len(ls), first+fit); i++ {
		l := ls[i]
		prog := progressLine(c, l)
		name := fmt.Sprintf("%2d  %s", nums[i], l.Title)
		gap := max(2, w-6-ansi.StringWidth(name)-ansi.StringWidth(prog))
		line := name + strings.Repeat(" ", gap) + st.Muted.Render(prog)
		if i == h.cursor {
			b.WriteString(st.Selected.Render(" ▸ ") + st.Selected.Render(name) + strings.Repeat(" ", gap) + st.Label.Render(prog) + "\n")
		} else {
			b.WriteString("   " + line + "\n")
		}
		b.WriteString("       " + st.Muted.Render(ansi.Truncate(l.Summary, max(10, w-9), "…")) + "\n")
		if per == 3 {
			b.WriteString("\n")
		}
	}
	if below := len(ls) - first - fit; below > 0 {
		b.WriteString(st.Muted.Render(fmt.Sprintf("   ↓ %d more (↓/j scrolls)", below)) + "\n")
	}
	body := b.String()
	notice := ""
	if c.notice != "" {
		notice = " " + st.Warn.Render(ansi.Truncate(c.notice, w-2, "…"))
	}
	pad := c.height - lineCount(body) - lineCount(helpView) - 1
	return body + strings.Repeat("\n", max(0, pad)) + notice + "\n" + helpView
}

// padTo pads s with spaces to w columns (or cuts it).
func padTo(s string, w int) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
