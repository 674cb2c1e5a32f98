package dense

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement dense."

type backward = func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64)

func withForward(f func(X, W [][]float64, b []float64) [][]float64) checks.DenseImpl {
	return checks.DenseImpl{Forward: f, Backward: Backward}
}

func withBackward(f backward) checks.DenseImpl {
	return checks.DenseImpl{Forward: Forward, Backward: f}
}

// mul returns a·b, with at(m, i, k) reading a and bt(m, k, j) reading b, so
// that a mutant can forget a transpose: the product is len(a)×cols.
func mul(a, b [][]float64, rows, inner, cols int, at, bt func(m [][]float64, i, j int) float64) [][]float64 {
	out := newMatrix(rows, cols)
	for i := range rows {
		for j := range cols {
			for k := range inner {
				out[i][j] += at(a, i, k) * bt(b, k, j)
			}
		}
	}
	return out
}

func plain(m [][]float64, i, j int) float64  { return m[i][j] }
func turned(m [][]float64, i, j int) float64 { return m[j][i] }

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.DenseImpl
	want string
}{
	{"Forward stub", withForward(func(X, W [][]float64, b []float64) [][]float64 { panic(todo + "Forward") }),
		"not implemented yet: dense.Forward"},
	{"Backward stub", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) { panic(todo + "Backward") }),
		"not implemented yet: dense.Backward"},
	{"Forward in the W·x order (W read as out×in)", withForward(func(X, W [][]float64, b []float64) [][]float64 {
		Y := mul(X, W, len(X), len(W), len(b), plain, turned)
		for i := range Y {
			for j := range Y[i] {
				Y[i][j] += b[j]
			}
		}
		return Y
	}), "the y = W·x convention"},
	{"Forward without the bias", withForward(func(X, W [][]float64, b []float64) [][]float64 {
		return mul(X, W, len(X), len(W), len(b), plain, plain)
	}), "add the bias"},
	{"dX = dY·W (missing transpose)", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		_, dW, db := Backward(X, W, dY)
		return mul(dY, W, len(X), len(W[0]), len(W), plain, plain), dW, db
	}), "dX = dY·Wᵀ, with W transposed"},
	{"dW = X·dY (missing transpose)", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, _, db := Backward(X, W, dY)
		return dX, mul(X, dY, len(W), len(X), len(W[0]), plain, plain), db
	}), "dW = Xᵀ·dY, with X transposed"},
	{"dW = dYᵀ·X (transposed)", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, _, db := Backward(X, W, dY)
		return dX, mul(dY, X, len(W[0]), len(X), len(W), turned, plain), db
	}), "dW is transposed"},
	{"dX and dW swapped", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, dW, db := Backward(X, W, dY)
		return dW, dX, db
	}), "dX and dW are swapped"},
	{"db averaged over the batch", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, dW, db := Backward(X, W, dY)
		for j := range db {
			db[j] /= float64(len(dY))
		}
		return dX, dW, db
	}), "db is averaged"},
	{"db not summed over the batch (= instead of +=)", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, dW, db := Backward(X, W, dY)
		for i := range dY {
			for j := range db {
				db[j] = dY[i][j]
			}
		}
		return dX, dW, db
	}), "db is one row of dY"},
	{"db summed over the features", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, dW, _ := Backward(X, W, dY)
		db := make([]float64, len(dY))
		for i := range dY {
			for _, v := range dY[i] {
				db[i] += v
			}
		}
		return dX, dW, db
	}), "db is summed over the wrong axis"},
	{"Backward changes W", withBackward(func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, dW, db := Backward(X, W, dY)
		W[0][1] -= 0.1 * dW[0][1]
		return dX, dW, db
	}), "changed its argument W[0][1]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckDense(m.impl), m.want)
		})
	}
}
