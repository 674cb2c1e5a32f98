package checks

import (
	"slices"
	"strings"
	"testing"
)

// The references of the regularize check, worked out by hand.
func TestRegularizeReference(t *testing.T) {
	g := l2GradRef([]float64{0.5, -2, 0, 3}, []float64{0.1, 0.2, -0.3, 0}, 0.1)
	for i, want := range []float64{0.15, 0, -0.3, 0.3} {
		near(t, "L2Grad", g[i], want, 1e-15)
	}
	// p = 0.3: u = 0.1 and 0.25 are dropped, u = 0.3 (= p) is kept.
	s := 1 / 0.7
	mask := dropoutMaskRef([]float64{0.1, 0.5, 0.9, 0.3, 0.25, 0.7}, 0.3)
	if !slices.Equal(mask, []float64{0, s, s, s, 0, s}) {
		t.Errorf("mask = %v", mask)
	}
	if m := dropoutMaskRef([]float64{0.99, 0, 0.4}, 0); !slices.Equal(m, []float64{1, 1, 1}) {
		t.Errorf("mask with p = 0: %v", m)
	}

	// Every known mistake gives a wrong answer on the hand cases, so that
	// its hint can fire.
	w, gr := []float64{0.5, -2, 0, 3}, []float64{0.1, 0.2, -0.3, 0}
	for _, m := range l2Mistakes(w, gr, 0.1) {
		if sameVec(m.vals, l2GradRef(w, gr, 0.1)) {
			t.Errorf("L2 mistake %q gives the right answer", m.hint)
		}
	}
	x, u := []float64{1, -2, 3, 4, -5, 6}, []float64{0.1, 0.5, 0.9, 0.3, 0.25, 0.7}
	for _, m := range dropoutYMistakes(x, u, 0.3) {
		if sameVec(m.vals, mulVec(x, mask)) {
			t.Errorf("dropout mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range dropoutMaskMistakes(u, 0.3) {
		if sameVec(m.vals, mask) {
			t.Errorf("mask mistake %q gives the right answer", m.hint)
		}
	}
	dy := []float64{0.5, -1, 2, 0.25, 3, -0.5}
	for _, m := range dropoutBackwardMistakes(dy, mask) {
		if sameVec(m.vals, mulVec(dy, mask)) {
			t.Errorf("backward mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range dropoutEvalMistakes([]float64{1, -2, 0.5, 4}, 0.3) {
		if sameVec(m.vals, []float64{1, -2, 0.5, 4}) {
			t.Errorf("evaluation mistake %q gives the right answer", m.hint)
		}
	}
}

func TestRegularizeCheckPassesTheReference(t *testing.T) {
	impl := RegularizeImpl{
		L2Grad: l2GradRef,
		DropoutForward: func(x []float64, p float64, u []float64) ([]float64, []float64) {
			m := dropoutMaskRef(u, p)
			return mulVec(x, m), m
		},
		DropoutBackward: mulVec,
		DropoutEval:     func(x []float64, _ float64) []float64 { return slices.Clone(x) },
	}
	if p := CheckRegularize(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	// A stub is "not implemented", in every case that calls it.
	impl.DropoutForward = func([]float64, float64, []float64) ([]float64, []float64) {
		panic("TODO: implement regularize.DropoutForward")
	}
	p := CheckRegularize(impl)
	if len(p) != 4 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"regularize.DropoutForward") {
		t.Fatalf("stub DropoutForward: %d problems\n%s", len(p), Summary(p))
	}
}
