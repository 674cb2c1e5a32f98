// Package dense is an exercise of the backprop lesson: a fully connected
// (dense) layer on a batch, its forward pass and its backward pass, written
// out by hand with plain slices. A network is a stack of these with
// activations between them; backprop is Backward called layer by layer
// from the loss down.
//
// Run `dlearn grade dense` (or `go test ./dense` in this folder) to check it.
package dense

// Forward returns the layer's output for a batch:
//
//	Y = X·W + b        Y[i][j] = b[j] + Σ_k X[i][k]·W[k][j]
//
// X is n×in (one example per row), W is in×out (column j holds the weights
// of output unit j), b has length out and is added to every row; Y is
// n×out. Matrices are [][]float64, row by row. Return a new matrix; do not
// change the arguments.
func Forward(X, W [][]float64, b []float64) [][]float64 {
	panic("TODO: implement dense.Forward")
}

// Backward returns the gradients of a loss L with respect to the layer's
// input, weights and bias, given its input X (n×in), its weights W (in×out)
// and dY = ∂L/∂Y (n×out), the gradient arriving from above:
//
//	dX = dY·Wᵀ     n×in     dX[i][k] = Σ_j dY[i][j]·W[k][j]
//	dW = Xᵀ·dY     in×out   dW[k][j] = Σ_i X[i][k]·dY[i][j]
//	db             out      db[j]    = Σ_i dY[i][j]
//
// Each gradient has the shape of what it is the gradient of: work the
// shapes out and the transposes follow. b is added to every row, so db is
// the sum of dY over the batch (a sum, not a mean: a 1/n of the loss is
// already inside dY). Return new slices; do not change the arguments.
func Backward(X, W, dY [][]float64) (dX, dW [][]float64, db []float64) {
	panic("TODO: implement dense.Backward")
}
