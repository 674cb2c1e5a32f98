package widget

import (
	"github.com/dlearn/dlearn/lessons/scene"
)

// Measure says how many lines panel p's content (without frame or title)
// needs at width w: min, below which it loses what identifies it (a
// graph's focused node and a few nodes, a plot's legend and four rows),
// and pref, at which it shows everything. pref 0 means the panel grows
// with whatever room it gets (plots and images). A layout can give each
// panel at least min before sharing the rest.
func Measure(p scene.Panel, w int, t *Theme) (minH, pref int) {
	if w <= 0 {
		return 1, 1
	}
	switch {
	case p.Kind == scene.KindGraph && p.Graph != nil:
		return measureGraph(p.Graph, w, t)
	case p.Kind == scene.KindPlot && p.Plot != nil:
		pl := p.Plot
		top := 0
		if pl.YLabel != "" {
			top = 1
		}
		legend := len(wrapItems(plotLegend(pl, t, w), w, 100))
		one := top + 2 + legend + 4
		if hasSecondAxis(pl) {
			return max(12, 2*one), 0
		}
		return one, 0
	case p.Kind == scene.KindMatrix && p.Matrix != nil:
		n := max(0, p.Matrix.Rows) + 1
		if len(p.Matrix.Grads) > 0 {
			n += max(0, p.Matrix.Rows)
		}
		return min(n, 4), n
	case p.Kind == scene.KindTable && p.Table != nil:
		n := len(p.Table.Rows) + 2
		return min(n, 4), n
	case p.Kind == scene.KindBars && p.Bars != nil:
		n := max(1, len(p.Bars.Values))
		return min(n, 4), n
	case p.Kind == scene.KindImage && p.Image != nil:
		return 4, 0
	}
	return 1, 1
}

// measureGraph: the focused node's identity, a rule and four nodes at
// least; with the chain rule and every node (or the diagram) at best.
func measureGraph(g *scene.Graph, w int, t *Theme) (minH, pref int) {
	n := len(g.Nodes)
	if n == 0 {
		return 1, 1
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
	body := n
	if d, ok := graphBoxes(g, cur, w, 1<<10, true, t); ok {
		body = len(d)
	}
	return len(ident) + 1 + min(n, 4), len(ident) + len(text) + 1 + body
}
