package checks

import (
	"math"
	"slices"
	"testing"
)

// The lstm reference against the hand case worked out: z = (1, 0.25, 0.5,
// −0.5).
func TestLSTMReference(t *testing.T) {
	i, f, g, o := 1/(1+math.Exp(-1)), 1/(1+math.Exp(-0.25)), math.Tanh(0.5), 1/(1+math.Exp(0.5))
	cn := f*0.4 + i*g
	hn := o * math.Tanh(cn)
	h, c := lstmHand.forward(lstmVariant{})
	near(t, "c'", c[0], cn, 1e-15)
	near(t, "h'", h[0], hn, 1e-15)
	dct := 0.5 + 1*o*(1-math.Tanh(cn)*math.Tanh(cn))
	gr := lstmHand.backward(lstmVariant{})
	near(t, "dc", gr.dc[0], dct*f, 1e-15)
	for k, want := range []float64{dct * g * i * (1 - i), dct * 0.4 * f * (1 - f), dct * i * (1 - g*g), math.Tanh(cn) * o * (1 - o)} {
		near(t, "db", gr.db[k], want, 1e-15)
	}
}

// On a random step the backward pass agrees with finite differences of
// the forward pass, and every known mistake is wrong where it is checked.
func TestLSTMMistakesAreWrong(t *testing.T) {
	s := randomLSTMStep(newRand(21), 3, 2)
	ref := func(x, h, c []float64, Wx, Wh [][]float64, b []float64) ([]float64, []float64) {
		return lstmStep{x: x, h: h, c: c, Wx: Wx, Wh: Wh, b: b}.forward(lstmVariant{})
	}
	fd, an := lstmFD(s, ref), s.backward(lstmVariant{})
	for _, part := range lstmParts {
		for i, v := range an.flat(part) {
			near(t, part, fd.flat(part)[i], v, 1e-8)
		}
	}
	for _, st := range []lstmStep{lstmHand, s} {
		rh, rc := st.forward(lstmVariant{})
		for _, m := range lstmStepMistakes {
			h, c := st.forward(m.v)
			if slices.Equal(h, rh) && slices.Equal(c, rc) {
				t.Errorf("step mistake %q gives the right h' and c'", m.hint)
			}
		}
		right := st.backward(lstmVariant{})
		for _, m := range lstmBackMistakes {
			w, same := st.backward(m.v), true
			for _, p := range lstmParts {
				same = same && slices.Equal(w.flat(p), right.flat(p))
			}
			if same {
				t.Errorf("backward mistake %q gives the right gradients", m.hint)
			}
		}
	}
}
