package attention

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/template"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The narrative: part one in narrative.md, part two in training.md.
var (
	//go:embed narrative.md
	narrativeText string
	//go:embed training.md
	trainingText string

	narrative = template.Must(template.Must(template.New("attention").Funcs(trainer.Funcs).Funcs(template.FuncMap{
		"pct": pct,
	}).Parse(narrativeText)).Parse(trainingText))
)

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	p := m.predict(m.example())
	v := m.view(p)
	sc := scene.Scene{
		Lesson: "Self-attention",
		Pos: scene.Position{
			Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epochs: m.loop.Epochs,
		},
	}
	if m.part1() {
		st := m.stage()
		sc.Phase = fmt.Sprintf("part 1 · %d/%d %s", m.at+1, len(m.stages)-1, stageNames[st])
		sc.Narrative = trainer.Narrative(narrative, stageNames[st], v)
		sc.Panels = m.mechanismPanels(st)
		return sc
	}
	if m.loop.Cur.Tape != nil {
		sc.Pos.Op, sc.Pos.OpsPerStep = m.loop.Cur.OpIndex(), m.loop.Cur.OpsPerStep()
	}
	phase, block := m.loop.Phase()
	if phase == "ready" {
		block = "part2"
	}
	if phase == "forward" || phase == "backward" {
		block = "fwd"
		if phase == "backward" {
			block = "bwd"
		}
		if narrative.Lookup(block+"-"+v.Op.Role) != nil {
			block += "-" + v.Op.Role
		}
	}
	sc.Phase, sc.Narrative = phase, trainer.Narrative(narrative, block, v)
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d — lower the learning rate", m.loop.DivStep)}
	case "finished":
		// The runtime replaces this with its verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: test accuracy %.1f%%", 100*v.TestAcc)}
	}
	if op, ok := currentOp(&m.loop.Cur); ok {
		sc.Panels = append(sc.Panels, opPanel(op))
	}
	if p.finite() {
		sc.Panels = append(sc.Panels, m.mapsPanel(p), m.outputPanel(p))
	}
	sc.Panels = append(sc.Panels, m.lossPanel(), m.accuracyPanel())
	return sc
}

// mechanismPanels are part one's matrices at stage st. The main picture
// (ID workedID) is the matrix the stage has just computed, focus row
// highlighted: X, then Q, K and V, the scores S, the scaled scores (also
// at the mask, which the table beside it applies), the weights A and the
// output O. None shows what a question posed at that stage asks: the
// scores come before the weights, and the weights only once the softmax
// has been taken.
func (m *machine) mechanismPanels(st stage) []scene.Panel {
	mc := m.mech
	i := Focus
	feats := func(p string) []string {
		l := make([]string, TinyDim)
		for k := range l {
			l[k] = fmt.Sprintf("%s%d", p, k+1)
		}
		return l
	}
	worked := func(p scene.Panel) scene.Panel {
		p.ID, p.Priority = workedID, 1
		return p
	}
	x := matrix("X: the tokens", mc.X, words, feats("x"), rowCells(i, TinyDim))
	proj := func(name string, w, out *tensor.Tensor, p string) []scene.Panel {
		return []scene.Panel{
			worked(matrix(name+" = X·W"+p, out, words, feats(p), rowCells(i, TinyDim))),
			x,
			matrix("W"+p, w, feats("x"), feats(p), nil),
		}
	}
	keys := func(scores *tensor.Tensor, title string, cells []scene.Cell) scene.Panel {
		return matrix(title, scores, words, words, cells)
	}
	n := len(words)
	switch st {
	case stageTokens:
		return []scene.Panel{worked(x)}
	case stageQuery:
		return proj("Q", mc.Wq, mc.Q, "q")
	case stageKey:
		return proj("K", mc.Wk, mc.K, "k")
	case stageValue:
		return proj("V", mc.Wv, mc.V, "v")
	case stageScores:
		// The worked cell is the focus query against its own key: which
		// key it weighs most is a question asked here.
		return []scene.Panel{
			worked(keys(mc.S, "S = Q·Kᵀ (rows: queries, columns: keys)", rowCells(i, n))),
			matrix("Q (queries)", mc.Q, words, feats("q"), rowCells(i, TinyDim)),
			matrix("K (keys)", mc.K, words, feats("k"), rowCells(i, TinyDim)),
		}
	case stageScale:
		return []scene.Panel{
			worked(keys(mc.Scaled, fmt.Sprintf("S/√%d", TinyDim), rowCells(i, n))),
			keys(mc.S, "S = Q·Kᵀ", rowCells(i, n)),
		}
	case stageMask:
		return []scene.Panel{
			worked(keys(mc.Scaled, fmt.Sprintf("S/√%d, before the mask", TinyDim), rowCells(i, n))),
			maskedPanel(mc.Masked),
		}
	case stageSoftmax:
		return []scene.Panel{
			worked(keys(mc.A, "A = softmax of each row of the scores", rowCells(i, n))),
			heatmap(mc.A), m.focusBars(),
		}
	default:
		return []scene.Panel{
			worked(matrix("O = A·V", mc.O, words, feats("o"), rowCells(i, TinyDim))),
			matrix("V (values)", mc.V, words, feats("v"), nil),
			keys(mc.A, "A (attention weights)", rowCells(i, n)),
		}
	}
}

// workedID names part one's main picture: the matrix each stage computes.
const workedID = "worked"

// focusBars are the attention weights of the focus query, key by key.
func (m *machine) focusBars() scene.Panel {
	n := len(words)
	return scene.Panel{Kind: scene.KindBars, Title: "weights of " + words[Focus] + "'s query", Bars: &scene.Bars{
		Labels: words, Values: append([]float64(nil), m.mech.A.Data[Focus*n:(Focus+1)*n]...), Highlight: m.mech.Key,
	}}
}

// matrix is a matrix panel of t [r c].
func matrix(title string, t *tensor.Tensor, rows, cols []string, hl []scene.Cell) scene.Panel {
	return scene.Panel{Kind: scene.KindMatrix, Title: title, Matrix: &scene.Matrix{
		Rows: t.Shape[0], Cols: t.Shape[1], Values: append([]float64(nil), t.Data...),
		RowLabels: rows, ColLabels: cols, Highlight: hl,
	}}
}

// rowCells highlights row r of a matrix with c columns.
func rowCells(r, c int) []scene.Cell {
	cells := make([]scene.Cell, c)
	for k := range cells {
		cells[k] = scene.Cell{Row: r, Col: k}
	}
	return cells
}

// maskedPanel shows the masked scores as text, since −∞ is not a number
// a scene can carry.
func maskedPanel(t *tensor.Tensor) scene.Panel {
	n := len(words)
	tb := &scene.Table{Columns: append([]string{""}, words...)}
	for i := range n {
		r := []string{words[i]}
		if i == Focus {
			r[0] = "▸" + words[i]
		}
		for j := range n {
			if masked(true, i, j) {
				r = append(r, "−∞")
			} else {
				r = append(r, strings.ReplaceAll(trainer.Num(t.Data[i*n+j]), "-", "−"))
			}
		}
		tb.Rows = append(tb.Rows, r)
	}
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("S/√%d + mask", TinyDim), Table: tb}
}

// heatmap draws part one's attention weights.
func heatmap(a *tensor.Tensor) scene.Panel {
	cols := make([]string, len(words))
	for k, w := range words {
		cols[k] = w[:1]
	}
	return scene.Panel{Kind: scene.KindImage, Title: "A as a heatmap", Image: &scene.Image{
		Rows: a.Shape[0], Cols: a.Shape[1], Tiles: [][]float64{append([]float64(nil), a.Data...)},
		Min: 0, Max: 1, RowLabels: words, ColLabels: cols,
	}}
}

// pct formats a fraction as a percentage with at most one decimal:
// 12.5%, 100%.
func pct(v float64) string {
	return strconv.FormatFloat(math.Round(1000*v)/10, 'f', -1, 64) + "%"
}
