package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestSoftmaxGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		a := randParam(rt, "a", shapeGen(rt, "shape", 1, 3, 5)...)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Softmax(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.LogSoftmax(a) }, a)
	})
}

func TestSoftmaxStable(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1000, 0, -1000, 1000, 1, 2, 3, 4}, 2, 4))
	s, l := tp.Softmax(a), tp.LogSoftmax(a)
	if s.Value.HasNaNOrInf() || l.Value.HasNaNOrInf() {
		t.Fatalf("softmax %v log-softmax %v", s.Value, l.Value)
	}
	two := tp.Softmax(Const("x", tensor.FromValues([]float64{1000, 0}, 2)))
	if two.Value.Data[0] != 1 || two.Value.Data[1] != 0 {
		t.Errorf("softmax([1000 0]) = %v, want [1 0]", two.Value)
	}
	if l.Value.Data[0] != -math.Log(2) || l.Value.Data[1] != -1000-math.Log(2) {
		t.Errorf("log-softmax row 0 = %v", l.Value.Data[:4])
	}
	for r := range 2 {
		sum := 0.0
		for i := range 4 {
			sum += s.Value.Data[r*4+i]
			if !near(math.Exp(l.Value.Data[r*4+i]), s.Value.Data[r*4+i], 1e-15) {
				t.Errorf("exp(log-softmax) differs from softmax at %d", r*4+i)
			}
		}
		if !near(sum, 1, 1e-15) {
			t.Errorf("row %d sums to %g", r, sum)
		}
	}
	tp.Backward(tp.Sum(tp.Mul(l, Const("w", tensor.FromValues([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 2, 4)))))
	if a.Grad.HasNaNOrInf() {
		t.Errorf("gradient %v", a.Grad)
	}
}

func TestSoftmaxPanics(t *testing.T) {
	tp := NewTape()
	mustPanic(t, func() { tp.Softmax(NewParam("s", tensor.Scalar(1))) }, "Softmax", "[]")
	mustPanic(t, func() { tp.LogSoftmax(NewParam("e", tensor.New(2, 0))) }, "LogSoftmax", "[2 0]")
}
