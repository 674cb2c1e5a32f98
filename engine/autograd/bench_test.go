package autograd

import (
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// BenchmarkOpOverhead measures the fixed cost of an op: a chain of
// element-wise ops on a 2×2 tensor, forward and backward, reported per
// recorded node (the arithmetic itself is a few nanoseconds).
func BenchmarkOpOverhead(b *testing.B) {
	rng := tensor.NewRNG(1)
	w := NewParam("w", tensor.RandN(rng, 2, 2))
	x := Const("x", tensor.RandN(rng, 2, 2))
	tp := NewTape()
	nodes := 0
	for b.Loop() {
		tp.Reset()
		h := tp.Tanh(tp.Add(tp.Mul(x, w), w))
		h = tp.Sigmoid(tp.Sub(tp.Scale(h, 2), x))
		loss := tp.Sum(tp.Square(h))
		tp.Backward(loss)
		nodes = tp.Len()
		ZeroGrad(w)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*nodes), "ns/node")
}

// BenchmarkMatMul64 is one 64×64·64×64 product forward and backward, the
// hidden layer of workload W3.
func BenchmarkMatMul64(b *testing.B) {
	rng := tensor.NewRNG(1)
	x := NewParam("x", tensor.RandN(rng, 64, 64))
	w := NewParam("w", tensor.RandN(rng, 64, 64))
	tp := NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(tp.Sum(tp.MatMul(x, w)))
	}
}
