// Package conv is an exercise of the convolutional-network lesson (cnn):
// a 2-D convolution and its two gradients, written from scratch for one
// channel, no padding and stride 1.
//
// "Convolution" here is cross-correlation, as deep-learning libraries call
// convolution: the kernel slides over the image without being flipped.
//
// Run `dlearn grade conv` (or `go test ./conv` in this folder) to check it.
package conv

// Conv2D returns the valid cross-correlation of the image x (H×W) with the
// kernel k (kh×kw, kh ≤ H, kw ≤ W), stride 1, no padding: a new matrix y
// of (H−kh+1)×(W−kw+1) with
//
//	y[i][j] = Σ_a Σ_b x[i+a][j+b] · k[a][b]    (0 ≤ a < kh, 0 ≤ b < kw)
//
// Matrices are row-major: x[i] is row i. Do not change x or k.
func Conv2D(x, k [][]float64) [][]float64 {
	panic("TODO: implement conv.Conv2D")
}

// KernelGrad returns dL/dk, the gradient of a loss L with respect to the
// kernel, given the image x (H×W) and dy = dL/dy (OH×OW, the shape of
// Conv2D's output). The weight k[a][b] met x[i+a][j+b] at every output
// (i, j), so
//
//	dk[a][b] = Σ_i Σ_j dy[i][j] · x[i+a][j+b]
//
// the valid cross-correlation of x with dy, of k's shape
// (H−OH+1)×(W−OW+1). Return a new matrix; do not change x or dy.
func KernelGrad(x, dy [][]float64) [][]float64 {
	panic("TODO: implement conv.KernelGrad")
}

// InputGrad returns dL/dx, the gradient of L with respect to the image,
// given the kernel k (kh×kw) and dy = dL/dy (OH×OW). The pixel x[p][q]
// met k[a][b] at the output (p−a, q−b), so
//
//	dx[p][q] = Σ_a Σ_b dy[p−a][q−b] · k[a][b]
//
// over the (p−a, q−b) that lie inside dy: a "full" cross-correlation of
// dy with k turned by 180° (the same as a true "full" convolution of dy
// with k). Put differently: pad dy with kh−1 rows and kw−1 columns of
// zeros on every side and cross-correlate it with k turned by 180°. dx has
// x's shape, (OH+kh−1)×(OW+kw−1). Return a new matrix; do not change k or
// dy.
func InputGrad(k, dy [][]float64) [][]float64 {
	panic("TODO: implement conv.InputGrad")
}
