// Package dense is the reference solution of the dense exercise: a fully
// connected layer Y = X·W + b on a batch, forward and backward.
package dense

// newMatrix returns a zero rows×cols matrix.
func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// Forward returns Y = X·W + b, n×out, for X of n×in, W of in×out and b of
// length out added to every row:
//
//	Y[i][j] = b[j] + Σ_k X[i][k]·W[k][j]
//
// No argument is changed.
func Forward(X, W [][]float64, b []float64) [][]float64 {
	Y := newMatrix(len(X), len(b))
	for i := range X {
		for j := range b {
			s := b[j]
			for k := range W {
				s += X[i][k] * W[k][j]
			}
			Y[i][j] = s
		}
	}
	return Y
}

// Backward returns the gradients of L given dY = ∂L/∂Y (n×out):
//
//	dX = dY·Wᵀ   dX[i][k] = Σ_j dY[i][j]·W[k][j]     n×in
//	dW = Xᵀ·dY   dW[k][j] = Σ_i X[i][k]·dY[i][j]     in×out
//	db[j] = Σ_i dY[i][j]                            out
//
// No argument is changed.
func Backward(X, W, dY [][]float64) (dX, dW [][]float64, db []float64) {
	n, in, out := len(X), len(W), len(W[0])
	dX, dW, db = newMatrix(n, in), newMatrix(in, out), make([]float64, out)
	for i := range n {
		for j := range out {
			g := dY[i][j]
			db[j] += g
			for k := range in {
				dX[i][k] += g * W[k][j]
				dW[k][j] += X[i][k] * g
			}
		}
	}
	return dX, dW, db
}
