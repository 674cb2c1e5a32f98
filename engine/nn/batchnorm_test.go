package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestBatchNormGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, f := rapid.IntRange(2, 5).Draw(rt, "batch"), rapid.IntRange(1, 4).Draw(rt, "features")
		b := NewBatchNorm("bn", f)
		b.Gamma.Value = tensor.RandN(tensor.NewRNG(seeded(rt, "gamma")), f)
		b.Beta.Value = tensor.RandN(tensor.NewRNG(2), f)
		checkLayer(rt, b, input(rt, n, f))
		// Evaluation mode is affine in x with the running statistics.
		b.RunMean = tensor.RandN(tensor.NewRNG(3), f)
		b.RunVar = tensor.RandU(tensor.NewRNG(4), 0.5, 2, f)
		b.Train(false)
		checkLayer(rt, b, input(rt, n, f))
	})
}

// torchCase is PyTorch 1.13's BatchNorm1d(3) (momentum 0.1, eps 1e-5) in
// float64, weight, bias and running statistics set as below, one training
// step on x with the loss Σ dy ⊙ y, then evaluation on x2; the numbers
// were printed by torch and pasted here.
var torchCase = struct {
	x, dy, x2                             []float64
	gamma, beta, runMean, runVar          []float64
	y, newMean, newVar, dx, dgamma, dbeta []float64
	yEval                                 []float64
}{
	x:       []float64{1, 2, -1, 3, 0, 2, -1, 4, 0, 5, 2, 3},
	dy:      []float64{1, -1, 0.5, 0, 2, -1, -2, 0.5, 1, 1, 1, -0.5},
	x2:      []float64{0, 1, 2, -2, 3, 0.5},
	gamma:   []float64{1, -0.5, 2},
	beta:    []float64{0.5, 0, -1},
	runMean: []float64{0.5, 1, -0.5},
	runVar:  []float64{2, 0.5, 1.5},
	y: []float64{0.05278685171296671, 0.0, -3.5298170685056256, 0.9472131482870333, 0.7071050134262237, 0.26490853425281324,
		-0.8416394448610999, -0.7071050134262237, -2.264908534252813, 1.8416394448610998, 0.0, 1.5298170685056263},
	newMean: []float64{0.65, 1.1, -0.35},
	newVar:  []float64{2.466666666666667, 0.7166666666666667, 1.6833333333333336},
	dx: []float64{0.6260980498320435, 0.5745228234088068, -0.379468512584725, -0.17888490154501024, -0.22097164251096596, -0.7589471443972472,
		-0.3577715919390358, -0.22096899088042385, 0.7589471443972472, -0.08944155634799751, -0.13258219001741695, 0.379468512584725},
	dgamma: []float64{3.5777051862962663, -2.121315040278671, -2.529817068505626},
	dbeta:  []float64{0, 2.5, 0},
	yEval:  []float64{0.08613638793331826, 0.05906203026262302, 2.6225259585857765, -1.1872901107333946, -1.122178574989837, 0.31027534672251483},
}

func closeTo(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*(1+math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %.17g, want %.17g (|Δ| = %g)", what, i, got[i], want[i], d)
		}
	}
}

// TestBatchNormMatchesPyTorch checks training and evaluation against
// PyTorch's BatchNorm1d on a hand case, and the training output against
// the documented formula written out here.
func TestBatchNormMatchesPyTorch(t *testing.T) {
	c := torchCase
	b := NewBatchNorm("bn", 3)
	copy(b.Gamma.Value.Data, c.gamma)
	copy(b.Beta.Value.Data, c.beta)
	copy(b.RunMean.Data, c.runMean)
	copy(b.RunVar.Data, c.runVar)
	x := autograd.NewParam("x", tensor.FromValues(c.x, 4, 3))
	tp := autograd.NewTape()
	y := b.Forward(tp, x)
	tp.Backward(tp.Sum(tp.Mul(y, autograd.Const("dy", tensor.FromValues(c.dy, 4, 3)))))
	const tol = 1e-12
	closeTo(t, "y", y.Value.Data, c.y, tol)
	closeTo(t, "running mean", b.RunMean.Data, c.newMean, tol)
	closeTo(t, "running var", b.RunVar.Data, c.newVar, tol)
	closeTo(t, "dx", x.Grad.Data, c.dx, 1e-12)
	closeTo(t, "dgamma", b.Gamma.Grad.Data, c.dgamma, 1e-12)
	closeTo(t, "dbeta", b.Beta.Grad.Data, c.dbeta, 1e-12)

	// The documented formula, feature by feature: biased variance inside
	// the square root with ε.
	for j := range 3 {
		mu, v := 0.0, 0.0
		for i := range 4 {
			mu += c.x[3*i+j] / 4
		}
		for i := range 4 {
			v += (c.x[3*i+j] - mu) * (c.x[3*i+j] - mu) / 4
		}
		for i := range 4 {
			want := c.gamma[j]*(c.x[3*i+j]-mu)/math.Sqrt(v+1e-5) + c.beta[j]
			if d := math.Abs(y.Value.Data[3*i+j] - want); d > 1e-14 {
				t.Fatalf("y[%d][%d] = %g, formula %g", i, j, y.Value.Data[3*i+j], want)
			}
		}
	}

	b.Train(false)
	ye := b.Forward(autograd.NoGradTape(), autograd.Const("x2", tensor.FromValues(c.x2, 2, 3)))
	closeTo(t, "evaluation y", ye.Value.Data, c.yEval, tol)
	closeTo(t, "running mean after evaluation", b.RunMean.Data, c.newMean, 0)
	if mu, v := b.BatchStats(); mu[1] != 2 || v[1] != 2 {
		t.Errorf("BatchStats of feature 1: %g %g, want 2 2", mu[1], v[1])
	}
}

func TestBatchNormShapesAndModes(t *testing.T) {
	b := NewBatchNorm("bn1", 2)
	if got := names(b.Params()); got != "bn1.gamma bn1.beta" {
		t.Errorf("params %q", got)
	}
	if !b.Training() || b.Momentum != 0.1 || b.Eps != 1e-5 || b.RunVar.Data[0] != 1 || b.RunMean.Data[0] != 0 {
		t.Fatalf("defaults: %+v", b)
	}
	model := NewSequential(NewDense("d", 3, 2, tensor.NewRNG(1)), b, ReLU{})
	model.Train(false)
	if b.Training() {
		t.Fatalf("Sequential.Train(false) did not reach BatchNorm")
	}
	// A constant feature normalises to β without NaN, in both modes.
	b.Train(true)
	y := b.Forward(autograd.NewTape(), autograd.Const("x", tensor.Full(3, 4, 2)))
	for _, v := range y.Value.Data {
		if v != 0 {
			t.Fatalf("constant batch gives %v, want zeros", y.Value.Data)
		}
	}
	if !slices.Equal(y.Value.Shape, []int{4, 2}) {
		t.Errorf("shape %v", y.Value.Shape)
	}
	mustPanic(t, func() { b.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(4, 3))) }, "nn: BatchNorm bn1", "[4 3]", "[2]")
	mustPanic(t, func() { b.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(4, 2, 1))) }, "nn: BatchNorm bn1", "[4 2 1]")
	mustPanic(t, func() { b.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(1, 2))) }, "nn: BatchNorm bn1", "at least 2")
	b.Train(false)
	b.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(1, 2))) // one example is fine in evaluation
	mustPanic(t, func() { NewBatchNorm("b", 0) }, "nn: NewBatchNorm b")
}

// TestBatchNormDeterministic: the same inputs give bit-identical outputs,
// running statistics and gradients.
func TestBatchNormDeterministic(t *testing.T) {
	run := func() []float64 {
		b := NewBatchNorm("bn", 3)
		x := autograd.NewParam("x", tensor.RandN(tensor.NewRNG(5), 6, 3))
		tp := autograd.NewTape()
		tp.Backward(tp.Sum(tp.Square(b.Forward(tp, x))))
		return slices.Concat(x.Grad.Data, b.RunMean.Data, b.RunVar.Data, b.Gamma.Grad.Data)
	}
	if a, c := run(), run(); !slices.Equal(a, c) {
		t.Fatalf("two runs differ")
	}
}
