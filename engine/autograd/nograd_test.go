package autograd

import (
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// everyOp calls every op once on x [2 3 4 4] (and derived shapes).
func everyOp(tp *Tape, x *Var) []*Var {
	rng := tensor.NewRNG(1)
	m := tp.Reshape(x, 6, 16)
	w := NewParam("w", tensor.RandN(rng, 16, 3))
	k := NewParam("k", tensor.RandN(rng, 2, 3, 3, 3))
	g, b := NewParam("g", tensor.Ones(16)), NewParam("b", tensor.New(16))
	p := tp.Sigmoid(m)
	return []*Var{
		m, tp.Add(m, m), tp.Sub(m, m), tp.Mul(m, m), tp.Div(m, p), tp.Neg(m), tp.Scale(m, 2), tp.AddScalar(m, 1),
		tp.Pow(p, 2), tp.Square(m), tp.Sqrt(p), tp.Exp(m), tp.Log(p),
		p, tp.Tanh(m), tp.ReLU(m), tp.LeakyReLU(m, 0.1), tp.Softmax(m), tp.LogSoftmax(m),
		tp.MatMul(m, w), tp.BatchMatMul(tp.Reshape(x, 2, 12, 4), tp.Reshape(x, 2, 12, 4), false, true), tp.Transpose(m), tp.Permute(x, 3, 2, 1, 0), tp.Flatten(x),
		tp.Concat(0, m, m), tp.Stack(0, m, m), tp.Slice(m, 1, 0, 2), tp.Select(m, 0, 1), tp.IndexSelect(m, 0, []int{1, 1}), tp.Embedding(m, []int{0, 5}),
		tp.Sum(m), tp.Mean(m), tp.Max(m), tp.SumAxis(m, 1, false), tp.MeanAxis(m, 0, true), tp.MaxAxis(m, 1, true),
		tp.Conv2D(x, k, nil, 1, 1), tp.MaxPool2D(x, 2, 2), tp.AvgPool2D(x, 2, 2),
		tp.LayerNorm(m, g, b, 1e-5), tp.Dropout(m, 0.5, tensor.NewRNG(1), true),
		tp.BCE(p, p), tp.BCEWithLogits(m, p), tp.SoftmaxCrossEntropy(m, []int{0, 1, 2, 3, 4, 5}),
	}
}

func TestNoGradTapeRecordsNothing(t *testing.T) {
	tp := NoGradTape()
	x := NewParam("x", tensor.RandN(tensor.NewRNG(1), 2, 3, 4, 4))
	for i, v := range everyOp(tp, x) {
		if v.Node() != nil || v.RequiresGrad() {
			t.Errorf("op %d recorded a node on a no-grad tape", i)
		}
	}
	if tp.Len() != 0 {
		t.Errorf("no-grad tape has %d nodes", tp.Len())
	}
	// The same ops on a recording tape all record.
	rec := NewTape()
	for i, v := range everyOp(rec, x) {
		if v.Node() == nil {
			t.Errorf("op %d recorded nothing", i)
		}
	}
}

func TestConstInputsRecordNothing(t *testing.T) {
	tp := NewTape()
	c := Const("c", tensor.Ones(2, 2))
	if y := tp.Tanh(tp.MatMul(c, c)); y.Node() != nil || tp.Len() != 0 {
		t.Errorf("ops on constants must not be recorded")
	}
}

func TestDetachStopsGradient(t *testing.T) {
	x := NewParam("x", tensor.FromValues([]float64{3}, 1))
	tp := NewTape()
	y := tp.Mul(x, tp.Square(x).Detach()) // x · const(x²): dy/dx = x² = 9
	tp.Backward(tp.Sum(y))
	if x.Grad.Data[0] != 9 {
		t.Errorf("grad %v, want 9 (no gradient through the detached x²)", x.Grad)
	}
	d := x.Detach()
	if d.RequiresGrad() || d.IsParam() || d.Value != x.Value || d.Node() != nil {
		t.Errorf("Detach must return a constant sharing the value")
	}
}
