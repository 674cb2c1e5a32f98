package widget

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Render draws the content of panel p (without frame or title) in exactly
// w columns and h lines. A panel whose Kind does not match its set field,
// or that is too small to show anything, renders as a short note: Render
// never panics on a scene's values (NaN, Inf, empty or ragged slices).
func Render(p scene.Panel, w, h int, t *Theme) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var s string
	switch {
	case p.Kind == scene.KindPlot && p.Plot != nil:
		s = renderPlot(p.Plot, w, h, t)
	case p.Kind == scene.KindMatrix && p.Matrix != nil:
		s = renderMatrix(p.Matrix, w, h, t)
	case p.Kind == scene.KindGraph && p.Graph != nil:
		s = renderGraph(p.Graph, w, h, t)
	case p.Kind == scene.KindImage && p.Image != nil:
		s = renderImage(p.Image, w, h, t)
	case p.Kind == scene.KindBars && p.Bars != nil:
		s = renderBars(p.Bars, w, h, t)
	case p.Kind == scene.KindTable && p.Table != nil:
		s = renderTable(p.Table, w, h, t)
	default:
		s = t.Muted.Render(fmt.Sprintf("(no %s to show)", p.Kind))
	}
	return Fit(s, w, h)
}

// Fit cuts or pads s to exactly w columns and h lines.
func Fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lw := ansi.StringWidth(l)
		switch {
		case lw > w:
			lines[i] = ansi.Truncate(l, w, "…")
			if pad := w - ansi.StringWidth(lines[i]); pad > 0 {
				lines[i] += strings.Repeat(" ", pad)
			}
		case lw < w:
			lines[i] = l + strings.Repeat(" ", w-lw)
		}
	}
	return strings.Join(lines, "\n")
}

// Num formats v compactly for a cell or an axis: at most about 7
// characters, NaN and ±Inf spelled out.
func Num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "−Inf"
	case v == 0:
		return "0"
	}
	a := math.Abs(v)
	var s string
	switch {
	case a >= 1e5 || a < 1e-3:
		s = strconv.FormatFloat(v, 'e', 1, 64)
	case a >= 100:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 3, 64)
	}
	if strings.HasPrefix(s, "-") {
		s = "−" + s[1:]
	}
	return s
}

// axisNum formats an axis label: like Num with trailing zeros dropped.
func axisNum(v float64) string {
	s := Num(v)
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "eIN") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// padLeft right-aligns s in w columns; padRight left-aligns it. Both cut
// s to w columns if it is longer.
func padLeft(s string, w int) string {
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-n) + s
}

func padRight(s string, w int) string {
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// at returns xs[i], or NaN when i is out of range, so that ragged data
// from a scene never panics a widget.
func at(xs []float64, i int) float64 {
	if i < 0 || i >= len(xs) {
		return math.NaN()
	}
	return xs[i]
}
