package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/tui/widget"
)

// sideBySide is the width from which the narrative sits left of the
// stage; below it the narrative goes above the stage.
const sideBySide = 100

// geometry is the player's layout, computed by resize (on a window size,
// a help toggle, a new scene) and only read by the view: the narrative,
// banner and stage areas, the stage's plan, and the page shown.
type geometry struct {
	lay  playerLayout
	plan stagePlan
	// page is the ID of a panel on the page shown ("" for the first page):
	// a page is found again by a panel on it, not by its index, so the
	// learner's page stays when a phase adds or drops panels.
	page string
	// head is the first line of the narrative's source, digits left out:
	// a new one (another section of the lesson) scrolls the narrative back
	// to its top.
	head string
}

// playerLayout is the player's geometry for the current window.
type playerLayout struct {
	side           bool
	narrW, narrH   int // the narrative's area, its scroll marker included
	stageW, stageH int
	// banner sits above the narrative (the goal, the verdict, the
	// question posed now), bannerH lines tall.
	banner  string
	bannerH int
}

// layout computes the player's geometry. The stage's size depends on the
// window and the help only, so the panels keep their sizes while the
// narrative and the banner change from op to op: the narrative scrolls
// instead. The one exception is a banner taller than the narrative's
// area when stacked (a question with its choices), which takes rows
// from the stage while it shows.
func (p playerModel) layout(c *common) playerLayout {
	w := c.width
	bodyH := c.height - 3 - lineCount(p.helpView(c))
	if w >= sideBySide {
		nw := min(max(w*34/100, 36), 60)
		lay := playerLayout{side: true, narrW: nw, stageW: w - nw - 1, stageH: bodyH}
		if b := p.banner(c, nw-1, bodyH-3); b != "" {
			lay.setBanner(widget.Fit(b, nw, lineCount(b)))
		}
		lay.narrH = max(1, bodyH-lay.bannerH)
		return lay
	}
	// Stacked: the narrative block (banner and narrative) has a fixed
	// share of the body; the stage gets the rest below a rule.
	block := max(4, bodyH*7/20)
	var lay playerLayout
	lay.setBanner(p.banner(c, w, bodyH-7))
	if lay.bannerH > block-2 {
		block = max(block, min(lay.bannerH+2, bodyH-4))
	}
	// A main picture that asks for more rows than the stage has gets them
	// from the narrative, down to a few lines of it (it scrolls).
	if p.hasScene {
		if mi := mainPanel(p.sc.Panels, panelIDs(p.sc.Panels), p.geo.plan.main); mi >= 0 {
			want, _ := mainWant(p.sc.Panels[mi], w, bodyH, c.opts.NoColor)
			least := max(minNarrBlock, lay.bannerH+2)
			// An image is drawn at a whole scale: rows that do not reach
			// its full size would only be blank.
			if p.sc.Panels[mi].Kind != scene.KindImage || bodyH-1-want >= least {
				block = min(block, max(bodyH-1-want, least))
			}
		}
	}
	lay.narrW, lay.narrH = w, max(1, block-lay.bannerH)
	lay.stageW, lay.stageH = w, max(1, bodyH-lay.bannerH-lay.narrH-1)
	return lay
}

// minNarrBlock is the fewest lines the banner and the narrative keep
// when stacked above a main picture that asks for more room.
const minNarrBlock = 5

func (lay *playerLayout) setBanner(b string) {
	lay.banner, lay.bannerH = b, 0
	if b != "" {
		lay.bannerH = lineCount(b)
	}
}

// resize fits the narrative viewport to the window and fills it with
// the scene's narrative (rendered through the Markdown cache), and plans
// the stage again when its size or the scene's shape changed.
func (p playerModel) resize(c *common) playerModel {
	if c.width == 0 {
		return p
	}
	p.help.SetWidth(c.width - 2)
	p.help.Styles = c.st.Help
	lay := p.layout(c)
	p.geo.lay = lay
	p.vp.SetWidth(max(1, lay.narrW))
	p.vp.SetHeight(max(1, lay.narrH))
	if p.hasScene {
		text := c.md.render(p.sc.Narrative, lay.narrW-1, styleName(c.dark, c.opts.NoColor))
		if text != p.narrative {
			p.narrative = text
			p.vp.SetContent(text)
		}
		if head := firstLine(p.sc.Narrative); head != p.geo.head {
			p.geo.head = head
			p.vp.GotoTop()
		}
		// Room for the "more" marker when the narrative does not fit.
		if p.vp.TotalLineCount() > lay.narrH && lay.narrH > 1 {
			p.vp.SetHeight(lay.narrH - 1)
		}
		p.vp.SetYOffset(p.vp.YOffset()) // clamp to the new height
		ids := panelIDs(p.sc.Panels)
		main := mainPanel(p.sc.Panels, ids, p.geo.plan.main)
		walk := p.gran == lessons.Op
		if shapeKey(p.sc.Panels, ids, main, lay.stageW, lay.stageH, c.opts.NoColor, walk) != p.geo.plan.key {
			p.geo.plan = planStage(p.sc.Panels, lay.stageW, lay.stageH, c.opts.NoColor, p.geo.plan.main, walk)
		}
	}
	return p
}

// firstLine is s's first non-blank line without its digits: the same
// section with new numbers ("## Step 3 of 500", "## Step 4 of 500") keeps
// the learner's scroll; another section starts at the top.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return -1
				}
				return r
			}, l)
		}
	}
	return ""
}

// narrativeView is the narrative in exactly w×h: the viewport, then, when
// the text does not fit, a marker saying how much more there is and how
// to scroll.
func (p playerModel) narrativeView(c *common, w, h int) string {
	vp := p.vp
	total := vp.TotalLineCount()
	if total <= h || h < 2 {
		return widget.Fit(vp.View(), w, h)
	}
	shown := vp.Height()
	below := max(0, total-vp.YOffset()-shown)
	above := vp.YOffset()
	var mark string
	switch {
	case below > 0 && above > 0:
		mark = fmt.Sprintf("↓ %d more lines (↑ %d above) · ↓/↑ pgdn/pgup scroll", below, above)
	case below > 0:
		mark = fmt.Sprintf("↓ %d more lines · ↓/pgdn scrolls", below)
	default:
		mark = fmt.Sprintf("↑ %d lines above · ↑/pgup scrolls back", above)
	}
	return widget.Fit(vp.View(), w, h-1) + "\n" + widget.Fit("  "+c.st.Muted.Render(ansi.Truncate(mark, max(1, w-3), "…")), w, 1)
}

// turnPage shows the next (or previous) page of panels.
func (p playerModel) turnPage(next bool) playerModel {
	pl := p.geo.plan
	if len(pl.pages) <= 1 {
		p.note = "all panels are showing"
		return p
	}
	i := pl.pageOf(p.geo.page)
	if next {
		i = (i + 1) % len(pl.pages)
	} else {
		i = (i + len(pl.pages) - 1) % len(pl.pages)
	}
	p.geo.page = pl.anchor(i)
	return p
}

// controls is the settings bar in one line, the focused control
// highlighted. When the controls do not fit, the bar shows a window of
// them that holds the focused one whole, with ‹ and › saying how many are
// left out on each side.
func (p playerModel) controls(c *common) string {
	st := c.st
	ctl := p.lessonControls()
	if len(ctl) == 0 {
		return " " + st.Muted.Render("this lesson has no settings")
	}
	focus := min(max(p.focus, 0), len(ctl)-1)
	items := make([]string, len(ctl))
	widths := make([]int, len(ctl))
	for i, ct := range ctl {
		txt := ct.Label + " " + settingValue(p.sc, ct.Name, ct.Default)
		if i == focus {
			items[i] = st.Focus.Render("▸ " + txt + " ")
		} else {
			items[i] = st.Setting.Render("  " + txt + " ")
		}
		widths[i] = ansi.StringWidth(items[i])
	}
	sep := st.Muted.Render("│")
	hint := st.Muted.Render("  [ ] change · tab next")
	all := 1
	for _, n := range widths {
		all += n + 1
	}
	all--
	if all <= c.width {
		line := " " + strings.Join(items, sep)
		if all+ansi.StringWidth(hint) <= c.width {
			line += hint
		}
		return line
	}
	// A window [lo, hi) around the focus: it grows to the right first,
	// then to the left, while it fits with its markers.
	markW := func(n int) int {
		if n == 0 {
			return 0
		}
		return len(fmt.Sprint(n)) + 2 // "‹3 " or " 3›"
	}
	fits := func(lo, hi int) bool {
		n := 1 + markW(lo) + markW(len(ctl)-hi)
		for i := lo; i < hi; i++ {
			n += widths[i]
		}
		return n+(hi-lo-1) <= c.width
	}
	lo, hi := focus, focus+1
	if !fits(lo, hi) {
		// The focused control alone is too long: its label gives way, its
		// value stays.
		ct := ctl[focus]
		val := settingValue(p.sc, ct.Name, ct.Default)
		room := c.width - 1 - markW(lo) - markW(len(ctl)-hi) - ansi.StringWidth(val) - 4
		items[focus] = st.Focus.Render("▸ " + ansi.Truncate(ct.Label, max(1, room), "…") + " " + val + " ")
		widths[focus] = ansi.StringWidth(items[focus])
	}
	for {
		switch {
		case hi < len(ctl) && fits(lo, hi+1):
			hi++
		case lo > 0 && fits(lo-1, hi):
			lo--
		default:
			line := " "
			if lo > 0 {
				line += st.Muted.Render(fmt.Sprintf("‹%d ", lo))
			}
			line += strings.Join(items[lo:hi], sep)
			if n := len(ctl) - hi; n > 0 {
				line += st.Muted.Render(fmt.Sprintf(" %d›", n))
			}
			return ansi.Truncate(line, c.width, "…")
		}
	}
}
