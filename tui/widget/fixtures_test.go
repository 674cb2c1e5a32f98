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

// sum is a scene.Summary of vs with the given shape (every value kept
// when there are at most 16).
func sum(shape []int, vs ...float64) *scene.Summary {
	s := &scene.Summary{Shape: shape, Min: math.Inf(1), Max: math.Inf(-1)}
	for _, v := range vs {
		s.Mean += v / float64(len(vs))
		s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
	}
	if len(vs) <= 16 {
		s.Values = vs
	}
	return s
}

// ramp is n values from a to b.
func ramp(n int, a, b float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(max(1, n-1))
	}
	return out
}

// extraPanels are panels shaped like the lessons' own: linreg's and
// backprop's graphs, legends of many or highlighted series, loss and
// accuracy on two axes, a GAN plane and a saliency map.
func extraPanels() []scene.Panel {
	col := []int{32, 1}
	linreg := &scene.Graph{Pass: "backward", Current: 7, Nodes: []scene.GraphNode{
		{Label: "x", Shape: col, Value: "32×1, mean 0.4969", ValueNum: sum(col, ramp(32, 0, 1)...), State: scene.NodeDone},
		{Label: "dense.W", Shape: []int{1, 1}, Value: "-0.4871", Grad: "-2.706", ValueNum: sum([]int{1, 1}, -0.4871), GradNum: sum([]int{1, 1}, -2.706), State: scene.NodeDone},
		{Label: "z", Op: "matmul", Inputs: []int{0, 1}, Shape: col, Value: "32×1, mean -0.242", Grad: "32×1, mean -0.1419", ValueNum: sum(col, ramp(32, 0, -0.4871)...), GradNum: sum(col, ramp(32, -0.3, 0.02)...), State: scene.NodeDone},
		{Label: "dense.b", Shape: []int{1}, Value: "0.1404", Grad: "-4.541", ValueNum: sum([]int{1}, 0.1404), GradNum: sum([]int{1}, -4.541), State: scene.NodeDone},
		{Label: "ŷ", Op: "add", Inputs: []int{2, 3}, Shape: col, Value: "32×1, mean -0.1016", Grad: "32×1, mean -0.1419", ValueNum: sum(col, ramp(32, 0.1404, -0.3467)...), GradNum: sum(col, ramp(32, -0.3, 0.02)...), State: scene.NodeDone},
		{Label: "y", Shape: col, Value: "32×1, mean 2.012", ValueNum: sum(col, ramp(32, 1, 3)...), State: scene.NodeDone},
		{Label: "e", Op: "sub", Inputs: []int{4, 5}, Shape: col, Value: "32×1, mean -2.113", Grad: "32×1, mean -0.1321", ValueNum: sum(col, ramp(32, -0.86, -3.35)...), GradNum: sum(col, ramp(32, -0.05, -0.21)...), State: scene.NodeDone},
		{Label: "e²", Op: "square", Inputs: []int{6}, Shape: col, Value: "32×1, mean 5.686", Grad: "32×1, mean 0.03125", ValueNum: sum(col, ramp(32, 0.74, 11.2)...), GradNum: sum(col, ramp(32, 0.03125, 0.03125)...), State: scene.NodeCurrent,
			Detail: "upstream ∂L/∂e² = 32×1, mean 0.03125; ∂L/∂e = upstream × local 32×1, mean -4.226 = 32×1, mean -0.1321"},
		{Label: "L", Op: "mean", Inputs: []int{7}, Shape: []int{1}, Value: "5.686", Grad: "1", ValueNum: sum([]int{1}, 5.686), GradNum: sum([]int{1}, 1), State: scene.NodeDone},
	}}
	four := []int{4, 1}
	h4 := []int{4, 4}
	bp := &scene.Graph{Pass: "backward", Current: 13, Nodes: []scene.GraphNode{
		{Label: "x", Shape: []int{4, 2}, ValueNum: sum([]int{4, 2}, 0, 0, 0, 1, 1, 0, 1, 1), State: scene.NodeDone},
		{Label: "W1", Shape: []int{2, 4}, ValueNum: sum([]int{2, 4}, -0.526, -0.507, 0.782, 0.1, 1.22, -0.41, -0.323, 0.6), State: scene.NodeDone},
		{Label: "xW1", Op: "matmul", Inputs: []int{0, 1}, Shape: h4, ValueNum: sum(h4, ramp(16, -0.5, 1.2)...), State: scene.NodeDone},
		{Label: "b1", Shape: []int{4}, ValueNum: sum([]int{4}, -0.00025, 0.003, -0.006, 0.001), State: scene.NodeDone},
		{Label: "z1", Op: "add", Inputs: []int{2, 3}, Shape: h4, ValueNum: sum(h4, ramp(16, -0.5, 1.2)...), State: scene.NodeDone},
		{Label: "h", Op: "tanh", Inputs: []int{4}, Shape: h4, ValueNum: sum(h4, ramp(16, -0.46, 0.83)...), State: scene.NodeDone},
		{Label: "W2", Shape: []int{4, 1}, ValueNum: sum([]int{4, 1}, 0.00016, 0.275, 0.32, 0.079), State: scene.NodeDone},
		{Label: "hW2", Op: "matmul", Inputs: []int{5, 6}, Shape: four, ValueNum: sum(four, -0.0002516, 0.003473, 0.01, -0.002), State: scene.NodeDone},
		{Label: "b2", Shape: []int{1}, ValueNum: sum([]int{1}, 0.003), State: scene.NodeDone},
		{Label: "z2", Op: "add", Inputs: []int{7, 8}, Shape: four, ValueNum: sum(four, 0.0028, 0.0065, 0.013, 0.001), State: scene.NodeDone},
		{Label: "p", Op: "sigmoid", Inputs: []int{9}, Shape: four, ValueNum: sum(four, 0.5007, 0.5016, 0.5033, 0.5003), State: scene.NodeDone},
		{Label: "y", Shape: four, ValueNum: sum(four, 0, 1, 1, 0), State: scene.NodeDone},
		{Label: "e", Op: "sub", Inputs: []int{10, 11}, Shape: four, ValueNum: sum(four, 0.5007, -0.4984, -0.4967, 0.5003), State: scene.NodeDone},
		{Label: "e²", Op: "square", Inputs: []int{12}, Shape: four, ValueNum: sum(four, 0.2507, 0.2484, 0.2467, 0.2503), GradNum: sum(four, 0.25, 0.25, 0.25, 0.25), State: scene.NodeCurrent,
			Detail: "upstream ∂L/∂e² = [0.25 0.25 0.25 0.25]; ∂L/∂e = upstream × local [1.001 -0.9968 -0.9934 1.001] = [0.2503 -0.2492 -0.2483 0.2501]"},
		{Label: "L", Op: "mean", Inputs: []int{13}, Shape: []int{1}, ValueNum: sum([]int{1}, 0.2490), GradNum: sum([]int{1}, 1), State: scene.NodeDone},
	}}
	// A graph too wide for boxes: an input used by two ops in different
	// layers (a skip), as in the cnn and rnn lessons.
	skip := &scene.Graph{Pass: "forward", Current: 3, Nodes: []scene.GraphNode{
		{Label: "embeddings.E", Shape: []int{50, 16}, Value: "50×16, mean 0.001", State: scene.NodeDone},
		{Label: "tok", Shape: []int{8}, Value: "[3 17 4 9 …]", State: scene.NodeDone},
		{Label: "emb", Op: "gather", Inputs: []int{0, 1}, Shape: []int{8, 16}, Value: "8×16, mean -0.0002516", State: scene.NodeDone},
		{Label: "attn.scores", Op: "matmul_transposed", Inputs: []int{2, 2}, Shape: []int{8, 8}, Value: "8×8, mean 0.003473", State: scene.NodeCurrent},
		{Label: "attn.weights", Op: "softmax_rows", Inputs: []int{3}, Shape: []int{8, 8}, State: scene.NodePending},
		{Label: "attn.out", Op: "matmul", Inputs: []int{4, 2}, Shape: []int{8, 16}, State: scene.NodePending},
	}}
	steps := ramp(40, 0, 39)
	var loss, acc []float64
	for _, s := range steps {
		loss = append(loss, 0.69*math.Exp(-s/15)+0.05)
		acc = append(acc, 0.5+0.45*(1-math.Exp(-s/10)))
	}
	var paths []scene.Series
	for i, name := range []string{"SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"} {
		a := float64(i) * 0.4
		paths = append(paths, scene.Series{Name: name, Style: scene.Path,
			X: []float64{-1.5 + a*0.2, -1 + a*0.1, -0.5, 0.1 * a}, Y: []float64{1.5, 1 - a*0.1, 0.4, 0.1}})
	}
	var gx, gy, fx, fy []float64
	for i := range 24 {
		th := float64(i) / 24 * 2 * math.Pi
		gx, gy = append(gx, 2*math.Cos(th)), append(gy, 2*math.Sin(th))
		fx, fy = append(fx, 0.5*math.Cos(th*3)+1), append(fy, 0.3*math.Sin(th*2))
	}
	// G's gradient on the fake points: towards the ring of radius 2.
	var gdx, gdy []float64
	for i := range fx {
		r := math.Hypot(fx[i], fy[i])
		gdx, gdy = append(gdx, fx[i]/r*(2-r)), append(gdy, fy[i]/r*(2-r))
	}
	d := scene.Grid{X: scene.Range{Min: -3, Max: 3}, Y: scene.Range{Min: -3, Max: 3}, Rows: 10, Cols: 10, Label: "D(x) = p(real)"}
	for r := range 10 {
		for c := range 10 {
			rr := math.Hypot(-3+float64(c)*6/9, -3+float64(r)*6/9)
			d.Values = append(d.Values, math.Exp(-math.Pow(rr-2, 2)))
		}
	}
	sal := make([]float64, 28*28)
	for i := range sal {
		r, c := i/28, i%28
		sal[i] = math.Sin(float64(r)/4) * math.Cos(float64(c)/5) * 0.02
	}
	xs := ramp(30, 0, 1)
	var ys []float64
	hl := make([]int, 30)
	for i, x := range xs {
		ys = append(ys, 2*x+1+0.2*math.Sin(float64(i)))
		if i%3 == 0 {
			hl[i] = 1
		}
	}
	return []scene.Panel{
		{Kind: scene.KindGraph, Title: "graph linreg", Graph: linreg},
		{Kind: scene.KindGraph, Title: "graph backprop", Graph: bp},
		{Kind: scene.KindGraph, Title: "graph skip", Graph: skip},
		{Kind: scene.KindPlot, Title: "regression highlight", Plot: &scene.Plot{XLabel: "x", YLabel: "y", Series: []scene.Series{
			{Name: "points (batch highlighted)", Style: scene.Scatter, X: xs, Y: ys, Classes: hl},
			{Name: "true y = 2x + 1", Style: scene.Line, X: []float64{0, 1}, Y: []float64{1, 3}},
			{Name: "fit ŷ = W·x + b (W 1.873, b 1.052)", Style: scene.Line, X: []float64{0, 1}, Y: []float64{1.052, 2.925}},
		}}},
		{Kind: scene.KindPlot, Title: "optimizers", Plot: &scene.Plot{Series: paths}},
		{Kind: scene.KindPlot, Title: "loss and accuracy", Plot: &scene.Plot{XLabel: "step", YLabel: "loss", Y2Label: "accuracy", Series: []scene.Series{
			{Name: "loss on all points", Style: scene.Line, X: steps, Y: loss},
			{Name: "test accuracy", Style: scene.Line, X: steps, Y: acc, Axis: 1},
		}}},
		{Kind: scene.KindPlot, Title: "gan plane", Plot: &scene.Plot{Region: &d, Series: []scene.Series{
			{Name: "real", Style: scene.Scatter, X: gx, Y: gy},
			{Name: "G(z)", Style: scene.Scatter, X: fx, Y: fy, DX: gdx, DY: gdy},
		}}},
		{Kind: scene.KindPlot, Title: "classes named", Plot: &scene.Plot{Series: []scene.Series{
			{Name: "points", Style: scene.Scatter, X: xs, Y: ys, Classes: hl, ClassNames: []string{"cat", "dog"}},
		}}},
		{Kind: scene.KindPlot, Title: "word map", Plot: &scene.Plot{XLabel: "PC1", YLabel: "PC2", Series: words()}},
		{Kind: scene.KindImage, Title: "saliency", Image: &scene.Image{Rows: 28, Cols: 28, Tiles: [][]float64{sal}, Min: -0.02, Max: 0.02, Signed: true}},
	}
}

// words are three topics of labelled points, as in the embeddings
// lesson's projection.
func words() []scene.Series {
	topics := [][]string{{"cat", "dog", "horse", "cow"}, {"one", "two", "three", "four"}, {"red", "blue", "green", "grey"}}
	var out []scene.Series
	for k, ws := range topics {
		s := scene.Series{Name: []string{"animals", "numbers", "colours"}[k], Style: scene.Scatter, Labels: ws}
		for i := range ws {
			a := float64(k)*2.1 + float64(i)*0.4
			s.X = append(s.X, 2*math.Cos(a)+0.1*float64(i))
			s.Y = append(s.Y, 2*math.Sin(a)-0.2*float64(i))
		}
		out = append(out, s)
	}
	return out
}
