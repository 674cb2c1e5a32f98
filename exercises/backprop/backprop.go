// Package backprop is an exercise of the backprop lesson: the backward
// pass of a two-layer network, written out by hand with plain slices.
//
// Run `dlearn grade backprop` (or `go test ./backprop` in this folder) to
// check it.
package backprop

// Backward returns the gradients of the mean squared error of the network
//
//	A = x·W1 + b1      n×h   (b1 added to every row)
//	H = tanh(A)        n×h
//	Ŷ = H·W2 + b2      n×k   (b2 added to every row)
//	L = (1/(n·k)) · Σᵢⱼ (Ŷᵢⱼ − yᵢⱼ)²
//
// with respect to its parameters, for a batch x (n×d, one example per
// row) and targets y (n×k). Work backwards from the loss:
//
//	dŶ  = 2·(Ŷ − y)/(n·k)         n×k
//	dW2 = Hᵀ·dŶ                   h×k
//	db2 = Σᵢ dŶᵢ                  k     (sum over the batch rows)
//	dA  = (dŶ·W2ᵀ) ⊙ (1 − H²)     n×h   (tanh'(a) = 1 − tanh(a)²)
//	dW1 = xᵀ·dA                   d×h
//	db1 = Σᵢ dAᵢ                  h
//
// Matrices are [][]float64, row by row: W1 has d rows of h values. Return
// new slices, each with the shape of its parameter; do not change the
// arguments.
func Backward(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64,
	y [][]float64) (dW1 [][]float64, db1 []float64, dW2 [][]float64, db2 []float64) {
	panic("TODO: implement backprop.Backward")
}
