// Package gru is an exercise of the recurrent-networks lesson (rnn): one
// step of a gated recurrent unit (Cho et al. 2014) in PyTorch's form, the
// form of torch.nn.GRUCell and of the engine's nn.GRUCell.
//
// Run `dlearn grade gru` (or `go test ./gru` in this folder) to check it.
package gru

// Step returns the next hidden state of a GRU cell for one example:
//
//	r  = σ(x·Wx_r + bx_r + h·Wh_r + bh_r)            reset gate
//	z  = σ(x·Wx_z + bx_z + h·Wh_z + bh_z)            update gate
//	n  = tanh(x·Wx_n + bx_n + r⊙(h·Wh_n + bh_n))     candidate
//	h' = (1 − z)⊙n + z⊙h
//
// σ(a) = 1/(1 + e^(−a)) and ⊙ multiplies element by element;
// (x·Wx_r)[j] = Σₖ x[k]·Wx[k][j] over the columns j of the r block. The
// gates are in PyTorch's order r, z, n: with H = hidden, columns 0 … H−1
// of Wx, Wh, bx and bh belong to r, H … 2H−1 to z and 2H … 3H−1 to n.
//
// Two biases, as in PyTorch: bx is added to x·Wx and bh to h·Wh. They
// differ only in the candidate, where r multiplies the hidden part with
// its bias, r⊙(h·Wh_n + bh_n), after the product with Wh_n; bx_n stays
// outside. z keeps the old state: z = 1 gives h' = h.
//
// x has length in, h length H, Wx is in×3H, Wh is H×3H (row k holds the
// weights from unit k of h), bx and bh have length 3H. (PyTorch stores
// the transposes, weight_ih = Wxᵀ and weight_hh = Whᵀ; bias_ih = bx and
// bias_hh = bh.) Return a new slice of length H; do not change the
// arguments.
func Step(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) (hNext []float64) {
	panic("TODO: implement gru.Step")
}
