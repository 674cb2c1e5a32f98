package tui

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// The test lesson is a small deterministic machine, defined here so that
// the goldens do not change when real lesson content does. It shows every
// panel kind, has a learning rate that continues, a batch size that
// restarts, and diverges for learning rates of 3 and more.

const (
	testOps    = 3 // ops per step: forward, backward, update
	testSteps  = 20
	testPerEp  = 5
	testLesson = "every"
)

func newTestLesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        testLesson,
		Title:     "Every panel",
		Summary:   "A made-up lesson that shows one panel of each kind and can diverge.",
		Topics:    []string{"testing"},
		Exercises: []string{"mse", "sgd"},
		Controls: []lessons.Control{
			{Name: "batch", Label: "batch size", Help: "points per step", Kind: lessons.Int, Min: 1, Max: 100,
				Ladder: []float64{1, 10, 100}, Default: "10", Restart: true},
			{Name: "lr", Label: "learning rate", Help: "how far each step moves the weights", Kind: lessons.Float,
				Min: 0.001, Max: 10, Ladder: []float64{0.01, 0.03, 0.1, 0.3, 1, 3, 10}, Default: "0.1"},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return &testMachine{lr: s.Float("lr"), batch: s.Int("batch"), w: 0.5, b: 0, seed: seed}
		},
	}
}

// newPlainLesson has no controls, no exercises and no panels.
func newPlainLesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID: "plain", Title: "Plain text", Summary: "Only a narrative.",
		New: func(uint64, lessons.Settings) lessons.Machine { return &plainMachine{} },
	}
}

func testRegistry() *lessons.Registry {
	return lessons.NewRegistry(newTestLesson(), newPlainLesson())
}

type testMachine struct {
	lr        float64
	batch     int
	seed      uint64
	w, b      float64
	step, op  int
	losses    []float64
	diverged  bool
	divStep   int
	lastGradW float64
}

func (m *testMachine) Clone() lessons.Machine {
	c := *m
	c.losses = append([]float64(nil), m.losses...)
	return &c
}

func (m *testMachine) Done() bool { return m.diverged || m.step >= testSteps }

func (m *testMachine) Set(name, value string) {
	if name == "lr" {
		fmt.Sscan(value, &m.lr)
	}
}

func (m *testMachine) loss() float64 { return (m.w-2)*(m.w-2) + (m.b-1)*(m.b-1) }

func (m *testMachine) advanceOp() {
	m.op++
	if m.op < testOps {
		return
	}
	m.op = 0
	gw, gb := 2*(m.w-2), 2*(m.b-1)
	m.lastGradW = gw
	if m.lr >= 3 {
		gw *= 40 * m.lr
		gb *= 40 * m.lr
	}
	m.w -= m.lr * gw
	m.b -= m.lr * gb
	m.step++
	l := m.loss()
	if math.Abs(m.w) > 1e6 || math.IsNaN(l) || math.IsInf(l, 0) {
		l = math.Inf(1)
		m.diverged, m.divStep = true, m.step
	}
	m.losses = append(m.losses, l)
}

func (m *testMachine) Advance(g lessons.Granularity) {
	switch g {
	case lessons.Op:
		m.advanceOp()
	case lessons.Step:
		s := m.step
		for m.step == s && !m.Done() {
			m.advanceOp()
		}
	case lessons.Epoch:
		m.Advance(lessons.Step)
		for m.step%testPerEp != 0 && !m.Done() {
			m.Advance(lessons.Step)
		}
	default:
		for !m.Done() {
			m.advanceOp()
		}
	}
}

var testPhases = []string{"forward", "backward", "update"}

func (m *testMachine) Scene() scene.Scene {
	sc := scene.Scene{
		Phase: testPhases[m.op],
		Pos: scene.Position{Op: m.op, OpsPerStep: testOps, Step: m.step, Epoch: m.step / testPerEp,
			Steps: testSteps, Epochs: testSteps / testPerEp},
		Narrative: fmt.Sprintf("## Step %d\n\nThe weight is **w = %.3f** and the bias **b = %.3f**; "+
			"the loss is `%.4f`.\n\n- forward: compute ŷ = w·x + b\n- backward: ∂L/∂w = %.3f\n- update: w ← w − %g·∂L/∂w\n\n"+
			"A longer paragraph so that the narrative wraps over several lines in a narrow pane and "+
			"the viewport has something to scroll.", m.step, m.w, m.b, m.loss(), m.lastGradW, m.lr),
	}
	switch {
	case m.diverged:
		sc.Phase = "diverged"
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.divStep)}
	case m.Done():
		sc.Phase = "finished"
		sc.Status = scene.Status{Level: scene.LevelSuccess, Finished: true, Message: fmt.Sprintf("finished: w = %.3f", m.w)}
	}
	sc.Panels = m.panels()
	return sc
}

func (m *testMachine) panels() []scene.Panel {
	var xs, ys, fit []float64
	var cls []int
	for i := range 24 {
		x := float64(i) / 23
		xs = append(xs, x)
		ys = append(ys, 2*x+1+0.4*math.Sin(float64(i)*1.3))
		fit = append(fit, m.w*x+m.b)
		if ys[i] > 2*x+1 {
			cls = append(cls, 1)
		} else {
			cls = append(cls, 0)
		}
	}
	region := scene.Grid{X: scene.Range{Min: 0, Max: 1}, Y: scene.Range{Min: 0, Max: 3.5}, Rows: 8, Cols: 8}
	for r := range 8 {
		for c := range 8 {
			y, x := 3.5*float64(r)/7, float64(c)/7
			region.Values = append(region.Values, 1/(1+math.Exp(-(y-(m.w*x+m.b))*3)))
		}
	}
	steps := make([]float64, len(m.losses))
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	surf := scene.Grid{X: scene.Range{Min: -1, Max: 3}, Y: scene.Range{Min: -1, Max: 3}, Rows: 9, Cols: 9}
	for r := range 9 {
		for c := range 9 {
			w, b := -1+float64(c)/2, -1+float64(r)/2
			surf.Values = append(surf.Values, (w-2)*(w-2)+(b-1)*(b-1))
		}
	}
	img := make([]float64, 8*8)
	for i := range img {
		img[i] = math.Sin(float64(i)*0.7+m.w) * 0.8
	}
	state := func(i int) scene.NodeState {
		switch {
		case i < m.op:
			return scene.NodeDone
		case i == m.op:
			return scene.NodeCurrent
		}
		return scene.NodePending
	}
	return []scene.Panel{
		{Kind: scene.KindPlot, Title: "data and fit", Plot: &scene.Plot{XLabel: "x", YLabel: "y",
			XRange: &scene.Range{Min: 0, Max: 1}, YRange: &scene.Range{Min: 0, Max: 3.5}, Region: &region,
			Series: []scene.Series{
				{Name: "data", Style: scene.Scatter, X: xs, Y: ys, Classes: cls},
				{Name: "fit", Style: scene.Line, X: xs, Y: fit},
			}}},
		{Kind: scene.KindPlot, Title: "loss", Plot: &scene.Plot{XLabel: "step", YLabel: "loss", LogY: true,
			XRange: &scene.Range{Min: 0, Max: testSteps},
			Series: []scene.Series{{Name: "loss", Style: scene.Line, X: steps, Y: m.losses}}}},
		{Kind: scene.KindPlot, Title: "loss surface", Plot: &scene.Plot{XLabel: "w", YLabel: "b",
			Contour: &scene.Contour{Grid: surf, Levels: []float64{0.25, 1, 2, 4}},
			Series:  []scene.Series{{Name: "(w, b)", Style: scene.Path, X: []float64{0.5, m.w}, Y: []float64{0, m.b}}}}},
		{Kind: scene.KindMatrix, Title: "parameters", Matrix: &scene.Matrix{Rows: 1, Cols: 2,
			Values: []float64{m.w, m.b}, Grads: []float64{2 * (m.w - 2), 2 * (m.b - 1)},
			RowLabels: []string{"θ"}, ColLabels: []string{"w", "b"}, Highlight: []scene.Cell{{Row: 0, Col: 0}}}},
		{Kind: scene.KindGraph, Title: "computation graph", Graph: &scene.Graph{Pass: testPhases[m.op], Current: 2 + m.op,
			Nodes: []scene.GraphNode{
				{Label: "x", Shape: []int{10, 1}, Value: "[10×1]", State: scene.NodeDone},
				{Label: "w", Value: fmt.Sprintf("%.3f", m.w), Grad: fmt.Sprintf("%.3f", m.lastGradW), State: scene.NodeDone},
				{Label: "ŷ", Op: "mul", Inputs: []int{0, 1}, Value: "[10×1]", State: state(0)},
				{Label: "r", Op: "sub", Inputs: []int{2}, Value: "[10×1]", State: state(1)},
				{Label: "L", Op: "mean²", Inputs: []int{3}, Value: fmt.Sprintf("%.4f", m.loss()), Grad: "1", State: state(2),
					Detail: fmt.Sprintf("∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂w = %.3f", m.lastGradW)},
			}}},
		{Kind: scene.KindImage, Title: "weights", Image: &scene.Image{Rows: 8, Cols: 8, Tiles: [][]float64{img, img},
			Captions: []string{"a", "b"}, Min: -1, Max: 1, Signed: true}},
		{Kind: scene.KindBars, Title: "gradients", Bars: &scene.Bars{Labels: []string{"∂L/∂w", "∂L/∂b"},
			Values: []float64{2 * (m.w - 2), 2 * (m.b - 1)}, Highlight: 0}},
		{Kind: scene.KindTable, Title: "settings", Table: &scene.Table{Columns: []string{"name", "value"},
			Rows: [][]string{{"lr", fmt.Sprint(m.lr)}, {"batch", fmt.Sprint(m.batch)}, {"seed", fmt.Sprint(m.seed)}}}},
	}
}

type plainMachine struct{ n int }

func (m *plainMachine) Advance(lessons.Granularity) { m.n++ }
func (m *plainMachine) Done() bool                  { return m.n >= 3 }
func (m *plainMachine) Set(string, string)          {}
func (m *plainMachine) Scene() scene.Scene {
	return scene.Scene{Phase: "reading", Pos: scene.Position{Step: m.n, Steps: 3},
		Narrative: fmt.Sprintf("# Plain\n\nPage %d of 3.", m.n+1)}
}

// The quiz lesson is the test lesson with a goal and questions, for the
// predict-then-reveal and verdict views: the goal is w within 0.05 of 2;
// it asks at the start whether the run will reach the goal (a choice
// answered by running a copy to the end), and in step 1's backward phase
// what w will be after the update (a number).
const quizLesson = "quiz"

func newQuizLesson() *lessons.Lesson {
	l := newTestLesson()
	l.ID, l.Title = quizLesson, "Quiz"
	l.Summary = "The test lesson with a goal and two questions."
	l.Goal = &lessons.Goal{Measure: "w", Label: "w", Compare: lessons.Within, Target: 2, Tol: 0.05}
	l.New = func(seed uint64, s lessons.Settings) lessons.Machine {
		return &quizMachine{&testMachine{lr: s.Float("lr"), batch: s.Int("batch"), w: 0.5, b: 0, seed: seed}}
	}
	return l
}

func quizRegistry() *lessons.Registry { return lessons.NewRegistry(newQuizLesson()) }

type quizMachine struct{ *testMachine }

func (m *quizMachine) Clone() lessons.Machine {
	return &quizMachine{m.testMachine.Clone().(*testMachine)}
}

func (m *quizMachine) Measures() lessons.Measures {
	start := (0.5-2)*(0.5-2) + 1
	return lessons.Measures{Values: map[string]float64{"w": m.w}, Loss: append([]float64{start}, m.losses...)}
}

func (m *quizMachine) Ask() *lessons.Ask {
	switch {
	case m.step == 0 && m.op == 0:
		return &lessons.Ask{
			ID: "reach", Prompt: fmt.Sprintf("At learning rate %g, will w end within 0.05 of 2?", m.lr),
			Kind: scene.QuestionChoice, Choices: []string{"yes", "no"},
			Ahead: lessons.End, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				w := f.(*quizMachine).w
				if math.Abs(w-2) < 0.05 {
					return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf("Yes: it ends at w = %.4f.", w)}
				}
				return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf("No: it ends at w = %.4f.", w)}
			},
		}
	case m.step == 1 && m.op == 1:
		w, lr := m.w, m.lr
		return &lessons.Ask{
			ID: "w-next", Prompt: fmt.Sprintf("w = %.4f and ∂L/∂w = %.4f. What will w be after the update? (within 0.01)", w, 2*(w-2)),
			Kind: scene.QuestionNumber, Tolerance: 0.01,
			Ahead: lessons.Op, AheadN: 2,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				nw := f.(*quizMachine).w
				return lessons.Resolution{Value: nw, Explain: fmt.Sprintf("w − lr·∂L/∂w = %.4f − %g·%.4f = %.4f.", w, lr, 2*(w-2), nw)}
			},
		}
	}
	return nil
}
