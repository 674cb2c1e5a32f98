package checks

import (
	"strings"
	"testing"
)

// The maxpool check's references against numbers worked out by hand.
func TestMaxPoolReference(t *testing.T) {
	sameMat(t, "y distinct", poolDistinct.forward(poolVariant{}), [][]float64{{5, 7}, {9, 3}})
	sameMat(t, "y overlap", poolOverlap.forward(poolVariant{}), [][]float64{{9, 9}, {9, 9}})
	sameMat(t, "y slide", poolSlide.forward(poolVariant{}), [][]float64{{6, 6, 5}, {7, 7, 5}})
	// All four windows of poolOverlap meet at their maximum, the centre.
	p := poolCase{x: poolOverlap.x, k: 3, s: 2, dy: [][]float64{{1, 2}, {3, 4}}}
	dx := p.backward(poolVariant{})
	if dx[2][2] != 10 {
		t.Errorf("overlap: dx[2][2] = %v, want 10", dx[2][2])
	}
	// Ties: the first maximum in row-major order.
	p = poolCase{x: poolTiesOverlap.x, k: 2, s: 1, dy: [][]float64{{1, 2}, {3, 4}}}
	sameMat(t, "ties", p.backward(poolVariant{}), [][]float64{{1, 0, 2}, {0, 7, 0}, {0, 0, 0}})
	for _, n := range [][4]int{{7, 3, 2, 3}, {6, 2, 3, 2}, {4, 4, 1, 1}, {5, 1, 1, 5}} {
		if got := poolOut(n[0], n[1], n[2]); got != n[3] {
			t.Errorf("poolOut(%d, %d, %d) = %d, want %d", n[0], n[1], n[2], got, n[3])
		}
	}

	// Every known mistake is wrong on some hand case of the checks that
	// carry it, so that its hint can fire.
	for _, m := range poolForwardMistakes {
		wrong := false
		for _, p := range []poolCase{poolDistinct, poolOverlap, poolSlide} {
			wrong = wrong || !sameVec(convFlat(p.forward(m.v)), convFlat(p.forward(poolVariant{})))
		}
		if !wrong {
			t.Errorf("Forward mistake %q gives the right answers", m.hint)
		}
	}
	for _, m := range poolBackMistakes {
		wrong := false
		for _, p := range []poolCase{poolDistinct, poolOverlap, poolSlide, poolTies, poolTiesOverlap} {
			p = p.withDy()
			wrong = wrong || !sameVec(convFlat(p.backward(m.v)), convFlat(p.backward(poolVariant{})))
		}
		if !wrong {
			t.Errorf("Backward mistake %q gives the right answers", m.hint)
		}
	}
}

func TestMaxPoolCheckPassesTheReference(t *testing.T) {
	impl := MaxPoolImpl{
		Forward: func(x [][]float64, k, s int) [][]float64 { return poolCase{x: x, k: k, s: s}.forward(poolVariant{}) },
		Backward: func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
			return poolCase{x: x, k: k, s: s, dy: dy}.backward(poolVariant{})
		},
	}
	if p := CheckMaxPool(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.Backward = func(x [][]float64, k, s int, dy [][]float64) [][]float64 { panic("TODO: implement maxpool.Backward") }
	p := CheckMaxPool(impl)
	if len(p) != 5 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"maxpool.Backward") {
		t.Fatalf("stub Backward: %d problems\n%s", len(p), Summary(p))
	}
}
