package backprop

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement backprop.Backward"

type backward = func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64,
	y [][]float64) (dW1 [][]float64, db1 []float64, dW2 [][]float64, db2 []float64)

// mutants are known-wrong backward passes; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	f    backward
	want string
}{
	{"stub", func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64, y [][]float64) ([][]float64, []float64, [][]float64, []float64) {
		panic(todo)
	}, "not implemented yet: backprop.Backward"},
	{"no tanh derivative", wrong(func(o *opts) { o.tanhGrad = func(a, h float64) float64 { return 1 } }),
		"multiply by tanh'(A) = 1 − H²"},
	{"tanh derivative at the pre-activation", wrong(func(o *opts) { o.tanhGrad = func(a, h float64) float64 { return 1 - a*a } }),
		"use the activation H, not the pre-activation A"},
	{"mean over n only", wrong(func(o *opts) { o.scale = func(n, k int) float64 { return 2 / float64(n) } }),
		"not /n"},
	{"no factor 2", wrong(func(o *opts) { o.scale = func(n, k int) float64 { return 1 / float64(n*k) } }),
		"forget the factor 2"},
	{"sign flipped", wrong(func(o *opts) { o.scale = func(n, k int) float64 { return -2 / float64(n*k) } }),
		"the sign is flipped"},
	{"bias gradient of the first row", wrong(func(o *opts) { o.firstRowOnly = true }),
		"db2 is wrong"},
	{"dW2 transposed", func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64, y [][]float64) ([][]float64, []float64, [][]float64, []float64) {
		dW1, db1, dW2, db2 := Backward(x, W1, b1, W2, b2, y)
		return dW1, db1, transpose(dW2), db2
	}, "dW2 has shape 2×5, want 5×2"},
	{"changes W1", func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64, y [][]float64) ([][]float64, []float64, [][]float64, []float64) {
		dW1, db1, dW2, db2 := Backward(x, W1, b1, W2, b2, y)
		W1[0][0] -= 0.1 * dW1[0][0]
		return dW1, db1, dW2, db2
	}, "changed its argument W1[0][0]"},
	{"NaN in dW1", func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64, y [][]float64) ([][]float64, []float64, [][]float64, []float64) {
		dW1, db1, dW2, db2 := Backward(x, W1, b1, W2, b2, y)
		dW1[len(dW1)-1][0] = math.NaN()
		return dW1, db1, dW2, db2
	}, "dW1["},
}

// opts are the places where a backward pass commonly goes wrong.
type opts struct {
	scale        func(n, k int) float64
	tanhGrad     func(a, h float64) float64
	firstRowOnly bool
}

// wrong returns a backward pass with the mistakes set by f.
func wrong(f func(*opts)) backward {
	o := opts{
		scale:    func(n, k int) float64 { return 2 / float64(n*k) },
		tanhGrad: func(a, h float64) float64 { return 1 - h*h },
	}
	f(&o)
	return func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64, y [][]float64) ([][]float64, []float64, [][]float64, []float64) {
		n, h, k := len(x), len(b1), len(b2)
		A := addBias(matMul(x, W1), b1)
		H := newMatrix(n, h)
		for i := range A {
			for j, a := range A[i] {
				H[i][j] = math.Tanh(a)
			}
		}
		Yhat := addBias(matMul(H, W2), b2)
		dY := newMatrix(n, k)
		for i := range dY {
			for j := range dY[i] {
				dY[i][j] = o.scale(n, k) * (Yhat[i][j] - y[i][j])
			}
		}
		dA := matMul(dY, transpose(W2))
		for i := range dA {
			for j := range dA[i] {
				dA[i][j] *= o.tanhGrad(A[i][j], H[i][j])
			}
		}
		sum := sumRows
		if o.firstRowOnly {
			sum = func(m [][]float64) []float64 { return append([]float64(nil), m[0]...) }
		}
		return matMul(transpose(x), dA), sum(dA), matMul(transpose(H), dY), sum(dY)
	}
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckBackprop(checks.BackpropImpl{Backward: m.f}), m.want)
		})
	}
}
