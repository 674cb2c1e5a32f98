package nn

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestLossesGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, k := rapid.IntRange(1, 4).Draw(rt, "n"), rapid.IntRange(1, 4).Draw(rt, "k")
		pred := input(rt, n, k)
		y := autograd.Const("y", tensor.RandU(tensor.NewRNG(seeded(rt, "y")), 0, 1, n, k))
		p := autograd.NewParam("p", tensor.RandU(tensor.NewRNG(seeded(rt, "p")), 0.05, 0.95, n, k))
		labels := rapid.SliceOfN(rapid.IntRange(0, k-1), 2*n, 2*n).Draw(rt, "labels")
		logits := input(rt, 2, n, k)
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return MSE(tp, pred, y) }, pred)
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return BCE(tp, p, y) }, p)
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return BCEWithLogits(tp, pred, y) }, pred)
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var { return CrossEntropy(tp, logits, labels) }, logits)
	})
}

func TestLossesHandValues(t *testing.T) {
	tp := autograd.NewTape()
	c := func(v ...float64) *autograd.Var { return autograd.Const("c", tensor.FromValues(v, len(v))) }
	if got := MSE(tp, c(1, 2, 3), c(1, 0, 6)).Item(); got != (0+4+9)/3.0 {
		t.Errorf("MSE = %g, want 13/3", got)
	}
	if got, want := BCE(tp, c(0.5, 0.25), c(1, 0)).Item(), (math.Log(2)-math.Log(0.75))/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("BCE = %.17g, want %.17g", got, want)
	}
	if got, want := BCEWithLogits(tp, c(0, -1), c(0, 1)).Item(), (math.Log(2)+math.Log1p(math.E))/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("BCEWithLogits = %.17g, want %.17g", got, want)
	}
	// Uniform logits over 4 classes: log 4, whatever the labels.
	if got := CrossEntropy(tp, autograd.Const("z", tensor.New(2, 4)), []int{1, 3}).Item(); math.Abs(got-math.Log(4)) > 1e-15 {
		t.Errorf("CrossEntropy = %.17g, want log 4", got)
	}
	// BCE through a sigmoid equals BCE with logits.
	z := autograd.Const("z", tensor.FromValues([]float64{-3, 0.5, 2}, 3))
	y := c(0, 1, 1)
	a, b := BCE(tp, tp.Sigmoid(z), y).Item(), BCEWithLogits(tp, z, y).Item()
	if math.Abs(a-b) > 1e-15 {
		t.Errorf("BCE(sigmoid(z)) = %g, BCEWithLogits(z) = %g", a, b)
	}
}

func TestLossesStableAndPanics(t *testing.T) {
	tp := autograd.NewTape()
	p := autograd.NewParam("p", tensor.FromValues([]float64{0, 1}, 2))
	y := autograd.Const("y", tensor.FromValues([]float64{1, 0}, 2))
	if v := BCE(tp, p, y).Item(); math.IsInf(v, 0) || math.IsNaN(v) {
		t.Errorf("BCE at p = 0, 1: %g", v)
	}
	z := autograd.NewParam("z", tensor.FromValues([]float64{1000, -1000}, 2))
	wrong := autograd.Const("y", tensor.FromValues([]float64{0, 1}, 2))
	if v := BCEWithLogits(tp, z, wrong).Item(); v != 1000 {
		t.Errorf("BCEWithLogits at ±1000 with the wrong labels = %g, want 1000", v)
	}
	if v := BCEWithLogits(tp, z, y).Item(); v != 0 {
		t.Errorf("BCEWithLogits at ±1000 with the right labels = %g, want 0", v)
	}
	mustPanic(t, func() { MSE(tp, p, autograd.Const("t", tensor.New(3))) }, "nn: MSE", "[2]", "[3]")
	mustPanic(t, func() { CrossEntropy(tp, z, []int{0}) }, "nn: CrossEntropy", "[2]")
}
