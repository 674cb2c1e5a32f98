package speech

import (
	_ "embed"
	"fmt"
	"text/template"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("speech").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": pct,
	"f1":  func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"f0":  func(v float64) string { return fmt.Sprintf("%.0f", v) },
	"add": func(a, b int) int { return a + b },
	"mul": func(a, b int) int { return a * b },
}).Parse(narrativeText))

// pct writes a share as a percentage with one decimal, "> 99.9%" when
// rounding would claim certainty.
func pct(v float64) string {
	if v > 0.999 && v < 1 {
		return "> 99.9%"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

// phase returns the scene's phase and its narrative block.
func (m *machine) phase() (phase, block string) {
	if m.stage < stTrain {
		if m.stage == stWave {
			return "ready", "intro"
		}
		return "sound", stageNames[m.stage]
	}
	phase, block = m.loop.Phase()
	cur := &m.loop.Cur
	switch phase {
	case "ready":
		block = "train"
	case "forward":
		block = "fwd-" + cur.Tape.Nodes()[cur.Fwd-1].Out.Name
	case "backward":
		block = "bwd-" + cur.Steps[len(cur.Steps)-1].Node.Out.Name
	}
	return phase, block
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	m.settle()
	cur := &m.loop.Cur
	sc := scene.Scene{
		Lesson: "Hearing a spoken digit",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epochs: m.loop.Epochs},
	}
	switch {
	case m.stage < stTrain:
		sc.Pos.Op, sc.Pos.OpsPerStep = m.stage, stTrain
	case cur.Phase == trainer.Updated:
		sc.Pos.Op, sc.Pos.OpsPerStep = opsPerStep, opsPerStep
	case cur.Tape != nil:
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.phase()
	sc.Phase = phase
	v := m.view(phase)
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case "finished":
		// The runtime replaces this with its verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: %.1f%% of %d held-out words heard right", 100*v.Acc, v.NTest)}
	}
	sc.Narrative = trainer.Narrative(narrative, block, v)
	s := m.snd
	switch {
	case m.stage < stTrain:
		sc.Panels = m.soundPanels()
	case phase == "forward":
		cur := &m.loop.Cur
		sc.Panels = []scene.Panel{m.heardMain(v), m.valuePanel(cur.Fwd - 1),
			{Kind: scene.KindGraph, Title: "computation graph", Graph: cur.Graph()}}
	case phase == "backward":
		sc.Panels = append([]scene.Panel{m.heardMain(v)}, m.backwardPanels()...)
	case phase == "diverged":
		sc.Panels = []scene.Panel{gramPanel(fmt.Sprintf("%q: log-mel spectrogram", words[s.word]), s.gram, W), m.curvesPanel()}
	case phase == "finished":
		e := m.lastEval()
		// The matrix last of three: it gets the full width.
		sc.Panels = []scene.Panel{m.heardMain(v), classPanel(e), confusionPanel(e)}
	default:
		hr := m.net.hear(m.inspected())
		sc.Panels = []scene.Panel{m.heardMain(v),
			barsPanel(fmt.Sprintf("probabilities for %q (▶ the word said)", words[s.word]), hr.probs, s.word),
			m.curvesPanel(), kernelsPanel("conv1 kernels (3 bands × 3 frames)", m.net.conv1.W.Value)}
	}
	return sc
}

// soundPanels are the panels of the sound walk, the main picture first.
func (m *machine) soundPanels() []scene.Panel {
	s := m.snd
	upto, title := s.t-1, fmt.Sprintf("%q: log-mel spectrogram, frames 0–%d done", words[s.word], s.t-1)
	switch {
	case m.stage == stWave:
		upto, title = W, fmt.Sprintf("%q (%s): log-mel spectrogram (0–4 kHz bottom to top), where this walk ends", words[s.word], s.voice)
	case m.stage == stLog:
		upto, title = s.t, fmt.Sprintf("%q: log-mel spectrogram, column %d just added", words[s.word], s.t)
	case m.stage == stGram:
		upto, title = W, fmt.Sprintf("%q: log-mel spectrogram, all %d frames", words[s.word], W)
	case s.t == 0:
		title = fmt.Sprintf("%q: log-mel spectrogram, no frame done yet", words[s.word])
	}
	main := gramPanel(title, s.gram, upto)
	switch m.stage {
	case stWave, stFrame:
		return []scene.Panel{main, wavePanel(s), framePanel(s, false)}
	case stWindow:
		return []scene.Panel{main, framePanel(s, true), wavePanel(s)}
	case stFFT:
		return []scene.Panel{main, spectrumPanel(s), framePanel(s, true)}
	case stMel:
		return []scene.Panel{main, spectrumPanel(s), bankPanel(s)}
	case stBands:
		return []scene.Panel{main, bandsPanel(s, false), bankPanel(s)}
	case stLog:
		return []scene.Panel{main, bandsPanel(s, true), bandsPanel(s, false)}
	}
	shipped := gramPanel(fmt.Sprintf("the shipped (quantised) features of the same word: largest difference %.3f", s.maxDiff), s.shipped, W)
	shipped.ID, shipped.Priority = "shipped", 0
	return []scene.Panel{main, shipped, wavePanel(s)}
}

// heardMain is the main picture while training: the followed word's
// spectrogram and what the network hears in it now.
func (m *machine) heardMain(v view) scene.Panel {
	s := m.snd
	return gramPanel(fmt.Sprintf("%q said by %s (held out): heard as %q (%.0f%%)", words[s.word], s.voice, words[v.Heard], 100*v.HeardProb), s.gram, W)
}

// forX0 names the batch's first utterance, the one the step's panels
// show.
func (m *machine) forX0() string {
	return fmt.Sprintf("for x[0] (training word #%d, %q)", m.loop.Rows[0], words[m.yb[0]])
}

// valuePanel shows the value of forward node k for the batch's first
// utterance.
func (m *machine) valuePanel(k int) scene.Panel {
	nd := m.loop.Cur.Tape.Nodes()[k]
	out := nd.Out.Value
	if nd.Out.Name == "L" {
		s := nd.Inputs[0].Value.Data[:Classes]
		return barsPanel("softmax(s), the probabilities L is made of, "+m.forX0(), softmax(s), m.yb[0])
	}
	title := fmt.Sprintf("%s = %s · %s %s", nd.Out.Name, nd.Op, shapeText(out.Shape[1:]), m.forX0())
	switch nd.Out.Name {
	case "a1", "a2":
		return mapsPanel(title, out, 0, true)
	case "h1", "p1", "h2", "p2":
		return mapsPanel(title, out, 0, false)
	case "f":
		return rowsPanel(title+", a row per channel", out, 0, 2*m.net.f, false)
	}
	return barsPanel(title, out.Data[:Classes], m.yb[0])
}

// backwardPanels are the gradient the current node has just sent to its
// data input, for the batch's first utterance, and the graph.
func (m *machine) backwardPanels() []scene.Panel {
	cur := &m.loop.Cur
	st := cur.Steps[len(cur.Steps)-1]
	graph := scene.Panel{Kind: scene.KindGraph, Title: "computation graph", Graph: cur.Graph()}
	for j, in := range st.Node.Inputs {
		g := st.Grads[j]
		if g == nil || in.IsParam() {
			continue
		}
		title := fmt.Sprintf("∂L/∂%s · %s %s", in.Name, shapeText(g.Shape[1:]), m.forX0())
		switch {
		case len(g.Shape) == 4:
			return []scene.Panel{mapsPanel(title, g, 0, true), graph}
		case g.Shape[1] == Classes:
			return []scene.Panel{barsPanel(title, g.Data[:Classes], m.yb[0]), graph}
		}
		return []scene.Panel{rowsPanel(title+", a row per channel", g, 0, 2*m.net.f, true), graph}
	}
	w := m.net.conv1.W
	return []scene.Panel{kernelsPanel("∂L/∂conv1.W, the kernels' gradient (summed over the batch)",
		&tensor.Tensor{Shape: w.Value.Shape, Data: cur.GradSoFar(w)}), graph}
}
