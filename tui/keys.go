package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// playerKeys are the lesson player's bindings. They implement
// help.KeyMap: the short help is one line, the full help (after ?) groups
// every binding.
type playerKeys struct {
	Step, Back                  key.Binding
	OpMode, StepMode, EpochMode key.Binding
	Run, Faster, Slower         key.Binding
	Dec, Inc, Focus, FocusBack  key.Binding
	ScrollUp, ScrollDown        key.Binding
	NextPanels, PrevPanels      key.Binding
	Exercises, Home, Help       key.Binding
	Quit                        key.Binding
	Restart, Questions          key.Binding
	// Branch forks the run with the focused control one rung up, or ends
	// a branch keeping the run; KeepBranch ends it keeping the branch.
	Branch, KeepBranch key.Binding
	// Mine turns mine mode on or off (mine.go).
	Mine      key.Binding
	GradCheck key.Binding
	// Answer and Skip act while a question waits (see question.go).
	Answer, Skip key.Binding

	// asking is the question waiting for an answer, if any: the short
	// help then shows how to answer it.
	asking *scene.Question
	// done is set once the run has ended: the short help leads with R.
	done bool
	// branched is set while a branch runs beside the run.
	branched bool
}

func newPlayerKeys() playerKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return playerKeys{
		Step:       b([]string{"space", "right", "l"}, "space/→", "step"),
		Back:       b([]string{"left", "h"}, "←", "back"),
		OpMode:     b([]string{"o"}, "o", "by op"),
		StepMode:   b([]string{"s"}, "s", "by step"),
		EpochMode:  b([]string{"e"}, "e", "by epoch"),
		Run:        b([]string{"r"}, "r", "run/pause"),
		Faster:     b([]string{"+", "="}, "+", "faster"),
		Slower:     b([]string{"-", "_"}, "-", "slower"),
		Dec:        b([]string{"["}, "[", "setting down"),
		Inc:        b([]string{"]"}, "]", "setting up"),
		Focus:      b([]string{"tab"}, "tab", "next setting"),
		FocusBack:  b([]string{"shift+tab"}, "⇧tab", "prev setting"),
		ScrollUp:   b([]string{"up", "k", "pgup"}, "↑/pgup", "scroll"),
		ScrollDown: b([]string{"down", "j", "pgdown"}, "↓/pgdn", "scroll"),
		NextPanels: b([]string{"."}, ".", "panels →"),
		PrevPanels: b([]string{","}, ",", "panels ←"),
		Exercises:  b([]string{"x"}, "x", "exercises"),
		Home:       b([]string{"esc"}, "esc", "lessons"),
		Help:       b([]string{"?"}, "?", "more keys"),
		Quit:       b([]string{"q", "ctrl+c"}, "q", "quit"),
		Restart:    b([]string{"R"}, "R", "run again from the start"),
		Questions:  b([]string{"a"}, "a", "questions on/off"),
		Branch:     b([]string{"b"}, "b", "branch and compare"),
		KeepBranch: b([]string{"B"}, "B", "keep the branch"),
		Mine:       b([]string{"m"}, "m", "mine: run your code"),
		GradCheck:  b([]string{"g"}, "g", "gradient check"),
		Answer:     b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1–9 or a number ⏎", "answer a question"),
		Skip:       b([]string{"n"}, "n", "skip a question"),
	}
}

// answerHelp is the help of the answer keys for question q.
func answerHelp(q *scene.Question) key.Binding {
	if q.Kind == scene.QuestionNumber {
		return key.NewBinding(key.WithKeys("enter"), key.WithHelp("type a number ⏎", "answer"))
	}
	k := "1"
	if n := len(q.Choices); n > 1 {
		k = fmt.Sprintf("1–%d", n)
	}
	return key.NewBinding(key.WithKeys("1"), key.WithHelp(k, "answer"))
}

// ShortHelp is the one-line help, most important first; while a question
// waits, how to answer it. Its last two bindings (? and q) are pinned:
// shortLine keeps them on the line whatever else it leaves out.
func (k playerKeys) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	change := key.NewBinding(key.WithKeys("[", "]"), key.WithHelp("[ ]", "change setting"))
	switch {
	case k.asking != nil:
		return []key.Binding{answerHelp(k.asking), short(k.Skip, "skip"), short(k.Questions, "questions off"), k.Back, k.Home, k.Help, k.Quit}
	case k.branched:
		return []key.Binding{k.Step, k.Back, short(k.Dec, "branch's setting down"), short(k.Inc, "up"), short(k.Branch, "keep the run"), short(k.KeepBranch, "keep the branch"), k.Help, k.Quit}
	case k.done:
		return []key.Binding{short(k.Restart, "run again"), k.Back, change, k.Focus, k.Exercises, k.Home, k.Help, k.Quit}
	}
	return []key.Binding{k.Step, k.Back, k.Run, change, k.Focus, k.Exercises, k.Home, k.Help, k.Quit}
}

// shortDesc are shorter descriptions of the short help's bindings, used
// when the line does not fit with the full ones.
var shortDesc = map[string]string{
	"run/pause":      "run",
	"change setting": "setting",
	"next setting":   "next",
	"questions off":  "no questions",
}

// pinnedHelp is how many bindings at the end of a short help stay on the
// line whatever is left out (? more keys, q quit).
const pinnedHelp = 2

// shortLine is the one-line help of bs in at most w columns. When the
// bindings do not fit with their descriptions, the shorter descriptions
// are used; when they still do not fit, the least important bindings (the
// last ones before the pinned ? and q) are left out, so that the line is
// never cut and always says how to see every key.
func shortLine(h help.Model, bs []key.Binding, w int) string {
	item := func(b key.Binding, terse bool) string {
		d := b.Help().Desc
		if s, ok := shortDesc[d]; ok && terse {
			d = s
		}
		return h.Styles.ShortKey.Inline(true).Render(b.Help().Key) + " " + h.Styles.ShortDesc.Inline(true).Render(d)
	}
	sep := h.Styles.ShortSeparator.Inline(true).Render(h.ShortSeparator)
	line := func(keep []key.Binding, terse bool) string {
		parts := make([]string, len(keep))
		for i, b := range keep {
			parts[i] = item(b, terse)
		}
		return strings.Join(parts, sep)
	}
	pin := min(pinnedHelp, len(bs))
	for drop := 0; drop <= len(bs)-pin; drop++ {
		keep := append(append([]key.Binding(nil), bs[:len(bs)-pin-drop]...), bs[len(bs)-pin:]...)
		for _, terse := range []bool{false, true} {
			if s := line(keep, terse); ansi.StringWidth(s) <= w {
				return s
			}
		}
	}
	return ansi.Truncate(line(bs[len(bs)-pin:], true), w, "…")
}

// FullHelp is the help shown after ?.
func (k playerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Step, k.Back, k.OpMode, k.StepMode, k.EpochMode, k.Run, k.Restart},
		{k.Faster, k.Slower, k.Dec, k.Inc, k.Focus, k.FocusBack},
		{k.Answer, k.Skip, k.Questions, k.Branch, k.KeepBranch, k.Mine, k.GradCheck},
		{k.ScrollUp, k.ScrollDown, k.NextPanels, k.PrevPanels, k.Exercises, k.Home, k.Quit},
	}
}

// homeKeys are the home screen's bindings.
type homeKeys struct {
	Up, Down, Open, Filter, Clear, Help, Quit key.Binding
}

func newHomeKeys() homeKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return homeKeys{
		Up:     b([]string{"up", "k"}, "↑/k", "up"),
		Down:   b([]string{"down", "j"}, "↓/j", "down"),
		Open:   b([]string{"enter", "right", "l"}, "enter", "open"),
		Filter: b([]string{"/"}, "/", "filter"),
		Clear:  b([]string{"esc"}, "esc", "clear filter"),
		Help:   b([]string{"?"}, "?", "more keys"),
		Quit:   b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

// ShortHelp is the one-line help.
func (k homeKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.Help, k.Quit}
}

// FullHelp is the help shown after ?.
func (k homeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Filter, k.Clear}, {k.Help, k.Quit}}
}

// exerciseKeys are the exercises view's bindings.
type exerciseKeys struct {
	Back, Quit key.Binding
}

func newExerciseKeys() exerciseKeys {
	return exerciseKeys{
		Back: key.NewBinding(key.WithKeys("esc", "x"), key.WithHelp("esc/x", "back to the lesson")),
		Quit: key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the one-line help.
func (k exerciseKeys) ShortHelp() []key.Binding { return []key.Binding{k.Back, k.Quit} }

// FullHelp is the help shown after ?.
func (k exerciseKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
