package widget

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/dlearn/dlearn/lessons/scene"
)

// The lesson-shaped panels at the sizes they get: a quarter of a 120×40
// screen, a half, a whole; and without colour.
func TestGoldenLegible(t *testing.T) {
	for _, nc := range []bool{false, true} {
		th := NewTheme(true, nc)
		for _, p := range extraPanels() {
			for _, s := range [][2]int{{38, 11}, {60, 20}, {120, 30}} {
				name := fmt.Sprintf("%s/%dx%d", strings.ReplaceAll(p.Title, " ", "_"), s[0], s[1])
				if nc {
					name = "nocolor/" + name
				}
				t.Run(name, func(t *testing.T) {
					golden.RequireEqual(t, []byte(ansi.Strip(Render(p, s[0], s[1], th))))
				})
			}
		}
	}
}

// identifiers are the texts of a panel that name something: graph node
// names ("z = matmul(x, dense.W)") and legend entries.
func identifiers(p scene.Panel) []string {
	var ids []string
	if g := p.Graph; g != nil {
		for i := range g.Nodes {
			ids = append(ids, nodeName(g, i))
		}
	}
	if pl := p.Plot; pl != nil {
		for _, s := range pl.Series {
			if s.Name != "" {
				ids = append(ids, s.Name)
			}
			ids = append(ids, s.ClassNames...)
		}
	}
	return ids
}

// cutShort reports the first identifier that out shows cut short: a
// proper prefix of it (of two characters or more) followed by "…".
func cutShort(out string, ids []string) string {
	for _, id := range ids {
		r := []rune(id)
		for k := 2; k < len(r); k++ {
			if strings.Contains(out, string(r[:k])+"…") {
				return id
			}
		}
	}
	return ""
}

// No node name or legend entry is cut short at 80, 120 and 200 columns,
// and every legend entry is shown in full. Node names also stay whole in
// the graph panel a 120×40 screen gives (38×11).
func TestNoIdentifierCut(t *testing.T) {
	for _, nc := range []bool{false, true} {
		th := NewTheme(true, nc)
		for _, p := range append(samplePanels(), extraPanels()...) {
			sizes := [][2]int{{80, 24}, {120, 40}, {200, 60}}
			if p.Graph != nil {
				sizes = append(sizes, [2]int{38, 11})
			}
			for _, s := range sizes {
				out := ansi.Strip(Render(p, s[0], s[1], th))
				// A name wider than the panel cannot be whole.
				// A name wider than the panel cannot be whole: its cut is
				// left out of the scan.
				var ids []string
				for _, id := range identifiers(p) {
					if ansi.StringWidth(id) <= s[0]-2 {
						ids = append(ids, id)
						continue
					}
					r := []rune(id)
					for k := len(r) - 1; k >= 2; k-- {
						out = strings.ReplaceAll(out, string(r[:k])+"…", "")
					}
				}
				if id := cutShort(out, ids); id != "" {
					t.Errorf("%s at %v (nocolor %v): %q cut short:\n%s", p.Title, s, nc, id, out)
				}
				if p.Plot == nil {
					continue
				}
				flat := strings.Join(strings.Fields(out), " ")
				for _, id := range ids {
					if !strings.Contains(flat, strings.Join(strings.Fields(id), " ")) {
						t.Errorf("%s at %v (nocolor %v): legend entry %q missing:\n%s", p.Title, s, nc, id, out)
					}
				}
			}
		}
	}
	// The scan itself finds a cut name.
	if cutShort("✓ z = matmul(x, d…  32×1", []string{"z = matmul(x, dense.W)"}) == "" {
		t.Error("cutShort misses a cut name")
	}
}

// The focused node's name, shape, value and gradient are shown in full
// at every width from 24 columns, wrapped rather than cut.
func TestGraphFocusedDetail(t *testing.T) {
	th := NewTheme(true, false)
	for _, p := range extraPanels() {
		g := p.Graph
		if g == nil {
			continue
		}
		nd := g.Nodes[g.Current]
		want := []string{nodeName(g, g.Current), shapeString(nd.Shape), fullValue(nd.ValueNum, nd.Value, false)}
		if nd.GradNum != nil || nd.Grad != "" {
			want = append(want, fullValue(nd.GradNum, nd.Grad, false))
		}
		for _, w := range []int{24, 38, 60, 120} {
			out := ansi.Strip(Render(p, w, 12, th))
			flat := strings.Join(strings.Fields(out), " ")
			for _, s := range want {
				if !strings.Contains(flat, strings.Join(strings.Fields(s), " ")) {
					t.Errorf("%s at %d columns: %q not shown:\n%s", p.Title, w, s, out)
				}
			}
		}
	}
}

// Small graphs are drawn as boxes with arrows when they fit; a graph with
// a skipped layer, or a panel too small, gets the list. Where framed boxes
// do not fit, one-line boxes do: with values when they fit, else with
// names only, and those only where the list would have to scroll; the
// chain rule beside a diagram is whole.
func TestGraphBoxesOrList(t *testing.T) {
	th := NewTheme(true, false)
	ps := extraPanels()
	framed := func(out string) bool { return strings.Contains(out, "─▶│") || strings.Contains(out, "─▶┃") }
	oneLine := func(out string) bool { return strings.Contains(out, "▶[") }
	for _, c := range []struct {
		panel        int
		w, h         int
		boxes, lined bool
		cut          bool // the chain rule is shortened (as the list would)
	}{
		{0, 120, 20, true, false, false}, {1, 120, 30, true, false, false}, {1, 100, 30, true, false, false},
		{0, 60, 20, false, true, false}, {1, 60, 20, false, true, false},
		{0, 38, 11, false, true, true}, {0, 30, 11, false, false, true}, {2, 120, 30, false, false, false},
	} {
		out := ansi.Strip(Render(ps[c.panel], c.w, c.h, th))
		if framed(out) != c.boxes || oneLine(out) != c.lined {
			t.Errorf("%s at %dx%d: framed boxes %v, one-line boxes %v; want %v, %v:\n%s", ps[c.panel].Title, c.w, c.h, framed(out), oneLine(out), c.boxes, c.lined, out)
		}
		if chainRuleCut(out) != c.cut {
			t.Errorf("%s at %dx%d: chain rule shortened %v, want %v:\n%s", ps[c.panel].Title, c.w, c.h, !c.cut, c.cut, out)
		}
	}
	// One-line boxes hold values where they fit: linreg at 60×20 (going
	// backward, the gradient); backprop at 60×20 only names.
	if out := ansi.Strip(Render(ps[0], 60, 20, th)); !strings.Contains(out, "[✓ dense.W  ∇ ") {
		t.Errorf("linreg at 60×20: no gradient in the one-line boxes:\n%s", out)
	}
	if out := ansi.Strip(Render(ps[1], 60, 20, th)); !strings.Contains(out, "[✓ xW1 = matmul]") {
		t.Errorf("backprop at 60×20: the one-line boxes do not hold the names alone:\n%s", out)
	}
	// Where the list shows every node with its values, it is preferred
	// to boxes of names only: linreg at 36×20, where names-only boxes
	// would fit.
	if _, ok := graphBoxes(ps[0].Graph, ps[0].Graph.Current, 36, 20, false, th); !ok {
		t.Fatal("linreg's names-only boxes do not fit at 36×20")
	}
	if out := ansi.Strip(Render(ps[0], 36, 20, th)); oneLine(out) || framed(out) || !strings.Contains(out, "✓ dense.W") {
		t.Errorf("linreg at 36×20: boxes of names only where the list shows every node:\n%s", out)
	}
	// In the diagram every op's box has an arrow into it.
	out := ansi.Strip(Render(ps[0], 120, 20, th))
	if n := strings.Count(out, "▶│") + strings.Count(out, "▶┃"); n != 5 {
		t.Errorf("linreg: %d arrow heads into boxes, want 5 (one per op):\n%s", n, out)
	}
}

// chainRuleCut reports whether a drawn graph shortens the chain rule
// text above its rule line with "…".
func chainRuleCut(out string) bool {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "─ ") && i > 0 {
			return strings.HasSuffix(strings.TrimRight(lines[i-1], " "), "…")
		}
	}
	return false
}

// The list cuts values before names: at a width where every name fits
// but not every value, all names are whole.
func TestGraphListNamesFirst(t *testing.T) {
	th := NewTheme(true, false)
	p := extraPanels()[1]
	g := *p.Graph
	g.Current = -1
	g.Nodes = append([]scene.GraphNode(nil), g.Nodes...)
	for i := range g.Nodes {
		g.Nodes[i].State = scene.NodeDone
	}
	p.Graph = &g
	for _, w := range []int{24, 30, 40} {
		out := ansi.Strip(Render(p, w, 20, th))
		for i := range g.Nodes {
			if !strings.Contains(out, nodeName(&g, i)) {
				t.Errorf("at %d columns %q is not whole:\n%s", w, nodeName(&g, i), out)
			}
		}
	}
}

// Legends wrap instead of cutting: all six optimizers at 40 columns.
func TestLegendWraps(t *testing.T) {
	p := extraPanels()[4]
	for _, nc := range []bool{false, true} {
		out := ansi.Strip(Render(p, 40, 16, NewTheme(true, nc)))
		for _, s := range p.Plot.Series {
			if !strings.Contains(out, s.Name) {
				t.Errorf("nocolor %v: %q not in the legend:\n%s", nc, s.Name, out)
			}
		}
	}
	// When even wrapping cannot show everything, the legend says so.
	lines := wrapItems([]string{"aaaa", "bbbb", "cccc", "dddd"}, 12, 1)
	if len(lines) != 1 || !strings.Contains(lines[0], "more") {
		t.Errorf("wrapItems over budget: %q", lines)
	}
}

// The class legend appears only where the plot says the points are
// classes; a highlight is named by its series.
func TestClassLegendRule(t *testing.T) {
	th := NewTheme(true, false)
	ps := extraPanels()
	reg := ansi.Strip(Render(ps[3], 80, 20, th))
	if strings.Contains(reg, "class") {
		t.Errorf("a regression's highlight is labelled as classes:\n%s", reg)
	}
	named := ansi.Strip(Render(ps[7], 80, 20, th))
	if !strings.Contains(named, "● cat") || !strings.Contains(named, "● dog") {
		t.Errorf("class names missing:\n%s", named)
	}
	region := ansi.Strip(Render(samplePanels()[0], 80, 20, th))
	if !strings.Contains(region, "class 0") || !strings.Contains(region, "p(class 1): 0") {
		t.Errorf("a classifier's legend lacks its classes or region scale:\n%s", region)
	}
	gan := ansi.Strip(Render(ps[6], 80, 20, th))
	if strings.Contains(gan, "class") || !strings.Contains(gan, "D(x) = p(real): 0") {
		t.Errorf("the GAN legend speaks of classes or lacks its scale:\n%s", gan)
	}
}

// Without colour, nothing that colour told apart looks the same.
func TestNoColorDistinctions(t *testing.T) {
	th := NewTheme(true, true)
	ps := extraPanels()
	// GAN: real and generated points have different marks, in the plot
	// and in the legend.
	gan := ansi.Strip(Render(ps[6], 80, 20, th))
	if !strings.Contains(gan, "• real") || !strings.Contains(gan, "×↗ G(z)") {
		t.Errorf("GAN series share a mark:\n%s", gan)
	}
	area := strings.Join(strings.Split(gan, "\n")[:15], "\n")
	if !strings.Contains(area, "•") || !strings.Contains(area, "×") {
		t.Errorf("GAN points not marked by series:\n%s", gan)
	}
	// Lines: each series has its own legend glyph.
	for _, k := range []int{3, 4} {
		legend := plotLegend(ps[k].Plot, th, 0)
		seen := map[string]string{}
		for _, it := range legend {
			g := strings.Fields(it)[0]
			if other, ok := seen[g]; ok {
				t.Errorf("%s: %q and %q share the glyph %q", ps[k].Title, other, it, g)
			}
			seen[g] = it
		}
	}
	// The saliency map keeps its picture (and its sign) shrunk 1:2.
	sal := ansi.Strip(Render(ps[9], 60, 16, th))
	if strings.Count(sal, "█")+strings.Count(sal, "▓") < 4 || strings.Count(sal, "●") < 4 {
		t.Errorf("saliency map blank or unsigned without colour:\n%s", sal)
	}
}

// Axes: nice ticks (1, 2, 5 × 10^k), a range of non-negative data never
// below 0, log axes with decades only, a lone step not at −1.
func TestAxes(t *testing.T) {
	for span, want := range map[float64]float64{1: 0.5, 0.7: 0.2, 3: 1, 37: 10, 0.013: 0.005, 1200: 500} {
		if got := niceStep(span, 4); math.Abs(got-want) > want*1e-9 {
			t.Errorf("niceStep(%g, 4) = %g, want %g", span, got, want)
		}
	}
	line := func(x, y []float64, log bool) *scene.Plot {
		return &scene.Plot{LogY: log, Series: []scene.Series{{Style: scene.Line, X: x, Y: y}}}
	}
	for _, y := range [][]float64{{0.01, 0.3, 5.7}, {5.629, 6.899}, {0.05, 0.05}, {0, 1e6}} {
		fr := plotRanges(line([]float64{0, 1}, y, false), plotOpt{})
		if fr.y0 < 0 {
			t.Errorf("y %v: axis from %g", y, fr.y0)
		}
		for _, tk := range fr.yTicks(20) {
			if !nice(tk.v) {
				t.Errorf("y %v: tick %g is not 1, 2 or 5 × 10^k", y, tk.v)
			}
		}
	}
	fr := plotRanges(line([]float64{0}, []float64{0.7}, false), plotOpt{})
	if fr.x0 < 0 || fr.y0 < 0 {
		t.Errorf("one point at step 0: x from %g, y from %g", fr.x0, fr.y0)
	}
	fr = plotRanges(line([]float64{1, 2, 3}, []float64{150, 4.7e-5, 1.5e-11}, true), plotOpt{})
	for _, tk := range fr.yTicks(12) {
		if tk.v != math.Round(tk.v) {
			t.Errorf("log tick at 10^%g", tk.v)
		}
	}
	out := ansi.Strip(Render(scene.Panel{Kind: scene.KindPlot, Plot: line([]float64{1, 2, 3}, []float64{150, 4.7e-5, 1.5e-11}, true)}, 40, 16, NewTheme(true, false)))
	for _, bad := range []string{"4.7e-05", "1.5e-11", "150"} {
		if strings.Contains(out, bad) {
			t.Errorf("log axis labelled with data value %s:\n%s", bad, out)
		}
	}
	// Two units: loss and accuracy get two stacked plots, each with its
	// own axis, and accuracy is drawn.
	p := extraPanels()[5]
	out = ansi.Strip(Render(p, 60, 20, NewTheme(true, false)))
	if !strings.Contains(out, "↑ loss") || !strings.Contains(out, "↑ accuracy") {
		t.Errorf("loss and accuracy share one axis:\n%s", out)
	}
}

// nice reports whether v is 0 or 1, 2 or 5 times a power of ten (or a
// multiple of such a step, as ticks are).
func nice(v float64) bool {
	if v == 0 {
		return true
	}
	a := math.Abs(v)
	mag := math.Pow(10, math.Floor(math.Log10(a)+1e-9))
	m := a / mag
	for _, k := range []float64{1, 2, 3, 4, 5, 6, 7, 8, 9} {
		if math.Abs(m-k) < 1e-6 {
			return true
		}
	}
	for _, k := range []float64{1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 1.2, 1.4, 1.6, 1.8} {
		if math.Abs(m-k) < 1e-6 {
			return true
		}
	}
	return false
}

// The scan of colour sequences in TestNoColor can fail: with colour there
// are some.
func TestColorDetector(t *testing.T) {
	out := Render(samplePanels()[0], 60, 16, NewTheme(true, false))
	found := false
	for _, m := range sgr.FindAllStringSubmatch(out, -1) {
		if strings.Contains(m[1], "38") || strings.Contains(m[1], "48") {
			found = true
		}
	}
	if !found {
		t.Error("no colour sequence found in a colour render: the detector is broken")
	}
}

// Numbers are never split across lines when text wraps.
func TestWrapKeepsNumbers(t *testing.T) {
	s := "∂L/∂w = 5.19e-10 and g = (−1.747e-07, 0.0001186)"
	for w := 8; w < 30; w++ {
		for _, l := range wrapWords(s, w) {
			for _, f := range strings.Fields(l) {
				if !strings.Contains(s, f) {
					t.Errorf("width %d: %q is not a word of the text", w, f)
				}
			}
		}
	}
}

// Points with labels get them beside the point where they fit, and the
// legend says how many did not.
func TestPointLabels(t *testing.T) {
	p := scene.Panel{Kind: scene.KindPlot, Plot: &scene.Plot{Series: words()}}
	for _, s := range [][2]int{{80, 24}, {40, 12}, {24, 10}} {
		out := ansi.Strip(Render(p, s[0], s[1], NewTheme(true, s[0] < 80)))
		shown := 0
		for _, se := range p.Plot.Series {
			for _, l := range se.Labels {
				if strings.Contains(out, l) {
					shown++
				}
			}
		}
		if !strings.Contains(out, itoa(shown)+"/12 labelled") {
			t.Errorf("at %v %d labels are shown but the legend does not say so:\n%s", s, shown, out)
		}
		if s[0] == 80 && shown < 10 {
			t.Errorf("only %d of 12 labels at 80×24:\n%s", shown, out)
		}
	}
}

// Measure's pref is what shows a panel whole: at pref lines a graph shows
// every node and its whole chain rule (no "↑/↓ more", no "…"), and a
// plot's min keeps every legend entry; at min a graph still shows the
// focused node whole.
func TestMeasure(t *testing.T) {
	th := NewTheme(true, false)
	for _, p := range append(samplePanels(), extraPanels()...) {
		for _, w := range []int{38, 60, 120} {
			lo, pref := Measure(p, w, th)
			if lo < 1 || pref != 0 && pref < lo {
				t.Errorf("%s at %d: min %d, pref %d", p.Title, w, lo, pref)
			}
			switch p.Kind {
			case scene.KindGraph:
				out := ansi.Strip(Render(p, w, pref, th))
				g := p.Graph
				d := strings.Fields(fixMinus(g.Nodes[g.Current].Detail))
				if strings.Contains(out, " more") || len(d) > 0 && !strings.Contains(out, d[len(d)-1]) {
					t.Errorf("%s at %d×%d (pref): something hidden:\n%s", p.Title, w, pref, out)
				}
				small := strings.Join(strings.Fields(ansi.Strip(Render(p, w, lo, th))), " ")
				if !strings.Contains(small, strings.Join(strings.Fields(nodeName(g, g.Current)), " ")) {
					t.Errorf("%s at %d×%d (min): focused node not whole:\n%s", p.Title, w, lo, small)
				}
			case scene.KindPlot:
				out := ansi.Strip(Render(p, w, lo, th))
				if strings.Contains(out, " more") {
					t.Errorf("%s at %d×%d (min): legend cut:\n%s", p.Title, w, lo, out)
				}
			}
		}
	}
}

// Numbers in tables are written with a minus sign, like every other
// widget's, whatever the lesson formatted.
func TestTableMinus(t *testing.T) {
	p := scene.Panel{Kind: scene.KindTable, Table: &scene.Table{Columns: []string{"name", "value"}, Rows: [][]string{{"W", "-0.4871"}, {"e", "1e-05"}, {"x-1", "a-b"}}}}
	out := ansi.Strip(Render(p, 30, 6, NewTheme(true, true)))
	if !strings.Contains(out, "−0.4871") || !strings.Contains(out, "1e-05") || !strings.Contains(out, "x-1") || !strings.Contains(out, "a-b") {
		t.Errorf("minus signs:\n%s", out)
	}
}

// Arrows (a GAN's gradient on fake points) are drawn with heads, with
// and without colour, and the legend names them with their points' series,
// in one item: its mark and an arrow head.
func TestArrows(t *testing.T) {
	p := extraPanels()[6]
	for _, nc := range []bool{false, true} {
		out := ansi.Strip(Render(p, 80, 24, NewTheme(true, nc)))
		area := strings.Join(strings.Split(out, "\n")[:18], "\n")
		if !strings.ContainsAny(area, string(arrowHeads)) {
			t.Errorf("nocolor %v: no arrow heads:\n%s", nc, out)
		}
		if !strings.Contains(out, "↗ G(z)") || strings.Contains(out, "arrows on") {
			t.Errorf("nocolor %v: arrows not in the legend:\n%s", nc, out)
		}
	}
}

// A region's colour scale too wide for a narrow plot wraps as its name
// and its scale, 0 to 1, rather than being cut.
func TestRegionScaleWraps(t *testing.T) {
	p := extraPanels()[6]
	for _, w := range []int{26, 30} {
		out := ansi.Strip(Render(p, w, 16, NewTheme(true, false)))
		if strings.Contains(out, "…") || !strings.Contains(out, "D(x) = p(real):") || !strings.Contains(out, "0.5") {
			t.Errorf("at %d columns the scale is cut or missing:\n%s", w, out)
		}
	}
}
