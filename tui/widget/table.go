package widget

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// renderTable draws a grid of formatted cells: a bold header, a rule, and
// the rows, numbers right-aligned and text left-aligned. Columns that do
// not fit are cut from the right; rows that do not fit are counted.
func renderTable(tb *scene.Table, w, h int, t *Theme) string {
	nc := len(tb.Columns)
	for _, r := range tb.Rows {
		nc = max(nc, len(r))
	}
	if nc == 0 {
		return t.Muted.Render("(empty table)")
	}
	cell := func(r []string, i int) string {
		if i < len(r) {
			if isNumber(r[i]) {
				// One minus sign on a screen: "−0.25", as Num writes it.
				return fixMinus(r[i])
			}
			return r[i]
		}
		return ""
	}
	widths := make([]int, nc)
	numeric := make([]bool, nc)
	for i := range nc {
		widths[i] = ansi.StringWidth(cell(tb.Columns, i))
		numeric[i] = len(tb.Rows) > 0
		for _, r := range tb.Rows {
			c := cell(r, i)
			widths[i] = max(widths[i], ansi.StringWidth(c))
			if c != "" && !isNumber(c) {
				numeric[i] = false
			}
		}
		widths[i] = min(widths[i], max(6, w/2))
	}
	// Keep as many columns as fit.
	total, keep := 0, 0
	for i := range nc {
		if total+widths[i]+2 > w+2 && keep > 0 {
			break
		}
		total += widths[i] + 2
		keep++
	}
	format := func(r []string, header bool) string {
		parts := make([]string, keep)
		for i := range keep {
			c := cell(r, i)
			if numeric[i] && !header {
				parts[i] = padLeft(c, widths[i])
			} else {
				parts[i] = padRight(c, widths[i])
			}
		}
		return strings.Join(parts, "  ")
	}
	var lines []string
	body := h
	if len(tb.Columns) > 0 {
		lines = append(lines, t.Title.Render(format(tb.Columns, true)))
		lines = append(lines, t.Axis.Render(strings.Repeat("─", min(w, total-2))))
		body -= 2
	}
	rows := tb.Rows
	if len(rows) > body && body >= 1 {
		more := len(rows) - body + 1
		rows = rows[:body-1]
		for _, r := range rows {
			lines = append(lines, format(r, false))
		}
		lines = append(lines, t.Muted.Render("… "+strconv.Itoa(more)+" more rows"))
		return strings.Join(lines, "\n")
	}
	for _, r := range rows {
		lines = append(lines, format(r, false))
	}
	return strings.Join(lines, "\n")
}

// isNumber reports whether a formatted cell reads as a number ("−0.25",
// "1e-3", "+Inf", "NaN", "12%").
func isNumber(s string) bool {
	s = strings.TrimSpace(strings.ReplaceAll(s, "−", "-"))
	s = strings.TrimSuffix(s, "%")
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
