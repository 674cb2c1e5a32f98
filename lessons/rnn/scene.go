package rnn

import (
	_ "embed"
	"fmt"
	"math"
	"strings"
	"text/template"

	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("rnn").Funcs(trainer.Funcs).Funcs(template.FuncMap{"sub": sub}).Parse(narrativeText))

// sub writes a whole number as subscript digits: sub(50) = "₅₀".
func sub(n int) string {
	var b strings.Builder
	for _, r := range fmt.Sprint(n) {
		if r >= '0' && r <= '9' {
			r = '₀' + (r - '0')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// phase names the moment and the narrative block that explains it.
func (m *machine) phase() (phase, block string) {
	phase, block = m.loop.Phase()
	switch phase {
	case "forward", "backward":
		dir := phase[:3]
		if dir == "for" {
			dir = "fwd"
		} else {
			dir = "bwd"
		}
		if _, ok := m.opStep(); ok {
			return phase, dir + "-step"
		}
		return phase, dir + "-loss"
	}
	return phase, block
}

// opIndex is the lesson's op within the step: forward groups 1 … T+1,
// backward groups T+2 … 2T+2, the update 2T+3.
func (m *machine) opIndex() int {
	c := &m.loop.Cur
	T := m.cfg.steps
	switch c.Phase {
	case trainer.Forward:
		return m.rec.group(c.Fwd-1) + 1
	case trainer.Backward:
		return T + 1 + (T - m.rec.group(m.bwdNode())) + 1
	case trainer.Updated:
		return 2*T + 3
	}
	return 0
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	l := &m.loop
	sc := scene.Scene{
		Lesson: "Recurrent networks",
		Pos:    scene.Position{Step: l.Step, Epoch: l.Epoch, Steps: l.Epochs, Epochs: l.Epochs},
	}
	if l.Cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = m.opIndex(), 2*m.cfg.steps+3
	}
	phase, block := m.phase()
	sc.Phase, sc.Narrative = phase, trainer.Narrative(narrative, block, v)
	switch {
	case phase == "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", l.DivStep)}
	case v.Ratio > 100 && m.ratioShown():
		sc.Status = scene.Status{Level: scene.LevelWarning, Finished: m.Done(),
			Message: fmt.Sprintf("the gradient through time explodes: ‖∂ℓ/∂h₁‖ = %s × ‖∂ℓ/∂h%s‖", trainer.Num(v.Ratio), sub(v.T))}
	case phase == "finished":
		// The runtime replaces this with the verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: loss %s; ‖∂ℓ/∂h₁‖ / ‖∂ℓ/∂h%s‖ = %s", trainer.Num(v.Loss), sub(v.T), trainer.Num(v.Ratio))}
	}
	sc.Panels = []scene.Panel{m.wavePanel(), m.gradPanel(), m.recurrentPanel(v), m.lossPanel(), m.hiddenPanel()}
	return sc
}

// ratioShown reports whether the gradient through time has been
// revealed: from the first step's backward pass on. Before it, the
// learner is asked to predict it.
func (m *machine) ratioShown() bool {
	ph := m.loop.Cur.Phase
	return m.loop.Step > 0 || ph == trainer.Backward || ph == trainer.Updated
}

// shown is how many time steps the forward walk has revealed: all of them
// outside the forward pass.
func (m *machine) shown() int {
	if m.loop.Cur.Phase == trainer.Forward {
		return min(m.rec.group(m.loop.Cur.Fwd-1)+1, m.cfg.steps)
	}
	return m.cfg.steps
}

// wavePanel is wave 1: its values x_t and the network's prediction of
// each from the values before it.
func (m *machine) wavePanel() scene.Panel {
	T, n := m.cfg.steps, m.shown()
	wx, wy := make([]float64, T+1), make([]float64, T+1)
	for t := range T + 1 {
		wx[t], wy[t] = float64(t+1), m.seq.Data[t]
	}
	px, py := make([]float64, n), make([]float64, n)
	for t := range n {
		px[t], py[t] = float64(t+2), clamp(m.rec.preds[t].Value.Data[0], 3)
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "wave 1, predicted one step ahead", ID: "fit", Priority: 1, Plot: &scene.Plot{
		XLabel: "t", YLabel: "x",
		XRange: &scene.Range{Min: 1, Max: float64(T + 1)},
		YRange: &scene.Range{Min: -1.5, Max: 1.5},
		Series: []scene.Series{
			{Name: "wave x_t", Style: scene.Line, X: wx, Y: wy},
			{Name: "prediction ŷ", Style: scene.Line, X: px, Y: py},
		},
	}}
}

// gradPanel is the gradient through time: of the last step's loss alone
// (the probe), and of the whole loss as this step's BPTT reveals it, from
// t = T back to the current time step.
func (m *machine) gradPanel() scene.Panel {
	T := m.cfg.steps
	px, py := []float64{}, []float64{}
	if m.ratioShown() {
		for t, g := range m.probe().norms {
			if g > 0 && trainer.Finite(g) {
				px, py = append(px, float64(t+1)), append(py, g)
			}
		}
	}
	series := []scene.Series{{Name: fmt.Sprintf("ℓ%s (last step)", sub(T)), Style: scene.Line, X: px, Y: py}}
	c := &m.loop.Cur
	if c.Phase == trainer.Backward || c.Phase == trainer.Updated {
		down := 0
		if t, ok := m.opStep(); ok && c.Phase == trainer.Backward {
			down = t
		} else if c.Phase == trainer.Backward {
			down = T // only the loss so far
		}
		var wx, wy []float64
		for t := T - 1; t >= down; t-- {
			if g := norm(m.rec.hs[t].Grad); g > 0 && trainer.Finite(g) {
				wx, wy = append(wx, float64(t+1)), append(wy, g)
			}
		}
		series = append(series, scene.Series{Name: "L (all)", Style: scene.Path, X: wx, Y: wy})
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "gradient through time", ID: "grad-time", Plot: &scene.Plot{
		XLabel: "t", YLabel: "‖∂·/∂h_t‖", LogY: true,
		XRange: &scene.Range{Min: 1, Max: float64(T)},
		Series: series,
	}}
}

// hiddenPanel is wave 1's hidden state: one row per unit, one column per
// time step, filled in as the forward walk reveals it.
func (m *machine) hiddenPanel() scene.Panel {
	T, n := m.cfg.steps, m.shown()
	px := make([]float64, Hidden*T)
	for t := range n {
		for u := range Hidden {
			px[u*T+t] = clamp(m.rec.hs[t].Value.Data[u], 1)
		}
	}
	return scene.Panel{Kind: scene.KindImage, Title: "hidden state h_t of wave 1: one row per unit, one column per time step", Image: &scene.Image{
		Rows: Hidden, Cols: T, Tiles: [][]float64{px}, Min: -1, Max: 1, Signed: true,
		Captions: []string{fmt.Sprintf("%d units × %d steps", Hidden, T)},
	}}
}

// recurrentPanel is W_hh with its largest singular value for the RNN;
// for the LSTM, the forget gates of wave 1 over time; for the GRU, its
// update gates.
func (m *machine) recurrentPanel(v view) scene.Panel {
	if v.GRU {
		T := m.cfg.steps
		px := make([]float64, Hidden*T)
		for t := range m.shown() {
			for u := range Hidden {
				px[u*T+t] = clamp(m.rec.update[t].Value.Data[u], 1)
			}
		}
		return scene.Panel{Kind: scene.KindImage, ID: "gates", Title: "update gates z_t of wave 1 (unit × t)", Image: &scene.Image{
			Rows: Hidden, Cols: T, Tiles: [][]float64{px}, Min: 0, Max: 1,
			Captions: []string{"mean z = " + trainer.Num(v.MeanZAll)},
		}}
	}
	if v.LSTM {
		T := m.cfg.steps
		px := make([]float64, Hidden*T)
		for t := range m.shown() {
			for u := range Hidden {
				px[u*T+t] = clamp(m.rec.forget[t].Value.Data[u], 1)
			}
		}
		return scene.Panel{Kind: scene.KindImage, Title: "forget gates f_t of wave 1 (unit × t)", Image: &scene.Image{
			Rows: Hidden, Cols: T, Tiles: [][]float64{px}, Min: 0, Max: 1,
			Captions: []string{"mean f = " + trainer.Num(v.MeanFAll)},
		}}
	}
	w := m.used[1]
	big := 0.0
	for _, x := range w {
		big = math.Max(big, math.Abs(x))
	}
	if !trainer.Finite(big) || big == 0 {
		big = 1
	}
	return scene.Panel{Kind: scene.KindImage, Title: "recurrent weights W_hh", Image: &scene.Image{
		Rows: Hidden, Cols: Hidden, Tiles: [][]float64{clampAll(w, 1e6)}, Min: -big, Max: big, Signed: true,
		Captions: []string{"σ_max = " + trainer.Num(v.Sigma)},
	}}
}

// lossPanel is the loss of every step and the gradient norm before and,
// when clipping changed it, after clipping, on a log scale.
func (m *machine) lossPanel() scene.Panel {
	series := []scene.Series{
		positive("loss", m.loop.Losses),
		positive("‖∇‖", m.before),
	}
	for i := range m.after {
		if m.after[i] < m.before[i] {
			series = append(series, positive("‖∇‖ clipped", m.after))
			break
		}
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "loss and gradient norm ‖∇‖ per step", Plot: &scene.Plot{
		XLabel: "step", YLabel: "value", LogY: true, Series: series,
	}}
}

// positive is a line of ys against steps 1, 2 …, leaving out values a log
// scale cannot show.
func positive(name string, ys []float64) scene.Series {
	s := scene.Series{Name: name, Style: scene.Line, X: []float64{}, Y: []float64{}}
	for i, y := range ys {
		if y > 0 && trainer.Finite(y) {
			s.X, s.Y = append(s.X, float64(i+1)), append(s.Y, y)
		}
	}
	return s
}

// clamp keeps v in [−lim, lim], mapping NaN to 0, so that a scene never
// holds a value JSON cannot encode.
func clamp(v, lim float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(-lim, math.Min(lim, v))
}

func clampAll(vs []float64, lim float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = clamp(v, lim)
	}
	return out
}
