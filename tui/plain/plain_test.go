package plain

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

// everyKind is a scene with one panel of every kind, including awkward
// values (NaN, Inf, empty series).
func everyKind() scene.Scene {
	return scene.Scene{
		Lesson: "Test", Phase: "forward", Narrative: "## Hello\n\nText with **42**.",
		Pos:      scene.Position{Op: 2, OpsPerStep: 5, Step: 3, Steps: 10, Epoch: 1, Epochs: 2},
		Settings: []scene.Setting{{Name: "lr", Label: "learning rate", Value: "0.1"}},
		Status:   scene.Status{Level: scene.LevelWarning, Message: "careful"},
		Panels: []scene.Panel{
			{Kind: scene.KindPlot, Title: "plot", Plot: &scene.Plot{XLabel: "x", YLabel: "y", LogY: true, Series: []scene.Series{
				{Name: "line", Style: scene.Line, X: []float64{1, 2, 3}, Y: []float64{10, 1, math.NaN()}},
				{Name: "pts", Style: scene.Scatter, X: []float64{1, 3}, Y: []float64{5, math.Inf(1)}, Classes: []int{0, 1}},
				{Name: "empty", Style: scene.Path},
			}}},
			{Kind: scene.KindPlot, Title: "empty plot", Plot: &scene.Plot{}},
			{Kind: scene.KindMatrix, Title: "W", Matrix: &scene.Matrix{Rows: 2, Cols: 2, Values: []float64{1, -2, 3, 4}, Grads: []float64{0.1, 0.2, 0.3, 0.4}, Highlight: []scene.Cell{{Row: 1, Col: 1}}, RowLabels: []string{"a", "b"}}},
			{Kind: scene.KindGraph, Title: "graph", Graph: &scene.Graph{Current: 1, Pass: "backward", Nodes: []scene.GraphNode{
				{Label: "x", State: scene.NodeDone, Value: "1"}, {Label: "y = relu(x)", Inputs: []int{0}, State: scene.NodeCurrent, Detail: "upstream 1 × local 1 = 1"}}}},
			{Kind: scene.KindImage, Title: "img", Image: &scene.Image{Rows: 2, Cols: 2, Tiles: [][]float64{{0, 0.5, 1, 0.25}}, Captions: []string{"digit"}, Max: 1}},
			{Kind: scene.KindBars, Title: "bars", Bars: &scene.Bars{Labels: []string{"a", "bb"}, Values: []float64{1, -3}, Highlight: 1}},
			{Kind: scene.KindTable, Title: "table", Table: &scene.Table{Columns: []string{"k", "v"}, Rows: [][]string{{"W", "1.5"}}}},
		},
	}
}

func TestWriteEveryKind(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, everyKind()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Test · forward · step 3/10 · epoch 1/2 · op 2/5",
		"learning rate 0.1", "WARNING: careful", "Text with **42**.",
		"(no data yet)", "*4 (∇0.4)", "▶ y = relu(x)", "upstream 1 × local 1 = 1",
		"digit", "▶ bb", "W  1.5", "(log scale)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("plain output contains escape sequences")
	}
}

func TestPlotLinesAreDrawn(t *testing.T) {
	var b bytes.Buffer
	p := scene.Panel{Kind: scene.KindPlot, Title: "p", Plot: &scene.Plot{
		XRange: &scene.Range{Min: 0, Max: 1}, YRange: &scene.Range{Min: 0, Max: 1},
		Series: []scene.Series{{Name: "diag", Style: scene.Line, X: []float64{0, 1}, Y: []float64{0, 1}}}}}
	if err := Write(&b, scene.Scene{Panels: []scene.Panel{p}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	var rows []string
	for _, l := range lines {
		if strings.Contains(l, "│") {
			rows = append(rows, l)
		}
	}
	if len(rows) != chartH {
		t.Fatalf("%d chart rows, want %d", len(rows), chartH)
	}
	// the diagonal: top row ends at the right, bottom row starts at the left
	if !strings.HasSuffix(rows[0], ".") || !strings.Contains(rows[chartH-1], "│.") {
		t.Fatalf("diagonal not drawn corner to corner:\n%s", strings.Join(rows, "\n"))
	}
}

func TestRegionAndContourAreDrawn(t *testing.T) {
	grid := scene.Grid{X: scene.Range{Min: 0, Max: 1}, Y: scene.Range{Min: 0, Max: 1}, Rows: 2, Cols: 2, Values: []float64{0, 1, 0, 1}}
	p := scene.Panel{Kind: scene.KindPlot, Title: "p", Plot: &scene.Plot{
		XRange: &scene.Range{Min: 0, Max: 1}, YRange: &scene.Range{Min: 0, Max: 1},
		Region:  &grid,
		Contour: &scene.Contour{Grid: grid, Levels: []float64{0.5}},
	}}
	var b bytes.Buffer
	if err := Write(&b, scene.Scene{Panels: []scene.Panel{p}}); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "│") {
			rows = append(rows, l[strings.Index(l, "│")+len("│"):])
		}
	}
	mid := rows[chartH/2]
	// The right half (value 1) is shaded, the left is not, and the level
	// 0.5 runs down the middle.
	if !strings.HasSuffix(strings.TrimRight(mid, " "), "·") || strings.HasPrefix(mid, "·") || !strings.Contains(mid, ":") {
		t.Fatalf("region/contour not drawn as expected:\n%s", strings.Join(rows, "\n"))
	}
}

func TestLabelledImageIsATable(t *testing.T) {
	im := &scene.Image{Rows: 2, Cols: 2, Tiles: [][]float64{{0.9, 0.1, 0.25, 0.75}}, Max: 1,
		RowLabels: []string{"the", "cat"}, ColLabels: []string{"k1", "k2"}, Captions: []string{"head 1"}}
	var b bytes.Buffer
	if err := Write(&b, scene.Scene{Panels: []scene.Panel{{Kind: scene.KindImage, Title: "attention", Image: im}}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"head 1", "k1", "the  0.90  0.10", "cat  0.25  0.75"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

// TestWriteAutopsy: the transcript carries the whole autopsy — the step,
// the trigger and its rule, every finding and the change to try.
func TestWriteAutopsy(t *testing.T) {
	sc := everyKind()
	sc.Autopsy = &scene.Autopsy{Step: 2, Trigger: scene.TriggerJump, Rule: "a loss above ×10",
		Summary: "W grew ×15", Findings: []string{"the loss jumped ×44", "W grew ×15", "matmul at z = matmul(x, W): ×14"},
		Try: "lower the learning rate from 3 to 0.01"}
	var b bytes.Buffer
	if err := Write(&b, sc); err != nil {
		t.Fatal(err)
	}
	want := "Autopsy: stopped in step 2 on a loss jump (stops at: a loss above ×10)\n" +
		"  - the loss jumped ×44\n  - W grew ×15\n  - matmul at z = matmul(x, W): ×14\n" +
		"  try: lower the learning rate from 3 to 0.01\n"
	if !strings.Contains(b.String(), want) {
		t.Fatalf("transcript lacks the autopsy %q:\n%s", want, b.String())
	}
}
