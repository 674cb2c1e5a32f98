package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"github.com/charmbracelet/x/ansi"
)

// exercisesView lists the open lesson's exercises: each with its last
// grade from the progress store, its folder, and the command that grades
// it.
func (p playerModel) exercisesView(c *common) string {
	st := c.st
	w := c.width
	var b strings.Builder
	title := " dlearn › "
	if p.lesson != nil {
		title += p.lesson.Title
	}
	b.WriteString(st.Header.Render(padTo(title+"  │  exercises", w)) + "\n\n")
	if p.lesson == nil || len(p.lesson.Exercises) == 0 {
		b.WriteString(" " + st.Muted.Render("This lesson has no exercises.") + "\n")
	} else {
		b.WriteString(" " + st.Bold.Render("Implement each piece yourself, then grade it:") + "\n\n")
		nameW := 0
		for _, e := range p.lesson.Exercises {
			nameW = max(nameW, ansi.StringWidth(e))
		}
		for _, e := range p.lesson.Exercises {
			dir := filepath.Join(c.opts.ExercisesDir, e)
			mark, grade := gradeLine(c, e)
			b.WriteString(fmt.Sprintf("  %s %s  %s\n", mark, st.Title.Render(padTo(e, nameW)), grade))
			where := dir
			if _, err := os.Stat(dir); err != nil {
				where += st.Muted.Render(" (not found here)")
			}
			b.WriteString(fmt.Sprintf("      %s %s\n", st.Muted.Render("folder "), where))
			b.WriteString(fmt.Sprintf("      %s %s\n\n", st.Muted.Render("grade  "), st.Code.Render("dlearn grade "+e)))
		}
		b.WriteString(" " + st.Muted.Render("Edit the files in the folder, run the command in another terminal") + "\n")
		b.WriteString(" " + st.Muted.Render("(or `dlearn watch` to grade on every save); grades show here.") + "\n")
	}
	h := help.New()
	h.Styles = st.Help
	h.SetWidth(w - 2)
	helpView := " " + h.View(newExerciseKeys())
	body := b.String()
	pad := c.height - lineCount(body) - lineCount(helpView) + 1
	return body + strings.Repeat("\n", max(0, pad)) + helpView
}

// gradeLine is the mark and the words for exercise e's last grade.
func gradeLine(c *common, e string) (mark, grade string) {
	st := c.st
	g, ok := c.progress.Exercises[e]
	if !ok {
		return st.Muted.Render("·"), st.Muted.Render("not graded yet")
	}
	counts := ""
	if g.Total > 0 {
		counts = fmt.Sprintf(" %d/%d checks", g.Passed, g.Total)
	}
	switch g.Status {
	case "pass":
		return st.OK.Render("✓"), st.OK.Render("passed") + counts
	case "fail":
		return st.Err.Render("✗"), st.Err.Render("failing") + counts
	case "todo":
		return st.Warn.Render("○"), st.Warn.Render("not implemented yet") + counts
	}
	return st.Err.Render("!"), st.Err.Render(g.Status) + counts + st.Muted.Render(" (did not build, timed out or crashed)")
}
