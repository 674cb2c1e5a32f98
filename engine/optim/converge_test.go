package optim

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// TestConvergeBowl: every optimizer, at a learning rate that suits it,
// reaches the minimum of the ill-conditioned bowl f = ½(w0² + 10·w1²)
// from (−3, 2) in 1000 steps.
func TestConvergeBowl(t *testing.T) {
	lrs := map[string]float64{"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5, "rmsprop": 0.01, "adam": 0.05}
	for name, lr := range lrs {
		o, err := New(name, lr)
		if err != nil {
			t.Fatal(err)
		}
		w := autograd.NewParam("w", tensor.FromValues([]float64{-3, 2}, 2))
		w.Grad = tensor.New(2)
		for range 1000 {
			w.Grad.Data[0] = w.Value.Data[0]
			w.Grad.Data[1] = 10 * w.Value.Data[1]
			o.Step([]*autograd.Var{w})
		}
		if d := math.Hypot(w.Value.Data[0], w.Value.Data[1]); !(d < 1e-6) {
			t.Errorf("%s(lr=%g): |w| = %.3g after 1000 steps, want < 1e-6", name, lr, d)
		}
	}
}

// TestDivergenceIsShown: SGD with lr = 0.5 on the same bowl overshoots
// (lr·10 > 2), grows without bound and ends in ±Inf or NaN, without a panic.
func TestDivergenceIsShown(t *testing.T) {
	o := NewSGD(0.5)
	w := autograd.NewParam("w", tensor.FromValues([]float64{-3, 2}, 2))
	w.Grad = tensor.New(2)
	for range 1000 {
		w.Grad.Data[0] = w.Value.Data[0]
		w.Grad.Data[1] = 10 * w.Value.Data[1]
		o.Step([]*autograd.Var{w})
	}
	if !w.Value.HasNaNOrInf() {
		t.Errorf("w = %v, want it to have diverged", w.Value)
	}
}

// TestAdamRosenbrock: Adam (lr 0.02, default betas) finds the minimum (1, 1)
// of the Rosenbrock valley f = (1−x)² + 100·(y−x²)² from the classic start
// (−1.2, 1) in 5000 steps.
func TestAdamRosenbrock(t *testing.T) {
	o := NewAdam(0.02)
	w := autograd.NewParam("w", tensor.FromValues([]float64{-1.2, 1}, 2))
	w.Grad = tensor.New(2)
	for range 5000 {
		x, y := w.Value.Data[0], w.Value.Data[1]
		w.Grad.Data[0] = -2*(1-x) - 400*x*(y-x*x)
		w.Grad.Data[1] = 200 * (y - x*x)
		o.Step([]*autograd.Var{w})
	}
	x, y := w.Value.Data[0], w.Value.Data[1]
	if d := math.Hypot(x-1, y-1); !(d < 1e-4) {
		t.Errorf("Adam ends at (%.6f, %.6f), %.3g from (1, 1); want < 1e-4", x, y, d)
	}
}
