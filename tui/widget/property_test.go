package widget

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"pgregory.net/rapid"

	"github.com/dlearn/dlearn/lessons/scene"
)

// anyFloat is a float that is sometimes NaN, ±Inf, huge or tiny.
func anyFloat(t *rapid.T, label string) float64 {
	return rapid.SampledFrom([]float64{0, 1, -1, 0.5, -3.25e-7, 4.2e9, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, 123.456}).Draw(t, label)
}

var names = []string{"", "x", "dense.W", "e²", "ŷ", "attn.scores", "长名字", "a very long node name indeed", "🙂"}

// Random graphs (bad input indices, cycles, wide names, NaN summaries)
// and random plots (ragged, NaN, labels, two axes) at random sizes render
// exactly w×h, under every theme, without a panic.
func TestRenderProperty(t *testing.T) {
	themes := []*Theme{NewTheme(true, false), NewTheme(false, false), NewTheme(true, true)}
	rapid.Check(t, func(t *rapid.T) {
		var p scene.Panel
		if rapid.Bool().Draw(t, "graph") {
			n := rapid.IntRange(0, 18).Draw(t, "n")
			g := &scene.Graph{Current: rapid.IntRange(-2, n+1).Draw(t, "current"), Pass: rapid.SampledFrom([]string{"", "forward", "backward"}).Draw(t, "pass")}
			for i := range n {
				nd := scene.GraphNode{Label: rapid.SampledFrom(names).Draw(t, "label"),
					State: rapid.SampledFrom([]scene.NodeState{scene.NodeDone, scene.NodePending, scene.NodeCurrent}).Draw(t, "state")}
				if rapid.Bool().Draw(t, "op") {
					nd.Op = rapid.SampledFrom(names).Draw(t, "opname")
					for range rapid.IntRange(0, 3).Draw(t, "ninputs") {
						nd.Inputs = append(nd.Inputs, rapid.IntRange(-1, n).Draw(t, "input"))
					}
				}
				if rapid.Bool().Draw(t, "num") {
					vs := make([]float64, rapid.IntRange(0, 20).Draw(t, "nvals"))
					for k := range vs {
						vs[k] = anyFloat(t, "v")
					}
					nd.ValueNum = &scene.Summary{Shape: []int{len(vs)}, Mean: anyFloat(t, "mean"), Min: anyFloat(t, "min"), Max: anyFloat(t, "max"), Values: vs}
					nd.GradNum = nd.ValueNum
				} else {
					nd.Value, nd.Grad = "32×1, mean -0.25", "[-1 2 -3 4]"
				}
				if rapid.Bool().Draw(t, "detail") {
					nd.Detail = strings.Repeat("upstream ∂L/∂z = 5.19e-10 × local [0.2 −0.3] ", rapid.IntRange(1, 6).Draw(t, "dl"))
				}
				_ = i
				g.Nodes = append(g.Nodes, nd)
			}
			p = scene.Panel{Kind: scene.KindGraph, Graph: g}
		} else {
			pl := &scene.Plot{LogY: rapid.Bool().Draw(t, "log"), YLabel: "y", Y2Label: "acc"}
			for si := range rapid.IntRange(0, 8).Draw(t, "nseries") {
				s := scene.Series{Name: rapid.SampledFrom(names).Draw(t, "sname"),
					Style: rapid.SampledFrom([]scene.SeriesStyle{scene.Line, scene.Scatter, scene.Path}).Draw(t, "style"),
					Axis:  rapid.IntRange(0, 1).Draw(t, "axis")}
				for range rapid.IntRange(0, 30).Draw(t, "npoints") {
					s.X = append(s.X, anyFloat(t, "x"))
					s.Y = append(s.Y, anyFloat(t, "y"))
					s.Classes = append(s.Classes, rapid.IntRange(-1, 12).Draw(t, "class"))
					s.Labels = append(s.Labels, rapid.SampledFrom(names).Draw(t, "plabel"))
				}
				if rapid.Bool().Draw(t, "ragged") && len(s.Y) > 0 {
					s.Y = s.Y[:len(s.Y)-1]
				}
				if si%2 == 0 {
					s.ClassNames = []string{"a", "b"}
				}
				pl.Series = append(pl.Series, s)
			}
			if rapid.Bool().Draw(t, "region") {
				pl.Region = &scene.Grid{X: scene.Range{Min: -1, Max: 1}, Y: scene.Range{Min: -1, Max: 1}, Rows: 3, Cols: 3,
					Values: []float64{0, 0.5, 1, math.NaN(), 0.2, 0.8, 1, 0, 0.4}, Classes: rapid.IntRange(0, 4).Draw(t, "rclasses")}
			}
			p = scene.Panel{Kind: scene.KindPlot, Plot: pl}
		}
		w, h := rapid.IntRange(1, 200).Draw(t, "w"), rapid.IntRange(1, 60).Draw(t, "h")
		th := themes[rapid.IntRange(0, 2).Draw(t, "theme")]
		out := Render(p, w, h, th)
		lines := strings.Split(out, "\n")
		if len(lines) != h {
			t.Fatalf("%d lines, want %d", len(lines), h)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) != w {
				t.Fatalf("a line is %d wide, want %d: %q", ansi.StringWidth(l), w, l)
			}
		}
	})
}
