package trainer

import (
	"fmt"
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

// Activations numbered along a sequence (one per time step) make one
// gauge past maxSeries of them; up to maxSeries (the layers of a deep
// network) each keeps its own.
func TestHealthPoolsLongSeries(t *testing.T) {
	for _, c := range []struct{ steps, gauges int }{{maxSeries, maxSeries}, {maxSeries + 1, 1}, {50, 1}} {
		var h Health
		tp := autograd.NewTape()
		for i := range c.steps {
			// Step 1 saturates one of its two units, the others none.
			v := 0.5
			if i == 0 {
				v = 30
			}
			z := autograd.NewParam("z", tensor.FromRows([][]float64{{v, 0}}))
			tp.Tanh(z).Named(fmt.Sprintf("h%d", i+1))
		}
		h.recordForward(tp.Nodes())
		if len(h.Gauges) != c.gauges {
			t.Fatalf("%d steps: %d gauges, want %d", c.steps, len(h.Gauges), c.gauges)
		}
		if c.gauges == 1 {
			g := h.Gauges[0]
			if g.Layer != "hₜ (tanh, every step)" || g.Values[0] != 1/float64(2*c.steps) {
				t.Fatalf("%d steps: %+v", c.steps, g)
			}
		}
	}
}

// flatUnits, reading row by row the units still flat, counts what a scan
// of each unit down all the rows counts, on batches with dead units,
// units flat on some rows only, one row, and no rows; and so does
// unitCounts (its own loop for a ReLU).
func TestFlatUnitsMatchesAScanPerUnit(t *testing.T) {
	perUnit := func(xs []float64, shape []int, flat func(float64) bool) (dead, units int) {
		units = len(xs)
		if len(shape) > 1 && shape[0] > 0 {
			units = len(xs) / shape[0]
		}
		for u := range units {
			all := true
			for k := u; k < len(xs) && all; k += units {
				all = flat(xs[k])
			}
			if all {
				dead++
			}
		}
		return dead, units
	}
	rng := tensor.NewRNG(7)
	for i := range 300 {
		shape := []int{rng.IntN(6), 1 + rng.IntN(5), 1 + rng.IntN(7)}
		if i%10 == 0 {
			shape = shape[1:] // no batch axis: one row
		}
		xs := make([]float64, tensor.Size(shape))
		zero := rng.Float64() // the share of exact zeros
		for k := range xs {
			if rng.Float64() >= zero {
				xs[k] = rng.NormFloat64() * 3
			}
		}
		for _, op := range []string{"relu", "sigmoid", "tanh"} {
			_, flat := activation(op)
			vs := xs
			if op != "relu" {
				// Outputs in the activation's range, some saturated.
				vs = make([]float64, len(xs))
				for k, x := range xs {
					vs[k] = math.Tanh(x)
					if op == "sigmoid" {
						vs[k] = 1 / (1 + math.Exp(-3*x))
					}
				}
			}
			gd, gu := flatUnits(vs, shape, flat)
			wd, wu := perUnit(vs, shape, flat)
			if gd != wd || gu != wu {
				t.Fatalf("%s on %v: (%d, %d), want (%d, %d)", op, shape, gd, gu, wd, wu)
			}
			if gd, gu = unitCounts(op, vs, shape); gd != wd || gu != wu {
				t.Fatalf("unitCounts: %s on %v: (%d, %d), want (%d, %d)", op, shape, gd, gu, wd, wu)
			}
		}
	}
}

// activationCounts gives each activation node's own counts, in node
// order, for a small pass (counted in order) and a large one (side by
// side), and zeros for the other nodes.
func TestActivationCountsAreEachNodesCounts(t *testing.T) {
	for _, rows := range []int{2, parallelScan / 64} {
		tp := autograd.NewTape()
		x := autograd.NewParam("x", tensor.RandN(tensor.NewRNG(5), rows, 40))
		tp.ReLU(x)
		tp.Scale(x, 3)
		tp.Tanh(tp.Scale(x, 4))
		tp.Sigmoid(tp.Scale(x, 5))
		tp.ReLU(tp.Scale(x, -1))
		nodes := tp.Nodes()
		got := activationCounts(nodes)
		for i, n := range nodes {
			var want [2]int
			if _, flat := activation(n.Op); flat != nil {
				want[0], want[1] = flatUnits(n.Out.Value.Data, n.Out.Value.Shape, flat)
			}
			if got[i] != want {
				t.Fatalf("%d rows, node %d (%s): %v, want %v", rows, i, n.Op, got[i], want)
			}
		}
	}
}
