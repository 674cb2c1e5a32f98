// Package bptt is an exercise of the recurrent-networks lesson (rnn):
// backpropagation through time (BPTT) over a whole sequence of a vanilla
// RNN — not one step, as in the rnn exercise, but every step from the last
// back to the first — for one example, with plain slices.
//
// The network, for t = 0 … T−1 (h_prev = hs[t−1], or h0 at t = 0):
//
//	hs[t] = tanh(xs[t]·Wx + h_prev·Wh + b)
//
// xs is T×in (one input per row), h0 and b have length hidden, Wx is
// in×hidden and Wh hidden×hidden (row i of Wh holds the weights from unit i
// of h). The same Wx, Wh and b act at every step.
//
// The loss: a sequence model has a loss ℓ_t at every step, and each hands
// its hidden state a gradient ∂ℓ_t/∂hs[t]. Here those per-step gradients
// are given as dhs (T×hidden), so the loss is L = Σ_t dhs[t]·hs[t] (the
// dot product of each row with the hidden state of its step).
//
// Run `dlearn grade bptt` (or `go test ./bptt` in this folder) to check it.
package bptt

// Forward runs the RNN over the sequence and returns hs, a new T×hidden
// matrix whose row t is hs[t] = tanh(xs[t]·Wx + h_prev·Wh + b):
//
//	a[j]     = b[j] + Σᵢ xs[t][i]·Wx[i][j] + Σᵢ h_prev[i]·Wh[i][j]
//	hs[t][j] = tanh(a[j])
//
// with h_prev = h0 for the first step and hs[t−1] after. Do not change the
// arguments.
func Forward(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) (hs [][]float64) {
	panic("TODO: implement bptt.Forward")
}

// Backward returns the gradients of L = Σ_t dhs[t]·hs[t] with respect to
// the weights and the initial state, and the norm of the gradient that
// reaches every hidden state. Run Forward for hs, then walk back from the
// last step to the first, carrying the gradient that flows from a step to
// the one before it (carry starts at 0):
//
//	g      = dhs[t] + carry           ∂L/∂hs[t]: the step's own gradient
//	                                  plus what came back from later steps
//	norms[t] = ‖g‖ = sqrt(Σⱼ g[j]²)
//	da     = g ⊙ (1 − hs[t]²)         tanh′(a) = 1 − tanh(a)² = 1 − hs[t]²
//	dWx   += xs[t]ᵀ·da                dWx[i][j] += xs[t][i]·da[j]
//	dWh   += h_prevᵀ·da               dWh[i][j] += h_prev[i]·da[j]  (h_prev = hs[t−1], h0 at t = 0)
//	db    += da
//	carry  = da·Whᵀ                   carry[i] = Σⱼ Wh[i][j]·da[j]
//
// and after step 0, dh0 = carry. The weights' gradients are sums over all
// steps, because the same weights act at every step. Shapes: dWx in×hidden,
// dWh hidden×hidden, db and dh0 hidden, norms T (norms[t] belongs to
// hs[t]). With a loss on the last step only (dhs zero but its last row),
// norms[t] is the ‖∂ℓ_T/∂h_t‖ the rnn lesson plots: how much of the last
// step's gradient reaches step t. Return new slices; do not change the
// arguments.
func Backward(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) (dWx, dWh [][]float64, db, dh0, norms []float64) {
	panic("TODO: implement bptt.Backward")
}
