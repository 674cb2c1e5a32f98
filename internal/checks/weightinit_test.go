package checks

import (
	"math"
	"testing"
)

func TestWeightInitReference(t *testing.T) {
	near(t, "xavier_uniform(3, 5)", initRefs["xavier_uniform"](3, 5), math.Sqrt(0.75), 1e-15)
	near(t, "xavier_normal(784, 256)", initRefs["xavier_normal"](784, 256), math.Sqrt(2.0/1040), 1e-15)
	near(t, "he_normal(64, 10)", initRefs["he_normal"](64, 10), 0.17677669529663687, 1e-15)
	near(t, "he_uniform(100, 400)", initRefs["he_uniform"](100, 400), math.Sqrt(0.06), 1e-15)

	// One layer by hand: x = [[1, 2], [−1, 0]], r = [[1, −1], [0.5, 1]],
	// he_normal: scale √(2/2) = 1, so the pre-activations are
	// [[2, 1], [−1, 1]]; ReLU gives [[2, 1], [0, 1]], mean 1, variance 0.5.
	x := [][]float64{{1, 2}, {-1, 0}}
	r := [][][]float64{{{1, -1}, {0.5, 1}}}
	near(t, "relu layer", layerVariances(varVariant{}, x, r, "he_normal", "relu")[0], 0.5, 1e-15)
	// tanh: values tanh 2, tanh 1, tanh(−1), tanh 1.
	v := []float64{math.Tanh(2), math.Tanh(1), -math.Tanh(1), math.Tanh(1)}
	mean := (v[0] + v[1] + v[2] + v[3]) / 4
	want := 0.0
	for _, a := range v {
		want += (a - mean) * (a - mean) / 4
	}
	near(t, "tanh layer", layerVariances(varVariant{}, x, r, "he_normal", "tanh")[0], want, 1e-15)

	// Every known mistake changes the hand example.
	for _, m := range varMistakes {
		if layerVariances(m.v, x, r, "he_normal", "relu")[0] == 0.5 &&
			layerVariances(m.v, x, r, "he_normal", "tanh")[0] == layerVariances(varVariant{}, x, r, "he_normal", "tanh")[0] {
			t.Errorf("mistake %q changes nothing", m.hint)
		}
	}
	for init, ms := range initMistakes {
		for _, m := range ms {
			if m.f(3, 5) == initRefs[init](3, 5) {
				t.Errorf("%s: mistake %q changes nothing", init, m.hint)
			}
		}
	}
}
