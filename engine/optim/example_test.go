package optim_test

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

func ExampleNew() {
	opt, err := optim.New("adam", 0.1)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2}, 2))
	w.Grad = tensor.FromValues([]float64{0.3, -0.4}, 2)
	opt.Step([]*autograd.Var{w})
	fmt.Println(opt)
	fmt.Printf("ΔW = %.4f\n", opt.LastUpdate(w).Data)

	_, err = optim.New("adamax", 0.1)
	fmt.Println(err)
	// Output:
	// Adam(lr=0.1, β1=0.9, β2=0.999, ε=1e-08)
	// ΔW = [-0.1000 0.1000]
	// optim: unknown optimizer "adamax" (want gd, sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw)
}

func ExampleAdam_State() {
	opt := optim.NewAdam(0.1)
	w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2}, 2))
	for _, g := range [][]float64{{0.3, -0.4}, {0.4, 0.3}} {
		w.Grad = tensor.FromValues(g, 2)
		opt.Step([]*autograd.Var{w})
	}
	for _, s := range opt.State(w) {
		fmt.Printf("%s = %.5g\n", s.Name, s.Value.Data)
	}
	// Output:
	// m = [0.067 -0.006]
	// v = [0.00024991 0.00024984]
	// t = [2]
	// 1-β1^t = [0.19]
	// 1-β2^t = [0.001999]
	// m̂ = [0.35263 -0.031579]
	// v̂ = [0.12502 0.12498]
	// step size = [0.28282 0.28286]
}

func ExampleClipGradNorm() {
	a := autograd.NewParam("a", tensor.New(2))
	b := autograd.NewParam("b", tensor.New(1))
	a.Grad = tensor.FromValues([]float64{3, 4}, 2)
	b.Grad = tensor.FromValues([]float64{12}, 1)
	norm := optim.ClipGradNorm([]*autograd.Var{a, b}, 6.5)
	fmt.Printf("norm %g, now %.4f %.4f\n", norm, a.Grad.Data, b.Grad.Data)
	// Output:
	// norm 13, now [1.5000 2.0000] [6.0000]
}
