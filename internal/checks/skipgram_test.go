package checks

import (
	"math"
	"slices"
	"testing"
)

// The skipgram reference against the hand triple worked out: uo·vc = 0,
// u₀·vc = 2, u₁·vc = −1.
func TestSkipGramReference(t *testing.T) {
	sig := func(s float64) float64 { return 1 / (1 + math.Exp(-s)) }
	near(t, "L", sgHand.loss(sgVariant{}), -math.Log(0.5)-math.Log(sig(-2))-math.Log(sig(1)), 1e-15)
	g := sgHand.grads(sgVariant{})
	want := sgGrads{
		duo:   []float64{-0.5, -1},
		duNeg: [][]float64{{sig(2), 2 * sig(2)}, {sig(-1), 2 * sig(-1)}},
		dvc:   []float64{-0.5*2 + sig(2)*0 + sig(-1)*1, -0.5*-1 + sig(2)*1 + sig(-1)*-1},
	}
	for _, p := range sgParts {
		for i, v := range want.flat(p) {
			near(t, p, g.flat(p)[i], v, 1e-15)
		}
	}
	near(t, "L large", sgLarge.loss(sgVariant{}), 1600, 0)
	// The gradients agree with finite differences of the loss.
	r := sgTriple{vc: []float64{0.3, -0.7, 0.2}, uo: []float64{0.5, 0.1, -0.4}, uNeg: [][]float64{{0.2, 0.9, -0.3}, {-0.6, 0.4, 0.8}}}
	f := func() float64 { return r.loss(sgVariant{}) }
	an := r.grads(sgVariant{})
	fd := sgGrads{dvc: centralDiff(f, r.vc), duo: centralDiff(f, r.uo)}
	for _, u := range r.uNeg {
		fd.duNeg = append(fd.duNeg, centralDiff(f, u))
	}
	for _, p := range sgParts {
		for i, v := range an.flat(p) {
			near(t, p, fd.flat(p)[i], v, 1e-9)
		}
	}
}

// Every known mistake is wrong on the hand triple, so its hint can fire.
func TestSkipGramMistakesAreWrong(t *testing.T) {
	for _, m := range sgLossMistakes {
		if sgHand.loss(m.v) == sgHand.loss(sgVariant{}) {
			t.Errorf("loss mistake %q gives the right loss", m.hint)
		}
	}
	right := sgHand.grads(sgVariant{})
	for _, m := range sgGradMistakes {
		w, same := sgHand.grads(m.v), true
		for _, p := range sgParts {
			same = same && slices.Equal(w.flat(p), right.flat(p))
		}
		if same {
			t.Errorf("grad mistake %q gives the right gradients", m.hint)
		}
	}
}
