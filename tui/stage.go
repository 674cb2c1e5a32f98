package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/tui/widget"
)

// Smallest useful panel, frame included, and the height a plot or image
// asks for before rows share what is left: below it a chart is too flat to
// read.
const (
	minPanelW = 28
	minPanelH = 7
	minChartH = 12
)

// stageGrid picks how many columns and rows of panels to use for n
// panels in w×h: the arrangement whose panels are closest to a pleasing
// shape (about three columns per line, as cells are twice as tall as
// wide), among those that keep every panel at its minimum size. When
// none does, it shows as many panels as fit.
func stageGrid(n, w, h int) (cols, rows, shown int) {
	best, bestScore := [3]int{1, 1, 1}, -1.0
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		pw, ph := w/c, h/r
		if pw < minPanelW || ph < minPanelH {
			continue
		}
		score := min(float64(pw)/3, float64(ph)) - 0.5*float64(c*r-n)
		if score > bestScore {
			best, bestScore = [3]int{c, r, n}, score
		}
	}
	if bestScore >= 0 {
		return best[0], best[1], best[2]
	}
	cols = max(1, min(n, w/minPanelW))
	rows = max(1, h/minPanelH)
	return cols, rows, min(n, cols*rows)
}

// renderStage lays out the scene's panels in exactly w×h. When not all
// fit, it shows those from index at on, and the last title says how to
// see the others.
func renderStage(c *common, panels []scene.Panel, at, w, h int) string {
	if len(panels) == 0 {
		return widget.Fit(c.st.Muted.Render(" (nothing to show at this point)"), w, h)
	}
	cols, rows, shown := stageGrid(len(panels), w, h)
	hidden := len(panels) - shown
	if hidden > 0 {
		at = min(max(at, 0), len(panels)-1)
		panels = panels[at:]
		shown = min(shown, len(panels))
	}
	heights := rowHeights(panels, cols, rows, shown, h)
	lines := make([]string, 0, h)
	for r := range rows {
		ph := heights[r]
		first := r * cols
		if first >= shown {
			lines = append(lines, strings.Split(widget.Fit("", w, ph), "\n")...)
			continue
		}
		inRow := min(cols, shown-first)
		var boxes []string
		for i := range inRow {
			pw := w / inRow
			if i == inRow-1 {
				pw = w - pw*(inRow-1)
			}
			p := panels[first+i]
			title := p.Title
			if hidden > 0 && first+i == shown-1 {
				title += fmt.Sprintf(" · %d more: press .", hidden)
			}
			boxes = append(boxes, frame(c, title, widget.Render(p, pw-2, ph-2, c.theme), pw, ph))
		}
		row := boxes[0]
		for _, b := range boxes[1:] {
			row = joinColumns(row, "", b)
		}
		lines = append(lines, strings.Split(row, "\n")...)
	}
	return strings.Join(lines, "\n")
}

// need is the height panel p would like, frame included; 0 means it
// grows with whatever room there is (plots and images).
func need(p scene.Panel) int {
	switch {
	case p.Graph != nil:
		n := len(p.Graph.Nodes) + 3
		if c := p.Graph.Current; c >= 0 && c < len(p.Graph.Nodes) && p.Graph.Nodes[c].Detail != "" {
			n += 4
		}
		return n
	case p.Matrix != nil:
		n := p.Matrix.Rows + 3
		if len(p.Matrix.Grads) > 0 {
			n += p.Matrix.Rows
		}
		return n
	case p.Table != nil:
		return len(p.Table.Rows) + 4
	case p.Bars != nil:
		return len(p.Bars.Values) + 2
	}
	return 0
}

// rowHeights shares h among the rows: each row first gets what its
// neediest panel asks for (at least minPanelH), then rows with plots or
// images share the rest. When the asks do not fit, rows shrink in
// proportion.
func rowHeights(panels []scene.Panel, cols, rows, shown, h int) []int {
	hs := make([]int, rows)
	grow := make([]bool, rows)
	total, growing := 0, 0
	for r := range rows {
		hs[r] = minPanelH
		for i := r * cols; i < min(shown, (r+1)*cols); i++ {
			n := need(panels[i])
			if n == 0 {
				grow[r] = true
				n = minChartH
			}
			hs[r] = max(hs[r], n)
		}
		total += hs[r]
		if grow[r] {
			growing++
		}
	}
	if total > h {
		// Shrink every row in proportion, keeping the minimum; the
		// tallest row absorbs the rounding.
		sum, big := 0, 0
		for r := range hs {
			hs[r] = max(minPanelH, hs[r]*h/total)
			sum += hs[r]
			if hs[r] > hs[big] {
				big = r
			}
		}
		hs[big] = max(1, hs[big]+h-sum)
		return hs
	}
	extra := h - total
	if growing == 0 {
		for r := range grow {
			grow[r] = true
		}
		growing = rows
	}
	for r := range hs {
		if grow[r] {
			add := extra / growing
			hs[r] += add
			extra -= add
			growing--
		}
	}
	return hs
}

// frame draws a rounded box of w×h around content (already (w-2)×(h-2)),
// with the title in the top edge.
func frame(c *common, title, content string, w, h int) string {
	fs := c.st.Frame
	t := ansi.Truncate(title, max(0, w-6), "…")
	top := fs.Render("╭─") + c.st.FrameTitle.Render(" "+t+" ") + fs.Render(strings.Repeat("─", max(0, w-5-ansi.StringWidth(t)))+"╮")
	if t == "" {
		top = fs.Render("╭" + strings.Repeat("─", max(0, w-2)) + "╮")
	}
	out := make([]string, 0, h)
	out = append(out, top)
	side := fs.Render("│")
	for _, l := range strings.Split(content, "\n")[:max(0, h-2)] {
		out = append(out, side+l+side)
	}
	out = append(out, fs.Render("╰"+strings.Repeat("─", max(0, w-2))+"╯"))
	return strings.Join(out, "\n")
}
