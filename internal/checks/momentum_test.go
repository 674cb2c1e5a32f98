package checks

import (
	"slices"
	"testing"
)

func TestMomentumReference(t *testing.T) {
	// Two steps by hand, g = 1 then g = 2, lr = 0.1 then 0.5, μ = 0.9:
	// v = 1, w = −0.1; v = 2.9, w = −0.1 − 1.45.
	w, v := optStep(optMomentum, optVariant{}, []float64{0}, []float64{0}, []float64{1}, 0.1, 0.9, 0)
	w, v = optStep(optMomentum, optVariant{}, w, v, []float64{2}, 0.5, 0.9, 0)
	near(t, "momentum v", v[0], 2.9, 1e-15)
	near(t, "momentum w", w[0], -1.55, 1e-15)
	// Nesterov: v = 1, w = −0.1·(1 + 0.9); v = 2.9, w −= 0.5·(2 + 0.9·2.9).
	w, v = optStep(optNesterov, optVariant{}, []float64{0}, []float64{0}, []float64{1}, 0.1, 0.9, 0)
	w, v = optStep(optNesterov, optVariant{}, w, v, []float64{2}, 0.5, 0.9, 0)
	near(t, "nesterov v", v[0], 2.9, 1e-15)
	near(t, "nesterov w", w[0], -0.19-0.5*(2+0.9*2.9), 1e-15)
	// RMSProp: s = 0.01·4 = 0.04, w = 1 − 0.1·2/(0.2 + 1e-8).
	w, s := optStep(optRMSProp, optVariant{}, []float64{1}, []float64{0}, []float64{2}, 0.1, 0.99, 1e-8)
	near(t, "rmsprop s", s[0], 0.04, 1e-15)
	near(t, "rmsprop w", w[0], 1-0.2/(0.2+1e-8), 1e-15)

	// Every known mistake changes a step from a non-zero state, so that
	// its hint can fire.
	wv, vv, g := []float64{0.5, -1}, []float64{0.3, -0.7}, []float64{0.2, 1e-6}
	for k, ms := range map[optKind][]struct {
		hint string
		v    optVariant
	}{optMomentum: momentumMistakes, optNesterov: nesterovMistakes, optRMSProp: rmspropMistakes} {
		sv := vv
		if k == optRMSProp {
			sv = []float64{0.09, 0.49}
		}
		rw, rv := optStep(k, optVariant{}, wv, sv, g, 0.1, 0.9, 1e-8)
		for _, m := range ms {
			mw, mv := optStep(k, m.v, wv, sv, g, 0.1, 0.9, 1e-8)
			if slices.Equal(mw, rw) && slices.Equal(mv, rv) {
				t.Errorf("optimizer %d: mistake %q gives the right step", k, m.hint)
			}
		}
	}
}
