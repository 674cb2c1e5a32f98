package checks

import (
	"math"
	"slices"
	"testing"
)

// The decode references against the hand-made table: greedy takes 1 then
// the end (0.5 · 0.6), a beam of 2 finds 2 then the end (0.4 · 0.9).
func TestDecodeReference(t *testing.T) {
	hand := logTable(decHandP)
	if g := decGreedy(decVariant{}, hand, 0, 3, 5); !slices.Equal(g, []int{1, 3}) {
		t.Errorf("greedy %v, want [1 3]", g)
	}
	s, sc := decBeam(decVariant{}, hand, 0, 3, 5, 2)
	if !slices.Equal(s, []int{2, 3}) {
		t.Errorf("beam %v, want [2 3]", s)
	}
	near(t, "score", sc, math.Log(0.36)/2, 1e-15)
	if s, _ := decBeam(decVariant{}, hand, 0, 3, 5, 1); !slices.Equal(s, []int{1, 3}) {
		t.Errorf("beam of width 1 %v, want greedy's [1 3]", s)
	}
	if s, sc := decBeam(decVariant{}, decUniform, 0, 3, 3, 2); !slices.Equal(s, []int{0, 0, 0}) || sc != math.Log(0.25) {
		t.Errorf("uniform beam %v %v, want [0 0 0] by the tie rule", s, sc)
	}
}

// Every known mistake gives a wrong answer on at least one case of the
// check, so that its hint can fire.
func TestDecodeMistakesAreWrong(t *testing.T) {
	hand, long := logTable(decHandP), logTable(decLongP)
	type in struct {
		logp              [][]float64
		start, end, ml, k int
	}
	beams := []in{{hand, 0, 3, 5, 2}, {long, 0, 3, 6, 3}, {long, 1, 3, 2, 2}, {hand, 0, 3, 1, 3}, {decUniform, 0, 3, 3, 2}, {randomBigram(105, 4), 0, 3, 5, 3}}
	for _, m := range beamMistakes {
		wrong := false
		for _, b := range beams {
			s, sc := decBeam(decVariant{}, b.logp, b.start, b.end, b.ml, b.k)
			s2, sc2 := decBeam(m.v, b.logp, b.start, b.end, b.ml, b.k)
			wrong = wrong || !slices.Equal(s, s2) || !exactTol.ok(sc2, sc)
		}
		if !wrong {
			t.Errorf("beam mistake %q is right on every case", m.hint)
		}
	}
	greedies := []in{{hand, 0, 3, 5, 0}, {long, 1, 3, 2, 0}, {decUniform, 0, 3, 3, 0}}
	for _, m := range greedyMistakes {
		wrong := false
		for _, g := range greedies {
			wrong = wrong || !slices.Equal(decGreedy(decVariant{}, g.logp, g.start, g.end, g.ml), decGreedy(m.v, g.logp, g.start, g.end, g.ml))
		}
		if !wrong {
			t.Errorf("greedy mistake %q is right on every case", m.hint)
		}
	}
}
