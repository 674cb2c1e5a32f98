package tui

import (
	"math"
	"reflect"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// newTestModel returns the app over the test registry at w×h, with the
// run timer firing at once so tests need not wait.
func newTestModel(tb testing.TB, w, h int, opts Options) Model {
	tb.Helper()
	m := New(testRegistry(), opts)
	m.c.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
	return send(m, tea.WindowSizeMsg{Width: w, Height: h})
}

// send delivers msgs and runs every command they lead to, synchronously
// and in order, until none are left (at most 10000 messages).
func send(m Model, msgs ...tea.Msg) Model {
	queue := append([]tea.Msg(nil), msgs...)
	cmdType := reflect.TypeOf(tea.Cmd(nil))
	for n := 0; len(queue) > 0 && n < 10000; n++ {
		msg := queue[0]
		queue = queue[1:]
		if msg == nil {
			continue
		}
		// tea.Batch and tea.Sequence hand back their commands as a slice.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
			for i := range v.Len() {
				if c := v.Index(i).Interface().(tea.Cmd); c != nil {
					queue = append(queue, c())
				}
			}
			continue
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			continue
		}
		next, cmd := m.Update(msg)
		m = next.(Model)
		if cmd != nil {
			queue = append(queue, cmd())
		}
	}
	return m
}

// press returns the key press for a key name as tea spells it.
func press(k string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"space":     {Code: tea.KeySpace, Text: " "},
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	}
	if k, ok := special[k]; ok {
		return k
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// keys sends each key in turn.
func keys(m Model, ks ...string) Model {
	for _, k := range ks {
		m = send(m, press(k))
	}
	return m
}

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }
