package nn

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestConvLayersGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c, f := rapid.IntRange(1, 2).Draw(rt, "n"), rapid.IntRange(1, 2).Draw(rt, "c"), rapid.IntRange(1, 3).Draw(rt, "f")
		hw := rapid.IntRange(2, 5).Draw(rt, "hw")
		k, pad := rapid.IntRange(1, 3).Draw(rt, "k"), rapid.IntRange(0, 1).Draw(rt, "pad")
		if k > hw+2*pad {
			k = hw
		}
		conv := NewConv2D("conv", c, f, k, 1, pad, tensor.NewRNG(seeded(rt, "seed")))
		conv.B.Value = tensor.RandN(tensor.NewRNG(2), f)
		x := input(rt, n, c, hw, hw)
		checkLayer(rt, conv, x)
		// The W4 pattern in miniature: conv, relu, pool, flatten, dense.
		oh := (hw+2*pad-k)/1 + 1
		if oh < 2 {
			return
		}
		model := NewSequential(conv, Tanh{}, AvgPool2D{K: 2, Stride: 2}, Flatten{},
			NewDense("out", f*(oh/2)*(oh/2), 2, tensor.NewRNG(3)))
		checkLayer(rt, model, x)
	})
}

func TestConvLayersShapes(t *testing.T) {
	rng := tensor.NewRNG(1)
	model := NewSequential(
		NewConv2D("conv1", 1, 8, 3, 1, 1, rng), ReLU{}, MaxPool2D{K: 2, Stride: 2},
		NewConv2D("conv2", 8, 16, 3, 1, 1, rng), ReLU{}, MaxPool2D{K: 2, Stride: 2},
		Flatten{}, NewDense("dense", 784, 10, rng),
	)
	y := model.Forward(autograd.NoGradTape(), autograd.Const("x", tensor.RandN(rng, 2, 1, 28, 28)))
	if !slices.Equal(y.Value.Shape, []int{2, 10}) {
		t.Errorf("W4 model output %v, want [2 10]", y.Value.Shape)
	}
	if got := names(model.Params()); got != "conv1.W conv1.b conv2.W conv2.b dense.W dense.b" {
		t.Errorf("params %q", got)
	}
	mustPanic(t, func() { NewConv2D("c", 1, 1, 3, 0, 0, rng) }, "nn: NewConv2D c")
}

// TestParameterFreeLayersGrad checks the activation, pooling and Flatten
// layers on inputs whose values are distinct and away from 0, so neither
// the kink of ReLU nor a tie in max-pooling lies within a finite-difference
// step.
func TestParameterFreeLayersGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c, h := rapid.IntRange(1, 2).Draw(rt, "n"), rapid.IntRange(1, 2).Draw(rt, "c"), rapid.IntRange(2, 5).Draw(rt, "h")
		perm := rapid.Permutation(identity(n*c*h*h)).Draw(rt, "perm")
		x := autograd.NewParam("x", tensor.New(n, c, h, h))
		for i, p := range perm {
			x.Value.Data[i] = 0.1*float64(p) - 0.05*float64(len(perm)) + 0.025 // never 0
		}
		k := rapid.IntRange(1, h).Draw(rt, "k")
		s := rapid.IntRange(1, 2).Draw(rt, "stride")
		for _, l := range []Layer{ReLU{}, LeakyReLU{Slope: 0.2}, Tanh{}, Sigmoid{}, Softmax{}, Flatten{}, MaxPool2D{K: k, Stride: s}, AvgPool2D{K: k, Stride: s}} {
			checkLayer(rt, l, x)
		}
	})
}

func identity(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
