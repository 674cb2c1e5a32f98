// Package lstm is an exercise of the recurrent-networks lesson (rnn): one
// step of an LSTM cell (Hochreiter and Schmidhuber 1997, in PyTorch's
// form) and its backward pass, written out by hand with plain slices.
//
// Run `dlearn grade lstm` (or `go test ./lstm` in this folder) to check it.
package lstm

// Step returns the next hidden state h' and cell state c' of an LSTM cell
// for one example:
//
//	z  = x·Wx + h·Wh + b       z[j] = b[j] + Σₖ x[k]·Wx[k][j] + Σₖ h[k]·Wh[k][j]
//	i  = σ(z_i)                input gate      z_i = z[0·H : 1·H]
//	f  = σ(z_f)                forget gate     z_f = z[1·H : 2·H]
//	g  = tanh(z_g)             candidate       z_g = z[2·H : 3·H]
//	o  = σ(z_o)                output gate     z_o = z[3·H : 4·H]
//	c' = f⊙c + i⊙g
//	h' = o⊙tanh(c')
//
// σ(z) = 1/(1 + e^(−z)) and ⊙ multiplies element by element. The gates
// are in PyTorch's order i, f, g, o: with H = hidden, columns 0 … H−1 of
// Wx, Wh and b belong to i, H … 2H−1 to f, 2H … 3H−1 to g and 3H … 4H−1
// to o. x has length in, h and c length H, Wx is in×4H, Wh is H×4H (row
// k holds the weights from unit k of h) and b has length 4H. (PyTorch
// stores the transposes, weight_ih = Wxᵀ and weight_hh = Whᵀ, and two
// biases whose sum is b.) Return new slices of length H; do not change
// the arguments.
func Step(x, h, c []float64, Wx, Wh [][]float64, b []float64) (hNext, cNext []float64) {
	panic("TODO: implement lstm.Step")
}

// StepBackward returns the gradients of a loss L with respect to
// everything that went into one Step(x, h, c, Wx, Wh, b), given
// dhNext = ∂L/∂h' and dcNext = ∂L/∂c', the gradients arriving from later
// in the network (from the next time step, c' gets its own). Recompute
// the forward pass (i, f, g, o, c') first, then:
//
//	dc'ₜₒₜ = dcNext + dhNext⊙o⊙(1 − tanh²(c'))    both paths into c'
//	do  = dhNext⊙tanh(c')
//	di  = dc'ₜₒₜ⊙g       dg = dc'ₜₒₜ⊙i       df = dc'ₜₒₜ⊙c
//	dc  = dc'ₜₒₜ⊙f                                 to the previous cell
//	dz  = [di⊙i(1−i) | df⊙f(1−f) | dg⊙(1−g²) | do⊙o(1−o)]   length 4H
//	dx  = dz·Wxᵀ     dh  = dz·Whᵀ
//	dWx = xᵀ·dz      dWh = hᵀ·dz      db = dz
//
// using σ'(z) = σ(z)·(1 − σ(z)) and tanh'(z) = 1 − tanh²(z). dx[k] =
// Σⱼ Wx[k][j]·dz[j] and dWx[k][j] = x[k]·dz[j] (likewise for h and Wh).
// dh and dc are what backpropagation through time hands to the previous
// step. The check compares your gradients with finite differences of your
// own Step. Return new slices, each with the shape of what it is the
// gradient of; do not change the arguments.
func StepBackward(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) (dx, dh, dc []float64, dWx, dWh [][]float64, db []float64) {
	panic("TODO: implement lstm.StepBackward")
}
