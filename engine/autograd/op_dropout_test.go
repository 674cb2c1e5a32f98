package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestDropoutGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		x := randParam(rt, "x", shapeGen(rt, "shape", 0, 3, 5)...)
		p := rapid.Float64Range(0, 0.9).Draw(rt, "p")
		seed := rapid.Uint64().Draw(rt, "maskSeed")
		// The same seed on every evaluation gives the same mask.
		checkGrad(rt, func(tp *Tape) *Var { return tp.Dropout(x, p, tensor.NewRNG(seed), true) }, x)
	})
}

func TestDropoutTrainEval(t *testing.T) {
	tp := NewTape()
	x := NewParam("x", tensor.Ones(100, 100))
	if y := tp.Dropout(x, 0.3, tensor.NewRNG(1), false); y != x || tp.Len() != 0 {
		t.Fatalf("eval mode must return x and record nothing")
	}
	y := tp.Dropout(x, 0.3, tensor.NewRNG(1), true)
	kept, sum := 0, 0.0
	for _, v := range y.Value.Data {
		if v != 0 {
			kept++
			if !near(v, 1/0.7, 1e-15) {
				t.Fatalf("kept value %g, want 1/(1−p)", v)
			}
		}
		sum += v
	}
	// 10 000 Bernoulli(0.7) draws: the kept fraction is within 0.7 ± 0.02
	// (over four standard deviations).
	if frac := float64(kept) / 1e4; math.Abs(frac-0.7) > 0.02 {
		t.Errorf("kept fraction %g, want about 0.7", frac)
	}
	if mean := sum / 1e4; math.Abs(mean-1) > 0.03 {
		t.Errorf("mean %g, want about 1 (inverted dropout)", mean)
	}
	y2 := tp.Dropout(x, 0.3, tensor.NewRNG(1), true)
	for i := range y.Value.Data {
		if y.Value.Data[i] != y2.Value.Data[i] || y.Node().Local(0).Data[i] != y.Value.Data[i] {
			t.Fatalf("the same seed must give the same mask, and Local the mask")
		}
	}
	if y.Node().Attrs != "p=0.3" {
		t.Errorf("attrs %q", y.Node().Attrs)
	}
	mustPanic(t, func() { tp.Dropout(x, 1, tensor.NewRNG(1), true) }, "Dropout", "1")
	mustPanic(t, func() { tp.Dropout(x, math.NaN(), tensor.NewRNG(1), true) }, "Dropout", "NaN")
}
