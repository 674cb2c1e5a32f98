package lessons

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ControlKind is the type of a control's value.
type ControlKind int

const (
	// Float is a real number in [Min, Max].
	Float ControlKind = iota
	// Int is a whole number in [Min, Max].
	Int
	// Choice is one of Choices.
	Choice
)

// Control is a setting the learner can change: on the command line with
// --set name=value, in the TUI with [ and ].
type Control struct {
	Name  string // as typed in --set: "lr"
	Label string // as shown: "learning rate"
	Help  string // one line: what changing it does
	Kind  ControlKind
	// Min and Max bound Float and Int values (inclusive).
	Min, Max float64
	// Choices are the values of a Choice control.
	Choices []string
	// Ladder is the sequence of values [ and ] move through for Float and
	// Int controls, in increasing order (for example 0.001, 0.003, 0.01 …).
	Ladder []float64
	// Default is the starting value, as it would be typed.
	Default string
	// Restart is true when a change restarts the run from the seed; false
	// when the run goes on with the new value (from the next update, for
	// a learning rate).
	Restart bool
}

// Parse validates s for this control and returns it in canonical form.
// Errors are one line, fit to show a learner.
func (c Control) Parse(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch c.Kind {
	case Choice:
		for _, ch := range c.Choices {
			if strings.EqualFold(ch, s) {
				return ch, nil
			}
		}
		return "", fmt.Errorf("%s: %q is not one of %s", c.Name, s, strings.Join(c.Choices, ", "))
	case Int:
		v, err := strconv.Atoi(s)
		if err != nil {
			return "", fmt.Errorf("%s: %q is not a whole number", c.Name, s)
		}
		if float64(v) < c.Min || float64(v) > c.Max {
			return "", fmt.Errorf("%s: %d is out of range [%g, %g]", c.Name, v, c.Min, c.Max)
		}
		return strconv.Itoa(v), nil
	default:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("%s: %q is not a number", c.Name, s)
		}
		if v < c.Min || v > c.Max {
			return "", fmt.Errorf("%s: %g is out of range [%g, %g]", c.Name, v, c.Min, c.Max)
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	}
}

// Next returns the value one notch up (dir > 0) or down (dir < 0) from cur:
// the next rung of the Ladder, or the next choice (wrapping around). It
// returns cur when there is nowhere to go.
func (c Control) Next(cur string, dir int) string {
	if c.Kind == Choice {
		if len(c.Choices) == 0 {
			return cur
		}
		i := slices.Index(c.Choices, cur)
		n := len(c.Choices)
		if dir > 0 {
			return c.Choices[(i+1+n)%n]
		}
		return c.Choices[(max(i, 0)-1+n)%n]
	}
	v, err := strconv.ParseFloat(cur, 64)
	if err != nil || len(c.Ladder) == 0 {
		return cur
	}
	const tol = 1e-12
	if dir > 0 {
		for _, r := range c.Ladder {
			if r > v*(1+tol)+tol {
				return c.format(r)
			}
		}
	} else {
		for i := len(c.Ladder) - 1; i >= 0; i-- {
			if r := c.Ladder[i]; r < v*(1-tol)-tol {
				return c.format(r)
			}
		}
	}
	return cur
}

func (c Control) format(v float64) string {
	if c.Kind == Int {
		return strconv.Itoa(int(math.Round(v)))
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Settings are validated control values by control name.
type Settings map[string]string

// Float returns the named setting as a float64. It panics if the setting is
// missing or not a number: lessons read only settings they declared, and
// Run validates those.
func (s Settings) Float(name string) float64 {
	v, err := strconv.ParseFloat(s[name], 64)
	if err != nil {
		panic(fmt.Sprintf("lessons: setting %q = %q is not a number", name, s[name]))
	}
	return v
}

// Int returns the named setting as an int; it panics like Float.
func (s Settings) Int(name string) int {
	v, err := strconv.Atoi(s[name])
	if err != nil {
		panic(fmt.Sprintf("lessons: setting %q = %q is not a whole number", name, s[name]))
	}
	return v
}

// Clone returns a copy of s.
func (s Settings) Clone() Settings {
	out := make(Settings, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

// ParseAssignments parses "name=value" strings (as given to --set) against
// the lesson's controls and returns the complete settings, defaults filled
// in. Errors name the offending assignment in one line.
func (l *Lesson) ParseAssignments(assign []string) (Settings, error) {
	s := l.Defaults()
	for _, a := range assign {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want name=value", a)
		}
		name = strings.TrimSpace(name)
		c, ok := l.Control(name)
		if !ok {
			return nil, fmt.Errorf("--set %q: lesson %s has no control %q (controls: %s)", a, l.ID, name, strings.Join(l.controlNames(), ", "))
		}
		v, err := c.Parse(value)
		if err != nil {
			return nil, err
		}
		s[name] = v
	}
	return s, nil
}

// Defaults returns every control at its default value.
func (l *Lesson) Defaults() Settings {
	s := Settings{}
	for _, c := range l.Controls {
		s[c.Name] = c.Default
	}
	return s
}

// Control returns the control with the given name.
func (l *Lesson) Control(name string) (Control, bool) {
	for _, c := range l.Controls {
		if c.Name == name {
			return c, true
		}
	}
	return Control{}, false
}

func (l *Lesson) controlNames() []string {
	names := make([]string, len(l.Controls))
	for i, c := range l.Controls {
		names[i] = c.Name
	}
	return names
}
