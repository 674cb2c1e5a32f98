package widget

import (
	"math"

	"github.com/dlearn/dlearn/lessons/scene"
)

// samplePanels returns one panel of every kind, with deterministic data.
func samplePanels() []scene.Panel {
	var xs, ys, fit []float64
	var cls []int
	for i := range 40 {
		x := float64(i) / 39
		xs = append(xs, x)
		ys = append(ys, 2*x+1+0.3*math.Sin(float64(i)*1.7))
		fit = append(fit, 1.8*x+1.1)
		cls = append(cls, i%2)
	}
	loss := make([]float64, 30)
	steps := make([]float64, 30)
	for i := range loss {
		steps[i] = float64(i)
		loss[i] = 3 * math.Exp(-float64(i)/6)
	}
	region := scene.Grid{X: scene.Range{Min: 0, Max: 1}, Y: scene.Range{Min: 0, Max: 3}, Rows: 12, Cols: 12}
	for r := range 12 {
		for c := range 12 {
			region.Values = append(region.Values, 1/(1+math.Exp(-(float64(c)-float64(r))/2)))
		}
	}
	surf := scene.Grid{X: scene.Range{Min: -2, Max: 2}, Y: scene.Range{Min: -2, Max: 2}, Rows: 21, Cols: 21}
	for r := range 21 {
		for c := range 21 {
			x, y := -2+float64(c)/5, -2+float64(r)/5
			surf.Values = append(surf.Values, x*x+3*y*y)
		}
	}
	img := make([]float64, 28*28)
	for r := range 28 {
		for c := range 28 {
			d := math.Hypot(float64(r)-14, float64(c)-14)
			img[r*28+c] = math.Max(0, 1-math.Abs(d-8)/3)
		}
	}
	att := []float64{0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4}
	return []scene.Panel{
		{Kind: scene.KindPlot, Title: "fit", Plot: &scene.Plot{XLabel: "x", YLabel: "y", Region: &region, Series: []scene.Series{
			{Name: "data", Style: scene.Scatter, X: xs, Y: ys, Classes: cls},
			{Name: "fit", Style: scene.Line, X: xs, Y: fit},
		}}},
		{Kind: scene.KindPlot, Title: "loss", Plot: &scene.Plot{XLabel: "step", YLabel: "loss", LogY: true, Series: []scene.Series{
			{Name: "loss", Style: scene.Line, X: steps, Y: loss},
		}}},
		{Kind: scene.KindPlot, Title: "surface", Plot: &scene.Plot{Contour: &scene.Contour{Grid: surf, Levels: []float64{0.5, 1, 2, 4, 8}}, Series: []scene.Series{
			{Name: "path", Style: scene.Path, X: []float64{1.8, 1.2, 0.7, 0.3}, Y: []float64{1.5, 0.6, 0.2, 0.05}},
		}}},
		{Kind: scene.KindMatrix, Title: "W", Matrix: &scene.Matrix{Rows: 2, Cols: 3, Values: []float64{0.5, -1.25, 0.01, 2, -0.3, 0}, Grads: []float64{0.1, -0.02, 0.003, -1, 0.5, 0},
			RowLabels: []string{"h1", "h2"}, ColLabels: []string{"x1", "x2", "x3"}, Highlight: []scene.Cell{{Row: 0, Col: 1}}}},
		{Kind: scene.KindGraph, Title: "graph", Graph: &scene.Graph{Pass: "backward", Current: 3, Nodes: []scene.GraphNode{
			{Label: "x", Value: "0.50", State: scene.NodeDone},
			{Label: "w", Value: "1.20", Grad: "−0.42", State: scene.NodeDone},
			{Label: "ŷ", Op: "mul", Inputs: []int{0, 1}, Value: "0.60", Grad: "−0.84", State: scene.NodeDone},
			{Label: "L", Op: "mse", Inputs: []int{2}, Value: "0.18", Grad: "1", State: scene.NodeCurrent,
				Detail: "∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂w = −0.84 × 0.50 = −0.42"},
		}}},
		{Kind: scene.KindImage, Title: "digit", Image: &scene.Image{Rows: 28, Cols: 28, Tiles: [][]float64{img, img}, Captions: []string{"a", "b"}, Min: 0, Max: 1}},
		{Kind: scene.KindImage, Title: "attention", Image: &scene.Image{Rows: 3, Cols: 3, Tiles: [][]float64{att}, Min: 0, Max: 1, RowLabels: []string{"the", "cat", "sat"}, ColLabels: []string{"t", "c", "s"}}},
		{Kind: scene.KindBars, Title: "probs", Bars: &scene.Bars{Labels: []string{"0", "1", "2", "3"}, Values: []float64{0.1, 0.6, -0.2, 0.1}, Highlight: 1}},
		{Kind: scene.KindTable, Title: "params", Table: &scene.Table{Columns: []string{"name", "value", "grad"}, Rows: [][]string{{"w", "1.20", "−0.42"}, {"b", "0.30", "0.10"}}}},
	}
}
