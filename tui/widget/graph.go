package widget

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// renderGraph draws a computation graph in one of two ways, under the
// focused node's detail:
//
//   - as boxes joined by arrows, one column per layer (inputs on the left),
//     when the graph is small and every box with its full name fits
//     beside the whole chain rule: framed boxes, or one-line boxes where
//     the framed ones do not fit; boxes with values first, then the list
//     when it shows every node, then boxes with names only;
//   - otherwise as a layered list: one line per node in forward order,
//     indented by depth, with a state mark (✓ done, ▶ current, · pending),
//     its op and inputs, value and gradient. When the columns do not fit,
//     shapes go first, then the indent, then values are shortened (a mean
//     instead of every number), then value and gradient share one column
//     (the gradient where there is one), then only values are shown, then
//     none: names go last.
//
// The focused (current) node's detail comes first: its full name, op,
// inputs and shape, its value and gradient in numbers, and the chain
// rule of the pass, wrapped (never cut inside a number); only the chain
// rule is shortened, with a visible "…", when the panel is too short.
func renderGraph(g *scene.Graph, w, h int, t *Theme) string {
	n := len(g.Nodes)
	if n == 0 {
		return t.Muted.Render("(empty graph)")
	}
	cur := g.Current
	if cur < 0 || cur >= n {
		cur = -1
		for i, nd := range g.Nodes {
			if nd.State == scene.NodeCurrent {
				cur = i
				break
			}
		}
	}
	var ident, text []string
	if cur >= 0 {
		ident, text = graphDetail(g, cur, w, t)
	}
	head := "─ "
	if g.Pass != "" {
		head += g.Pass + " pass "
	}
	if cur >= 0 {
		head += "· node " + itoa(cur+1) + "/" + itoa(n) + " "
	}
	sep := t.Axis.Render(head + strings.Repeat("─", max(0, w-ansi.StringWidth(head))))

	// The list or diagram gets what the focused node's identity leaves;
	// the chain rule text takes what the list does not need, at least one
	// line, ended by "…" when it is shortened (at a space, so that no
	// number is cut). The diagram is drawn when it fits beside the whole
	// chain rule.
	room := h - len(ident) - 1
	if cur < 0 {
		room = h - 1
	}
	// The diagram comes first when its boxes hold values; the list when it
	// shows every node (with its values); a diagram of names only when
	// the list would have to scroll. Where nothing fits beside the whole
	// chain rule, the list keeps at least a line of it, and a diagram that
	// fits with as many lines is drawn instead, since it shows every node.
	listText := min(len(text), max(min(1, room-1), room-n))
	var body []string
	boxes := func(values bool, lines int) bool {
		if room-lines < 1 {
			return false
		}
		d, ok := graphBoxes(g, cur, w, room-lines, values, t)
		if ok {
			body = d
			text = shortenText(text, room-len(d), w, t)
		}
		return ok
	}
	switch {
	case boxes(true, len(text)):
	case n <= room-len(text):
	case boxes(false, len(text)), boxes(true, listText), boxes(false, listText):
	}
	if body == nil {
		text = shortenText(text, listText, w, t)
		body = graphList(g, cur, w, max(1, room-len(text)), t)
	}
	var lines []string
	if cur >= 0 {
		lines = append(lines, ident...)
		lines = append(lines, text...)
	}
	lines = append(lines, sep)
	lines = append(lines, body...)
	return strings.Join(lines, "\n")
}

// shortenText keeps the first k lines of the wrapped chain rule text,
// ending the last one kept with "…" (at a space, so that no number is
// cut) when lines are left out.
func shortenText(text []string, k, w int, t *Theme) []string {
	switch {
	case k >= len(text):
		return text
	case k <= 0:
		return nil
	}
	text = append([]string(nil), text[:k]...)
	words := strings.Fields(text[k-1])
	for len(words) > 1 && ansi.StringWidth(strings.Join(words, " "))+2 > w-2 {
		words = words[:len(words)-1]
	}
	text[k-1] = "  " + strings.Join(words, " ") + t.Muted.Render(" …")
	return text
}

// nodeName is "label = op(inputs)", or the label of a leaf.
func nodeName(g *scene.Graph, i int) string {
	nd := g.Nodes[i]
	if nd.Op == "" {
		return nd.Label
	}
	names := make([]string, 0, len(nd.Inputs))
	for _, in := range nd.Inputs {
		if in >= 0 && in < len(g.Nodes) {
			names = append(names, g.Nodes[in].Label)
		} else {
			names = append(names, "?")
		}
	}
	return nd.Label + " = " + nd.Op + "(" + strings.Join(names, ", ") + ")"
}

// graphDetail returns the focused node's identity lines (name, value,
// gradient) and the wrapped chain rule of the pass.
func graphDetail(g *scene.Graph, cur, w int, t *Theme) (ident, text []string) {
	nd := g.Nodes[cur]
	ww := max(8, w-2)
	name := nodeName(g, cur)
	shape := nd.Shape
	if len(shape) == 0 && nd.ValueNum != nil {
		shape = nd.ValueNum.Shape
	}
	if len(shape) > 0 {
		name += "  " + shapeString(shape)
	}
	for i, l := range wrapWords(name, ww) {
		if i == 0 {
			ident = append(ident, t.Accent.Render("▶")+" "+t.Label.Render(l))
		} else {
			ident = append(ident, "  "+t.Label.Render(l))
		}
	}
	field := func(tag string, forms ...string) {
		v := ""
		for _, f := range forms {
			if f != "" {
				v = f
				if ansi.StringWidth(f) <= ww-len([]rune(tag)) {
					break
				}
			}
		}
		if v == "" {
			return
		}
		for i, l := range wrapWords(v, ww-len([]rune(tag))) {
			if i == 0 {
				ident = append(ident, "  "+t.Muted.Render(tag)+l)
			} else {
				ident = append(ident, "  "+strings.Repeat(" ", len([]rune(tag)))+l)
			}
		}
	}
	// Value and gradient on one line when they fit, else a line each.
	gv := fullValue(nd.GradNum, nd.Grad, false)
	one := ""
	for _, long := range []bool{true, false} {
		v := fullValue(nd.ValueNum, nd.Value, long)
		if v == "" || gv == "" {
			break
		}
		if s := v + "   " + t.Muted.Render("grad ") + gv; ansi.StringWidth(s)+6 <= ww {
			one = s
			break
		}
	}
	if one != "" {
		ident = append(ident, "  "+t.Muted.Render("value ")+one)
	} else {
		field("value ", fullValue(nd.ValueNum, nd.Value, true), fullValue(nd.ValueNum, nd.Value, false))
		field("grad  ", fullValue(nd.GradNum, nd.Grad, true), gv)
	}
	if nd.Detail != "" {
		for _, l := range wrapWords(fixMinus(nd.Detail), ww) {
			text = append(text, "  "+l)
		}
	}
	return ident, text
}

// fullValue spells a value out in full for the detail: every number when
// there are few, otherwise shape, mean and (when long) range.
func fullValue(s *scene.Summary, str string, long bool) string {
	if s == nil {
		return fixMinus(str)
	}
	switch {
	case len(s.Values) == 1:
		return numG(s.Values[0], 4)
	case len(s.Values) > 1:
		parts := make([]string, len(s.Values))
		for i, v := range s.Values {
			parts[i] = numG(v, 4)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	// The shape is on the node's name line.
	if !long || s.Min == s.Max {
		return "mean " + numG(s.Mean, 4)
	}
	return "mean " + numG(s.Mean, 4) + ", min " + numG(s.Min, 4) + ", max " + numG(s.Max, 4)
}

// shortValue formats a value for a list column or a box at a level of
// detail: 0 as given (up to four numbers), 1 a mean, 2 a mean in two
// digits.
func shortValue(s *scene.Summary, str string, level int) string {
	if s == nil {
		return shortString(fixMinus(str), level)
	}
	sig := []int{4, 3, 2}[min(level, 2)]
	switch n := len(s.Values); {
	case n == 1:
		return numG(s.Values[0], sig)
	case n > 1 && n <= 4 && level == 0:
		parts := make([]string, n)
		for i, v := range s.Values {
			parts[i] = numG(v, 3)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case level == 0:
		return "mean " + numG(s.Mean, sig)
	}
	return "μ " + numG(s.Mean, sig)
}

var meanRe = regexp.MustCompile(`mean (\S+)$`)

// shortString shortens a pre-formatted value: "32×1, mean 0.5" becomes
// "μ 0.5"; a bracketed list keeps its first number.
func shortString(s string, level int) string {
	if level == 0 || s == "" {
		return s
	}
	if m := meanRe.FindStringSubmatch(s); m != nil {
		return "μ " + m[1]
	}
	if strings.HasPrefix(s, "[") {
		f := strings.Fields(strings.Trim(s, "[]"))
		if len(f) > 1 {
			return "[" + f[0] + " …]"
		}
	}
	return s
}

var asciiMinus = regexp.MustCompile(`(^|[\s\[(,])-(\d|\.)`)

// fixMinus writes a number's leading ASCII minus as a minus sign, as Num
// does, so one screen does not mix the two.
func fixMinus(s string) string { return asciiMinus.ReplaceAllString(s, "${1}−${2}") }

// numG formats v with sig significant digits, a minus sign and no
// exponent noise ("1.2e-05").
func numG(v float64, sig int) string {
	if !finite(v) || v == 0 {
		return Num(v)
	}
	s := strconv.FormatFloat(v, 'g', sig, 64)
	if i := strings.Index(s, "e"); i >= 0 {
		exp := s[i+1:]
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		if len(exp) < 2 {
			exp = strings.Repeat("0", 2-len(exp)) + exp
		}
		s = s[:i] + "e" + string(sign) + exp
		s = strings.Replace(s, "e+", "e+", 1)
	}
	if strings.HasPrefix(s, "-") {
		s = "−" + s[1:]
	}
	return s
}

// wrapWords wraps s to w columns, breaking only at spaces, so that a
// number is never split; a word longer than w is cut into w-wide pieces.
func wrapWords(s string, w int) []string {
	w = max(w, 1)
	var lines []string
	cur, cw := "", 0
	for _, word := range strings.Fields(s) {
		ww := ansi.StringWidth(word)
		for ww > w {
			if cw > 0 {
				lines = append(lines, cur)
				cur, cw = "", 0
			}
			head := ansi.Truncate(word, w, "")
			if head == "" {
				// A character wider than w: it goes on a line of its own.
				head = string([]rune(word)[:1])
			}
			lines = append(lines, head)
			word = strings.TrimPrefix(word, head)
			ww = ansi.StringWidth(word)
		}
		switch {
		case ww == 0:
		case cw == 0:
			cur, cw = word, ww
		case cw+1+ww <= w:
			cur, cw = cur+" "+word, cw+1+ww
		default:
			lines = append(lines, cur)
			cur, cw = word, ww
		}
	}
	if cw > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// graphDepth is each node's depth: 0 for leaves, one more than its
// deepest input for an op.
func graphDepth(g *scene.Graph) []int {
	n := len(g.Nodes)
	depth := make([]int, n)
	for i, nd := range g.Nodes {
		for _, in := range nd.Inputs {
			if in >= 0 && in < i {
				depth[i] = max(depth[i], depth[in]+1)
			}
		}
	}
	return depth
}

// stateMark is a node's mark and inks (mark, text).
func stateMark(nd scene.GraphNode, focused bool, t *Theme) (string, Ink, Ink) {
	switch {
	case focused || nd.State == scene.NodeCurrent:
		return "▶", t.Accent, t.Accent
	case nd.State == scene.NodeDone:
		return "✓", t.Done, Ink{}
	}
	return "·", t.Pending, t.Pending
}

// graphList is the layered list in w×h; the window follows the focused
// node.
func graphList(g *scene.Graph, cur, w, h int, t *Theme) []string {
	n := len(g.Nodes)
	depth := graphDepth(g)
	type try struct {
		indent      int
		shapes      bool
		level       int
		grads, vals bool
		merged      bool // one column: the gradient where there is one, else the value
	}
	tries := []try{
		{2, true, 0, true, true, false}, {2, false, 0, true, true, false}, {1, false, 0, true, true, false},
		{0, false, 0, true, true, false}, {0, false, 1, true, true, false}, {0, false, 2, true, true, false},
		{0, false, 2, false, true, true}, {0, false, 2, false, true, false}, {0, false, 2, false, false, false},
	}
	var left, vals, grads []string
	var lw, vw, gw int
	for _, tr := range tries {
		left, vals, grads = make([]string, n), make([]string, n), make([]string, n)
		lw, vw, gw = 0, 0, 0
		for i, nd := range g.Nodes {
			s := strings.Repeat(" ", tr.indent*min(depth[i], 6)) + nodeName(g, i)
			if tr.shapes && len(nd.Shape) > 0 {
				s += " " + shapeString(nd.Shape)
			}
			left[i] = s
			lw = max(lw, ansi.StringWidth(s))
			if tr.vals {
				vals[i] = shortValue(nd.ValueNum, nd.Value, tr.level)
				if tr.merged && (nd.GradNum != nil || nd.Grad != "") {
					// Going backward the gradient is the news.
					vals[i] = "∇ " + shortValue(nd.GradNum, nd.Grad, tr.level)
				}
				vw = max(vw, ansi.StringWidth(vals[i]))
			}
			if tr.grads && (nd.GradNum != nil || nd.Grad != "") {
				grads[i] = shortValue(nd.GradNum, nd.Grad, tr.level)
				gw = max(gw, ansi.StringWidth(grads[i])+2)
			}
		}
		total := 2 + lw
		if vw > 0 {
			total += 2 + vw
		}
		if gw > 0 {
			total += 2 + gw
		}
		if total <= w {
			break
		}
	}
	// Names wider than the panel (after every other column is gone) are
	// the only thing cut, each at the panel's edge.
	lw = min(lw, max(1, w-2))
	room := max(h, 1)
	first := 0
	if n > room && cur >= 0 {
		first = min(max(0, cur-room/2), n-room)
	}
	var lines []string
	for i := first; i < min(n, first+room); i++ {
		nd := g.Nodes[i]
		mark, mk, k := stateMark(nd, i == cur, t)
		line := mk.Render(mark) + " " + k.Render(padRight(left[i], lw))
		if vw > 0 {
			line += "  " + padRight(vals[i], vw)
		}
		if gw > 0 && grads[i] != "" {
			line += "  " + t.Label.Render("∇ ") + grads[i]
		}
		lines = append(lines, line)
	}
	if more := n - (first + room); more > 0 && len(lines) > 1 {
		lines[len(lines)-1] = t.Muted.Render("  ↓ " + itoa(more+1) + " more")
	}
	if first > 0 && len(lines) > 1 {
		lines[0] = t.Muted.Render("  ↑ " + itoa(first+1) + " more")
	}
	return lines
}

// Cell link bits for drawing arrows with box-drawing characters.
const (
	linkL = 1 << iota
	linkR
	linkU
	linkD
)

var linkRunes = map[int]rune{
	linkL: '─', linkR: '─', linkL | linkR: '─', linkU: '│', linkD: '│', linkU | linkD: '│',
	linkR | linkD: '┌', linkL | linkD: '┐', linkR | linkU: '└', linkL | linkU: '┘',
	linkL | linkR | linkD: '┬', linkL | linkR | linkU: '┴', linkU | linkD | linkR: '├',
	linkU | linkD | linkL: '┤', linkL | linkR | linkU | linkD: '┼',
}

// graphBoxes draws the graph as boxes in layers, left to right, with an
// arrow from each input to its op: framed boxes when they fit, else
// one-line boxes in brackets ("[▶ z = matmul  μ 0.31]"); with values, each
// box holds the node's value (or, going backward, its gradient), else its
// name alone. It reports false when the graph does not fit in w×h with
// every name whole, or when an edge would skip a layer (then the list is
// drawn instead).
func graphBoxes(g *scene.Graph, cur, w, h int, values bool, t *Theme) ([]string, bool) {
	n := len(g.Nodes)
	if n > 16 || n < 2 {
		return nil, false
	}
	// Ranks: ops one right of their deepest input; leaves just left of
	// their first consumer.
	rank := make([]int, n)
	leaf := make([]bool, n)
	for i, nd := range g.Nodes {
		leaf[i] = nd.Op == "" && len(nd.Inputs) == 0
		for _, in := range nd.Inputs {
			if in < 0 || in >= i {
				return nil, false
			}
			if !leaf[in] {
				rank[i] = max(rank[i], rank[in]+1)
			} else {
				rank[i] = max(rank[i], 1)
			}
		}
	}
	for i := range g.Nodes {
		if !leaf[i] {
			continue
		}
		first := -1
		for j := i + 1; j < n; j++ {
			for _, in := range g.Nodes[j].Inputs {
				if in == i && (first < 0 || rank[j] < first) {
					first = rank[j]
				}
			}
		}
		rank[i] = max(0, first-1)
	}
	nr := 0
	for i, nd := range g.Nodes {
		nr = max(nr, rank[i]+1)
		for _, in := range nd.Inputs {
			if rank[in] != rank[i]-1 {
				return nil, false
			}
		}
	}
	layers := make([][]int, nr)
	for i := range g.Nodes {
		layers[rank[i]] = append(layers[rank[i]], i)
	}
	anyGrad := false
	for _, nd := range g.Nodes {
		anyGrad = anyGrad || nd.GradNum != nil || nd.Grad != ""
	}
	// Box contents at a level of value detail, in framed boxes (levels 0
	// to 3) and then in one-line boxes (4: the name and a short value, 5:
	// the name alone); widths per layer.
	levels := []int{3, 5}
	if values {
		levels = []int{0, 1, 2, 4}
	}
	for _, level := range levels {
		st := boxStyle{pad: 4, nameRow: 1}
		if level >= 4 {
			st = boxStyle{compact: true, pad: 2}
		}
		content := make([][]string, n)
		for i, nd := range g.Nodes {
			name := nd.Label
			if nd.Op != "" {
				name += " = " + nd.Op
			}
			mark, _, _ := stateMark(nd, i == cur, t)
			c := []string{mark + " " + name}
			if level == 4 {
				// One line: the value (the gradient where there is one,
				// going backward) after the name.
				v := shortValue(nd.ValueNum, nd.Value, 2)
				if gv := shortValue(nd.GradNum, nd.Grad, 2); gv != "" {
					v = "∇ " + gv
				}
				if v != "" {
					c[0] += "  " + v
				}
			}
			if level < 3 {
				v := shortValue(nd.ValueNum, nd.Value, level)
				if v == "" {
					v = " "
				}
				c = append(c, v)
				if anyGrad {
					gv := shortValue(nd.GradNum, nd.Grad, level)
					if gv != "" {
						gv = "∇ " + gv
					} else {
						gv = " "
					}
					c = append(c, gv)
				}
			}
			content[i] = c
		}
		boxH := 2 + len(content[0])
		if st.compact {
			boxH = 1
		}
		st.h = boxH
		lw := make([]int, nr)
		for r, l := range layers {
			for _, i := range l {
				for _, s := range content[i] {
					lw[r] = max(lw[r], ansi.StringWidth(s))
				}
			}
		}
		// Gaps: a stub, one trunk column per target, the arrow head.
		gaps := make([]int, nr)
		for r := range nr - 1 {
			gaps[r] = 2 + len(layers[r+1])
		}
		// Bands: as many layers side by side as fit in w; a deep graph
		// continues in a band below, its arrows marked ┈ at both ends.
		var bands [][2]int
		ok := true
		for r0 := 0; r0 < nr && ok; {
			width := 0
			if r0 > 0 {
				width = 3
			}
			r1 := r0
			for r1 < nr {
				add := lw[r1] + st.pad
				if r1 > r0 {
					add += gaps[r1-1]
				}
				right := 0
				if r1+1 < nr {
					right = 3
				}
				if width+add+right > w {
					break
				}
				width += add
				r1++
			}
			if r1 == r0 {
				ok = false
				break
			}
			bands = append(bands, [2]int{r0, r1})
			r0 = r1
		}
		if !ok || len(bands) > 3 {
			continue
		}
		if st.compact {
			// One-line boxes, a layer a band, would be a list in disguise:
			// every band but the last holds two layers at least.
			thin := false
			for _, bd := range bands[:len(bands)-1] {
				thin = thin || bd[1]-bd[0] < 2
			}
			if thin {
				continue
			}
		}
		// Framed bands are a blank line apart; one-line bands follow each
		// other, their ┈ ends joining them.
		gap := 1
		if st.compact {
			gap = 0
		}
		total := (len(bands) - 1) * gap
		heights := make([]int, len(bands))
		for b, bd := range bands {
			for r := bd[0]; r < bd[1]; r++ {
				heights[b] = max(heights[b], len(layers[r])*(boxH+1)-1)
			}
			total += heights[b]
		}
		if total > h {
			continue
		}
		var lines []string
		for b, bd := range bands {
			if b > 0 && gap > 0 {
				lines = append(lines, "")
			}
			lines = append(lines, drawBoxes(g, cur, layers, content, lw, gaps, st, bd[0], bd[1], heights[b], w, t)...)
		}
		return lines, true
	}
	return nil, false
}

// boxStyle is how graphBoxes draws a node: a framed box h lines tall
// with the name on line nameRow, or (compact) one line in brackets; pad
// is the columns a box adds to its content.
type boxStyle struct {
	compact bool
	h, pad  int
	nameRow int
}

// drawBoxes draws layers r0 to r1−1 of the graph in a band w wide.
func drawBoxes(g *scene.Graph, cur int, layers [][]int, content [][]string, lw, gaps []int, st boxStyle, r0, r1, height, w int, t *Theme) []string {
	boxH := st.h
	n := len(g.Nodes)
	c := newCanvas(w, height)
	links := make([]int, w*height)
	link := func(x, y, bits int) {
		if x >= 0 && y >= 0 && x < w && y < height {
			links[y*w+x] |= bits
		}
	}
	bx := make([]int, n) // left column of each box
	by := make([]int, n) // top row
	rankOf := make([]int, n)
	posIn := make([]int, n)
	for r, l := range layers {
		for k, i := range l {
			rankOf[i], posIn[i] = r, k
		}
	}
	inBand := func(i int) bool { return rankOf[i] >= r0 && rankOf[i] < r1 }
	x := 0
	if r0 > 0 {
		x = 3
	}
	bandEnd := 0
	for r := r0; r < r1; r++ {
		l := layers[r]
		top := (height - (len(l)*(boxH+1) - 1)) / 2
		for k, i := range l {
			bx[i], by[i] = x, top+k*(boxH+1)
		}
		x += lw[r] + st.pad
		bandEnd = x
		if r+1 < r1 {
			x += gaps[r]
		}
	}
	// Arrows: from the right side of an input along its name row to the
	// target's trunk, down or up the trunk, and into the target.
	var heads, conts [][2]int
	for j, nd := range g.Nodes {
		if len(nd.Inputs) == 0 || !inBand(j) {
			continue
		}
		r := rankOf[j]
		yj := by[j] + st.nameRow
		if r == r0 {
			// Inputs from the band above.
			for xx := 0; xx < bx[j]-1; xx++ {
				link(xx, yj, linkL|linkR)
			}
			conts = append(conts, [2]int{0, yj})
			heads = append(heads, [2]int{bx[j] - 1, yj})
			continue
		}
		trunk := bx[j] - gaps[r-1] + 1 + posIn[j]
		for _, in := range nd.Inputs {
			yi := by[in] + st.nameRow
			start := bx[in] + lw[r-1] + st.pad
			for xx := start; xx <= trunk; xx++ {
				bits := linkL | linkR
				if xx == trunk {
					bits = linkL
				}
				link(xx, yi, bits)
			}
			lo, hi := min(yi, yj), max(yi, yj)
			for yy := lo; yy <= hi && lo < hi; yy++ {
				bits := linkU | linkD
				if yy == lo {
					bits = linkD
				}
				if yy == hi {
					bits = linkU
				}
				link(trunk, yy, bits)
			}
		}
		for xx := trunk; xx < bx[j]-1; xx++ {
			bits := linkL | linkR
			if xx == trunk {
				bits = linkR
			}
			link(xx, yj, bits)
		}
		heads = append(heads, [2]int{bx[j] - 1, yj})
	}
	// Outputs to the band below.
	if r1 < len(layers) {
		for _, i := range layers[r1-1] {
			used := false
			for _, j := range layers[r1] {
				for _, in := range g.Nodes[j].Inputs {
					used = used || in == i
				}
			}
			if used {
				y := by[i] + st.nameRow
				for xx := bandEnd; xx < bandEnd+3; xx++ {
					link(xx, y, linkL|linkR)
				}
				conts = append(conts, [2]int{bandEnd + 2, y})
			}
		}
	}
	for y := range height {
		for xx := range w {
			if b := links[y*w+xx]; b != 0 {
				c.put(xx, y, linkRunes[b], t.Axis)
			}
		}
	}
	for _, hd := range conts {
		c.put(hd[0], hd[1], '┈', t.Axis)
	}
	for _, hd := range heads {
		c.put(hd[0], hd[1], '▶', t.Axis)
	}
	for i, nd := range g.Nodes {
		if !inBand(i) {
			continue
		}
		r := rankOf[i]
		bw := lw[r] + st.pad
		_, mk, k := stateMark(nd, i == cur, t)
		if st.compact {
			// [▶ name  value]: brackets, bold in the accent when focused.
			br := t.Axis
			if i == cur {
				br = Ink{FG: t.Accent.BG, Bold: true}
			} else if nd.State == scene.NodePending {
				br = t.Pending
			}
			x0, y0 := bx[i], by[i]
			mark, _, _ := stateMark(nd, i == cur, t)
			ink := k
			c.put(x0, y0, '[', br)
			c.text(x0+1, y0, strings.Repeat(" ", bw-2), Ink{})
			c.put(x0+1, y0, []rune(mark)[0], mk)
			c.text(x0+3, y0, strings.TrimPrefix(content[i][0], mark+" "), ink)
			c.put(x0+bw-1, y0, ']', br)
			continue
		}
		border := t.Axis
		tl, tr, bl, br, hz, vt := '┌', '┐', '└', '┘', '─', '│'
		if i == cur {
			tl, tr, bl, br, hz, vt = '┏', '┓', '┗', '┛', '━', '┃'
			border = Ink{FG: t.Accent.BG, Bold: true}
		} else if nd.State == scene.NodePending {
			border = t.Pending
			tl, tr, bl, br = '╭', '╮', '╰', '╯'
		}
		x0, y0 := bx[i], by[i]
		c.put(x0, y0, tl, border)
		c.put(x0+bw-1, y0, tr, border)
		c.put(x0, y0+boxH-1, bl, border)
		c.put(x0+bw-1, y0+boxH-1, br, border)
		for xx := 1; xx < bw-1; xx++ {
			c.put(x0+xx, y0, hz, border)
			c.put(x0+xx, y0+boxH-1, hz, border)
		}
		for yy := 1; yy < boxH-1; yy++ {
			c.put(x0, y0+yy, vt, border)
			c.put(x0+bw-1, y0+yy, vt, border)
			c.text(x0+1, y0+yy, strings.Repeat(" ", bw-2), Ink{})
		}
		for li, s := range content[i] {
			ink := Ink{}
			switch {
			case li == 0:
				ink = k
			case nd.State == scene.NodePending:
				ink = t.Pending
			}
			if li == 0 {
				mark, _, _ := stateMark(nd, i == cur, t)
				c.put(x0+2, y0+1, []rune(mark)[0], mk)
				c.text(x0+4, y0+1, strings.TrimPrefix(s, mark+" "), ink)
				continue
			}
			c.text(x0+2, y0+1+li, s, ink)
		}
	}
	return strings.Split(c.String(), "\n")
}

func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = itoa(d)
	}
	return "[" + strings.Join(parts, "×") + "]"
}
