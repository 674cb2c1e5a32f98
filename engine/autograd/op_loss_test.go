package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestLossGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 2, 4)
		p := uniformParam(rt, "p", 0.05, 0.95, shape...)
		y := uniformParam(rt, "y", 0, 1, shape...)
		z := randParam(rt, "z", shape...)
		z.Value = tensor.Scaled(z.Value, 4)
		checkGrad(rt, func(tp *Tape) *Var { return tp.BCE(p, y) }, p, y)
		checkGrad(rt, func(tp *Tape) *Var { return tp.BCEWithLogits(z, y) }, z, y)
		n, k := rapid.IntRange(1, 4).Draw(rt, "n"), rapid.IntRange(1, 5).Draw(rt, "k")
		logits := randParam(rt, "logits", n, k)
		labels := rapid.SliceOfN(rapid.IntRange(0, k-1), n, n).Draw(rt, "labels")
		checkGrad(rt, func(tp *Tape) *Var { return tp.SoftmaxCrossEntropy(logits, labels) }, logits)
	})
}

func TestLossHandValues(t *testing.T) {
	tp := NewTape()
	// BCE of p = [0.9 0.2] against y = [1 0]: −(log 0.9 + log 0.8)/2.
	bce := tp.BCE(NewParam("p", tensor.FromValues([]float64{0.9, 0.2}, 2)), Const("y", tensor.FromValues([]float64{1, 0}, 2)))
	if want := -(math.Log(0.9) + math.Log(0.8)) / 2; !near(bce.Item(), want, 1e-15) {
		t.Errorf("BCE = %.17g, want %.17g", bce.Item(), want)
	}
	// BCE with logits z = [0 2] against y = [1 0]: (log 2 + log(1+e²))/2.
	bl := tp.BCEWithLogits(NewParam("z", tensor.FromValues([]float64{0, 2}, 2)), Const("y", tensor.FromValues([]float64{1, 0}, 2)))
	if want := (math.Log(2) + math.Log(1+math.Exp(2))) / 2; !near(bl.Item(), want, 1e-15) {
		t.Errorf("BCEWithLogits = %.17g, want %.17g", bl.Item(), want)
	}
	// Cross-entropy of logits [[1 2 3] [1 1 1]] with labels [2 0]:
	// row 0: log(e+e²+e³) − 3, row 1: log 3.
	logits := NewParam("logits", tensor.FromValues([]float64{1, 2, 3, 1, 1, 1}, 2, 3))
	ce := tp.SoftmaxCrossEntropy(logits, []int{2, 0})
	want := (math.Log(math.E+math.Exp(2)+math.Exp(3)) - 3 + math.Log(3)) / 2
	if !near(ce.Item(), want, 1e-15) {
		t.Errorf("cross-entropy = %.17g, want %.17g", ce.Item(), want)
	}
	if ce.Node().Label() != "v2 = softmax_ce(logits, classes=3)" {
		t.Errorf("label %q", ce.Node().Label())
	}
	tp.Backward(ce)
	// Row 1 is uniform: gradient (1/3 − onehot)/2.
	for j, w := range []float64{(1.0/3 - 1) / 2, 1.0 / 6, 1.0 / 6} {
		if !near(logits.Grad.Data[3+j], w, 1e-15) {
			t.Errorf("dlogits[1][%d] = %g, want %g", j, logits.Grad.Data[3+j], w)
		}
	}
	// The fused loss equals −mean(log_softmax picked at the labels).
	ls := NoGradTape().LogSoftmax(logits)
	if alt := -(ls.Value.Data[2] + ls.Value.Data[3]) / 2; !near(ce.Item(), alt, 1e-15) {
		t.Errorf("cross-entropy %g vs log-softmax %g", ce.Item(), alt)
	}
}

func TestLossStable(t *testing.T) {
	tp := NewTape()
	p := NewParam("p", tensor.FromValues([]float64{0, 1, 0, 1}, 4))
	y := Const("y", tensor.FromValues([]float64{0, 1, 1, 0}, 4))
	bce := tp.BCE(p, y)
	// Two perfect predictions (loss ≈ 1e-7) and two certain mistakes
	// (loss −log 1e−7 ≈ 16.1 each).
	if want := -2 * math.Log(BCEEpsilon) / 4; math.IsInf(bce.Item(), 0) || !near(bce.Item(), want, 1e-6) {
		t.Errorf("BCE at p∈{0,1} = %g, want ≈ %g", bce.Item(), want)
	}
	tp.Backward(bce)
	if p.Grad.HasNaNOrInf() {
		t.Errorf("BCE gradient at the clamp: %v", p.Grad)
	}
	z := NewParam("z", tensor.FromValues([]float64{1000, -1000, 1000, -1000}, 4))
	bl := tp.BCEWithLogits(z, y)
	if want := 500.0; bl.Item() != want {
		t.Errorf("BCEWithLogits at ±1000 = %g, want %g", bl.Item(), want)
	}
	tp.Backward(bl)
	if z.Grad.HasNaNOrInf() {
		t.Errorf("BCEWithLogits gradient %v", z.Grad)
	}
	ce := tp.SoftmaxCrossEntropy(NewParam("l", tensor.FromValues([]float64{1000, 0, -1000, 0}, 2, 2)), []int{1, 0})
	if math.IsInf(ce.Item(), 0) || math.IsNaN(ce.Item()) || ce.Item() != 1000 {
		t.Errorf("cross-entropy at ±1000 = %g, want 1000", ce.Item())
	}
}

func TestLossPanics(t *testing.T) {
	tp := NewTape()
	a, b := NewParam("a", tensor.New(2, 3)), NewParam("b", tensor.New(3, 2))
	mustPanic(t, func() { tp.BCE(a, b) }, "BCE", "[2 3]", "[3 2]")
	mustPanic(t, func() { tp.BCEWithLogits(a, b) }, "BCEWithLogits", "[2 3]", "[3 2]")
	mustPanic(t, func() { tp.SoftmaxCrossEntropy(a, []int{0}) }, "SoftmaxCrossEntropy", "[2 3]", "1 labels")
	mustPanic(t, func() { tp.SoftmaxCrossEntropy(a, []int{0, 3}) }, "SoftmaxCrossEntropy", "label 3")
	mustPanic(t, func() { tp.SoftmaxCrossEntropy(NewParam("v", tensor.New(3)), []int{0}) }, "SoftmaxCrossEntropy", "[3]")
}
