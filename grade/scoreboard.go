package grade

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
)

// palette styles the scoreboard; the zero palette prints plain text.
type palette struct {
	pass, fail, todo, err, name, hint, dim func(string) string
}

func plainPalette() palette {
	id := func(s string) string { return s }
	return palette{id, id, id, id, id, id, id}
}

func colorPalette() palette {
	fg := func(c string, bold bool) func(string) string {
		st := lipgloss.NewStyle().Foreground(lipgloss.Color(c)).Bold(bold)
		return func(s string) string { return st.Render(s) }
	}
	bold := lipgloss.NewStyle().Bold(true)
	faint := lipgloss.NewStyle().Faint(true)
	return palette{
		pass: fg("2", false), fail: fg("1", false), todo: fg("3", false), err: fg("5", true),
		name: func(s string) string { return bold.Render(s) },
		hint: fg("6", false),
		dim:  func(s string) string { return faint.Render(s) },
	}
}

// mark is the one-character sign of a status.
func mark(s Status) string {
	switch s {
	case Pass:
		return "✓"
	case Todo:
		return "○"
	case Error:
		return "!"
	case NotRun:
		return "-"
	}
	return "✗"
}

func (p palette) status(s Status, text string) string {
	switch s {
	case Pass:
		return p.pass(text)
	case Todo:
		return p.todo(text)
	case Error, NotRun:
		return p.err(text)
	}
	return p.fail(text)
}

var statusWords = map[Status]string{
	Pass: "passed", Fail: "failing", Todo: "not implemented yet", Error: "could not be graded", NotRun: "not run",
}

// WriteScoreboard writes the report for people: one block per exercise,
// each failing check with its feedback, then a summary and the
// "Points X/Y" line that GitHub Classroom reads. color adds ANSI styles;
// without it the text is plain.
func WriteScoreboard(w io.Writer, r *Report, color bool) error {
	p := plainPalette()
	if color {
		p = colorPalette()
	}
	nameW := 0
	for _, e := range r.Exercises {
		nameW = max(nameW, len(e.Name))
	}
	var b strings.Builder
	checks, passed := 0, 0
	for _, e := range r.Exercises {
		checks, passed = checks+e.Total, passed+e.Passed
		counts := ""
		if e.Total > 0 {
			counts = p.dim(fmt.Sprintf("  %d/%d checks · %s/%s points", e.Passed, e.Total, FormatPoints(e.Points), FormatPoints(e.Weight)))
		}
		fmt.Fprintf(&b, "%s %s  %s%s\n", p.status(e.Status, mark(e.Status)),
			p.name(pad(e.Name, nameW)), p.status(e.Status, statusWords[e.Status]), counts)
		if e.Status == Pass {
			continue
		}
		if e.Message != "" {
			writeIndented(&b, e.Message, "    ", p)
		}
		writeChecks(&b, e, p)
		b.WriteString("\n")
	}
	if !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d of %d exercises pass · %d/%d checks pass\n", r.PassedCount(), len(r.Exercises), passed, checks)
	if r.Isolation != "" && strings.Contains(r.Isolation, "NOT") {
		fmt.Fprintf(&b, "isolation: %s\n", r.Isolation)
	}
	fmt.Fprintf(&b, "Points %s/%s\n", FormatPoints(r.Points), FormatPoints(r.MaxPoints))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeChecks lists an unfinished exercise's checks: a passing or
// not-yet-implemented one on a line, a failing one with its feedback.
// Checks that only repeat the exercise's error message are left out.
func writeChecks(b *strings.Builder, e Exercise, p palette) {
	nameW := 0
	for _, c := range e.Checks {
		nameW = max(nameW, len(c.Title()))
	}
	for _, c := range e.Checks {
		if (c.Status == Error || c.Status == NotRun) && (c.Message == e.Message || c.Message == "not run: "+headline(e.Message)) {
			continue
		}
		line := fmt.Sprintf("  %s %s", p.status(c.Status, mark(c.Status)), pad(c.Title(), nameW))
		switch c.Status {
		case Pass:
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		case Todo:
			b.WriteString(line + "  " + p.todo(firstLine(c.Message)) + "\n")
		default:
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			writeIndented(b, c.Message, "      ", p)
			if c.Output != "" {
				writeIndented(b, "your output:\n"+c.Output, "      ", p)
			}
		}
	}
}

// writeIndented writes text with every line indented, hint lines styled.
func writeIndented(b *strings.Builder, text, indent string, p palette) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "hint:") {
			line = p.hint(line)
		}
		b.WriteString(indent + line + "\n")
	}
}

// FormatPoints writes points as people read them: 3, 2.5, 0.67.
func FormatPoints(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func pad(s string, w int) string {
	if n := len([]rune(s)); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
