package checks

import (
	"strings"
	"testing"
)

// The references of the conv check against numbers worked out by hand;
// L = Σ dy ⊙ y is linear in x and in k, so Σ dx ⊙ x = Σ dk ⊙ k = L (= 10).
func TestConvReference(t *testing.T) {
	x := [][]float64{{1, 2, 0, 3}, {4, 1, 2, 0}, {0, 3, 1, 2}, {2, 0, 4, 1}}
	k := [][]float64{{1, 2}, {0, -1}}
	dy := [][]float64{{1, 0, -1}, {2, 1, 0}, {0, -2, 1}}
	sameMat(t, "Conv2D", convRef(x, k), [][]float64{{4, 0, 6}, {3, 4, 0}, {6, 1, 4}})
	sameMat(t, "KernelGrad", kernelGradRef(x, dy), [][]float64{{5, 3}, {9, 1}})
	sameMat(t, "InputGrad", inputGradRef(k, dy), [][]float64{{1, 2, -1, -2}, {2, 4, 2, 1}, {0, -4, -4, 2}, {0, 0, 2, -1}})

	// Every known mistake gives a wrong answer on the hand case, so that
	// its hint can fire.
	for _, m := range convMistakes(x, k) {
		if sameVec(m.vals, convFlat(convRef(x, k))) {
			t.Errorf("Conv2D mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range kernelGradMistakes(x, dy) {
		if sameVec(m.vals, convFlat(kernelGradRef(x, dy))) {
			t.Errorf("KernelGrad mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range inputGradMistakes(k, dy) {
		if sameVec(m.vals, convFlat(inputGradRef(k, dy))) {
			t.Errorf("InputGrad mistake %q gives the right answer", m.hint)
		}
	}
}

func sameMat(t *testing.T, what string, got, want [][]float64) {
	t.Helper()
	if msg := shapeMismatch(got, want); msg != "" {
		t.Fatalf("%s %s", what, msg)
	}
	for i := range want {
		for j := range want[i] {
			near(t, what, got[i][j], want[i][j], 1e-15)
		}
	}
}

func TestConvCheckPassesTheReference(t *testing.T) {
	impl := ConvImpl{Conv2D: convRef, KernelGrad: kernelGradRef, InputGrad: inputGradRef}
	if p := CheckConv(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	// A stub is "not implemented", in every case that calls it.
	impl.Conv2D = func(x, k [][]float64) [][]float64 { panic("TODO: implement conv.Conv2D") }
	p := CheckConv(impl)
	if len(p) != 5 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"conv.Conv2D") {
		t.Fatalf("stub Conv2D: %d problems\n%s", len(p), Summary(p))
	}
}
