// Package backprop is the reference solution of the backprop exercise: the
// backward pass of a two-layer network, written out by hand.
package backprop

import "math"

// Backward returns the gradients of the mean squared error of the network
//
//	A = x·W1 + b1      n×h   (b1 added to every row)
//	H = tanh(A)        n×h
//	Ŷ = H·W2 + b2      n×k   (b2 added to every row)
//	L = (1/(n·k)) · Σᵢⱼ (Ŷᵢⱼ − yᵢⱼ)²
//
// with respect to its parameters, for a batch x (n×d) and targets y (n×k):
//
//	dŶ  = 2·(Ŷ − y)/(n·k)         n×k
//	dW2 = Hᵀ·dŶ                   h×k
//	db2 = Σᵢ dŶᵢ                  k
//	dA  = (dŶ·W2ᵀ) ⊙ (1 − H²)     n×h   (tanh' = 1 − tanh²)
//	dW1 = xᵀ·dA                   d×h
//	db1 = Σᵢ dAᵢ                  h
//
// Each gradient is new and has the shape of its parameter; no argument is
// changed. Backward panics if the shapes do not fit together.
func Backward(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64,
	y [][]float64) (dW1 [][]float64, db1 []float64, dW2 [][]float64, db2 []float64) {
	n, h, k := len(x), len(b1), len(b2)

	// Forward, keeping the activations H for the backward pass.
	A := addBias(matMul(x, W1), b1)
	H := newMatrix(n, h)
	for i := range A {
		for j, a := range A[i] {
			H[i][j] = math.Tanh(a)
		}
	}
	Yhat := addBias(matMul(H, W2), b2)

	// Backward, from the loss to the first layer.
	dY := newMatrix(n, k)
	for i := range dY {
		for j := range dY[i] {
			dY[i][j] = 2 * (Yhat[i][j] - y[i][j]) / float64(n*k)
		}
	}
	dW2 = matMul(transpose(H), dY)
	db2 = sumRows(dY)
	dA := matMul(dY, transpose(W2))
	for i := range dA {
		for j := range dA[i] {
			dA[i][j] *= 1 - H[i][j]*H[i][j]
		}
	}
	dW1 = matMul(transpose(x), dA)
	db1 = sumRows(dA)
	return dW1, db1, dW2, db2
}

func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// matMul returns a·b; a is n×p, b is p×m.
func matMul(a, b [][]float64) [][]float64 {
	c := newMatrix(len(a), len(b[0]))
	for i := range a {
		for p, aip := range a[i] {
			for j, bpj := range b[p] {
				c[i][j] += aip * bpj
			}
		}
	}
	return c
}

func transpose(a [][]float64) [][]float64 {
	t := newMatrix(len(a[0]), len(a))
	for i := range a {
		for j, v := range a[i] {
			t[j][i] = v
		}
	}
	return t
}

// addBias adds b to every row of m, in place, and returns m.
func addBias(m [][]float64, b []float64) [][]float64 {
	for i := range m {
		for j := range m[i] {
			m[i][j] += b[j]
		}
	}
	return m
}

// sumRows returns the sum of m's rows.
func sumRows(m [][]float64) []float64 {
	s := make([]float64, len(m[0]))
	for _, row := range m {
		for j, v := range row {
			s[j] += v
		}
	}
	return s
}
