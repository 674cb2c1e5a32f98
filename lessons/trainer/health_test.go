package trainer

import (
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// A named activation has a gauge of its own; the unnamed ones of one op
// kind are pooled into one gauge per pass, whatever their number, so
// that a tape whose length changes keeps one row per kind.
func TestHealthPoolsUnnamedActivations(t *testing.T) {
	var h Health
	pass := func(steps int) {
		tp := autograd.NewTape()
		// Two rows, three units: the first unit is 0 on both rows (dead),
		// the second on one row only.
		x := autograd.NewParam("x", tensor.FromRows([][]float64{{-1, -1, 2}, {-2, 3, 1}}))
		tp.ReLU(x).Named("h")
		for range steps {
			// Units of a large |input| saturate the sigmoid: 1 of 2 here.
			z := autograd.NewParam("z", tensor.FromRows([][]float64{{30, 0}, {-40, 1}}))
			tp.Sigmoid(z)
		}
		h.recordForward(tp.Nodes())
	}
	pass(3)
	pass(5)
	if len(h.Gauges) != 2 {
		t.Fatalf("%d gauges, want 2: %+v", len(h.Gauges), h.Gauges)
	}
	if g := h.Gauges[0]; g.Layer != "h (relu)" || g.Kind != GaugeDead || len(g.Values) != 2 || g.Values[1] != 1.0/3 {
		t.Fatalf("named relu: %+v", g)
	}
	if g := h.Gauges[1]; g.Layer != "sigmoid" || g.Kind != GaugeSaturated || len(g.Values) != 2 || g.Values[0] != 0.5 || g.Values[1] != 0.5 {
		t.Fatalf("pooled sigmoid: %+v", g)
	}
}
