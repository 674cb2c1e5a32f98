package checks

import (
	"testing"
)

// The reference of the attnpool check against PyTorch (float64: softmax
// of H·w with the padding filled with −∞, α·H, and autograd's gradients
// of dPooled·pooled).
func TestAttnPoolReference(t *testing.T) {
	for _, c := range []struct {
		a            apCase
		alpha, p, dw []float64
		dH           [][]float64
	}{
		{apHand,
			[]float64{0.5740969929676946, 0.0776955791485706, 0.3482074278837349},
			[]float64{0.9223044208514295, 0.503598586180876},
			[]float64{0.2595817267440943, -0.6379057574454734},
			[][]float64{{1.5265180166367682, -0.7632590083183841}, {-0.1041905684469531, 0.05209528422347655}, {0.577672551810185, -0.2888362759050925}}},
		{apPadded,
			[]float64{0.004070137715896128, 0.995929862284104, 0, 0},
			[]float64{0.997964931142052, 0.24491232785512987, -0.48982465571025974},
			[]float64{-0.0065870540041634154, -0.01646763501040844, 0.03293527002081688},
			[][]float64{{0.01724424572422287, 0.018207940584861235, -0.01113903915037868}, {0.9827557542757772, -2.0182079405848614, 0.5111390391503787}, {0, 0, 0}, {0, 0, 0}}},
	} {
		alpha, p := c.a.pool(apVariant{})
		dH, dw := c.a.backward(apVariant{})
		for i := range c.alpha {
			near(t, "alpha", alpha[i], c.alpha[i], 1e-15)
		}
		for i := range c.p {
			near(t, "pooled", p[i], c.p[i], 1e-15)
			near(t, "dw", dw[i], c.dw[i], 1e-15)
		}
		for i := range c.dH {
			for j := range c.dH[i] {
				near(t, "dH", dH[i][j], c.dH[i][j], 1e-15)
			}
		}
	}
}

// Every mistake of the check changes its output on the cases it is
// tried on, so each hint can be reached.
func TestAttnPoolMistakesDiffer(t *testing.T) {
	square := randomAP(35, 4, 4, 4)
	for _, m := range apPoolMistakes {
		a := apPadded
		if m.v.transposed || m.v.wrongAxis {
			a = square
		}
		w0, p0 := a.pool(apVariant{})
		w1, p1 := a.pool(m.v)
		if sameVec(w0, w1) && sameVec(p0, p1) {
			t.Errorf("%q changes nothing", m.hint)
		}
	}
	for _, m := range apBackMistakes {
		h0, d0 := apPadded.backward(apVariant{})
		h1, d1 := apPadded.backward(m.v)
		if sameVec(convFlat(h0), convFlat(h1)) && sameVec(d0, d1) {
			t.Errorf("%q changes nothing", m.hint)
		}
	}
}
