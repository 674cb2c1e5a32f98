package widget

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Every panel kind, at two sizes, as text.
func TestGoldenPanels(t *testing.T) {
	th := NewTheme(true, false)
	for _, p := range samplePanels() {
		for _, s := range [][2]int{{36, 10}, {64, 18}} {
			t.Run(fmt.Sprintf("%s/%dx%d", strings.ReplaceAll(p.Title, " ", "_"), s[0], s[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(ansi.Strip(Render(p, s[0], s[1], th))))
			})
		}
	}
}

// Render always fills exactly w×h, whatever the size and the theme.
func TestRenderSize(t *testing.T) {
	for _, th := range []*Theme{NewTheme(true, false), NewTheme(false, false), NewTheme(true, true)} {
		for _, p := range append(samplePanels(), extraPanels()...) {
			for _, s := range [][2]int{{1, 1}, {3, 2}, {12, 4}, {20, 7}, {40, 12}, {38, 11}, {80, 24}, {150, 45}} {
				out := Render(p, s[0], s[1], th)
				lines := strings.Split(out, "\n")
				if len(lines) != s[1] {
					t.Fatalf("%s at %v: %d lines", p.Title, s, len(lines))
				}
				for _, l := range lines {
					if ansi.StringWidth(l) != s[0] {
						t.Fatalf("%s at %v: a line is %d wide", p.Title, s, ansi.StringWidth(l))
					}
				}
			}
		}
	}
}

// sgr matches a Select Graphic Rendition sequence and its parameters.
var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// Without colour, nothing sets a colour; highlights still show as marks.
func TestNoColor(t *testing.T) {
	th := NewTheme(true, true)
	for _, p := range append(samplePanels(), extraPanels()...) {
		out := Render(p, 60, 16, th)
		for _, m := range sgr.FindAllStringSubmatch(out, -1) {
			for _, a := range strings.Split(m[1], ";") {
				if n, err := strconv.Atoi(a); err == nil && (n >= 30 && n <= 49 || n >= 90 && n <= 107) {
					t.Errorf("%s: colour sequence %q in %q", p.Title, m[0], out)
				}
			}
		}
	}
	m := Render(samplePanels()[3], 60, 16, th)
	if !strings.Contains(m, "▸") {
		t.Error("the highlighted matrix cell has no mark")
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 1.5: "1.500", -2: "−2.000", 12.34: "12.3", 1234: "1234", 1e6: "1.0e+06",
		0.0001: "1.0e-04", math.NaN(): "NaN", math.Inf(1): "+Inf", math.Inf(-1): "−Inf",
	} {
		if got := Num(v); got != want && !math.IsNaN(v) {
			t.Errorf("Num(%g) = %q, want %q", v, got, want)
		}
	}
	if Num(math.NaN()) != "NaN" {
		t.Error("Num(NaN)")
	}
	if axisNum(1.0) != "1" || axisNum(0.25) != "0.25" {
		t.Errorf("axisNum: %q %q", axisNum(1.0), axisNum(0.25))
	}
}

// Data far outside a fixed range still draws the part of a line inside.
func TestClippedLine(t *testing.T) {
	p := scene.Panel{Kind: scene.KindPlot, Plot: &scene.Plot{
		XRange: &scene.Range{Min: 0, Max: 1}, YRange: &scene.Range{Min: 0, Max: 1},
		Series: []scene.Series{{Style: scene.Line, X: []float64{0, 1}, Y: []float64{0.5, 1e12}}}}}
	out := ansi.Strip(Render(p, 30, 10, NewTheme(true, false)))
	if !strings.ContainsAny(out, "⠁⠂⠄⡀⠈⠐⠠⢀⡇⢸") {
		t.Errorf("no line drawn:\n%s", out)
	}
}

// A matrix too tall for its box keeps its highlighted row in view (the
// row a lesson works in numbers), and says how many rows it leaves out.
func TestMatrixKeepsHighlightedRow(t *testing.T) {
	vals := make([]float64, 6*3)
	for i := range vals {
		vals[i] = float64(i)
	}
	m := &scene.Matrix{Rows: 6, Cols: 3, Values: vals, RowLabels: []string{"r1", "r2", "r3", "r4", "r5", "r6"},
		ColLabels: []string{"a", "b", "c"}, Highlight: []scene.Cell{{Row: 4, Col: 0}, {Row: 4, Col: 1}, {Row: 4, Col: 2}}}
	p := scene.Panel{Kind: scene.KindMatrix, Matrix: m}
	for h := 2; h <= 7; h++ {
		out := ansi.Strip(Render(p, 40, h, NewTheme(true, false)))
		if !strings.Contains(out, "r5  ▸") {
			t.Errorf("height %d: the highlighted row r5 is not shown:\n%s", h, out)
		}
		if h < 7 && h > 2 && !strings.Contains(out, "more rows") {
			t.Errorf("height %d: rows left out without a word:\n%s", h, out)
		}
	}
	if out := ansi.Strip(Render(p, 40, 3, NewTheme(true, false))); !strings.Contains(out, "r5") || strings.Contains(out, "r1 ") {
		t.Errorf("height 3 shows the top rows instead of the highlighted one:\n%s", out)
	}
}
