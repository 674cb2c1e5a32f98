package checks

import (
	"math"
	"testing"
)

// The references against hand-worked numbers.
func TestCausalMaskReference(t *testing.T) {
	m := cmMask(cmVariant{}, 3)
	for i := range 3 {
		for j := range 3 {
			if want := j > i; math.IsInf(m[i][j], -1) != want || (!want && m[i][j] != 0) {
				t.Errorf("mask[%d][%d] = %v", i, j, m[i][j])
			}
		}
	}
	w := cmSoftmax(cmVariant{}, [][]float64{{1, 5, -2}, {0.5, 2, 9}, {3, -1, 0}})
	near(t, "w[0][0]", w[0][0], 1, 0)
	near(t, "w[1][0]", w[1][0], 1/(1+math.Exp(1.5)), 1e-15)
	near(t, "w[1][2]", w[1][2], 0, 0)
	s := math.Exp(3) + math.Exp(-1) + 1
	near(t, "w[2][1]", w[2][1], math.Exp(-1)/s, 1e-15)
	// The gradient of a masked score is exactly 0, and each row of the
	// gradient sums to 0.
	g := [][]float64{{1, 2, 3}, {-1, 0.5, 4}, {0.2, -0.3, 1}}
	d := cmBackward(cmVariant{}, w, g)
	if d[0][1] != 0 || d[0][2] != 0 || d[1][2] != 0 {
		t.Errorf("gradient above the diagonal: %v", d)
	}
	for _, row := range d {
		near(t, "row sum", row[0]+row[1]+row[2], 0, 1e-15)
	}
	// A huge masked score changes nothing.
	h := cmSoftmax(cmVariant{}, [][]float64{{0, 1000, 1e300}, {1000, 999, -1e300}, {-5, 2, 1}})
	near(t, "huge w[0][0]", h[0][0], 1, 0)
	near(t, "huge w[1][0]", h[1][0], 1/(1+math.Exp(-1)), 1e-15)
}

// Every known mistake is wrong on at least one case of the check.
func TestCausalMaskMistakesAreWrong(t *testing.T) {
	differ := func(a, b []float64) bool {
		for i := range a {
			if !exactTol.ok(b[i], a[i]) {
				return true
			}
		}
		return false
	}
	for _, m := range cmMaskMistakes {
		if !differ(flat(cmMask(cmVariant{}, 4)), flat(cmMask(m.v, 4))) {
			t.Errorf("mask mistake %q is right", m.hint)
		}
	}
	hand := [][]float64{{1, 5, -2}, {0.5, 2, 9}, {3, -1, 0}}
	for _, m := range cmSoftmaxMistakes {
		if !differ(flat(cmSoftmax(cmVariant{}, hand)), flat(cmSoftmax(m.v, hand))) {
			t.Errorf("softmax mistake %q is right", m.hint)
		}
	}
	w := cmSoftmax(cmVariant{}, hand)
	g := [][]float64{{1, 2, 3}, {-1, 0.5, 4}, {0.2, -0.3, 1}}
	for _, m := range cmBackwardMistakes {
		if !differ(flat(cmBackward(cmVariant{}, w, g)), flat(cmBackward(m.v, w, g))) {
			t.Errorf("backward mistake %q is right", m.hint)
		}
	}
}
