package checks

import (
	"math"
	"testing"
)

// The references of the checks against numbers worked out independently
// (by hand or in another language), so that a check cannot agree with a
// wrong reference.

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}

func TestMSEReference(t *testing.T) {
	near(t, "Loss", mseLoss([]float64{0.5, 1, -2}, []float64{1, 1, 0}), 4.25/3, 1e-15)
	g := mseGrad([]float64{0.5, 1, -2}, []float64{1, 1, 0})
	for i, want := range []float64{-1.0 / 3, 0, -4.0 / 3} {
		near(t, "Grad", g[i], want, 1e-15)
	}
}

func TestLogisticReference(t *testing.T) {
	near(t, "σ(0)", sigmoid(0), 0.5, 0)
	near(t, "σ(-40)", sigmoid(-40), 4.248354255291589e-18, 1e-30)
	near(t, "σ(800)", sigmoid(800), 1, 0)
	near(t, "σ(-800)", sigmoid(-800), 0, 0)
	near(t, "BCE", bce([]float64{0.9, 0.2, 0.6}, []float64{1, 0, 1}), 0.2797765635793423, 1e-15)
	near(t, "BCE(p=0, y=1)", bce([]float64{0}, []float64{1}), -math.Log(1e-7), 1e-12)
	g := logisticGrad([]float64{0, 800}, []float64{1, 1})
	near(t, "Grad[0]", g[0], -0.25, 1e-15)
	near(t, "Grad[1]", g[1], 0, 0)
}

func TestBackpropReference(t *testing.T) {
	// One example, one unit per layer: h = tanh(0.5), ŷ = 2h + 0.5, y = 1.
	m := mlp{x: [][]float64{{1}}, W1: [][]float64{{0.5}}, b1: []float64{0},
		W2: [][]float64{{2}}, b2: []float64{0.5}, y: [][]float64{{1}}}
	g := m.backward(variant{})
	near(t, "db2", g.db2[0], 0.8484686290400392, 1e-14)
	near(t, "dW2", g.dW2[0][0], 0.39209191087628065, 1e-14)
	near(t, "db1", g.db1[0], 1.3345524596024945, 1e-14)
	near(t, "dW1", g.dW1[0][0], 1.3345524596024945, 1e-14)

	// On a random batch the backward pass agrees with finite differences.
	b := randomMLP(newRand(9), 3, 2, 4, 3)
	fd, an := b.finiteDifferences(), b.backward(variant{})
	for _, part := range []string{"dW1", "db1", "dW2", "db2"} {
		for i, v := range an.flat(part) {
			near(t, part, fd.flat(part)[i], v, 1e-8)
		}
	}
	// Every known mistake changes some gradient, so that its hint can fire.
	for _, bm := range backpropMistakes {
		w, same := b.backward(bm.v), true
		for _, part := range []string{"dW1", "db1", "dW2", "db2"} {
			for i, v := range w.flat(part) {
				same = same && v == an.flat(part)[i]
			}
		}
		if same {
			t.Errorf("mistake %q gives the right gradients", bm.hint)
		}
	}
}

func TestAdamReference(t *testing.T) {
	// The first step moves each weight by lr·g/(|g| + ε): about lr·sign(g).
	w := adamRun(adamVariant{}, 0.01, []float64{1, -2, 0.5, 3}, [][]float64{{0.1, -0.3, 0, 1e-4}})[0]
	near(t, "w[0]", w[0], 1-0.01*0.1/(0.1+1e-8), 1e-15)
	near(t, "w[1]", w[1], -2+0.01*0.3/(0.3+1e-8), 1e-15)
	near(t, "w[2]", w[2], 0.5, 0)
	near(t, "w[3]", w[3], 3-0.01*1e-4/(1e-4+1e-8), 1e-15)
	// Two steps with g = 1 then g = 0, by hand: m = 0.09, v = 0.000999,
	// m̂ = 0.09/0.19, v̂ = 0.000999/0.001999.
	w = adamRun(adamVariant{}, 0.1, []float64{0}, [][]float64{{1}, {0}})[1]
	step1 := 0.1 * 1 / (1 + 1e-8)
	step2 := 0.1 * (0.09 / 0.19) / (math.Sqrt(0.000999/0.001999) + 1e-8)
	near(t, "w after 2 steps", w[0], -step1-step2, 1e-12)
}
