package widget

import (
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// renderMatrix draws an aligned table of values coloured by sign and
// size. Gradients go under each value when there is room for two lines a
// row, else beside it. Highlighted cells are marked with ▸ and the accent.
// Rows and columns that do not fit are elided with "…"; the rows shown
// keep the first highlighted row.
func renderMatrix(m *scene.Matrix, w, h int, t *Theme) string {
	rows, cols := m.Rows, m.Cols
	if rows <= 0 || cols <= 0 {
		return t.Muted.Render("(empty matrix)")
	}
	val := func(r, c int) float64 { return at(m.Values, r*cols+c) }
	hasGrad := len(m.Grads) > 0
	grad := func(r, c int) float64 { return at(m.Grads, r*cols+c) }

	scale, gscale := 0.0, 0.0
	cw := 1
	for r := range rows {
		for c := range cols {
			if v := val(r, c); finite(v) {
				scale = math.Max(scale, math.Abs(v))
			}
			cw = max(cw, len([]rune(Num(val(r, c)))))
			if hasGrad {
				if g := grad(r, c); finite(g) {
					gscale = math.Max(gscale, math.Abs(g))
				}
			}
		}
	}
	gw := 0
	if hasGrad {
		for r := range rows {
			for c := range cols {
				gw = max(gw, len([]rune(Num(grad(r, c))))+1)
			}
		}
	}
	header := 0
	if len(m.ColLabels) > 0 {
		header = 1
	}
	under := hasGrad && header+2*rows+1 <= h
	cellW := cw
	if hasGrad && !under {
		cellW = cw + 1 + gw
	}
	if under {
		cellW = max(cw, gw)
	}
	for _, l := range m.ColLabels {
		cellW = max(cellW, min(len([]rune(l)), 12))
	}
	rl := 0
	for _, l := range m.RowLabels {
		rl = max(rl, len([]rune(l)))
	}
	rl = min(rl, max(4, w/4))
	// Fit columns and rows, keeping one slot for "…".
	showC := cols
	for showC > 1 && rl+1+showC*(cellW+2) > w {
		showC--
	}
	lineH := 1
	if under {
		lineH = 2
	}
	showR := rows
	for showR > 1 && header+showR*lineH > h {
		showR--
	}
	if showR < rows && showR > 1 && header+showR*lineH+1 > h {
		showR-- // a line for saying how many rows are left out
	}
	hl := map[scene.Cell]bool{}
	first := -1 // the first highlighted row
	for _, c := range m.Highlight {
		hl[c] = true
		if c.Row >= 0 && c.Row < rows && (first < 0 || c.Row < first) {
			first = c.Row
		}
	}
	// The rows shown: from the top, or, when the highlighted row would be
	// left out, a window around it.
	r0 := 0
	if first >= showR {
		r0 = max(0, min(first-(showR-1)/2, rows-showR))
	}
	var b strings.Builder
	pad := func(s string) string { return padLeft(s, cellW+2) }
	if header == 1 {
		b.WriteString(strings.Repeat(" ", rl+1))
		for c := range showC {
			l := ""
			if c < len(m.ColLabels) {
				l = m.ColLabels[c]
			}
			b.WriteString(t.Label.Render(pad(l)))
		}
		if showC < cols {
			b.WriteString(t.Muted.Render(" …"))
		}
	}
	for r := r0; r < r0+showR; r++ {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		label := ""
		if r < len(m.RowLabels) {
			label = m.RowLabels[r]
		}
		b.WriteString(t.Label.Render(padRight(label, rl)) + " ")
		var gl strings.Builder
		gl.WriteString(strings.Repeat(" ", rl+1))
		for c := range showC {
			v := val(r, c)
			mark, k := " ", t.signInk(v, scale)
			if hl[scene.Cell{Row: r, Col: c}] {
				mark, k = "▸", t.Accent
			}
			used := cw
			if hasGrad && !under {
				used = cw + 1 + gw
			}
			b.WriteString(strings.Repeat(" ", cellW-used+1) + mark + k.Render(padLeft(Num(v), cw)))
			if hasGrad && !under {
				b.WriteString(" " + t.Muted.Render(padLeft("∇"+Num(grad(r, c)), gw)))
			}
			if under {
				g := grad(r, c)
				gl.WriteString(t.signInk(g, gscale).Render(pad("∇" + Num(g))))
			}
		}
		if showC < cols {
			b.WriteString(t.Muted.Render(" …"))
		}
		if under {
			b.WriteString("\n" + gl.String())
		}
	}
	if showR < rows {
		b.WriteString("\n" + t.Muted.Render(padRight(" …", rl+1)+"("+itoa(rows-showR)+" more rows)"))
	}
	return b.String()
}
