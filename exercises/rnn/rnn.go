// Package rnn is an exercise of the recurrent-networks lesson (rnn): one
// step of a vanilla RNN cell and its backward pass, written out by hand
// with plain slices. Backpropagation through time is this backward step
// repeated from the last time step to the first.
//
// Run `dlearn grade rnn` (or `go test ./rnn` in this folder) to check it.
package rnn

// Step returns the next hidden state of a vanilla RNN cell for one
// example:
//
//	a  = x·Wx + h·Wh + b        a[j] = b[j] + Σᵢ x[i]·Wx[i][j] + Σᵢ h[i]·Wh[i][j]
//	h' = tanh(a)
//
// x has length in (the input at this time step), h and b length hidden (h
// is the previous hidden state), Wx is in×hidden and Wh is hidden×hidden:
// row i of Wh holds the weights from unit i of h. Matrices are
// [][]float64, row by row. Return a new slice of length hidden; do not
// change the arguments.
func Step(x, h []float64, Wx, Wh [][]float64, b []float64) (hNext []float64) {
	panic("TODO: implement rnn.Step")
}

// StepBackward returns the gradients of a loss L with respect to
// everything that went into one Step, given the step's inputs x and h, its
// output hNext = Step(x, h, Wx, Wh, b) and dhNext = ∂L/∂h', the gradient
// arriving from later in the network:
//
//	da  = dhNext ⊙ (1 − hNext²)     hidden        (tanh'(a) = 1 − tanh(a)²)
//	dx  = da·Wxᵀ                   in            dx[i] = Σⱼ Wx[i][j]·da[j]
//	dh  = da·Whᵀ                   hidden        dh[i] = Σⱼ Wh[i][j]·da[j]
//	dWx = xᵀ·da                    in×hidden     dWx[i][j] = x[i]·da[j]
//	dWh = hᵀ·da                    hidden×hidden dWh[i][j] = h[i]·da[j]
//	db  = da                       hidden
//
// dh is what backpropagation through time hands to the previous time step.
// Return new slices, each with the shape of what it is the gradient of;
// do not change the arguments.
func StepBackward(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) (dx, dh []float64, dWx, dWh [][]float64, db []float64) {
	panic("TODO: implement rnn.StepBackward")
}
