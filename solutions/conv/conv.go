// Package conv is the reference solution of the conv exercise: the valid,
// stride-1, single-channel cross-correlation of the cnn lesson and its
// gradients with respect to the kernel and to the input.
package conv

// newMatrix returns a zero rows×cols matrix.
func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// Conv2D returns the valid cross-correlation of x (H×W) with k (kh×kw),
// a new (H−kh+1)×(W−kw+1) matrix with
//
//	y[i][j] = Σ_a Σ_b x[i+a][j+b] · k[a][b]
//
// Neither argument is changed.
func Conv2D(x, k [][]float64) [][]float64 {
	kh, kw := len(k), len(k[0])
	y := newMatrix(len(x)-kh+1, len(x[0])-kw+1)
	for i := range y {
		for j := range y[i] {
			s := 0.0
			for a := range kh {
				for b := range kw {
					s += x[i+a][j+b] * k[a][b]
				}
			}
			y[i][j] = s
		}
	}
	return y
}

// KernelGrad returns dL/dk given x (H×W) and dy = dL/dy (OH×OW):
//
//	dk[a][b] = Σ_i Σ_j dy[i][j] · x[i+a][j+b]
//
// which is Conv2D(x, dy), of shape (H−OH+1)×(W−OW+1). Neither argument is
// changed.
func KernelGrad(x, dy [][]float64) [][]float64 {
	return Conv2D(x, dy)
}

// InputGrad returns dL/dx given k (kh×kw) and dy = dL/dy (OH×OW), a new
// (OH+kh−1)×(OW+kw−1) matrix with
//
//	dx[p][q] = Σ_a Σ_b dy[p−a][q−b] · k[a][b]
//
// over the terms inside dy. It scatters instead of gathering: every dy[i][j]
// adds dy[i][j]·k[a][b] to dx[i+a][j+b], which visits the same terms as
// the full cross-correlation of dy with k turned by 180° (a true full
// convolution of dy with k). Neither argument is changed.
func InputGrad(k, dy [][]float64) [][]float64 {
	kh, kw := len(k), len(k[0])
	dx := newMatrix(len(dy)+kh-1, len(dy[0])+kw-1)
	for i := range dy {
		for j := range dy[i] {
			for a := range kh {
				for b := range kw {
					dx[i+a][j+b] += dy[i][j] * k[a][b]
				}
			}
		}
	}
	return dx
}
