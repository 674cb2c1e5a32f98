package widget

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

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

// plotOpt carries what a stacked sub-plot shares with its sibling: the x
// range and the width of the y labels, so that both plot areas line up.
type plotOpt struct {
	xr     *scene.Range
	labelW int
}

// tick is an axis label at a data value.
type tick struct {
	v     float64
	label string
}

func renderPlot(p *scene.Plot, w, h int, t *Theme) string {
	if hasSecondAxis(p) && h >= 12 {
		return renderDual(p, w, h, t)
	}
	return renderPlotOpt(p, w, h, t, plotOpt{})
}

// hasSecondAxis reports whether some series are on the second y axis and
// some on the first.
func hasSecondAxis(p *scene.Plot) bool {
	a0, a1 := false, false
	for _, s := range p.Series {
		if s.Axis == 1 {
			a1 = true
		} else {
			a0 = true
		}
	}
	return a0 && a1
}

// renderDual draws the series of the two axes as two plots stacked over
// one x range: loss and accuracy keep their own scales.
func renderDual(p *scene.Plot, w, h int, t *Theme) string {
	top, bottom := *p, *p
	top.Series, bottom.Series = nil, nil
	for _, s := range p.Series {
		if s.Axis == 1 {
			s.Axis = 0
			bottom.Series = append(bottom.Series, s)
		} else {
			top.Series = append(top.Series, s)
		}
	}
	bottom.Region, bottom.Contour, bottom.LogY, bottom.YRange = nil, nil, false, nil
	bottom.YLabel = p.Y2Label
	if bottom.YLabel == "" && len(bottom.Series) > 0 {
		bottom.YLabel = bottom.Series[0].Name
	}
	fr := plotRanges(p, plotOpt{})
	xr := &scene.Range{Min: fr.x0, Max: fr.x1}
	if p.XRange != nil {
		xr = p.XRange
	}
	th := (h + 1) / 2
	bh := h - th
	_, _, lw1 := yAxis(&top, w, th, t, plotOpt{xr: xr})
	_, _, lw2 := yAxis(&bottom, w, bh, t, plotOpt{xr: xr})
	opt := plotOpt{xr: xr, labelW: max(lw1, lw2)}
	return renderPlotOpt(&top, w, th, t, opt) + "\n" + renderPlotOpt(&bottom, w, bh, t, opt)
}

// yAxis fits the data range and the y ticks for a plot area of h lines
// (before the legend is budgeted), and the width of the widest label.
func yAxis(p *scene.Plot, w, h int, t *Theme, opt plotOpt) (plotFrame, []tick, int) {
	fr := plotRanges(p, opt)
	ph := max(2, h-3)
	ticks := fr.yTicks(ph)
	lw := max(1, opt.labelW)
	for _, tk := range ticks {
		lw = max(lw, len([]rune(tk.label)))
	}
	return fr, ticks, lw
}

func renderPlotOpt(p *scene.Plot, w, h int, t *Theme, opt plotOpt) string {
	top := 0
	if p.YLabel != "" && h >= 8 {
		top = 1
	}
	// The legend may take a third of the lines, or all but three plot
	// rows when it needs more (legend entries are names, and a name cut
	// off is worse than a shorter plot); the y label's line goes first.
	items := plotLegend(p, t, w)
	wanted := 0
	for _, s := range p.Series {
		for _, l := range s.Labels {
			if l != "" {
				wanted++
			}
		}
	}
	if wanted > 0 {
		items = append(items, labelNote(wanted, wanted))
	}
	budget := max(1, (h-top-2)/3, h-top-2-3)
	if top == 1 && len(wrapItems(items, w, 100)) > budget {
		top, budget = 0, budget+1
	}
	fr, ticks, lw := yAxis(p, w, h-top, t, opt)
	pw := w - lw - 1
	legend := wrapItems(items, w, budget)
	if h < 7 {
		legend = nil
	}
	bottom := 2 + len(legend) // axis line, tick labels, legend
	ph := h - top - bottom
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
		drawArrows(sub, s, i+off, fr, t)
	}
	for i, s := range p.Series {
		drawSeries(sub, p, s, i, off, fr, t)
	}
	placed, _ := labelPoints(sub, p, off, fr, t)
	if p.Region != nil && t.NoColor {
		markRegionNoColor(sub, p.Region, fr)
	}
	if wanted > 0 {
		// Say how many point labels fit, in the room kept for it.
		note := labelNote(placed, wanted)
		note += strings.Repeat(" ", max(0, len([]rune(labelNote(wanted, wanted)))-len([]rune(note))))
		for i, l := range legend {
			legend[i] = strings.Replace(l, labelNote(wanted, wanted), note, 1)
		}
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
	lastRow := -2
	for _, tk := range ticks {
		r := int(math.Round((fr.y1 - tk.v) / (fr.y1 - fr.y0) * float64(ph-1)))
		if r < 0 || r >= ph || abs(r-lastRow) < 2 {
			continue
		}
		lastRow = r
		c.put(lw, top+r, '┤', t.Axis)
		c.text(lw-len([]rune(tk.label)), top+r, tk.label, t.Axis)
	}
	// x ticks: the ends, the label in the middle, then what else fits.
	ty := top + ph + 1
	used := make([]bool, w)
	place := func(x int, s string, k Ink) bool {
		n := len([]rune(s))
		if x < ox || x+n > w {
			return false
		}
		for i := max(0, x-1); i < min(w, x+n+1); i++ {
			if used[i] {
				return false
			}
		}
		for i := x; i < x+n; i++ {
			used[i] = true
		}
		c.text(x, ty, s, k)
		return true
	}
	xt := fr.xTicks(pw)
	col := func(v float64) int {
		return ox + int(math.Round((v-fr.x0)/(fr.x1-fr.x0)*float64(pw-1)))
	}
	tickAt := func(tk tick, align int) {
		x := col(tk.v)
		n := len([]rune(tk.label))
		lx := x - n/2
		switch align {
		case -1:
			lx = x
		case 1:
			lx = x - n + 1
		}
		if place(lx, tk.label, t.Axis) {
			c.put(x, top+ph, '┬', t.Axis)
		}
	}
	if len(xt) > 0 {
		tickAt(xt[0], -1)
		tickAt(xt[len(xt)-1], 1)
	}
	if p.XLabel != "" {
		mid := p.XLabel + " →"
		place(ox+(pw-len([]rune(mid)))/2, mid, t.Label)
	}
	for i := 1; i+1 < len(xt); i++ {
		tickAt(xt[i], 0)
	}
	out := c.String()
	lines := strings.Split(out, "\n")
	subLines := strings.Split(sub.String(), "\n")
	for y := range ph {
		// Splice the plot area into the frame: the frame's cells there are
		// blank, so cut at the label column.
		lines[top+y] = cutCells(c, top+y, ox) + subLines[y]
	}
	for i, l := range legend {
		lines[top+ph+2+i] = l
	}
	return strings.Join(lines, "\n")
}

// arrowHeads point in eight directions, from east anticlockwise.
var arrowHeads = []rune{'→', '↗', '↑', '↖', '←', '↙', '↓', '↘'}

// drawArrows draws each point's (DX, DY) as a dotted shaft and a head,
// scaled so that the longest arrow spans an eighth of the plot's larger
// side (in dots, as the eye sees it).
func drawArrows(c *canvas, s scene.Series, si int, fr plotFrame, t *Theme) {
	n := min(len(s.X), len(s.Y), len(s.DX), len(s.DY))
	if n == 0 || fr.logY {
		return
	}
	// Arrow vectors in dots (y grows downwards).
	sx := float64(fr.dw-1) / (fr.x1 - fr.x0)
	sy := float64(fr.dh-1) / (fr.y1 - fr.y0)
	longest := 0.0
	for i := range n {
		if vx, vy := s.DX[i]*sx, s.DY[i]*sy; finite(vx) && finite(vy) {
			longest = math.Max(longest, math.Hypot(vx, vy))
		}
	}
	if longest == 0 || !finite(longest) {
		return
	}
	scale := float64(max(fr.dw, fr.dh)) / 8 / longest
	k := t.SeriesInk(si)
	k.Faint = t.NoColor
	for i := range n {
		x, y := fr.dotX(s.X[i]), fr.dotY(s.Y[i])
		vx, vy := s.DX[i]*sx*scale, -s.DY[i]*sy*scale
		if !finite(x) || !finite(y) || !finite(vx) || !finite(vy) || math.Hypot(vx, vy) < 1 {
			continue
		}
		clipLine(c, x, y, x+vx, y+vy, k, []int{1, 1}, new(int))
		a := math.Atan2(-vy, vx)
		head := arrowHeads[(int(math.Round(a/(math.Pi/4)))+8)%8]
		c.put(int(math.Round(x+vx))/2, int(math.Round(y+vy))/4, head, Ink{FG: k.FG})
	}
}

// hasArrows reports whether series s draws arrows.
func hasArrows(s scene.Series) bool { return len(s.DX) > 0 && len(s.DY) > 0 }

// labelNote says how many of the points' labels are shown.
func labelNote(placed, wanted int) string {
	return itoa(placed) + "/" + itoa(wanted) + " labelled"
}

// labelPoints writes the Labels of series points beside them, right of
// the point or else left of it, where the cells are free and no other
// label is within a cell. It returns how many labels were placed and how
// many were asked for.
func labelPoints(c *canvas, p *scene.Plot, off int, fr plotFrame, t *Theme) (placed, wanted int) {
	taken := make([]bool, c.w*c.h)
	for si, s := range p.Series {
		for i, l := range s.Labels {
			if l == "" || i >= len(s.X) || i >= len(s.Y) {
				continue
			}
			wanted++
			x, y := fr.dotX(s.X[i]), fr.dotY(s.Y[i])
			if !finite(x) || !finite(y) {
				continue
			}
			cx, cy := int(x)/2, int(y)/4
			n := len([]rune(l)) // one rune per cell, as canvas.text writes
			free := func(x0 int) bool {
				if x0 < 0 || x0+n > c.w || cy < 0 || cy >= c.h {
					return false
				}
				for x := max(0, x0-1); x < min(c.w, x0+n+1); x++ {
					if taken[cy*c.w+x] {
						return false
					}
				}
				for x := x0; x < x0+n; x++ {
					if !c.empty(x, cy) {
						return false
					}
				}
				return true
			}
			x0 := cx + 1
			if !free(x0) {
				x0 = cx - n
				if !free(x0) {
					continue
				}
			}
			k := t.SeriesInk(si + off)
			c.text(x0, cy, l, k)
			for x := x0; x < x0+n; x++ {
				taken[cy*c.w+x] = true
			}
			placed++
		}
	}
	return placed, wanted
}

// wrapItems lays legend items out on lines of at most w columns, items
// three spaces apart, never cutting an item unless it alone is wider than
// w. When more than maxLines are needed, the last line says how many
// items are left out.
func wrapItems(items []string, w, maxLines int) []string {
	if len(items) == 0 || maxLines <= 0 {
		return nil
	}
	// Items two spaces apart when that is what it takes to show them all.
	if lines, _ := wrapSep(items, w, "   "); len(lines) <= maxLines {
		return lines
	}
	if lines, _ := wrapSep(items, w, "  "); len(lines) <= maxLines {
		return lines
	}
	lines, counts := wrapSep(items, w, "   ")
	if len(lines) > maxLines {
		// Count what is hidden and say so on the last line kept.
		shown := 0
		for _, c := range counts[:maxLines-1] {
			shown += c
		}
		last, lw := "", 0
		for _, it := range items[shown:] {
			more := "+" + itoa(len(items)-shown) + " more"
			iw := ansi.StringWidth(it)
			if lw > 0 && lw+3+iw+3+len(more) > w || lw == 0 && iw+3+len(more) > w {
				break
			}
			if lw > 0 {
				last += "   "
				lw += 3
			}
			last += it
			lw += iw
			shown++
		}
		more := "+" + itoa(len(items)-shown) + " more"
		if lw > 0 {
			last += "   "
		}
		lines = append(lines[:maxLines-1], last+more)
	}
	return lines
}

// wrapSep lays items out on lines of at most w columns, sep apart, and
// says how many items each line holds.
func wrapSep(items []string, w int, sep string) ([]string, []int) {
	var lines []string
	var counts []int
	cur, cw, n := "", 0, 0
	for _, it := range items {
		iw := ansi.StringWidth(it)
		switch {
		case cw == 0:
			cur, cw, n = it, iw, 1
		case cw+len(sep)+iw <= w:
			cur, cw, n = cur+sep+it, cw+len(sep)+iw, n+1
		default:
			lines, counts = append(lines, cur), append(counts, n)
			cur, cw, n = it, iw, 1
		}
	}
	return append(lines, cur), append(counts, n)
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

// niceStep is the smallest of 1, 2, 5 × 10^k that cuts span into at most
// n intervals.
func niceStep(span float64, n int) float64 {
	raw := span / float64(max(1, n))
	if !(raw > 0) || !finite(raw) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// ticksIn lists the multiples of step in [lo, hi].
func ticksIn(lo, hi, step float64) []tick {
	var out []tick
	first := math.Ceil(lo/step - 1e-9)
	for k := first; k*step <= hi+step*1e-9 && len(out) < 50; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, tick{v, axisNum(v)})
	}
	return out
}

// yTicks are the y labels for ph lines: multiples of a nice step, or
// decades on a log axis (every k-th when there are many).
func (f plotFrame) yTicks(ph int) []tick {
	n := max(2, ph/4)
	if f.logY {
		lo, hi := math.Ceil(f.y0-1e-9), math.Floor(f.y1+1e-9)
		k := math.Max(1, math.Ceil((hi-lo)/float64(n)))
		var out []tick
		for d := lo; d <= hi && len(out) < 50; d += k {
			out = append(out, tick{d, decade(int(d))})
		}
		return out
	}
	// At least two labels: finer steps until two multiples fall inside.
	step := niceStep(f.y1-f.y0, n)
	ticks := ticksIn(f.y0, f.y1, step)
	for i := 0; len(ticks) < 2 && i < 6; i++ {
		n++
		step = niceStep(f.y1-f.y0, n)
		ticks = ticksIn(f.y0, f.y1, step)
	}
	return ticks
}

// xTicks are the x labels for a plot area pw columns wide.
func (f plotFrame) xTicks(pw int) []tick {
	n := max(2, pw/12)
	ticks := ticksIn(f.x0, f.x1, niceStep(f.x1-f.x0, n))
	for i := 0; len(ticks) < 2 && i < 6; i++ {
		n++
		ticks = ticksIn(f.x0, f.x1, niceStep(f.x1-f.x0, n))
	}
	return ticks
}

// decade labels 10^d: plainly from 0.001 to 10000, else as 1e-05.
func decade(d int) string {
	if d >= -3 && d <= 4 {
		return axisNum(math.Pow(10, float64(d)))
	}
	if d < 0 {
		return "1e-" + fmt.Sprintf("%02d", -d)
	}
	return "1e+" + fmt.Sprintf("%02d", d)
}

// plotRanges fixes the data range: the plot's ranges where set, otherwise
// the extent of its series, region and contour grid, widened to nice
// ticks (decades on a log axis). A range of data that are all ≥ 0 never
// goes below 0.
func plotRanges(p *scene.Plot, opt plotOpt) plotFrame {
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
	fixedX := false
	if r := opt.xr; r != nil && finite(r.Min) && finite(r.Max) && r.Max > r.Min {
		xlo, xhi, fixedX = r.Min, r.Max, true
	} else if r := p.XRange; r != nil && finite(r.Min) && finite(r.Max) && r.Max > r.Min {
		xlo, xhi, fixedX = r.Min, r.Max, true
	}
	fixedY := false
	if r := p.YRange; r != nil {
		lo, hi := fr.ty(r.Min), fr.ty(r.Max)
		if finite(lo) && finite(hi) && hi > lo {
			ylo, yhi, fixedY = lo, hi, true
		}
	}
	// A single value: a unit range around it, not below 0 for data ≥ 0.
	widen := func(lo, hi float64, log bool) (float64, float64) {
		if hi-lo >= 1e-12*math.Max(1, math.Abs(hi)) {
			return lo, hi
		}
		switch {
		case log:
			return math.Floor(lo), math.Floor(lo) + 1
		case lo >= 0:
			return math.Max(0, lo-1), lo + 1
		}
		return lo - 1, hi + 1
	}
	if !fixedX {
		xlo, xhi = widen(xlo, xhi, false)
		step := niceStep(xhi-xlo, 5)
		xlo2, xhi2 := math.Floor(xlo/step+1e-9)*step, math.Ceil(xhi/step-1e-9)*step
		// Snap only when it costs little room (steps 1…39 → 0…40).
		if (xhi2-xlo2)-(xhi-xlo) <= 0.1*(xhi-xlo) {
			xlo, xhi = xlo2, xhi2
		}
	}
	if !fixedY {
		ylo, yhi = widen(ylo, yhi, fr.logY)
		if fr.logY {
			ylo, yhi = math.Floor(ylo+1e-9), math.Ceil(yhi-1e-9)
			if yhi <= ylo {
				yhi = ylo + 1
			}
		} else {
			// Snap to nice ticks when it costs little room; otherwise pad
			// by 5% (none on a plane with a region or contours), never
			// below 0 for data ≥ 0.
			step := niceStep(yhi-ylo, 4)
			lo2, hi2 := math.Floor(ylo/step+1e-9)*step, math.Ceil(yhi/step-1e-9)*step
			switch {
			case (hi2-lo2)-(yhi-ylo) <= 0.2*(yhi-ylo):
				ylo, yhi = lo2, hi2
			case p.Region == nil && p.Contour == nil:
				pad := 0.05 * (yhi - ylo)
				if ylo >= 0 {
					ylo = math.Max(0, ylo-pad)
				} else {
					ylo -= pad
				}
				yhi += pad
			}
		}
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

// pathMarks end the paths of a plot, one per path series, so that paths
// are told apart by shape as well as colour.
var pathMarks = []rune{'◆', '■', '▲', '●', '★', '✚'}

// linePatterns are the dash patterns (dots on, dots off …) of line and
// path series under NO_COLOR, one per series of the style; nil is solid.
var linePatterns = [][]int{nil, {4, 3}, {1, 2}, {6, 2, 1, 2}, {2, 5}, {8, 2}}

// styleIndex is how many series before si share its style.
func styleIndex(p *scene.Plot, si int) int {
	n := 0
	for i := 0; i < si && i < len(p.Series); i++ {
		if p.Series[i].Style == p.Series[si].Style {
			n++
		}
	}
	return n
}

// seriesPattern is the dash pattern of series si (solid with colour).
func seriesPattern(p *scene.Plot, si int, t *Theme) []int {
	if !t.NoColor {
		return nil
	}
	return linePatterns[styleIndex(p, si)%len(linePatterns)]
}

// mark returns the i-th entry of a list of marks, for any i.
func mark(marks []rune, i int) rune {
	return marks[((i%len(marks))+len(marks))%len(marks)]
}

func drawSeries(c *canvas, p *scene.Plot, s scene.Series, si, off int, fr plotFrame, t *Theme) {
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
			if t.NoColor {
				// Without colour every series and class has its own mark.
				c.put(int(x)/2, int(y)/4, mark(classMarks, class), Ink{})
				continue
			}
			c.dot(int(math.Round(x)), int(math.Round(y)), t.SeriesInk(class))
		}
	default: // Line and Path
		pat := seriesPattern(p, si, t)
		phase := 0
		px, py, have := 0.0, 0.0, false
		lastX, lastY, any := 0.0, 0.0, false
		for i := range n {
			x, y := fr.dotX(s.X[i]), fr.dotY(s.Y[i])
			if !finite(x) || !finite(y) {
				have = false
				continue
			}
			if have {
				clipLine(c, px, py, x, y, k, pat, &phase)
			} else {
				c.dot(int(math.Round(x)), int(math.Round(y)), k)
			}
			px, py, have = x, y, true
			lastX, lastY, any = x, y, true
		}
		if s.Style == scene.Path && any {
			c.put(int(math.Round(lastX))/2, int(math.Round(lastY))/4, mark(pathMarks, styleIndex(p, si)), Ink{FG: k.FG, Bold: true})
		}
	}
}

// clipLine draws the part of the segment inside the dot area
// (Liang–Barsky), so a point far outside a fixed range still shows the
// line heading towards it.
func clipLine(c *canvas, x0, y0, x1, y1 float64, k Ink, pat []int, phase *int) {
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
	c.dashLine(int(math.Round(x0+t0*dx)), int(math.Round(y0+t0*dy)), int(math.Round(x0+t1*dx)), int(math.Round(y0+t1*dy)), k, pat, phase)
}

// plotLegend names the series (and classes) as legend items, each with
// the glyph it is drawn with, so that no item depends on colour alone.
//
// Classes are named as classes only when the plot says they are (the
// series' ClassNames, or a decision Region); otherwise they are a
// highlight inside one series, and the item shows the series' marks and
// name. w is the width the legend wraps to (0: any): a colour scale too
// wide for it comes as its name and its scale, two items.
func plotLegend(p *scene.Plot, t *Theme, w int) []string {
	var items []string
	off := classOffset(p)
	classMark := func(c int) string {
		if t.NoColor {
			return string(mark(classMarks, c))
		}
		return t.SeriesInk(c).Render("●")
	}
	for i, s := range p.Series {
		switch {
		case s.Style == scene.Scatter && len(s.Classes) > 0:
			seen := map[int]bool{}
			maxc := 0
			for _, c := range s.Classes {
				if c >= 0 {
					seen[c] = true
					maxc = max(maxc, c)
				}
			}
			if len(s.ClassNames) > 0 || p.Region != nil {
				for c := 0; c <= min(maxc, 9); c++ {
					if !seen[c] {
						continue
					}
					name := "class " + itoa(c)
					if c < len(s.ClassNames) && s.ClassNames[c] != "" {
						name = s.ClassNames[c]
					}
					items = append(items, classMark(c)+" "+name)
				}
				if s.Name != "" && !strings.Contains(s.Name, "class") {
					items = append(items, "("+s.Name+")")
				}
				continue
			}
			var marks string
			for c := 0; c <= min(maxc, 9); c++ {
				if seen[c] {
					marks += classMark(c)
				}
			}
			items = append(items, marks+" "+s.Name)
		case s.Name == "":
		case s.Style == scene.Scatter:
			g := "⠶"
			if t.NoColor {
				g = string(mark(classMarks, i+off))
			}
			if hasArrows(s) {
				// Points that carry arrows: one item, the mark and a head.
				g += "↗"
			}
			items = append(items, t.SeriesInk(i+off).Render(g)+" "+s.Name)
		case s.Style == scene.Path:
			items = append(items, t.SeriesInk(i+off).Render(dashGlyph(seriesPattern(p, i, t), 2)+string(mark(pathMarks, styleIndex(p, i))))+" "+s.Name)
		default:
			items = append(items, t.SeriesInk(i+off).Render(dashGlyph(seriesPattern(p, i, t), 3))+" "+s.Name)
		}
	}
	for i, s := range p.Series {
		if hasArrows(s) && s.Name != "" && (s.Style != scene.Scatter || len(s.Classes) > 0) {
			items = append(items, t.SeriesInk(i+off).Render("↗")+" arrows on "+s.Name)
		}
	}
	if g := p.Region; g != nil {
		// The scale's name: the region's Label; else the probability of
		// class 1 where the plot has classes; else just "value".
		name := g.Label
		if name == "" {
			name = "value"
			for _, s := range p.Series {
				switch {
				case len(s.ClassNames) > 1:
					name = "p(" + s.ClassNames[1] + ")"
				case len(s.Classes) > 0 && name == "value":
					name = "p(class 1)"
				}
			}
		}
		switch {
		case g.Classes > 2 && t.NoColor:
			items = append(items, "digits: region's class")
		case g.Classes > 2:
			items = append(items, "background: region's class")
		case t.NoColor:
			items = append(items, "· "+name+" ≥ 0.5")
		case len(t.regionShades) > 1:
			// The colour scale with its numbers: 0, 0.5 and 1.
			var lo, hi strings.Builder
			for _, k := range []int{2, 1, 0} {
				lo.WriteString(Ink{BG: t.regionShades[0][k]}.Render(" "))
				hi.WriteString(Ink{BG: t.regionShades[1][2-k]}.Render(" "))
			}
			scale := "0 " + lo.String() + " 0.5 " + hi.String() + " 1"
			if w > 0 && ansi.StringWidth(name+": "+scale) > w {
				// Too wide for one line: the name and the scale wrap
				// apart rather than be cut.
				items = append(items, name+":", scale)
			} else {
				items = append(items, name+": "+scale)
			}
		}
	}
	if p.Contour != nil && len(p.Contour.Levels) > 0 {
		lv := p.Contour.Levels
		items = append(items, "contours "+Num(lv[0])+"…"+Num(lv[len(lv)-1]))
	}
	return items
}

// dashGlyph draws a dash pattern as n braille cells along one dot row:
// the legend shows the line as it is drawn.
func dashGlyph(pat []int, n int) string {
	if pat == nil {
		return strings.Repeat("─", n)
	}
	n = max(n, 4)
	c := newCanvas(n, 1)
	phase := 0
	c.dashLine(0, 1, 2*n-1, 1, Ink{}, pat, &phase)
	return ansi.Strip(c.String())
}

func itoa(i int) string { return strconv.Itoa(i) }
