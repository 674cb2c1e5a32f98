package tui

import (
	"fmt"
	"sort"
	"strconv"
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
	// minGraphW is the width below which a graph's lines (names, values,
	// gradients) are cut: a graph shares a row with other panels only
	// from this width on.
	minGraphW = 60
)

// The stage is planned once per stage size and scene shape (the panels'
// IDs, kinds and wanted heights), not on every frame: the plan is a list
// of pages, each a set of boxes placed by panel ID. The main picture
// (see scene.Panel's Priority) is placed first, at a size that depends
// only on the stage and on the picture itself, so it keeps its size from
// op to op while other panels come and go; the other panels share what is
// left and the pages that follow.

// box is one panel's place on a page, frame included.
type rect struct {
	id         string
	x, y, w, h int
}

// stagePlan is the stage's layout for one stage size and scene shape.
type stagePlan struct {
	key   string
	w, h  int
	main  string   // the main picture's ID, "" when the scene has none
	pages [][]rect // every page holds the main picture when there is room beside it
}

// panelIDs names each panel: its ID, or its kind and its title without
// digits (a title's live numbers change from op to op, its words seldom);
// a repeated name gets its index appended.
func panelIDs(panels []scene.Panel) []string {
	ids := make([]string, len(panels))
	seen := map[string]bool{}
	for i, p := range panels {
		id := p.ID
		if id == "" {
			id = string(p.Kind) + ":" + strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return -1
				}
				return r
			}, p.Title)
		}
		if seen[id] {
			id += "@" + strconv.Itoa(i)
		}
		seen[id] = true
		ids[i] = id
	}
	return ids
}

// mainPanel is the index of the scene's main picture: the panel with the
// highest Priority above 0; else the panel named prev (the main picture
// of the scene before, so that it stays the main picture while it is
// shown); else the first plot or image; −1 when there is none.
func mainPanel(panels []scene.Panel, ids []string, prev string) int {
	best := -1
	for i, p := range panels {
		if p.Priority > 0 && (best < 0 || p.Priority > panels[best].Priority) {
			best = i
		}
	}
	if best >= 0 {
		return best
	}
	for i, id := range ids {
		if prev != "" && id == prev && (panels[i].Kind == scene.KindPlot || panels[i].Kind == scene.KindImage) {
			return i
		}
	}
	for i, p := range panels {
		if p.Kind == scene.KindPlot || p.Kind == scene.KindImage {
			return i
		}
	}
	return -1
}

// shapeKey is what the plan depends on: the stage size, the main
// picture's index and the panels' shape.
func shapeKey(panels []scene.Panel, ids []string, main, w, h int, noColor, walk bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%dx%d %v %v %d|", w, h, noColor, walk, main)
	for i, p := range panels {
		fmt.Fprintf(&b, "%s %s %d %d %g %v|", ids[i], p.Kind, p.Priority, need(p, w), p.Aspect, focusedGraph(p))
	}
	return b.String()
}

// focusedGraph reports whether p is a graph with a focused node.
func focusedGraph(p scene.Panel) bool { return p.Graph != nil && p.Graph.Current >= 0 }

// planStage lays out panels in a w×h stage; prev is the main picture of
// the plan before (see mainPanel); walk is set while the learner steps op
// by op, when a graph's focused node is (or is about to be) on show.
func planStage(panels []scene.Panel, w, h int, noColor bool, prev string, walk bool) stagePlan {
	ids := panelIDs(panels)
	mi := mainPanel(panels, ids, prev)
	plan := stagePlan{key: shapeKey(panels, ids, mi, w, h, noColor, walk), w: w, h: h}
	if len(panels) == 0 || w <= 0 || h <= 0 {
		return plan
	}
	var rest []int
	for i := range panels {
		if i != mi {
			rest = append(rest, i)
		}
	}
	// The others by Priority, higher first; among equals a graph with a
	// focused node (the op being walked) first, then in scene order.
	sort.SliceStable(rest, func(a, b int) bool {
		pa, pb := panels[rest[a]], panels[rest[b]]
		if pa.Priority != pb.Priority {
			return pa.Priority > pb.Priority
		}
		return focusedGraph(pa) && !focusedGraph(pb)
	})
	if mi < 0 {
		plan.pages = gridPages(panels, ids, rest, rect{w: w, h: h})
		return plan
	}
	plan.main = ids[mi]
	if len(rest) == 0 {
		mh := h
		if k := panels[mi].Kind; k == scene.KindMatrix || k == scene.KindTable {
			// Numbers in columns do not grow: the box they need, as when
			// other panels are shown with them.
			mh, _ = mainWant(panels[mi], w, h, noColor)
		}
		plan.pages = [][]rect{{{id: ids[mi], w: w, h: mh}}}
		return plan
	}
	withGraph := walk
	for _, i := range rest {
		withGraph = withGraph || panels[i].Graph != nil
	}
	mw, mh := mainSize(panels[mi], w, h, noColor, withGraph)
	primary := rect{id: ids[mi], w: mw, h: mh}
	var regions []rect
	if w-mw >= minPanelW {
		regions = append(regions, rect{x: mw, w: w - mw, h: mh})
	}
	if h-mh >= minPanelH {
		regions = append(regions, rect{y: mh, w: w, h: h - mh})
	}
	if len(regions) == 0 {
		// No room beside the main picture: it has a page of its own and
		// the others follow on the whole stage.
		plan.pages = append([][]rect{{primary}}, gridPages(panels, ids, rest, rect{w: w, h: h})...)
		return plan
	}
	for len(rest) > 0 {
		// Each panel, in rank order, goes to the first region that still
		// holds it whole (a graph tries the widest region first); those
		// that fit nowhere wait for the next page.
		sets := make([][]int, len(regions))
		var left []int
		for _, i := range rest {
			placed := false
			for _, r := range regionOrder(panels[i], regions) {
				try := append(append([]int(nil), sets[r]...), i)
				if fitsRegion(panels, try, regions[r]) {
					sets[r], placed = try, true
					break
				}
			}
			if !placed {
				left = append(left, i)
			}
		}
		page := []rect{primary}
		for r, set := range sets {
			boxes, _ := gridFill(panels, ids, set, regions[r])
			page = append(page, boxes...)
		}
		if len(page) == 1 {
			// A panel too big for every region still gets shown, in the
			// largest one.
			big := regions[0]
			for _, r := range regions {
				if r.w*r.h > big.w*big.h {
					big = r
				}
			}
			page = append(page, rect{id: ids[left[0]], x: big.x, y: big.y, w: big.w, h: big.h})
			left = left[1:]
		}
		plan.pages = append(plan.pages, page)
		rest = left
	}
	return plan
}

// regionOrder is the order in which panel p tries the regions: a graph
// (long lines) the widest first, every other panel in the given order.
func regionOrder(p scene.Panel, regions []rect) []int {
	order := make([]int, len(regions))
	for i := range order {
		order[i] = i
	}
	if p.Kind == scene.KindGraph {
		sort.SliceStable(order, func(a, b int) bool { return regions[order[a]].w > regions[order[b]].w })
	}
	return order
}

// fitsRegion reports whether the panels at idx fit whole in region r.
func fitsRegion(panels []scene.Panel, idx []int, r rect) bool {
	if r.w < minPanelW || r.h < minPanelH {
		return false
	}
	cols, rows, shown := stageGrid(len(idx), r.w, r.h)
	if shown < len(idx) || rows*minPanelH > r.h {
		return false
	}
	if len(idx) == 1 {
		return true
	}
	sel := make([]scene.Panel, len(idx))
	for i, j := range idx {
		sel[i] = panels[j]
		if sel[i].Kind == scene.KindGraph && r.w/cols < minGraphW {
			return false // a graph shares a region only when it keeps its width
		}
	}
	return rowsWant(sel, cols, r.w) <= r.h
}

// mainSize is the main picture's size, frame included: the height it asks
// for (most of the stage, leaving a row of panels below when there is room
// for one) and, when it keeps an aspect or does not need the whole width,
// the width that leaves a column of panels beside it.
//
// On a short stage (below tightH rows) the main picture keeps the whole
// width, where its legend wraps least, unless a graph is shown or walked
// op by op: the focused node then gets the column beside it. A main
// matrix or table always keeps the whole width.
func mainSize(p scene.Panel, w, h int, noColor, withGraph bool) (mw, mh int) {
	mh, natW := mainWant(p, w, h, noColor)
	if withGraph && h >= tightH {
		// The graph walked op by op shares the stage: the main picture
		// leaves it a little more than a plain panel, so that its boxes
		// fit beside the focused node's numbers.
		mh = min(mh, max(minChartH+2, h*graphShare/20))
	}
	if h-mh < minPanelH {
		mh = h
	}
	mw = w
	switch {
	case p.Aspect > 0 && p.Kind == scene.KindPlot:
		// The data area is the panel less its frame, axis labels and
		// legend; a cell is about twice as tall as it is wide.
		rows := max(1, mh-2-plotChrome(p, w))
		mw = min(w, max(minPanelW, int(float64(rows)*2*p.Aspect+0.5)+plotChromeW+2))
		return mw, mh
	case h < tightH && !withGraph:
		return w, mh
	case p.Kind == scene.KindMatrix || p.Kind == scene.KindTable:
		// Numbers in columns are cut where the box ends: the main table
		// keeps the whole width, whatever its columns at this moment.
		return w, mh
	case natW > 0:
		mw = min(w, max(minPanelW, natW))
	default:
		mw = max(minPanelW, w*3/5)
	}
	if w-mw < minPanelW {
		mw = w
	}
	return mw, mh
}

// plotChromeW is the columns a plot spends left of its data (y tick labels
// and axis); tightH is the stage height below which the main picture
// keeps the whole width.
const (
	plotChromeW = 7
	tightH      = 18
	// graphShare is the twentieths of the stage's height the main picture
	// keeps at most while a graph is shown or walked.
	graphShare = 11
)

// plotChrome is the lines plot panel p spends outside its data area at
// width w (axis title, x axis and ticks, legend), as widget.Measure counts
// them: its minimum less the four data rows it includes.
func plotChrome(p scene.Panel, w int) int {
	minH, _ := widget.Measure(p, max(1, w-2), measureTheme)
	return max(2, minH-4)
}

// mainWant is the height the main picture asks for, frame included, and
// the width it needs (0: it can use any width).
func mainWant(p scene.Panel, w, h int, noColor bool) (mh, natW int) {
	switch {
	case p.Kind == scene.KindImage && p.Image != nil:
		nh, nw := imageSize(p.Image, noColor)
		return min(h, max(minPanelH, nh)), nw
	case p.Kind == scene.KindPlot && p.Aspect > 0:
		// A plane needs rows to be drawn round.
		return min(h, max(min(36, max(minChartH+2, h*3/5)), plotChrome(p, w)+2+12)), 0
	case p.Kind == scene.KindPlot:
		// Most of the stage, and ten rows of data besides its legend.
		return min(h, max(min(30, max(minChartH, h*3/5)), plotChrome(p, w)+2+10)), 0
	}
	if n := need(p, w); n > 0 {
		return min(h, max(minPanelH, n)), 0
	}
	return min(h, max(minChartH, h*3/5)), 0
}

// imageSize is the size, frame included, at which the image widget draws
// im at full scale: a line per pixel row and two columns per pixel when
// labelled (or without colour), else half blocks, two pixel rows a line.
func imageSize(im *scene.Image, noColor bool) (h, w int) {
	labelled := len(im.RowLabels) > 0
	rows, pw := im.Rows, 2
	if !labelled && !noColor && im.Rows > 16 {
		rows, pw = (im.Rows+1)/2, 1
	}
	extra := 2 + 1 // frame, colour scale
	if len(im.ColLabels) > 0 {
		extra++
	}
	if len(im.Captions) > 0 {
		extra++
	}
	rl := 0
	for _, l := range im.RowLabels {
		rl = max(rl, min(8, len([]rune(l)))+1)
	}
	return rows + extra, len(im.Tiles)*(im.Cols*pw+1) - 1 + rl + 2
}

// gridPages lays out the panels at idx on pages of region r.
func gridPages(panels []scene.Panel, ids []string, idx []int, r rect) [][]rect {
	var pages [][]rect
	for len(idx) > 0 {
		boxes, n := gridFill(panels, ids, idx, r)
		if n == 0 {
			boxes, n = []rect{{id: ids[idx[0]], x: r.x, y: r.y, w: r.w, h: r.h}}, 1
		}
		pages = append(pages, boxes)
		idx = idx[n:]
	}
	return pages
}

// gridFill places as many of the panels at idx (in order) as fit in
// region r, in a grid, and says how many it placed.
func gridFill(panels []scene.Panel, ids []string, idx []int, r rect) ([]rect, int) {
	if r.w < minPanelW || r.h < minPanelH || len(idx) == 0 {
		return nil, 0
	}
	cols, _, shown := stageGrid(len(idx), r.w, r.h)
	// Keep only the panels whose wanted heights fit: rows share the height
	// in proportion to what they ask, and a row below its minimum is
	// dropped to the next page.
	for shown > 0 {
		sel := make([]scene.Panel, shown)
		for i := range shown {
			sel[i] = panels[idx[i]]
		}
		rows := (shown + cols - 1) / cols
		if rows*minPanelH <= r.h && (shown == 1 || rowsWant(sel, cols, r.w) <= r.h) {
			hs := rowHeights(sel, cols, rows, shown, r.w, r.h)
			var out []rect
			y := r.y
			for row := range rows {
				first := row * cols
				inRow := min(cols, shown-first)
				x := r.x
				for i := range inRow {
					pw := r.w / inRow
					if i == inRow-1 {
						pw = r.w - pw*(inRow-1)
					}
					out = append(out, rect{id: ids[idx[first+i]], x: x, y: y, w: pw, h: hs[row]})
					x += pw
				}
				y += hs[row]
			}
			return out, shown
		}
		shown--
	}
	return nil, 0
}

// rowsWant is the height the panels ask for in a grid of cols columns:
// the sum over rows of the row's tallest ask (a plot or image asks for
// minChartH). A region shows fewer panels whole rather than more cut.
func rowsWant(panels []scene.Panel, cols, w int) int {
	total := 0
	for first := 0; first < len(panels); first += cols {
		row := minPanelH
		for _, p := range panels[first:min(len(panels), first+cols)] {
			n := need(p, w/cols)
			if n == 0 {
				n = minChartH
			}
			row = max(row, n)
		}
		total += row
	}
	return total
}

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

// pageOf is the index of the plan's page showing the panel named anchor
// (the first page when no page does).
func (pl stagePlan) pageOf(anchor string) int {
	if anchor == "" {
		return 0
	}
	for i, pg := range pl.pages {
		for _, b := range pg {
			if b.id == anchor && b.id != pl.main {
				return i
			}
		}
	}
	return 0
}

// anchor is the ID that names page i: its first panel that is not the
// main picture ("" for the first page).
func (pl stagePlan) anchor(i int) string {
	if i <= 0 || i >= len(pl.pages) {
		return ""
	}
	for _, b := range pl.pages[i] {
		if b.id != pl.main {
			return b.id
		}
	}
	return pl.pages[i][0].id
}

// mainBox is the main picture's box (ok false when the scene has none).
func (pl stagePlan) mainBox() (rect, bool) {
	if pl.main == "" || len(pl.pages) == 0 {
		return rect{}, false
	}
	for _, b := range pl.pages[0] {
		if b.id == pl.main {
			return b, true
		}
	}
	return rect{}, false
}

// renderStage draws page `page` of plan with the scene's panels in exactly
// the plan's w×h. When there are several pages, the bottom edge of the
// last box says which page this is and how to turn it.
func renderStage(c *common, panels []scene.Panel, plan stagePlan, page int) string {
	w, h := plan.w, plan.h
	if w <= 0 || h <= 0 {
		return ""
	}
	if len(panels) == 0 || len(plan.pages) == 0 {
		return widget.Fit(c.st.Muted.Render(" (nothing to show at this point)"), w, h)
	}
	page = min(max(page, 0), len(plan.pages)-1)
	ids := panelIDs(panels)
	byID := make(map[string]int, len(ids))
	for i, id := range ids {
		byID[id] = i
	}
	grid := make([][]string, h) // the stage's cells, one string per column
	for y := range grid {
		grid[y] = make([]string, w)
		for x := range grid[y] {
			grid[y][x] = " "
		}
	}
	boxes := plan.pages[page]
	last := 0
	for i, b := range boxes {
		if b.y+b.h > boxes[last].y+boxes[last].h || (b.y+b.h == boxes[last].y+boxes[last].h && b.x > boxes[last].x) {
			last = i
		}
	}
	for i, b := range boxes {
		pi, ok := byID[b.id]
		if !ok || b.w < 2 || b.h < 2 {
			continue
		}
		p := panels[pi]
		foot := ""
		if len(plan.pages) > 1 && i == last {
			foot = fmt.Sprintf("page %d/%d · . next", page+1, len(plan.pages))
		}
		s := frame(c, p.Title, foot, widget.Render(p, b.w-2, b.h-2, c.theme), b.w, b.h)
		for dy, line := range strings.Split(s, "\n") {
			if b.y+dy >= h {
				break
			}
			putLine(grid[b.y+dy], b.x, line)
		}
	}
	lines := make([]string, h)
	for y := range grid {
		lines[y] = strings.Join(grid[y], "")
	}
	return strings.Join(lines, "\n")
}

// putLine writes line (with its styles) into row from column x on: the
// first cell holds the whole line and the cells it covers are emptied,
// so that joining the row gives the line in place.
func putLine(row []string, x int, line string) {
	n := ansi.StringWidth(line)
	if x >= len(row) || n == 0 {
		return
	}
	if x+n > len(row) {
		line = ansi.Truncate(line, len(row)-x, "")
		n = ansi.StringWidth(line)
	}
	row[x] = line
	for i := x + 1; i < x+n; i++ {
		row[i] = ""
	}
}

// need is the height panel p would like at width w, frame included; 0
// means it grows with whatever room there is (plots). Tables, matrices and
// bars ask what widget.Measure says they need to show everything. An
// image asks for its full scale, no more (Measure lets it grow). A graph
// asks for every node, a rule and six lines of the focused node's detail,
// whatever the focus: Measure's pref follows the focused node's detail,
// which changes from op to op, and the graph's box should not.
func need(p scene.Panel, w int) int {
	switch {
	case p.Image != nil:
		h, _ := imageSize(p.Image, false)
		return max(minPanelH, h)
	case p.Graph != nil:
		return len(p.Graph.Nodes) + 3 + 4
	}
	_, pref := widget.Measure(p, max(1, w-2), measureTheme)
	if pref <= 0 {
		return 0
	}
	return pref + 2
}

// measureTheme is the theme panels are measured with: a theme changes
// colours and marks, not how many lines a panel takes.
var measureTheme = widget.NewTheme(true, false)

// rowHeights shares h among the rows: each row first gets what its
// neediest panel asks for (at least minPanelH), then rows with plots
// share the rest. When the asks do not fit, rows shrink in
// proportion.
func rowHeights(panels []scene.Panel, cols, rows, shown, w, h int) []int {
	hs := make([]int, rows)
	grow := make([]bool, rows)
	total, growing := 0, 0
	for r := range rows {
		hs[r] = minPanelH
		for i := r * cols; i < min(shown, (r+1)*cols); i++ {
			n := need(panels[i], w/cols)
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
		// Nothing grows (tables, images at full scale): a little room left
		// over is shared, so boxes line up with the region's edge; a lot
		// stays blank rather than padding boxes.
		if extra*3 > h {
			return hs
		}
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
// with the title in the top edge and foot, if any, in the bottom edge.
func frame(c *common, title, foot, content string, w, h int) string {
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
	bottom := fs.Render("╰" + strings.Repeat("─", max(0, w-2)) + "╯")
	if foot != "" && w >= 12 {
		f := ansi.Truncate(foot, w-6, "…")
		bottom = fs.Render("╰"+strings.Repeat("─", max(0, w-5-ansi.StringWidth(f)))) + c.st.Muted.Render(" "+f+" ") + fs.Render("─╯")
	}
	out = append(out, bottom)
	return strings.Join(out, "\n")
}
