package checks

import (
	"math"
	"testing"
)

func TestClipReference(t *testing.T) {
	c, n := clipRun(clipVariant{}, [][]float64{{3, 0}, {4}}, 1)
	near(t, "total", n, 5, 1e-15)
	near(t, "clipped[0][0]", c[0][0], 3/(5+1e-6), 1e-15)
	near(t, "clipped[1][0]", c[1][0], 4/(5+1e-6), 1e-15)
	c, n = clipRun(clipVariant{}, [][]float64{{0.3, 0}, {0.4}}, 1)
	near(t, "total below", n, 0.5, 1e-15)
	near(t, "unchanged", c[1][0], 0.4, 0)
	c, n = clipRun(clipVariant{}, [][]float64{{0, 0}}, 1)
	if n != 0 || c[0][0] != 0 || math.IsNaN(c[0][1]) {
		t.Errorf("zero gradients: %v, %v", c, n)
	}
	// Every known mistake changes the result of some case of the check.
	for _, m := range clipMistakes {
		changed := false
		for _, k := range []struct {
			gs  [][]float64
			max float64
		}{{[][]float64{{3, 0}, {4}}, 1}, {[][]float64{{0.3, 0}, {0.4}}, 1}, {[][]float64{{0.03, -0.02}, {0.04}}, 0.02}} {
			wc, wn := clipRun(clipVariant{}, k.gs, k.max)
			mc, mn := clipRun(m.v, k.gs, k.max)
			changed = changed || math.Abs(wn-mn) > 1e-9
			for i := range wc {
				for j := range wc[i] {
					changed = changed || math.Abs(wc[i][j]-mc[i][j]) > 1e-9*math.Abs(wc[i][j])
				}
			}
		}
		if !changed {
			t.Errorf("mistake %q changes nothing", m.hint)
		}
	}
}
