package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"

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
	GradCheck                   key.Binding
	// Answer and Skip act while a question waits (see question.go).
	Answer, Skip key.Binding

	// asking is the question waiting for an answer, if any: the short
	// help then shows how to answer it.
	asking *scene.Question
	// done is set once the run has ended: the short help leads with R.
	done bool
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
		GradCheck:  b([]string{"g"}, "g", "check the gradient (backward pass)"),
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

// ShortHelp is the one-line help; while a question waits, how to answer it.
func (k playerKeys) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	switch {
	case k.asking != nil:
		return []key.Binding{answerHelp(k.asking), short(k.Skip, "skip"), short(k.Questions, "questions off"), k.Back, k.Home, k.Help, k.Quit}
	case k.done:
		return []key.Binding{short(k.Restart, "run again"), k.Back, k.Dec, k.Inc, k.Focus, k.Exercises, k.Home, k.Help, k.Quit}
	}
	return []key.Binding{k.Step, k.Back, k.Run, k.Dec, k.Inc, k.Focus, k.Exercises, k.Home, k.Help, k.Quit}
}

// FullHelp is the help shown after ?.
func (k playerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Step, k.Back, k.OpMode, k.StepMode, k.EpochMode, k.Run, k.Restart},
		{k.Faster, k.Slower, k.Dec, k.Inc, k.Focus, k.FocusBack},
		{k.Answer, k.Skip, k.Questions, k.GradCheck},
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
