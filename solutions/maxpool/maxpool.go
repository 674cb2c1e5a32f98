// Package maxpool is the reference solution of the maxpool exercise: 2-D
// max pooling of one channel, forward and backward.
package maxpool

// newMatrix returns a zero rows×cols matrix.
func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// argmax returns the position of the first maximum, in row-major order,
// of the k×k window whose top-left corner is (r0, c0).
func argmax(x [][]float64, r0, c0, k int) (int, int) {
	br, bc := r0, c0
	for a := range k {
		for b := range k {
			if x[r0+a][c0+b] > x[br][bc] {
				br, bc = r0+a, c0+b
			}
		}
	}
	return br, bc
}

// Forward returns y[i][j] = max_{0≤a,b<k} x[i·s+a][j·s+b], of
// ⌊(H−k)/s⌋+1 × ⌊(W−k)/s⌋+1. x is not changed.
func Forward(x [][]float64, k, s int) [][]float64 {
	y := newMatrix((len(x)-k)/s+1, (len(x[0])-k)/s+1)
	for i := range y {
		for j := range y[i] {
			r, c := argmax(x, i*s, j*s, k)
			y[i][j] = x[r][c]
		}
	}
	return y
}

// Backward returns dL/dx: each dy[i][j] added to the position of the
// first maximum of its window. Neither x nor dy is changed.
func Backward(x [][]float64, k, s int, dy [][]float64) [][]float64 {
	dx := newMatrix(len(x), len(x[0]))
	for i := range dy {
		for j := range dy[i] {
			r, c := argmax(x, i*s, j*s, k)
			dx[r][c] += dy[i][j]
		}
	}
	return dx
}
