package widget

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// renderGraph draws a computation graph as a layered list: one line per
// node in forward order, indented by its depth (inputs first), with its
// op and inputs, value and gradient, and a state mark (✓ done, ▶ current,
// · pending). Under the list, the current node's Detail spells out what
// the pass did there. When the list is longer than the panel, the window
// follows the current node.
func renderGraph(g *scene.Graph, w, h int, t *Theme) string {
	n := len(g.Nodes)
	if n == 0 {
		return t.Muted.Render("(empty graph)")
	}
	depth := make([]int, n)
	for i, nd := range g.Nodes {
		for _, in := range nd.Inputs {
			if in >= 0 && in < i {
				depth[i] = max(depth[i], depth[in]+1)
			}
		}
	}
	left := make([]string, n)
	lw, vw := 0, 0
	for i, nd := range g.Nodes {
		ind := strings.Repeat("  ", min(depth[i], 6))
		s := ind + nd.Label
		if nd.Op != "" {
			names := make([]string, 0, len(nd.Inputs))
			for _, in := range nd.Inputs {
				if in >= 0 && in < n {
					names = append(names, g.Nodes[in].Label)
				} else {
					names = append(names, "?")
				}
			}
			s += " = " + nd.Op + "(" + strings.Join(names, ", ") + ")"
		}
		if len(nd.Shape) > 0 {
			s += " " + shapeString(nd.Shape)
		}
		left[i] = s
		lw = max(lw, ansi.StringWidth(s))
		vw = max(vw, ansi.StringWidth(nd.Value))
	}
	// Leave the value and gradient columns their room; cut the left part.
	lw = min(lw, max(12, w-vw-16))
	vw = min(vw, max(6, (w-lw)/2))

	var detail []string
	cur := g.Current
	if cur >= 0 && cur < n && g.Nodes[cur].Detail != "" && w > 10 {
		d := ansi.Wrap(g.Nodes[cur].Detail, w-2, " ")
		detail = strings.Split(d, "\n")
		if lim := max(1, h/2-1); len(detail) > lim {
			detail = detail[:lim]
		}
	}
	head := 0
	if g.Pass != "" {
		head = 1
	}
	room := h - head
	if len(detail) > 0 {
		room -= len(detail) + 1
	}
	room = max(room, 1)
	first := 0
	if n > room && cur >= 0 {
		first = min(max(0, cur-room/2), n-room)
	}
	var lines []string
	if head == 1 {
		lines = append(lines, t.Muted.Render(g.Pass+" pass"))
	}
	for i := first; i < min(n, first+room); i++ {
		nd := g.Nodes[i]
		mark, k := "·", t.Pending
		switch {
		case i == cur || nd.State == scene.NodeCurrent:
			mark, k = "▶", t.Accent
		case nd.State == scene.NodeDone:
			mark, k = "✓", Ink{}
		}
		markInk := k
		if nd.State == scene.NodeDone && i != cur {
			markInk = t.Done
		}
		line := markInk.Render(mark) + " " + k.Render(padRight(left[i], lw))
		if nd.Value != "" {
			line += "  " + padRight(nd.Value, vw)
		} else {
			line += "  " + strings.Repeat(" ", vw)
		}
		if nd.Grad != "" {
			line += "  " + t.Label.Render("∇ ") + nd.Grad
		}
		lines = append(lines, line)
	}
	if len(detail) > 0 {
		lines = append(lines, t.Axis.Render(strings.Repeat("─", w)))
		for _, d := range detail {
			lines = append(lines, t.Label.Render(d))
		}
	}
	return strings.Join(lines, "\n")
}

func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = itoa(d)
	}
	return "[" + strings.Join(parts, "×") + "]"
}
