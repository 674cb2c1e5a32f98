package checks

import (
	"math"
	"testing"
)

func TestScheduleReference(t *testing.T) {
	for tt, want := range []float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025} {
		near(t, "StepDecay", stepDecay(schedVariant{}, 0.1, 0.5, 3, tt), want, 1e-15)
	}
	near(t, "Cosine(t=0)", cosine(schedVariant{}, 0.1, 0.001, 0, 10), 0.1, 1e-15)
	near(t, "Cosine(t=T/2)", cosine(schedVariant{}, 0.1, 0.001, 5, 10), 0.0505, 1e-15)
	near(t, "Cosine(t=T)", cosine(schedVariant{}, 0.1, 0.001, 10, 10), 0.001, 1e-15)
	near(t, "Cosine(t=1)", cosine(schedVariant{}, 0.3, 0, 1, 7), 0.15*(1+math.Cos(math.Pi/7)), 1e-15)
	for tt, want := range []float64{0, 0.002, 0.004, 0.006, 0.008, 0.01, 0.01} {
		near(t, "WarmupConstant", warmupConstant(schedVariant{}, 0.01, 5, tt), want, 1e-15)
	}
	// Warm-up 4, total 20: lr·3/4 at t = 3, lr at t = 4, the midpoint at
	// t = 12, η_min at 20 and after.
	for _, c := range [][2]float64{{3, 0.0075}, {4, 0.01}, {12, 0.00505}, {20, 1e-4}, {23, 1e-4}} {
		near(t, "WarmupCosine", warmupCosine(schedVariant{}, 0.01, 1e-4, 4, 20, int(c[0])), c[1], 1e-15)
	}
	// Every known mistake changes some value of the tables the check uses.
	differs := func(f func(v schedVariant, t int) float64, n int, v schedVariant) bool {
		for tt := range n {
			if f(v, tt) != f(schedVariant{}, tt) {
				return true
			}
		}
		return false
	}
	for _, m := range stepDecayMistakes {
		if !differs(func(v schedVariant, tt int) float64 { return stepDecay(v, 0.1, 0.5, 3, tt) }, 11, m.v) {
			t.Errorf("StepDecay: %q changes nothing", m.hint)
		}
	}
	for _, m := range cosineMistakes {
		if !differs(func(v schedVariant, tt int) float64 { return cosine(v, 0.1, 0.001, tt, 10) }, 11, m.v) {
			t.Errorf("Cosine: %q changes nothing", m.hint)
		}
	}
	for _, m := range warmupMistakes {
		if !differs(func(v schedVariant, tt int) float64 { return warmupConstant(v, 0.01, 5, tt) }, 9, m.v) {
			t.Errorf("WarmupConstant: %q changes nothing", m.hint)
		}
	}
	for _, m := range warmupCosineMistakes {
		if !differs(func(v schedVariant, tt int) float64 { return warmupCosine(v, 0.01, 1e-4, 4, 20, tt) }, 24, m.v) {
			t.Errorf("WarmupCosine: %q changes nothing", m.hint)
		}
	}
}
