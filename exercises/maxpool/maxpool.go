// Package maxpool is an exercise of the convolutional-network lesson
// (cnn): 2-D max pooling of one channel, its forward pass and its backward
// pass, written from scratch with plain slices.
//
// Run `dlearn grade maxpool` (or `go test ./maxpool` in this folder) to
// check it.
package maxpool

// Forward returns the max pooling of the image x (H×W) with a k×k window
// and stride s, no padding: a new matrix y of OH×OW with
//
//	OH = ⌊(H−k)/s⌋ + 1      OW = ⌊(W−k)/s⌋ + 1
//	y[i][j] = max over 0 ≤ a < k, 0 ≤ b < k of x[i·s+a][j·s+b]
//
// The window of output (i, j) has its top-left corner at (i·s, j·s); a
// window that would run past the edge is left out (integer division rounds
// down). With s < k the windows overlap; with s > k some pixels are in no
// window. Matrices are row-major: x[i] is row i. Do not change x.
func Forward(x [][]float64, k, s int) [][]float64 {
	panic("TODO: implement maxpool.Forward")
}

// Backward returns dL/dx, a new matrix of x's shape (H×W), given the input
// x, the same k and s, and dy = dL/dy (OH×OW). Only the maximum of a window
// took part in its output, so
//
//	each dy[i][j] is added whole to dx at the position of the maximum of
//	window (i, j); every other position of the window gets nothing from it.
//
// Ties: when several positions of a window hold its maximum, the first in
// row-major order — the smallest row a, then the smallest column b — gets
// all of dy[i][j] (scan the window row by row and move the best position
// only when a value is strictly greater). Where windows overlap, a
// position can be the maximum of several windows: it receives the sum of
// their gradients (+=). Positions that are no window's maximum get 0. Do
// not change x or dy.
func Backward(x [][]float64, k, s int, dy [][]float64) [][]float64 {
	panic("TODO: implement maxpool.Backward")
}
