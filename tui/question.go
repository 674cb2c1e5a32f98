package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Predict, then reveal. A lesson's scene may pose a question (see
// scene.Question). While it waits for an answer the player shows it in a
// box above the narrative and does not advance; the answer goes to the
// run in a job like every other action; the scene then carries the
// learner's answer, the right one and why, which the box shows until the
// learner moves on. The same box area shows the lesson's goal while the
// run goes on and the verdict once it has ended.

// answerInput is the number being typed for a number question.
type answerInput struct {
	id   string // the question it answers
	text string
	// sent is set while the answer's job runs, so a second key press
	// does not answer twice.
	sent bool
}

// maxInput bounds the typed answer.
const maxInput = 24

// numberKeys are the characters a number answer is typed with.
const numberKeys = "0123456789.-e"

// asking returns the question waiting for the learner's answer: posed at
// this moment, not answered yet, with questions on; nil otherwise.
func (p playerModel) asking(c *common) *scene.Question {
	q := p.sc.Question
	if c.questionsOff || !p.hasScene || p.failure != "" || q == nil || q.Answered {
		return nil
	}
	return q
}

// revealed returns the question answered (or skipped) at this moment,
// shown with its answer until the run moves on; nil otherwise.
func (p playerModel) revealed(c *common) *scene.Question {
	q := p.sc.Question
	if c.questionsOff || !p.hasScene || q == nil || !q.Answered {
		return nil
	}
	return q
}

// answerHint says how to answer q, for notes.
func answerHint(q *scene.Question) string {
	if q.Kind == scene.QuestionNumber {
		return "type a number and press enter, or n to skip"
	}
	return fmt.Sprintf("press 1–%d, or n to skip", len(q.Choices))
}

// questionKey handles key k while question q waits. handled is false for
// keys the question leaves to the player (back, settings, help, scroll,
// leave, quit); keys that would advance the run are refused.
func (p playerModel) questionKey(c *common, q *scene.Question, k tea.KeyPressMsg) (_ playerModel, _ tea.Cmd, handled bool) {
	ks := p.keys
	if p.input.id != q.ID {
		p.input = answerInput{id: q.ID}
	}
	number := q.Kind == scene.QuestionNumber
	answering := key.Matches(k, ks.Skip) || (len(k.Text) == 1 && strings.Contains(numberKeys, k.Text)) || k.Code == tea.KeyEnter || k.Code == tea.KeyBackspace
	if p.input.sent && answering {
		return p, nil, true // the answer is on its way
	}
	switch {
	case key.Matches(k, ks.Skip):
		return p.answer(c, q, "")
	case number && len(k.Text) == 1 && strings.Contains(numberKeys, k.Text):
		if len(p.input.text) < maxInput {
			p.input.text += k.Text
		}
		p.note = ""
		return p, nil, true
	case number && k.Code == tea.KeyBackspace:
		if t := p.input.text; t != "" {
			p.input.text = t[:len(t)-1]
		}
		return p, nil, true
	case number && k.Code == tea.KeyEnter:
		t := strings.TrimSpace(p.input.text)
		if t == "" {
			p.note = "type a number first, or n to skip"
			return p, nil, true
		}
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			p.note = fmt.Sprintf("%q is not a number: backspace deletes", t)
			return p, nil, true
		}
		return p.answer(c, q, t)
	case !number && len(k.Text) == 1 && k.Text[0] >= '1' && k.Text[0] <= '9':
		if n := int(k.Text[0] - '0'); n > len(q.Choices) {
			p.note = fmt.Sprintf("there are %d choices: %s", len(q.Choices), answerHint(q))
			return p, nil, true
		}
		return p.answer(c, q, k.Text)
	case key.Matches(k, ks.Step), key.Matches(k, ks.Run):
		p.running = false
		p.note = "answer the question first: " + answerHint(q)
		return p, nil, true
	}
	return p, nil, false
}

// answer sends the learner's answer to q to the run.
func (p playerModel) answer(c *common, q *scene.Question, given string) (playerModel, tea.Cmd, bool) {
	p.note = ""
	p.input.sent = true
	p, cmd, _ := p.enqueue(c, action{kind: actAnswer, qid: q.ID, answer: given})
	return p, cmd, true
}

// recordAnswer keeps the first answer to q in the learner's progress (the
// home screen shows the score; saving the lesson writes it).
func recordAnswer(c *common, lesson string, q *scene.Question) {
	if q == nil || !q.Answered || q.Skipped {
		return
	}
	l := c.progress.Lessons[lesson]
	if l.RecordAnswer(q.ID, q.Correct) {
		c.progress.Lessons[lesson] = l
	}
}

// boxLine is one paragraph of a box: wrapped to the box's width, each
// wrapped line indented by indent and drawn with st.
type boxLine struct {
	text   string
	st     styleRenderer
	indent int
}

// box draws paragraphs in a rounded frame w columns wide, with title
// in its top edge; the frame takes the title's colour, so a question or a
// verdict stands out from the panels.
func box(c *common, title string, titleSt styleRenderer, paras []boxLine, w int) []string {
	inner := max(1, w-4)
	frame := titleSt
	top := "╭─ " + title + " "
	topW := ansi.StringWidth(top)
	if topW+1 > w {
		title = ansi.Truncate(title, max(0, w-5), "…")
		top = "╭─ " + title + " "
		topW = ansi.StringWidth(top)
	}
	out := []string{frame.Render("╭─ ") + titleSt.Render(title) + frame.Render(" "+strings.Repeat("─", max(0, w-topW-1))+"╮")}
	for _, para := range paras {
		if para.text == "" {
			out = append(out, frame.Render("│")+strings.Repeat(" ", w-2)+frame.Render("│"))
			continue
		}
		for i, l := range strings.Split(ansi.Wrap(minusSigns(para.text), max(1, inner-para.indent), ""), "\n") {
			if i > 0 {
				l = strings.Repeat(" ", para.indent) + l
			}
			l = ansi.Truncate(l, inner, "…")
			st := para.st
			if st == nil {
				st = c.st.Label
			}
			out = append(out, frame.Render("│ ")+st.Render(l)+strings.Repeat(" ", max(0, inner-ansi.StringWidth(l)))+frame.Render(" │"))
		}
	}
	out = append(out, frame.Render("╰"+strings.Repeat("─", max(0, w-2))+"╯"))
	return out
}

// banner is what the player shows above the narrative, w columns wide and
// at most maxH lines: the goal while the run goes on, the verdict once it
// has ended, and the question posed now. Less important lines go first
// when room is short; "" when there is nothing to show.
func (p playerModel) banner(c *common, w, maxH int) string {
	if !p.hasScene || w < 10 || maxH < 1 {
		return ""
	}
	for _, full := range []bool{true, false} {
		var lines []string
		if g := p.sc.Goal; g != nil {
			if g.Verdict != nil {
				lines = append(lines, p.verdictBox(c, g, w, full)...)
			} else if full || p.asking(c) == nil {
				lines = append(lines, p.goalLine(c, g, w)...)
			}
		}
		if a := p.sc.Autopsy; a != nil && (p.sc.Goal == nil || p.sc.Goal.Verdict == nil) {
			lines = append(lines, autopsyBox(c, a, w, full)...)
		}
		if q := p.asking(c); q != nil {
			lines = append(lines, p.questionBox(c, q, w, full)...)
		} else if q := p.revealed(c); q != nil {
			lines = append(lines, p.revealBox(c, q, w, full)...)
		}
		if len(lines) <= maxH || !full {
			if len(lines) > maxH {
				lines = lines[:maxH]
			}
			return strings.Join(lines, "\n")
		}
	}
	return ""
}

// goalLine is the lesson's goal, with its current value.
func (p playerModel) goalLine(c *common, g *scene.Goal, w int) []string {
	txt := "You are done when: " + g.Text
	if g.Value != "" {
		txt += " · now " + g.Value
		if g.Met {
			txt += " ✓"
		}
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap(minusSigns(txt), max(1, w-2), ""), "\n") {
		out = append(out, " "+c.st.Info.Render(l))
	}
	return out
}

// verdictBox is the end of the run: the goal met, or missed with the
// cause and the one change to try.
func (p playerModel) verdictBox(c *common, g *scene.Goal, w int, full bool) []string {
	vd := g.Verdict
	got := g.Value
	if got == "" {
		got = "not measured"
	}
	measured := fmt.Sprintf("%s = %s (goal: %s)", g.Measure, got, g.Text)
	if vd.Success {
		again := boxLine{text: "R runs it again from the start with the settings as they are now; ← steps back.", st: c.st.Muted}
		return box(c, "✓ Goal met", c.st.OK, []boxLine{{text: measured}, again}, w)
	}
	title, st := "! Goal missed", c.st.Warn
	if p.sc.Status.Diverged {
		title, st = "✗ Goal missed: the run diverged", c.st.Err
	}
	var paras []boxLine
	if full {
		// Compact, the box keeps the cause and the change to try: the
		// narrative and the status line say where the run ended.
		paras = append(paras, boxLine{text: measured})
	}
	cause := "Cause: " + vd.Cause
	if full && vd.Explain != "" {
		cause += " — " + vd.Explain
	}
	paras = append(paras, boxLine{text: cause, st: st, indent: 2})
	if a := p.sc.Autopsy; a != nil && full {
		// The summary is in the cause; the rest of the evidence follows.
		for _, f := range a.Findings {
			if f != a.Summary {
				paras = append(paras, boxLine{text: "· " + f, st: c.st.Muted, indent: 2})
			}
		}
	}
	try := "Try: change one control"
	if vd.Try != "" {
		try = "Try: " + vd.Try
	}
	paras = append(paras, boxLine{text: try + ", then press R to run it again from the start (← steps back).", st: c.st.Bold, indent: 2})
	return box(c, title, st, paras, w)
}

// autopsyBox is where a diverging run went wrong, for a lesson without
// a verdict to put it in: the summary and the change to try, and, in
// full, the rest of the findings.
func autopsyBox(c *common, a *scene.Autopsy, w int, full bool) []string {
	paras := []boxLine{{text: a.Summary, st: c.st.Err, indent: 2}}
	if full {
		for _, f := range a.Findings {
			if f != a.Summary {
				paras = append(paras, boxLine{text: "· " + f, st: c.st.Muted, indent: 2})
			}
		}
	}
	if a.Try != "" {
		paras = append(paras, boxLine{text: "Try: " + a.Try + ", then press R to run it again from the start (← steps back).", st: c.st.Bold, indent: 2})
	}
	return box(c, fmt.Sprintf("✗ Stopped in step %d: %s", a.Step, a.Trigger), c.st.Err, paras, w)
}

// questionBox is a question waiting for its answer.
func (p playerModel) questionBox(c *common, q *scene.Question, w int, full bool) []string {
	paras := []boxLine{{text: q.Prompt, st: c.st.Bold}}
	if full {
		paras = append(paras, boxLine{})
	}
	if q.Kind == scene.QuestionNumber {
		in := ""
		if p.input.id == q.ID {
			in = p.input.text
		}
		paras = append(paras, boxLine{text: "your answer: " + in + "▏", st: c.st.Selected})
	} else {
		for i, ch := range q.Choices {
			paras = append(paras, boxLine{text: fmt.Sprintf("%d  %s", i+1, ch), indent: 3})
		}
	}
	if full {
		paras = append(paras, boxLine{})
	}
	paras = append(paras, boxLine{text: answerHint(q) + " · a turns questions off", st: c.st.Muted})
	title := "? Predict"
	if p.sc.Score.Answered() > 0 {
		title += " · " + scoreText(p.sc.Score) + " so far"
	}
	return box(c, title, c.st.Title, paras, w)
}

// revealBox is a question after the learner's answer: right or wrong, the
// answer, and why.
func (p playerModel) revealBox(c *common, q *scene.Question, w int, full bool) []string {
	title, st := "✓ Right", c.st.OK
	switch {
	case q.Skipped:
		title, st = "Skipped", c.st.Info
	case !q.Correct:
		title, st = "✗ Not quite", c.st.Warn
	}
	var paras []boxLine
	if full {
		paras = append(paras, boxLine{text: q.Prompt, st: c.st.Muted})
	}
	if q.Kind == scene.QuestionNumber {
		var txt string
		if !q.Skipped {
			txt = "you said " + q.Given + " · "
		}
		txt += "the answer: " + q.Answer
		if q.Tolerance > 0 {
			txt += fmt.Sprintf(" (right within %s)", strconv.FormatFloat(q.Tolerance, 'g', -1, 64))
		}
		paras = append(paras, boxLine{text: txt, st: c.st.Bold})
	} else {
		for i, ch := range q.Choices {
			mark, cst := "   ", c.st.Label
			switch {
			case i == q.AnswerIndex:
				mark, cst = "✓  ", c.st.OK
			case !q.Skipped && strings.EqualFold(ch, q.Given):
				mark, cst = "✗  ", c.st.Warn
			}
			paras = append(paras, boxLine{text: fmt.Sprintf("%s%d  %s", mark, i+1, ch), st: cst, indent: 6})
		}
	}
	if q.Explain != "" {
		paras = append(paras, boxLine{text: q.Explain})
	}
	paras = append(paras, boxLine{text: "space goes on · ← takes the answer back", st: c.st.Muted})
	return box(c, title+" · "+scoreText(p.sc.Score), st, paras, w)
}

// scoreText is the run's question score.
func scoreText(s scene.Score) string {
	n := s.Correct + s.Wrong
	if n == 0 {
		return fmt.Sprintf("%d skipped", s.Skipped)
	}
	t := fmt.Sprintf("%d/%d right", s.Correct, n)
	if s.Skipped > 0 {
		t += fmt.Sprintf(" · %d skipped", s.Skipped)
	}
	return t
}
