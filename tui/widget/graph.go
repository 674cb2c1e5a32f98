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
	// Fit the columns: the mark, the node (indent, label, op, shape),
	// the value and the gradient. When they do not fit, drop the shapes,
	// then narrow the indent, then cut the values, then the nodes.
	indent, shapes := 2, true
	var left []string
	var lw, vw, gw int
	layout := func() int {
		left = make([]string, n)
		lw, vw, gw = 0, 0, 0
		for i, nd := range g.Nodes {
			s := strings.Repeat(" ", indent*min(depth[i], 6)) + nd.Label
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
			if shapes && len(nd.Shape) > 0 {
				s += " " + shapeString(nd.Shape)
			}
			left[i] = s
			lw = max(lw, ansi.StringWidth(s))
			vw = max(vw, ansi.StringWidth(nd.Value))
			if nd.Grad != "" {
				gw = max(gw, ansi.StringWidth(nd.Grad)+2)
			}
		}
		return 2 + lw + 2 + vw + 2 + gw
	}
	if layout() > w {
		shapes = false
		if layout() > w {
			indent = 1
			layout()
		}
	}
	if 2+lw+2+vw+2+gw > w {
		// Nodes first (up to 45% of the width), then values and
		// gradients share the rest, the gradient up to half of it.
		lw = min(lw, max(12, w*45/100))
		rest := max(0, w-2-lw-2)
		gw = min(gw, rest/2)
		vw = min(vw, max(0, rest-gw-2))
	}

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
		line := markInk.Render(mark) + " " + k.Render(padRight(left[i], lw)) + "  " + padRight(nd.Value, vw)
		if nd.Grad != "" && gw > 2 {
			line += "  " + t.Label.Render("∇ ") + padRight(nd.Grad, gw-2)
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
