// Package rnn is the reference solution of the rnn exercise: one step of a
// vanilla RNN cell and its backward pass, the unit that backpropagation
// through time repeats once per time step.
package rnn

import "math"

// Step returns the next hidden state of a vanilla RNN cell,
//
//	h' = tanh(x·Wx + h·Wh + b)
//
// for one example: x has length in, h and b length hidden, Wx is
// in×hidden and Wh hidden×hidden (row i holds the weights from unit i of
// h). The result is a new slice; no argument is changed.
func Step(x, h []float64, Wx, Wh [][]float64, b []float64) (hNext []float64) {
	hNext = make([]float64, len(b))
	for j := range hNext {
		a := b[j]
		for i, xi := range x {
			a += xi * Wx[i][j]
		}
		for i, hi := range h {
			a += hi * Wh[i][j]
		}
		hNext[j] = math.Tanh(a)
	}
	return hNext
}

// StepBackward returns the gradients of a loss L with respect to the
// inputs and weights of one Step, given the step's inputs, its output
// hNext and dhNext = ∂L/∂h':
//
//	da  = dhNext ⊙ (1 − hNext²)      (tanh' = 1 − tanh²)
//	dx  = da·Wxᵀ     dh  = da·Whᵀ
//	dWx = xᵀ·da      dWh = hᵀ·da      db = da
//
// Each result is new and has the shape of what it is the gradient of; no
// argument is changed.
func StepBackward(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) (dx, dh []float64, dWx, dWh [][]float64, db []float64) {
	n := len(hNext)
	db = make([]float64, n) // db = da
	for j := range n {
		db[j] = dhNext[j] * (1 - hNext[j]*hNext[j])
	}
	dx, dWx = backThrough(x, Wx, db)
	dh, dWh = backThrough(h, Wh, db)
	return dx, dh, dWx, dWh, db
}

// backThrough returns, for the product v·W that fed a pre-activation with
// gradient da, the gradients da·Wᵀ of v and vᵀ·da of W.
func backThrough(v []float64, W [][]float64, da []float64) (dv []float64, dW [][]float64) {
	dv = make([]float64, len(v))
	dW = make([][]float64, len(v))
	for i, vi := range v {
		dW[i] = make([]float64, len(da))
		for j, g := range da {
			dv[i] += W[i][j] * g
			dW[i][j] = vi * g
		}
	}
	return dv, dW
}
