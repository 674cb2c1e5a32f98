package checks

import (
	"strings"
	"testing"
)

// The dense check's references against numbers worked out by hand, and
// against finite differences of the reference forward pass.
func TestDenseReference(t *testing.T) {
	l := denseHand
	sameMat(t, "Y", denseForwardRef(l.X, l.W, l.b), [][]float64{{-0.5, 1, 4}, {1.5, 7, 5}, {1.5, 3, 7}})
	g := denseBackwardRef(l.X, l.W, l.dY)
	sameMat(t, "dX", g.dX, [][]float64{{-1, -1, -1}, {2, -1, 3}, {6, -2, -3}})
	sameMat(t, "dW", g.dW, [][]float64{{1, -4, 5}, {0, -3, 1}, {6, 1, 3}})
	sameMat(t, "db", [][]float64{g.db}, [][]float64{{3, -1, 2}})

	// Every known mistake gives a wrong answer on the square hand case, so
	// that its hint can fire.
	for _, m := range denseForwardMistakes(l) {
		if sameVec(m.vals, convFlat(denseForwardRef(l.X, l.W, l.b))) {
			t.Errorf("Forward mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range denseBackMistakes(l) {
		same := true
		for _, part := range denseParts {
			same = same && sameVec(m.g.flat(part), g.flat(part))
		}
		if same {
			t.Errorf("Backward mistake %q gives the right answer", m.hint)
		}
	}
}

func TestDenseCheckPassesTheReference(t *testing.T) {
	back := func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		g := denseBackwardRef(X, W, dY)
		return g.dX, g.dW, g.db
	}
	impl := DenseImpl{Forward: denseForwardRef, Backward: back}
	if p := CheckDense(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.Forward = func(X, W [][]float64, b []float64) [][]float64 { panic("TODO: implement dense.Forward") }
	p := CheckDense(impl)
	if len(p) != 5 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"dense.Forward") {
		t.Fatalf("stub Forward: %d problems\n%s", len(p), Summary(p))
	}
}
