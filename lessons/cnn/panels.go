package cnn

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
)

// Builders of the lesson's panels from engine tensors. Every value put in
// a panel is finite: a diverged run shows no maps (see Scene).

// digitLabels are the bar labels of the ten classes.
var digitLabels = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// shapeText writes a shape as "8×28×28".
func shapeText(shape []int) string {
	s := ""
	for i, d := range shape {
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(d)
	}
	return s
}

// maxAbs returns the largest |v|, or 1 when every v is 0.
func maxAbs(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	return m
}

// mapsPanel shows item n of t [N C H W] as one tile per channel, "ch 1"
// … "ch C". Signed maps (before a ReLU, gradients) use a diverging scale
// around 0; the others run from 0 to their largest value. The panel holds
// a copy: a scene never changes once made, and t may be a step's value,
// which the next step's tape reuses (Loop.Recycle).
func mapsPanel(title string, t *tensor.Tensor, n int, signed bool) scene.Panel {
	c, h, w := t.Shape[1], t.Shape[2], t.Shape[3]
	im := &scene.Image{Rows: h, Cols: w, Signed: signed}
	all := slices.Clone(t.Data[n*c*h*w : (n+1)*c*h*w])
	for k := range c {
		im.Tiles = append(im.Tiles, all[k*h*w:(k+1)*h*w])
		im.Captions = append(im.Captions, fmt.Sprintf("ch %d", k+1))
	}
	im.Max = maxAbs(all)
	if signed {
		im.Min = -im.Max
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// rowsPanel shows item n of a [N C·H·W] tensor (a flattened map) as one
// tile with a row per channel, the way Flatten lines the numbers up (a
// copy, as mapsPanel's).
func rowsPanel(title string, t *tensor.Tensor, n, channels int, signed bool) scene.Panel {
	w := t.Shape[1] / channels
	row := slices.Clone(t.Data[n*t.Shape[1] : (n+1)*t.Shape[1]])
	im := &scene.Image{Rows: channels, Cols: w, Tiles: [][]float64{row}, Signed: signed, Max: maxAbs(row)}
	if signed {
		im.Min = -im.Max
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// kernelsPanel shows a copy of the first layer's kernels w [F 1 3 3] (or
// of their gradients) on one signed scale.
func kernelsPanel(title string, w *tensor.Tensor) scene.Panel {
	w = w.Clone() // the live parameters change with the next update
	f, kh, kw := w.Shape[0], w.Shape[2], w.Shape[3]
	m := maxAbs(w.Data)
	im := &scene.Image{Rows: kh, Cols: kw, Signed: true, Min: -m, Max: m}
	for k := range f {
		im.Tiles = append(im.Tiles, w.Data[k*kh*kw:(k+1)*kh*kw])
		im.Captions = append(im.Captions, fmt.Sprintf("k%d", k+1))
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// digitPanel shows one 28×28 digit; with a saliency map it adds the map,
// divided by its largest magnitude, as a second tile on the same signed
// scale (the digit's ink is positive, the background 0).
func digitPanel(title string, img []float64, caption string, saliency []float64, salCaption string) scene.Panel {
	im := &scene.Image{Rows: data.ImageH, Cols: data.ImageW, Tiles: [][]float64{img}, Captions: []string{caption}, Max: 1}
	if saliency != nil {
		m := maxAbs(saliency)
		norm := make([]float64, len(saliency))
		for i, g := range saliency {
			norm[i] = g / m
		}
		im.Tiles = append(im.Tiles, norm)
		im.Captions = append(im.Captions, salCaption)
		im.Min, im.Signed = -1, true
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// barsPanel shows one value per class with the true class highlighted.
func barsPanel(title string, values []float64, label int) scene.Panel {
	return scene.Panel{Kind: scene.KindBars, Title: title, Bars: &scene.Bars{
		Labels: digitLabels, Values: slices.Clone(values), Highlight: label,
	}}
}

// curvesPanel is the batch loss of every step and the test set's loss and
// accuracy at every measurement.
func (m *machine) curvesPanel() scene.Panel {
	steps := make([]float64, len(m.loop.Losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	var es, el, ea []float64
	for _, e := range m.evals {
		es, el, ea = append(es, float64(e.Step)), append(el, e.Loss), append(ea, e.Acc)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "loss and test accuracy", Plot: &scene.Plot{
		XLabel: "step", YLabel: "cross-entropy", Y2Label: "accuracy",
		Series: []scene.Series{
			{Name: "batch loss", Style: scene.Line, X: steps, Y: m.loop.Losses},
			{Name: "test loss", Style: scene.Line, X: es, Y: el},
			{Name: "test accuracy", Style: scene.Line, X: es, Y: ea, Axis: 1},
		},
	}}
}

// maxWrong is how many misclassified test digits the strip shows.
const maxWrong = 5

// wrongPanel shows the first test digits the last measurement got wrong,
// captioned "#index label→prediction".
func (m *machine) wrongPanel() scene.Panel {
	e := m.lastEval()
	im := &scene.Image{Rows: data.ImageH, Cols: data.ImageW, Max: 1}
	const px = data.ImageH * data.ImageW
	wrong := 0
	for i, p := range e.preds {
		if p == m.test.Labels[i] {
			continue
		}
		wrong++
		if len(im.Tiles) < maxWrong {
			im.Tiles = append(im.Tiles, m.test.X.Data[i*px:(i+1)*px])
			im.Captions = append(im.Captions, fmt.Sprintf("#%d %d→%d", i, m.test.Labels[i], p))
		}
	}
	title := fmt.Sprintf("misread test digits at step %d: %d of %d", e.Step, wrong, len(e.preds))
	if wrong == 0 {
		im.Tiles, im.Captions = [][]float64{make([]float64, px)}, []string{"none"}
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}
