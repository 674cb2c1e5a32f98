package speech

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data/speech"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
)

// Builders of the lesson's panels. Every value put in a panel is finite:
// a diverged run shows no maps.

var digitLabels = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

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

// flipRows returns the [rows][cols] image upside down, so that the lowest
// mel band is drawn at the bottom, as spectrograms are.
func flipRows(v []float64, rows, cols int) []float64 {
	out := make([]float64, len(v))
	for r := range rows {
		copy(out[r*cols:(r+1)*cols], v[(rows-1-r)*cols:(rows-r)*cols])
	}
	return out
}

// gramPanel is the lesson's main picture: the word's log-mel spectrogram
// (frames left to right, low bands at the bottom), built up to frame
// upto (all frames when upto ≥ W; silence before then), on the shipped
// features' scale.
func gramPanel(title string, gram []float64, upto int) scene.Panel {
	shown := make([]float64, Pixels)
	for j := range H {
		for t := range W {
			v := math.Log(speech.Floor)
			if t <= upto {
				v = gram[j*W+t]
			}
			shown[j*W+t] = v
		}
	}
	im := &scene.Image{Rows: H, Cols: W, Tiles: [][]float64{flipRows(shown, H, W)},
		Min: speech.QOffset, Max: speech.QOffset + 255*speech.QScale}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im, ID: "spectrogram", Priority: 1}
}

// wavePanel is the whole waveform with frame t's 256 samples marked.
func wavePanel(s *sound) scene.Panel {
	n := len(s.wave)
	x, y := make([]float64, n), make([]float64, n)
	for i, v := range s.wave {
		x[i], y[i] = 1000*float64(i)/speech.SampleRate, v
	}
	lo, hi := s.start, min(s.start+speech.NFFT, n)
	return scene.Panel{Kind: scene.KindPlot, ID: "wave", Title: fmt.Sprintf("waveform of %q (%s), %d samples at 8 kHz; frame %d marked", words[s.word], s.voice, n, s.t),
		Plot: &scene.Plot{XLabel: "ms", YLabel: "amplitude", Series: []scene.Series{
			{Name: "signal", Style: scene.Line, X: x, Y: y},
			{Name: fmt.Sprintf("frame %d", s.t), Style: scene.Line, X: x[lo:hi], Y: y[lo:hi]},
		}}}
}

// framePanel is frame t, and from the window stage on the Hann window
// (scaled to the frame's peak) and the windowed frame.
func framePanel(s *sound, windowed bool) scene.Panel {
	x := make([]float64, speech.NFFT)
	for i := range x {
		x[i] = float64(i)
	}
	series := []scene.Series{{Name: "frame", Style: scene.Line, X: x, Y: s.frame}}
	title := fmt.Sprintf("frame %d: samples %d–%d (%.0f–%.0f ms)", s.t, s.start, s.start+speech.NFFT-1,
		1000*float64(s.start)/speech.SampleRate, 1000*float64(s.start+speech.NFFT)/speech.SampleRate)
	if windowed {
		peak := maxAbs(s.frame)
		w := make([]float64, len(s.window))
		for i, v := range s.window {
			w[i] = v * peak
		}
		series = append(series,
			scene.Series{Name: "Hann window × peak", Style: scene.Line, X: x, Y: w},
			scene.Series{Name: "frame × window", Style: scene.Line, X: x, Y: s.windowed})
		title = fmt.Sprintf("frame %d times the Hann window", s.t)
	}
	return scene.Panel{Kind: scene.KindPlot, ID: "frame", Title: title,
		Plot: &scene.Plot{XLabel: "sample in frame", YLabel: "amplitude", Series: series}}
}

// spectrumPanel is the frame's power spectrum in decibels, 10·log10(|X|²).
func spectrumPanel(s *sound) scene.Panel {
	x, y := make([]float64, speech.Bins), make([]float64, speech.Bins)
	for k, p := range s.power {
		x[k], y[k] = hz(k), 10*math.Log10(p+1e-12)
	}
	return scene.Panel{Kind: scene.KindPlot, ID: "spectrum", Title: fmt.Sprintf("|FFT|² of frame %d, 129 bins 31.25 Hz apart, in dB (peak at %.0f Hz)", s.t, hz(s.peak)),
		Plot: &scene.Plot{XLabel: "Hz", YLabel: "dB", Series: []scene.Series{{Name: "10·log10 |X[k]|²", Style: scene.Line, X: x, Y: y}}}}
}

// bankPanel is the filter bank as an image: a row per band (the lowest
// at the bottom), a column per FFT bin.
func bankPanel(s *sound) scene.Panel {
	v := make([]float64, 0, H*speech.Bins)
	for _, row := range s.bank {
		v = append(v, row...)
	}
	return scene.Panel{Kind: scene.KindImage, ID: "bank", Title: "mel filter bank: 24 triangles (rows, lowest band at the bottom) over the 129 bins, 0 Hz left to 4 kHz right",
		Image: &scene.Image{Rows: H, Cols: speech.Bins, Tiles: [][]float64{flipRows(v, H, speech.Bins)}, Min: 0, Max: 1}}
}

// bandsPanel shows the band energies (or their logarithms).
func bandsPanel(s *sound, logs bool) scene.Panel {
	labels := make([]string, H)
	for j := range labels {
		labels[j] = fmt.Sprint(j)
	}
	if logs {
		return scene.Panel{Kind: scene.KindBars, ID: "bands", Title: fmt.Sprintf("ln(energy + 10⁻⁶) of the 24 bands: column %d of the spectrogram", s.t),
			Bars: &scene.Bars{Labels: labels, Values: s.logs, Highlight: s.loudest()}}
	}
	return scene.Panel{Kind: scene.KindBars, ID: "bands", Title: fmt.Sprintf("energy of the 24 mel bands in frame %d (Σ weights × |X[k]|²)", s.t),
		Bars: &scene.Bars{Labels: labels, Values: s.bands, Highlight: s.loudest()}}
}

// mapsPanel shows item n of t [N C H W] as one tile per channel.
func mapsPanel(title string, t *tensor.Tensor, n int, signed bool) scene.Panel {
	c, h, w := t.Shape[1], t.Shape[2], t.Shape[3]
	im := &scene.Image{Rows: h, Cols: w, Signed: signed}
	all := t.Data[n*c*h*w : (n+1)*c*h*w]
	for k := range c {
		im.Tiles = append(im.Tiles, flipRows(all[k*h*w:(k+1)*h*w], h, w))
		im.Captions = append(im.Captions, fmt.Sprintf("ch %d", k+1))
	}
	im.Max = maxAbs(all)
	if signed {
		im.Min = -im.Max
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// rowsPanel shows item n of a flattened [N C·H·W] tensor, a row per
// channel. The panel holds a copy: a scene never changes once made, and t
// may be a step's value, which the next step's tape reuses (Loop.Recycle).
func rowsPanel(title string, t *tensor.Tensor, n, channels int, signed bool) scene.Panel {
	w := t.Shape[1] / channels
	row := slices.Clone(t.Data[n*t.Shape[1] : (n+1)*t.Shape[1]])
	im := &scene.Image{Rows: channels, Cols: w, Tiles: [][]float64{row}, Signed: signed, Max: maxAbs(row)}
	if signed {
		im.Min = -im.Max
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// kernelsPanel shows a copy of conv1's kernels w [F 1 3 3] (or their
// gradients) on one signed scale, low bands at the bottom.
func kernelsPanel(title string, w *tensor.Tensor) scene.Panel {
	w = w.Clone()
	f, kh, kw := w.Shape[0], w.Shape[2], w.Shape[3]
	m := maxAbs(w.Data)
	im := &scene.Image{Rows: kh, Cols: kw, Signed: true, Min: -m, Max: m}
	for k := range f {
		im.Tiles = append(im.Tiles, flipRows(w.Data[k*kh*kw:(k+1)*kh*kw], kh, kw))
		im.Captions = append(im.Captions, fmt.Sprintf("k%d", k+1))
	}
	return scene.Panel{Kind: scene.KindImage, Title: title, Image: im}
}

// barsPanel shows values (copied, as rowsPanel's) as the ten digits' bars.
func barsPanel(title string, values []float64, label int) scene.Panel {
	return scene.Panel{Kind: scene.KindBars, Title: title, Bars: &scene.Bars{Labels: digitLabels, Values: slices.Clone(values), Highlight: label}}
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
	return scene.Panel{Kind: scene.KindPlot, ID: "curves", Title: "loss and accuracy on held-out voices", Plot: &scene.Plot{
		XLabel: "step", YLabel: "cross-entropy", Y2Label: "accuracy",
		Series: []scene.Series{
			{Name: "batch loss", Style: scene.Line, X: steps, Y: m.loop.Losses},
			{Name: "test loss", Style: scene.Line, X: es, Y: el},
			{Name: "test accuracy", Style: scene.Line, X: es, Y: ea, Axis: 1},
		},
	}}
}

// confusionPanel is the last measurement's confusion matrix: row = the
// word said, column = the word heard, the diagonal highlighted.
func confusionPanel(e evaluation) scene.Panel {
	mx := &scene.Matrix{Rows: Classes, Cols: Classes, RowLabels: words, ColLabels: digitLabels}
	for y := range Classes {
		for p := range Classes {
			mx.Values = append(mx.Values, float64(e.confusion[y][p]))
		}
		mx.Highlight = append(mx.Highlight, scene.Cell{Row: y, Col: y})
	}
	return scene.Panel{Kind: scene.KindMatrix, ID: "confusion",
		Title: fmt.Sprintf("confusion at step %d: row = word said, column = word heard", e.Step), Matrix: mx}
}

// classPanel is the share of each word's held-out utterances heard right.
func classPanel(e evaluation) scene.Panel {
	return scene.Panel{Kind: scene.KindBars, ID: "per-class", Title: fmt.Sprintf("accuracy per word on held-out voices, step %d", e.Step),
		Bars: &scene.Bars{Labels: digitLabels, Values: e.classAcc(), Highlight: -1}}
}

func softmax(s []float64) []float64 {
	t := tensor.FromValues(s, 1, len(s))
	return autograd.NoGradTape().Softmax(autograd.Const("s", t)).Value.Data
}
