package checks

import (
	"math"
	"slices"
	"testing"
)

// The reference against hand-worked numbers.
func TestSampleReference(t *testing.T) {
	z := []float64{1, 3, 2, 0.5}
	// Top-2 at τ = 1: indices 1 and 2, p ∝ e^3, e^2.
	p := smpProbs(smpVariant{}, z, 1, 2)
	near(t, "p[1]", p[1], 1/(1+math.Exp(-1)), 1e-15)
	near(t, "p[2]", p[2], math.Exp(-1)/(1+math.Exp(-1)), 1e-15)
	if p[0] != 0 || p[3] != 0 {
		t.Errorf("top-2 keeps %v", p)
	}
	// τ = 0.5 squares the ratios: e^(2z).
	p = smpProbs(smpVariant{}, z, 0.5, 0)
	s := math.Exp(2) + math.Exp(6) + math.Exp(4) + math.Exp(1)
	near(t, "τ 0.5 p[0]", p[0], math.Exp(2)/s, 1e-15)
	// Ties at the boundary go to the lower index.
	if p := smpProbs(smpVariant{}, []float64{1, 3, 1, 1, 0}, 1, 2); p[0] == 0 || p[2] != 0 || p[3] != 0 {
		t.Errorf("tie rule: %v", p)
	}
	if p := smpProbs(smpVariant{}, []float64{2, 5, 5}, 0, 0); !slices.Equal(p, []float64{0, 1, 0}) {
		t.Errorf("greedy: %v", p)
	}
	q := []float64{0.5, 0.5, 0.5, 0.5}
	for _, c := range []struct {
		u    float64
		k    int
		want int
	}{{0.25, 0, 1}, {0.2499, 0, 0}, {0.75, 0, 3}, {0.5, 2, 1}, {0.999, 2, 1}} {
		if got := smpDraw(smpVariant{}, q, 1, c.k, c.u); got != c.want {
			t.Errorf("draw u=%v k=%d: %d, want %d", c.u, c.k, got, c.want)
		}
	}
}

// Every known mistake is wrong on at least one case of the check, so that
// its hint can fire.
func TestSampleMistakesAreWrong(t *testing.T) {
	type in struct {
		z    []float64
		temp float64
		k    int
	}
	hand, ties, quarters := []float64{1, 3, 2, 0.5}, []float64{1, 3, 1, 1, 0}, []float64{0.5, 0.5, 0.5, 0.5}
	probCases := []in{{hand, 0.5, 0}, {hand, 1, 2}, {ties, 1, 2}, {quarters, 1, 2}, {hand, 0.7, 3}}
	for _, m := range smpProbsMistakes {
		wrong := false
		for _, c := range probCases {
			a, b := smpProbs(smpVariant{}, c.z, c.temp, c.k), smpProbs(m.v, c.z, c.temp, c.k)
			for i := range a {
				wrong = wrong || !exactTol.ok(b[i], a[i])
			}
		}
		if !wrong {
			t.Errorf("probs mistake %q is right on every case", m.hint)
		}
	}
	us := []float64{0, 0.1, 0.25, 0.3, 0.5, 0.75, 0.9, 0.99}
	for _, m := range smpDrawMistakes {
		wrong := false
		for _, c := range []in{{quarters, 1, 0}, {hand, 1, 2}, {hand, 0.8, 0}} {
			for _, u := range us {
				wrong = wrong || smpDraw(m.v, c.z, c.temp, c.k, u) != smpDraw(smpVariant{}, c.z, c.temp, c.k, u)
			}
		}
		if !wrong {
			t.Errorf("draw mistake %q is right on every case", m.hint)
		}
	}
}
