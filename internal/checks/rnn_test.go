package checks

import (
	"math"
	"slices"
	"testing"
)

// The rnn check's reference against a step worked by hand: a = (1, 0),
// so h' = (tanh 1, 0) and da = (1 − tanh²1, 2·1).
func TestRNNReference(t *testing.T) {
	d1 := 0.41997434161402614 // 1 − tanh²(1)
	h := rnnHand.forward(stepVariant{})
	near(t, "h'[0]", h[0], 0.7615941559557649, 1e-15)
	near(t, "h'[1]", h[1], 0, 0)
	g := rnnHand.backward(backVariant{})
	for _, c := range []struct {
		name      string
		got, want []float64
	}{
		{"db", g.db, []float64{d1, 2}},
		{"dx", g.dx, []float64{0.5*d1 - 0.5*2, 3*d1 + 3*2}},
		{"dh", g.dh, []float64{2*d1 + 2*2, 0.25*d1 + 1*2}},
		{"dWx", g.flat("dWx"), []float64{d1, 2, 0, 0}},
		{"dWh", g.flat("dWh"), []float64{0, 0, d1, 2}},
	} {
		if len(c.got) != len(c.want) {
			t.Fatalf("%s has %d values, want %d", c.name, len(c.got), len(c.want))
		}
		for i := range c.want {
			near(t, c.name, c.got[i], c.want[i], 1e-15)
		}
	}
}

// On a random step the backward pass agrees with finite differences, and
// every known mistake changes what it claims to, so that its hint can fire.
func TestRNNMistakesAreWrong(t *testing.T) {
	s := randomRNNStep(newRand(5), 3, 4)
	fd, an := s.finiteDifferences(), s.backward(backVariant{})
	for _, part := range rnnParts {
		for i, v := range an.flat(part) {
			near(t, part, fd.flat(part)[i], v, 1e-8)
		}
	}
	for _, step := range []rnnStep{s, rnnHand} {
		right := step.forward(stepVariant{})
		for _, m := range stepMistakes {
			if slices.Equal(step.forward(m.v), right) {
				t.Errorf("step mistake %q gives the right h'", m.hint)
			}
		}
		an := step.backward(backVariant{})
		for _, m := range backMistakes {
			w, same := step.backward(m.v), true
			for _, part := range rnnParts {
				same = same && slices.Equal(w.flat(part), an.flat(part))
			}
			if same {
				t.Errorf("backward mistake %q gives the right gradients", m.hint)
			}
		}
	}
	if h := rnnHand.forward(stepVariant{}); math.Abs(h[0]-math.Tanh(1)) > 0 {
		t.Fatal("the hand case is not a = (1, 0)")
	}
}
