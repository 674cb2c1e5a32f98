package checks

import (
	"math"
	"slices"
	"testing"
)

// The gru reference agrees with torch.nn.GRUCell and with the engine's
// hand case written out.
func TestGRUReference(t *testing.T) {
	got := gruTorch.run(gruVariant{})
	for i := range gruTorchH {
		near(t, "h' against PyTorch", got[i], gruTorchH[i], 1e-14)
	}
	x, h := 1.5, -0.7
	r := sigmoid(0.5*x + 0.1 + -0.2*h + 0.05)
	z := sigmoid(-0.3*x + 0.2 + 0.4*h - 0.05)
	n := math.Tanh(0.8*x - 0.1 + r*(0.6*h+0.3))
	near(t, "h' one unit", gruOneUnit.run(gruVariant{})[0], (1-z)*n+z*h, 1e-15)
}

// Every known mistake is wrong on the PyTorch case, so its hint can fire.
func TestGRUMistakesAreWrong(t *testing.T) {
	right := gruTorch.run(gruVariant{})
	for _, m := range gruMistakes {
		if w := gruTorch.run(m.v); slices.Equal(w, right) {
			t.Errorf("mistake %q gives the right h'", m.hint)
		}
	}
}
