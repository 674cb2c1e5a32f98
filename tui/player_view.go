package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/tui/widget"
)

func (p playerModel) helpView(c *common) string {
	h := p.help
	h.SetWidth(c.width - 2)
	ks := p.keys
	ks.asking = p.asking(c)
	ks.done = p.done && p.failure == ""
	ks.branched = p.branch != nil
	if !h.ShowAll {
		return " " + shortLine(h, ks.ShortHelp(), c.width-2)
	}
	return " " + strings.ReplaceAll(h.View(ks), "\n", "\n ")
}

// view draws the player: header, narrative and stage, controls, status
// and help.
func (p playerModel) view(c *common) string {
	lay := p.geo.lay
	var body string
	if !p.hasScene {
		msg := "opening…"
		if p.lesson != nil {
			msg = "opening " + p.lesson.Title + "…"
		}
		if p.failure != "" {
			msg = ""
		}
		body = widget.Fit(" "+c.st.Muted.Render(msg), c.width, c.height-3-lineCount(p.helpView(c)))
	} else {
		narr := p.narrativeView(c, lay.narrW, lay.narrH)
		if lay.banner != "" {
			narr = widget.Fit(lay.banner, lay.narrW, lay.bannerH) + "\n" + narr
		}
		plan := p.geo.plan
		stage := renderStage(c, p.sc.Panels, plan, plan.pageOf(p.geo.page))
		if lay.side {
			body = joinColumns(narr, c.st.Frame.Render("│"), stage)
		} else {
			body = narr + "\n" + c.st.Frame.Render(strings.Repeat("─", c.width)) + "\n" + stage
		}
	}
	return strings.Join([]string{p.header(c), body, p.controls(c), p.status(c), p.helpView(c)}, "\n")
}

// joinColumns puts b right of a, line by line, with sep between.
func joinColumns(a, sep, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	out := make([]string, max(len(al), len(bl)))
	for i := range out {
		l, r := "", ""
		if i < len(al) {
			l = al[i]
		}
		if i < len(bl) {
			r = bl[i]
		}
		out[i] = l + sep + r
	}
	return strings.Join(out, "\n")
}

// header is the title bar: lesson, phase, position, and how the player
// steps.
func (p playerModel) header(c *common) string {
	st := c.st
	title := " dlearn › "
	if p.lesson != nil {
		title += p.lesson.Title
	}
	var parts []string
	if p.hasScene {
		pos := p.sc.Pos
		if p.sc.Phase != "" {
			parts = append(parts, p.sc.Phase)
		}
		parts = append(parts, "step "+ofTotal(pos.Step, pos.Steps), "epoch "+ofTotal(pos.Epoch, pos.Epochs))
		if pos.OpsPerStep > 0 {
			parts = append(parts, "op "+ofTotal(pos.Op, pos.OpsPerStep))
		}
	}
	left := title + "  │  " + strings.Join(parts, "  │  ")
	if ansi.StringWidth(left) > c.width*2/3 {
		left = " " + strings.TrimPrefix(title, " dlearn › ") + " · " + strings.Join(parts, " · ")
	}
	right := "by " + p.gran.String()
	switch {
	case p.running:
		right += fmt.Sprintf(" · ▶ running %d/s", speeds[p.speed])
	default:
		right += fmt.Sprintf(" · ⏸ %d/s", speeds[p.speed])
	}
	if p.busy {
		right = "⋯ " + right
	}
	right += " "
	gap := c.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 && p.lesson != nil {
		// Too long: the title gives way (cut with …) so that the position
		// and the stepping mode stay.
		rest := " · " + strings.Join(parts, " · ")
		room := c.width - ansi.StringWidth(rest) - ansi.StringWidth(right) - 2
		if room >= 8 {
			left = " " + ansi.Truncate(p.lesson.Title, room, "…") + rest
			gap = c.width - ansi.StringWidth(left) - ansi.StringWidth(right)
		}
	}
	if gap < 1 {
		return st.Header.Render(padTo(left, c.width))
	}
	return st.Header.Render(left + strings.Repeat(" ", gap) + right)
}

func ofTotal(n, total int) string {
	if total > 0 {
		return fmt.Sprintf("%d/%d", n, total)
	}
	return fmt.Sprint(n)
}

// status is the state of the run worth attention, then the outcome of
// the learner's last action.
func (p playerModel) status(c *common) string {
	st := c.st
	s := p.sc.Status
	var parts []string
	var vd *scene.Verdict
	if p.sc.Goal != nil {
		vd = p.sc.Goal.Verdict
	}
	switch {
	case p.failure != "":
		parts = append(parts, st.Err.Render("✗ "+p.failure+" — esc goes back to the lessons"))
	case vd != nil && p.note != "":
		// The verdict box above the narrative says it in full; the line
		// is the note's.
	case vd != nil && vd.Success:
		parts = append(parts, st.OK.Render("✓ goal met"))
	case vd != nil:
		parts = append(parts, levelStyle(c, s.Level).Render(levelMark(s.Level)+"goal missed: "+vd.Cause+" (the verdict is above)"))
	case s.Diverged:
		msg := s.Message
		if msg == "" {
			msg = fmt.Sprintf("diverged at step %d — lower the learning rate", p.sc.Pos.Step)
		}
		parts = append(parts, st.Err.Render("✗ "+msg))
	case s.Message != "":
		parts = append(parts, levelStyle(c, s.Level).Render(levelMark(s.Level)+s.Message))
	case s.Finished:
		parts = append(parts, st.OK.Render("✓ finished"))
	}
	if p.note != "" {
		parts = append(parts, st.Info.Render(p.note))
	} else if p.done && p.failure == "" {
		parts = append(parts, st.Muted.Render("R runs it again from the start · ← steps back"))
	}
	return ansi.Truncate(" "+strings.Join(parts, st.Muted.Render("  ·  ")), c.width, "…")
}

func levelMark(l scene.Level) string {
	switch l {
	case scene.LevelError:
		return "✗ "
	case scene.LevelWarning:
		return "! "
	case scene.LevelSuccess:
		return "✓ "
	}
	return ""
}

func levelStyle(c *common, l scene.Level) styleRenderer {
	switch l {
	case scene.LevelError:
		return c.st.Err
	case scene.LevelWarning:
		return c.st.Warn
	case scene.LevelSuccess:
		return c.st.OK
	}
	return c.st.Info
}

// styleRenderer is what a status style needs to do.
type styleRenderer interface{ Render(...string) string }
