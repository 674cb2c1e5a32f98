package trainer

import (
	"math"
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

// A machine's own gauges: one pair per network over all its parameters'
// updates, and its activations' units pooled per kind.
func TestHealthRecordPerNetwork(t *testing.T) {
	var h Health
	h.RecordUpdate("G", []ParamUpdate{{Name: "G.dense1.W", Before: 3, Delta: 0.3, Grad: 1}, {Name: "G.dense1.b", Before: 4, Delta: 0.4, Grad: 2}})
	tp := autograd.NewTape()
	x := autograd.NewParam("x", tensor.FromRows([][]float64{{-1, -1, 2}, {-2, 3, 1}}))
	tp.ReLU(x)
	tp.ReLU(tp.Neg(x)) // dead where x > 0 on both rows: the third unit
	tp.Tanh(x)         // no unit saturated
	h.RecordUnits("G", tp.Nodes())
	g, _ := h.Latest("G", GaugeGrad)
	r, _ := h.Latest("G", GaugeRatio)
	d, _ := h.Latest("G", GaugeDead)
	s, _ := h.Latest("G", GaugeSaturated)
	if len(h.Gauges) != 4 || !near(g, math.Sqrt(5)) || !near(r, 0.1) || d != 2.0/6 || s != 0 {
		t.Fatalf("gauges %+v", h.Gauges)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
