package widget

import (
	"math"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// classMarks stand in for class colours without colour.
var classMarks = []rune{'•', '×', '+', '◦', '*', '#'}

// plotFrame maps data coordinates onto the dots of a plot area.
type plotFrame struct {
	x0, x1, y0, y1 float64 // the data range shown (y already log10 when logY)
	logY           bool
	dw, dh         int // the plot area in dots
}

func (f plotFrame) ty(y float64) float64 {
	if f.logY {
		if y <= 0 {
			return math.NaN()
		}
		return math.Log10(y)
	}
	return y
}

// dotX and dotY map a data point to fractional dot coordinates.
func (f plotFrame) dotX(x float64) float64 {
	return (x - f.x0) / (f.x1 - f.x0) * float64(f.dw-1)
}

func (f plotFrame) dotY(y float64) float64 {
	return (f.y1 - f.ty(y)) / (f.y1 - f.y0) * float64(f.dh-1)
}

// dataX and dataY map a fractional cell coordinate back to data.
func (f plotFrame) dataX(cx, cw float64) float64 { return f.x0 + cx/cw*(f.x1-f.x0) }
func (f plotFrame) dataY(cy, ch float64) float64 {
	v := f.y1 - cy/ch*(f.y1-f.y0)
	if f.logY {
		return math.Pow(10, v)
	}
	return v
}

func renderPlot(p *scene.Plot, w, h int, t *Theme) string {
	fr := plotRanges(p)
	legend := plotLegend(p, t)
	top := 0
	if p.YLabel != "" && h >= 8 {
		top = 1
	}
	bottom := 2 // axis line and tick labels
	if legend != "" && h >= 7 {
		bottom++
	}
	ph := h - top - bottom
	yl := []float64{fr.y1, (fr.y0 + fr.y1) / 2, fr.y0}
	labels := make([]string, len(yl))
	lw := 1
	for i, v := range yl {
		if fr.logY {
			v = math.Pow(10, v)
		}
		labels[i] = axisNum(v)
		lw = max(lw, len([]rune(labels[i])))
	}
	pw := w - lw - 1
	if pw < 4 || ph < 2 {
		return t.Muted.Render("(plot: too small)")
	}
	fr.dw, fr.dh = 2*pw, 4*ph
	c := newCanvas(w, h)
	ox := lw + 1 // first column of the plot area
	sub := newCanvas(pw, ph)
	if p.Region != nil {
		drawRegion(sub, p.Region, fr, t)
	}
	if p.Contour != nil {
		drawContour(sub, p.Contour, fr, t)
	}
	off := classOffset(p)
	for i, s := range p.Series {
		drawSeries(sub, s, i, off, fr, t)
	}
	if p.Region != nil && t.NoColor {
		markRegionNoColor(sub, p.Region, fr)
	}
	// Axes and labels.
	if top == 1 {
		c.text(0, 0, "↑ "+p.YLabel+logNote(p.LogY), t.Label)
	}
	for y := range ph {
		c.put(lw, top+y, '│', t.Axis)
	}
	c.put(lw, top+ph, '└', t.Axis)
	for x := range pw {
		c.put(ox+x, top+ph, '─', t.Axis)
	}
	rows := []int{0, ph / 2, ph - 1}
	for i, r := range rows {
		if i == 1 && (r == 0 || r == ph-1) {
			continue
		}
		c.text(lw-len([]rune(labels[i])), top+r, labels[i], t.Axis)
	}
	xl, xm, xr := axisNum(fr.x0), axisNum((fr.x0+fr.x1)/2), axisNum(fr.x1)
	ty := top + ph + 1
	c.text(ox, ty, xl, t.Axis)
	c.text(ox+pw-len([]rune(xr)), ty, xr, t.Axis)
	mid := xm
	if p.XLabel != "" {
		mid = p.XLabel + " →"
	}
	if m := []rune(mid); len(m)+len([]rune(xl))+len([]rune(xr))+2 <= pw {
		c.text(ox+(pw-len(m))/2, ty, mid, t.Label)
	}
	out := c.String()
	lines := strings.Split(out, "\n")
	subLines := strings.Split(sub.String(), "\n")
	for y := range ph {
		// Splice the plot area into the frame: the frame's cells there are
		// blank, so cut at the label column.
		lines[top+y] = cutCells(c, top+y, ox) + subLines[y]
	}
	if bottom == 3 {
		lines[h-1] = legend
	}
	return strings.Join(lines, "\n")
}

// cutCells renders the first n cells of row y of c.
func cutCells(c *canvas, y, n int) string {
	row := &canvas{w: n, h: 1, runes: c.runes[y*c.w : y*c.w+n], dots: c.dots[y*c.w : y*c.w+n], inks: c.inks[y*c.w : y*c.w+n]}
	return row.String()
}

func logNote(log bool) string {
	if log {
		return " (log scale)"
	}
	return ""
}

// plotRanges fixes the data range: the plot's ranges where set, otherwise
// the extent of its series, region and contour grid.
func plotRanges(p *scene.Plot) plotFrame {
	fr := plotFrame{logY: p.LogY}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	addX := func(v float64) {
		if finite(v) {
			xlo, xhi = math.Min(xlo, v), math.Max(xhi, v)
		}
	}
	addY := func(v float64) {
		v = fr.ty(v)
		if finite(v) {
			ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
		}
	}
	for _, s := range p.Series {
		for i := range s.X {
			if y := at(s.Y, i); finite(y) && finite(s.X[i]) {
				addX(s.X[i])
				addY(y)
			}
		}
	}
	for _, g := range []*scene.Grid{p.Region, contourGrid(p.Contour)} {
		if g != nil {
			addX(g.X.Min)
			addX(g.X.Max)
			addY(g.Y.Min)
			addY(g.Y.Max)
		}
	}
	if xlo > xhi {
		xlo, xhi = 0, 1
	}
	if ylo > yhi {
		ylo, yhi = 0, 1
	}
	if p.XRange != nil && finite(p.XRange.Min) && finite(p.XRange.Max) && p.XRange.Max > p.XRange.Min {
		xlo, xhi = p.XRange.Min, p.XRange.Max
	}
	fixedY := false
	if r := p.YRange; r != nil {
		lo, hi := fr.ty(r.Min), fr.ty(r.Max)
		if finite(lo) && finite(hi) && hi > lo {
			ylo, yhi, fixedY = lo, hi, true
		}
	}
	if xhi-xlo < 1e-12 {
		xlo, xhi = xlo-1, xhi+1
	}
	if yhi-ylo < 1e-12 {
		ylo, yhi = ylo-1, yhi+1
	} else if !fixedY {
		pad := (yhi - ylo) * 0.05
		ylo, yhi = ylo-pad, yhi+pad
	}
	fr.x0, fr.x1, fr.y0, fr.y1 = xlo, xhi, ylo, yhi
	return fr
}

// classOffset is how far series colours are shifted so that no series
// shares a colour with a class of a classed scatter in the same plot: the
// number of classes used (0 when no series has classes).
func classOffset(p *scene.Plot) int {
	n := 0
	for _, s := range p.Series {
		if s.Style != scene.Scatter {
			continue
		}
		for _, c := range s.Classes {
			n = max(n, c+1)
		}
	}
	return n
}

func drawSeries(c *canvas, s scene.Series, si, off int, fr plotFrame, t *Theme) {
	k := t.SeriesInk(si + off)
	n := min(len(s.X), len(s.Y))
	switch s.Style {
	case scene.Scatter:
		for i := range n {
			x, y := fr.dotX(s.X[i]), fr.dotY(s.Y[i])
			if !finite(x) || !finite(y) {
				continue
			}
			class := si + off
			if i < len(s.Classes) {
				class = s.Classes[i]
			}
			if t.NoColor && len(s.Classes) > 0 {
				m := classMarks[((class%len(classMarks))+len(classMarks))%len(classMarks)]
				c.put(int(x)/2, int(y)/4, m, Ink{})
				continue
			}
			c.dot(int(math.Round(x)), int(math.Round(y)), t.SeriesInk(class))
		}
	default: // Line and Path
		px, py, have := 0.0, 0.0, false
		lastX, lastY, any := 0.0, 0.0, false
		for i := range n {
			x, y := fr.dotX(s.X[i]), fr.dotY(s.Y[i])
			if !finite(x) || !finite(y) {
				have = false
				continue
			}
			if have {
				clipLine(c, px, py, x, y, k)
			} else {
				c.dot(int(math.Round(x)), int(math.Round(y)), k)
			}
			px, py, have = x, y, true
			lastX, lastY, any = x, y, true
		}
		if s.Style == scene.Path && any {
			c.put(int(math.Round(lastX))/2, int(math.Round(lastY))/4, '◆', Ink{FG: k.FG, Bold: true})
		}
	}
}

// clipLine draws the part of the segment inside the dot area
// (Liang–Barsky), so a point far outside a fixed range still shows the
// line heading towards it.
func clipLine(c *canvas, x0, y0, x1, y1 float64, k Ink) {
	xmin, ymin := -0.5, -0.5
	xmax, ymax := float64(2*c.w)-0.5, float64(4*c.h)-0.5
	t0, t1 := 0.0, 1.0
	dx, dy := x1-x0, y1-y0
	for _, e := range [4][2]float64{{-dx, x0 - xmin}, {dx, xmax - x0}, {-dy, y0 - ymin}, {dy, ymax - y0}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return
		}
	}
	c.line(int(math.Round(x0+t0*dx)), int(math.Round(y0+t0*dy)), int(math.Round(x0+t1*dx)), int(math.Round(y0+t1*dy)), k)
}

// plotLegend names the series (and classes) in one line, or returns ""
// when there is nothing worth naming.
func plotLegend(p *scene.Plot, t *Theme) string {
	var items []string
	off := classOffset(p)
	for i, s := range p.Series {
		switch {
		case s.Style == scene.Scatter && len(s.Classes) > 0:
			seen := map[int]bool{}
			maxc := 0
			for _, c := range s.Classes {
				seen[c] = true
				maxc = max(maxc, c)
			}
			for c := 0; c <= min(maxc, 5); c++ {
				if !seen[c] {
					continue
				}
				mark := "●"
				if t.NoColor {
					mark = string(classMarks[c%len(classMarks)])
				}
				items = append(items, t.SeriesInk(c).Render(mark)+" class "+itoa(c))
			}
			if s.Name != "" && !strings.Contains(s.Name, "class") {
				items = append(items, "("+s.Name+")")
			}
		case s.Name == "":
		case s.Style == scene.Scatter:
			items = append(items, t.SeriesInk(i+off).Render("⠶")+" "+s.Name)
		case s.Style == scene.Path:
			items = append(items, t.SeriesInk(i+off).Render("─◆")+" "+s.Name)
		default:
			items = append(items, t.SeriesInk(i+off).Render("──")+" "+s.Name)
		}
	}
	if p.Region != nil {
		if t.NoColor {
			items = append(items, "· class 1 side")
		} else if len(t.regionShades) > 1 {
			items = append(items, Ink{BG: t.regionShades[0][1]}.Render("  ")+Ink{BG: t.regionShades[1][1]}.Render("  ")+" region")
		}
	}
	if p.Contour != nil && len(p.Contour.Levels) > 0 {
		lv := p.Contour.Levels
		items = append(items, "contours "+Num(lv[0])+"…"+Num(lv[len(lv)-1]))
	}
	return strings.Join(items, "   ")
}

func itoa(i int) string { return strconv.Itoa(i) }
