package checks

import (
	"math"
	"slices"
	"testing"
)

// The posenc reference against values worked by hand: d = 4 gives the
// frequencies 1 and 1/100.
func TestPosEncReference(t *testing.T) {
	pe := peRun(peVariant{}, 3, 4)
	want := [][]float64{
		{0, 1, 0, 1},
		{math.Sin(1), math.Cos(1), math.Sin(0.01), math.Cos(0.01)},
		{math.Sin(2), math.Cos(2), math.Sin(0.02), math.Cos(0.02)},
	}
	for i := range want {
		for j := range want[i] {
			near(t, "PE", pe[i][j], want[i][j], 1e-15)
		}
	}
	// Every mistake is wrong on the hand case, so its hint can fire there.
	for _, m := range peMistakes {
		if slices.Equal(flatten(peRun(m.v, 3, 4)), flatten(pe)) {
			t.Errorf("mistake %q gives the right encoding", m.hint)
		}
	}
}
