package nn

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// sgd is a minimal update so the benchmarks time a whole training step
// without depending on package optim.
func sgd(ps []*autograd.Var, lr float64) {
	for _, p := range ps {
		for i, g := range p.Grad.Data {
			p.Value.Data[i] -= lr * g
		}
		p.Grad.Zero()
	}
}

func labels(n, k int) []int {
	l := make([]int, n)
	for i := range l {
		l[i] = i % k
	}
	return l
}

// BenchmarkMLPStep is one training step of workload W3: batch 64,
// 2→64→64→3 with ReLU, softmax cross-entropy.
func BenchmarkMLPStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	model := NewSequential(NewDense("d1", 2, 64, rng), ReLU{}, NewDense("d2", 64, 64, rng), ReLU{}, NewDense("d3", 64, 3, rng))
	x, y := autograd.Const("x", tensor.RandN(rng, 64, 2)), labels(64, 3)
	tp := autograd.NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(CrossEntropy(tp, model.Forward(tp, x), y))
		sgd(model.Params(), 0.01)
	}
}

// BenchmarkLinRegStep is one step of workload W1: Dense 1→1, MSE, batch
// 32. It measures the fixed cost per op.
func BenchmarkLinRegStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	d := NewDense("dense", 1, 1, rng)
	x, y := autograd.Const("x", tensor.RandU(rng, 0, 1, 32, 1)), autograd.Const("y", tensor.RandN(rng, 32, 1))
	tp := autograd.NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(MSE(tp, d.Forward(tp, x), y))
		sgd(d.Params(), 0.01)
	}
}

// BenchmarkCNNStep is one training step of workload W4: 32×1×28×28,
// conv 1→8, relu, maxpool, conv 8→16, relu, maxpool, dense 784→10.
func BenchmarkCNNStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	model := NewSequential(
		NewConv2D("conv1", 1, 8, 3, 1, 1, rng), ReLU{}, MaxPool2D{K: 2, Stride: 2},
		NewConv2D("conv2", 8, 16, 3, 1, 1, rng), ReLU{}, MaxPool2D{K: 2, Stride: 2},
		Flatten{}, NewDense("dense", 784, 10, rng),
	)
	x, y := autograd.Const("x", tensor.RandN(rng, 32, 1, 28, 28)), labels(32, 10)
	tp := autograd.NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(CrossEntropy(tp, model.Forward(tp, x), y))
		sgd(model.Params(), 0.01)
	}
}

// BenchmarkRNNStep is one training step of workload W5: batch 16, 50
// steps of a tanh RNN with hidden size 32 and a Dense 32→1 at every step,
// MSE over all steps.
func BenchmarkRNNStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	rnn, out := NewRNN("rnn", 1, 32, rng), NewDense("out", 32, 1, rng)
	seq := tensor.New(16, 51, 1)
	for i := range 16 {
		ph := rng.Float64() * 2 * math.Pi
		for t := range 51 {
			seq.Data[i*51+t] = math.Sin(0.1*float64(t) + ph)
		}
	}
	x := autograd.Const("x", tensor.New(16, 50, 1))
	y := autograd.Const("y", tensor.New(16, 50, 1))
	for i := range 16 {
		copy(x.Value.Data[i*50:(i+1)*50], seq.Data[i*51:i*51+50])
		copy(y.Value.Data[i*50:(i+1)*50], seq.Data[i*51+1:(i+1)*51])
	}
	params := append(rnn.Params(), out.Params()...)
	tp := autograd.NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(MSE(tp, out.Forward(tp, rnn.Forward(tp, x)), y))
		sgd(params, 0.001)
	}
}

// BenchmarkAttentionStep is one training step of workload W6: a pre-norm
// transformer encoder block on 16×16×32 with 4 heads and an FFN
// 32→64→32, MSE against the reversed input.
func BenchmarkAttentionStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	ln1, ln2 := NewLayerNorm("ln1", 32), NewLayerNorm("ln2", 32)
	attn := NewMultiHeadAttention("attn", 32, 4, false, rng)
	ffn := NewSequential(NewDense("ff1", 32, 64, rng), ReLU{}, NewDense("ff2", 64, 32, rng))
	xt := tensor.RandN(rng, 16, 16, 32)
	yt := tensor.New(16, 16, 32)
	for i := range 16 {
		for t := range 16 {
			copy(yt.Data[(i*16+t)*32:(i*16+t+1)*32], xt.Data[(i*16+15-t)*32:(i*16+16-t)*32])
		}
	}
	x, y := autograd.Const("x", xt), autograd.Const("y", yt)
	params := append(append(append(ln1.Params(), attn.Params()...), ln2.Params()...), ffn.Params()...)
	tp := autograd.NewTape()
	for b.Loop() {
		tp.Reset()
		h := tp.Add(x, attn.Forward(tp, ln1.Forward(tp, x)))
		h = tp.Add(h, ffn.Forward(tp, ln2.Forward(tp, h)))
		tp.Backward(MSE(tp, h, y))
		sgd(params, 0.001)
	}
}
