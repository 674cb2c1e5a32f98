package optimizers

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

var narrative = template.Must(template.New("optimizers").Funcs(trainer.Funcs).Funcs(funcs).Parse(narrativeText))

// funcs are the narrative's own template functions: pair prints (x, y),
// inc counts from 1, sub1 is 1 − v, div1 is 1/(1 − v).
var funcs = template.FuncMap{
	"pair": func(p pair) string { return "(" + trainer.Num(p[0]) + ", " + trainer.Num(p[1]) + ")" },
	"inc":  func(i int) int { return i + 1 },
	"sub1": func(v float64) float64 { return 1 - v },
	"div1": func(v float64) float64 { return 1 / (1 - v) },
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	v := m.view()
	sc := scene.Scene{
		Lesson: "Optimizers side by side",
		Pos: scene.Position{Op: m.moved, OpsPerStep: len(m.runners), Step: m.step, Epoch: v.Epoch,
			Steps: m.steps, Epochs: (m.steps + StepsPerEpoch - 1) / StepsPerEpoch},
	}
	if m.moved == 0 && m.step > 0 {
		sc.Pos.Op = len(m.runners)
	}
	switch {
	case len(v.Ranking) == 0:
		sc.Phase = "diverged"
		v.Rule = m.rule(v.Focus)
		sc.Narrative = trainer.Narrative(narrative, "all-diverged", v)
	case m.Done() && !m.mined.stopped: // stopped by the learner's code: at its move
		sc.Phase = "finished"
		sc.Narrative = trainer.Narrative(narrative, "finished", v)
	case m.last < 0:
		sc.Phase = "ready"
		sc.Narrative = trainer.Narrative(narrative, "intro", v)
	case m.moved != 0:
		sc.Phase = "update"
		v.Rule = m.rule(v.Moved)
		sc.Narrative = trainer.Narrative(narrative, "op", v)
	default:
		sc.Phase = "step done"
		if v.EpochEnd {
			sc.Phase = "epoch done"
		}
		v.Rule = m.rule(v.Focus)
		sc.Narrative = trainer.Narrative(narrative, "step", v)
	}
	sc.Status = m.status(v)
	sc.Panels = []scene.Panel{m.pathPanel(), m.statePanel(v), m.detailPanel(v.Focus), m.distPanel(v), m.lossPanel()}
	return sc
}

// rule renders one optimizer's last update in numbers.
func (m *machine) rule(o optView) string {
	switch {
	case o.Diverged:
		return trainer.Narrative(narrative, "rule-diverged", o)
	case o.T == 0:
		return trainer.Narrative(narrative, "rule-none", o)
	}
	return trainer.Narrative(narrative, "rule-"+o.Name, o)
}

func (m *machine) status(v view) scene.Status {
	var div []string
	for _, o := range v.Diverged {
		div = append(div, fmt.Sprintf("%s at step %d", o.Label, o.DivStep))
	}
	done := m.Done()
	switch {
	case len(v.Ranking) == 0:
		return scene.Status{Level: scene.LevelError, Diverged: true,
			Message: "all six diverged — lower the learning rate"}
	case len(div) > 0:
		return scene.Status{Level: scene.LevelWarning, Finished: done,
			Message: "diverged: " + strings.Join(div, ", ") + " — the others keep going"}
	case done:
		// The runtime replaces this with its verdict on the goal.
		return scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: %s is closest to the minimum (%s away)", v.Best.Label, trainer.Num(v.Best.Dist))}
	}
	return scene.Status{}
}

// pathPanel is the six paths over the contour lines of f, and the minima.
func (m *machine) pathPanel() scene.Panel {
	s := m.surf
	p := &scene.Plot{XLabel: "x", YLabel: "y", XRange: &s.xr, YRange: &s.yr, Contour: m.grid}
	for _, r := range m.runners {
		name := labels[r.name]
		if r.divStep > 0 {
			name += fmt.Sprintf(" (diverged at step %d)", r.divStep)
		}
		p.Series = append(p.Series, scene.Series{Name: name, Style: scene.Path, X: r.xs, Y: r.ys})
	}
	mins := scene.Series{Name: "minimum", Style: scene.Scatter}
	for _, mn := range s.minima {
		mins.X, mins.Y = append(mins.X, mn[0]), append(mins.Y, mn[1])
		mins.Classes = append(mins.Classes, 0)
	}
	p.Series = append(p.Series, mins)
	// The surfaces' x and y are the same parameter unit: keep their
	// ratio on screen so a round bowl looks round.
	aspect := (s.xr.Max - s.xr.Min) / (s.yr.Max - s.yr.Min)
	return scene.Panel{Kind: scene.KindPlot, Title: "paths on " + s.title + ": f = " + s.formula, ID: "paths", Priority: 1, Aspect: aspect, Plot: p}
}

// statePanel is one row per optimizer: its last gradient and update, state and per-coordinate step size (lr for the methods without
// one). The label marks the optimizer that just moved (▶) and those that
// diverged (✗).
func (m *machine) statePanel(v view) scene.Panel {
	t := &scene.Table{Columns: []string{"", "step size", "update Δ", "gradient g", "state"}}
	for _, r := range m.runners {
		o := v.ByName[r.name]
		label := o.Label
		switch {
		case o.Diverged:
			label += fmt.Sprintf(" ✗ diverged at step %d", o.DivStep)
		case m.moved != 0 && names[m.last] == r.name:
			label = "▶ " + label
		}
		row := []string{label, "lr = " + trainer.Num(o.LR), "—", "—", "—"}
		if o.HasSize {
			row[1] = fmtPair(o.Size)
		} else if r.name != "gd" && r.name != "sgd" && r.name != "momentum" {
			row[1] = "—"
		}
		if o.T > 0 {
			row[2], row[3] = fmtPair(o.Delta), fmtPair(o.G)
		}
		switch r.name {
		case "momentum":
			row[4] = "v = " + fmtPair(o.Vel)
		case "adagrad":
			row[4] = "G = " + fmtPair(o.Acc)
		case "rmsprop":
			row[4] = "v = " + fmtPair(o.Acc)
		case "adam":
			row[4] = "m = " + fmtPair(o.M) + ", v = " + fmtPair(o.V)
		}
		t.Rows = append(t.Rows, row)
	}
	title := fmt.Sprintf("all six after step %d (lr %s)", m.step, trainer.Num(m.lr))
	if m.moved != 0 {
		title = fmt.Sprintf("all six during step %d: %d of %d moved (lr %s)", m.step+1, m.moved, len(m.runners), trainer.Num(m.lr))
	}
	return scene.Panel{Kind: scene.KindTable, Title: title, Table: t}
}

// detailPanel is the focused optimizer's full state, as the engine reports
// it, with the gradient and the update.
func (m *machine) detailPanel(o optView) scene.Panel {
	r := m.runner(o.Name)
	t := &scene.Table{Columns: []string{"", "x", "y", "meaning"}}
	add := func(name string, p pair, meaning string) {
		t.Rows = append(t.Rows, []string{name, trainer.Num(p[0]), trainer.Num(p[1]), meaning})
	}
	add("position", o.New, "where it is now")
	if o.T > 0 {
		if o.Name == "sgd" {
			add("exact gradient", o.Exact, "∂f/∂x, ∂f/∂y from the backward pass")
			add("noise", o.Noise, fmt.Sprintf("N(0, %s²) per coordinate, seeded", trainer.Num(m.surf.sigma)))
		}
		add("g", o.G, "the gradient the update used")
	}
	for _, s := range r.opt.State(r.p) {
		if len(s.Value.Data) == 2 {
			add(s.Name, pair{s.Value.Data[0], s.Value.Data[1]}, s.Help)
		} else {
			t.Rows = append(t.Rows, []string{s.Name, trainer.Num(s.Value.Data[0]), "", s.Help})
		}
	}
	t.Rows = append(t.Rows, []string{"lr", trainer.Num(o.LR), "", "the learning rate"})
	if o.T > 0 {
		add("Δ", o.Delta, "the last update")
	}
	title := "focus: " + o.Label
	if o.Diverged {
		title += fmt.Sprintf(" (diverged at step %d)", o.DivStep)
	}
	return scene.Panel{Kind: scene.KindTable, Title: title, Table: t}
}

// distPanel is each running optimizer's distance to the nearest minimum;
// diverged ones are left out and named in the title.
func (m *machine) distPanel(v view) scene.Panel {
	b := &scene.Bars{Highlight: -1}
	for _, r := range m.runners {
		o := v.ByName[r.name]
		if o.Diverged {
			continue
		}
		if r.name == m.focus {
			b.Highlight = len(b.Values)
		}
		b.Labels = append(b.Labels, o.Label)
		b.Values = append(b.Values, o.Dist)
	}
	title := "distance to the nearest minimum"
	if len(v.Diverged) > 0 {
		var n []string
		for _, o := range v.Diverged {
			n = append(n, o.Label)
		}
		title += " (diverged: " + strings.Join(n, ", ") + ")"
	}
	return scene.Panel{Kind: scene.KindBars, Title: title, Bars: b}
}

// lossPanel is f − f* at every position each optimizer visited, on a log
// scale. Values that reach 0 are not drawn.
func (m *machine) lossPanel() scene.Panel {
	p := &scene.Plot{XLabel: "step", YLabel: "f − f*", LogY: true}
	top := m.runners[0].fs[0] - m.surf.fStar
	p.YRange = &scene.Range{Min: top * 1e-12, Max: top * 10}
	for _, r := range m.runners {
		x := make([]float64, len(r.fs))
		y := make([]float64, len(r.fs))
		for i, f := range r.fs {
			x[i], y[i] = float64(i), f-m.surf.fStar
		}
		p.Series = append(p.Series, scene.Series{Name: labels[r.name], Style: scene.Line, X: x, Y: y})
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "loss above the minimum, per step", Plot: p}
}

func fmtPair(p pair) string {
	return "(" + fmt3(p[0]) + ", " + fmt3(p[1]) + ")"
}

// fmt3 prints a table number with three significant digits.
func fmt3(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.3g", v)
}
