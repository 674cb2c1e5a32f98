package checks

import (
	"math"
	"strings"
	"testing"
)

// The reference of the softmax check against numbers worked out
// independently (in Python with exact exponentials, and by hand:
// softmax(−800, −801, −800) = (e, 1, e)/(2e + 1)).
func TestSoftmaxReference(t *testing.T) {
	for i, want := range []float64{0.09003057317038046, 0.24472847105479767, 0.6652409557748219} {
		near(t, "softmax(1, 2, 3)", softmaxRef([]float64{1, 2, 3})[i], want, 1e-15)
	}
	near(t, "CE((1, 2, 3), 2)", crossEntropyRef([]float64{1, 2, 3}, 2), 0.40760596444438013, 1e-14)
	near(t, "CE((1, 2, 3), 0)", crossEntropyRef([]float64{1, 2, 3}, 0), 2.40760596444438, 1e-14)
	near(t, "CE((−1, .5, 2, .5), 3)", crossEntropyRef([]float64{-1, 0.5, 2, 0.5}, 3), 1.9028265559655049, 1e-14)
	e := math.E
	for i, want := range []float64{e / (2*e + 1), 1 / (2*e + 1), e / (2*e + 1)} {
		near(t, "softmax(−800, −801, −800)", softmaxRef([]float64{-800, -801, -800})[i], want, 1e-15)
	}
	if p := softmaxRef([]float64{1000, 0}); p[0] != 1 || p[1] != 0 {
		t.Errorf("softmax(1000, 0) = %v, want [1 0]", p)
	}
	near(t, "CE((1000, 0), 1)", crossEntropyRef([]float64{1000, 0}, 1), 1000, 0)
	near(t, "CE((1000, 0), 0)", crossEntropyRef([]float64{1000, 0}, 0), 0, 0)
	g := softmaxGradRef([]float64{0, 0}, 1)
	near(t, "Grad((0, 0), 1)[0]", g[0], 0.5, 0)
	near(t, "Grad((0, 0), 1)[1]", g[1], -0.5, 0)
	// The naive softmax really does break on the large cases.
	if p := naiveSoftmax([]float64{1000, 0}); !math.IsNaN(p[0]) {
		t.Errorf("naive softmax(1000, 0) = %v, want NaN", p)
	}

	// Every known mistake gives a wrong answer on a hand case (the log of
	// the softmax only on a large one), so that its hint can fire.
	if ms := crossEntropyMistakes([]float64{1000, 0}, 1); !math.IsInf(ms[len(ms)-1].vals[0], 1) {
		t.Errorf("log of the softmax at (1000, 0): %v, want +Inf", ms[len(ms)-1].vals)
	}
	z, target := []float64{-1, 0.5, 2, 0.5}, 3
	for _, m := range softmaxMistakes(z) {
		if sameVec(m.vals, softmaxRef(z)) {
			t.Errorf("softmax mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range crossEntropyMistakes(z, target) {
		if strings.HasPrefix(m.hint, "log(softmax") {
			continue
		}
		if sameVec(m.vals, []float64{crossEntropyRef(z, target)}) {
			t.Errorf("cross-entropy mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range softmaxGradMistakes(z, target) {
		if sameVec(m.vals, softmaxGradRef(z, target)) {
			t.Errorf("gradient mistake %q gives the right answer", m.hint)
		}
	}
}

func sameVec(a, b []float64) bool {
	for i := range a {
		if !exactTol.ok(a[i], b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}

func TestSoftmaxCheckPassesTheReference(t *testing.T) {
	impl := SoftmaxImpl{Softmax: softmaxRef, CrossEntropy: crossEntropyRef, Grad: softmaxGradRef}
	if p := CheckSoftmax(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	// A stub is "not implemented", in every case that calls it.
	impl.Softmax = func([]float64) []float64 { panic("TODO: implement softmax.Softmax") }
	p := CheckSoftmax(impl)
	if len(p) != 3 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"softmax.Softmax") {
		t.Fatalf("stub Softmax: %d problems\n%s", len(p), Summary(p))
	}
}
