// Package mha is an exercise of the attention lesson: multi-head
// self-attention, forward and backward, written out by hand with plain
// slices. It is the attention exercise's scaled dot-product attention run
// h times side by side on slices of learned projections, then mixed by an
// output projection: the block inside every transformer layer.
//
// Run `dlearn grade mha` (or `go test ./mha` in this folder) to check it.
package mha

// Forward returns multi-head self-attention of the T tokens in X:
//
//	Q = X·Wq,  K = X·Wk,  V = X·Wv                T×d each (no biases)
//	dh = d/h, head j takes the columns j·dh … (j+1)·dh−1 of Q, K and V:
//	        Qj, Kj, Vj of T×dh
//	Sj = Qj·Kjᵀ / √dh                             T×T scores
//	Aj[i][l] = e^(Sj[i][l]) / Σ_m e^(Sj[i][m])    softmax over the keys l (each row sums to 1)
//	Oj = Aj·Vj                                    T×dh
//	O  = [O0 O1 … O(h−1)]                         T×d: head j back in columns j·dh … (j+1)·dh−1
//	Y  = O·Wo                                     T×d
//
// X is T×d (one token per row); Wq, Wk, Wv and Wo are d×d and multiply
// from the right (column c of Wq makes column c of Q); h divides d. The
// scale is √dh, the width of one head, not √d.
//
// With causal set, token i may attend only to keys l ≤ i: set the masked
// scores to −∞ (math.Inf(-1)) before the softmax, so their weights are
// exactly 0 and each row's remaining weights sum to 1. Subtract each row's
// largest score before exp so large scores stay finite.
//
// Matrices are [][]float64, row by row. Return a new matrix; do not
// change the arguments.
func Forward(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 {
	panic("TODO: implement mha.Forward")
}

// Backward returns the gradients of a loss L with respect to X and the
// four weights, given the same inputs as Forward and dY = ∂L/∂Y (T×d).
// Recompute the forward pass (Q, K, V, each head's Aj and O), then go back:
//
//	dWo = Oᵀ·dY                     d×d
//	dO  = dY·Woᵀ                    T×d, head j's slice is dOj (columns j·dh … (j+1)·dh−1)
//	per head j:
//	  dVj = Ajᵀ·dOj                 T×dh
//	  dAj = dOj·Vjᵀ                 T×T
//	  dSj[i][l] = Aj[i][l]·(dAj[i][l] − Σ_m Aj[i][m]·dAj[i][m])   the softmax's backward, row by row
//	  dQj = dSj·Kj / √dh            T×dh
//	  dKj = dSjᵀ·Qj / √dh           T×dh
//	dQ, dK, dV                      T×d: each head's slice back in its columns
//	dWq = Xᵀ·dQ,  dWk = Xᵀ·dK,  dWv = Xᵀ·dV      d×d
//	dX  = dQ·Wqᵀ + dK·Wkᵀ + dV·Wvᵀ               T×d: X feeds all three
//
// A masked weight is 0, so its dS is 0 and nothing else changes for the
// causal case. Each gradient has the shape of what it is the gradient of.
// Return new slices; do not change the arguments.
func Backward(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
	panic("TODO: implement mha.Backward")
}
