// Package attnpool is an exercise of the sentiment lesson (sentiment):
// attention pooling — turning a sentence's hidden states into one vector
// by weights the model learns to put on the words that matter — forward
// and backward, written from scratch with plain slices.
//
// Run `dlearn grade attnpool` (or `go test ./attnpool` in this folder)
// to check it.
package attnpool

// Pool returns the attention weights of the rows of H and the pooled
// vector. H is T×d: row H[t] is the hidden state h_t after word t. w has
// d entries: the learned scoring vector. Only the first n rows
// (1 ≤ n ≤ T) are words; rows n … T−1 are padding (sentences of a batch
// are padded to the longest).
//
//	s_t = h_t·w = Σ_k H[t][k]·w[k]                        score of word t
//	α_t = e^(s_t − m) / Σ_{u<n} e^(s_u − m),  m = max_{u<n} s_u
//	α_t = 0                                              for padding, t ≥ n
//	pooled[k] = Σ_t α_t·H[t][k]                          d entries
//
// weights has T entries (exactly 0 on the padding) and sums to 1.
// Subtracting the largest score m before exp changes nothing in exact
// arithmetic but keeps scores in the hundreds from overflowing
// (e^1000 = +Inf). Leave the padding out of the softmax itself: zeroing
// its weights afterwards leaves weights that no longer sum to 1.
//
// Return new slices; do not change H or w.
func Pool(H [][]float64, w []float64, n int) (weights, pooled []float64) {
	panic("TODO: implement attnpool.Pool")
}

// Backward returns the gradients of a loss L with respect to H and w,
// given dPooled = ∂L/∂pooled (d entries), for the same H, w and n as Pool.
// With α from Pool and g = dPooled:
//
//	a_t  = h_t·g                        ∂L/∂α_t
//	ds_t = α_t·(a_t − Σ_u α_u·a_u)      ∂L/∂s_t (the softmax's Jacobian)
//	dH_t = α_t·g + ds_t·w               for t < n; h_t reaches pooled both
//	                                    directly and through its score
//	dH_t = 0                            for padding, t ≥ n
//	dw   = Σ_{t<n} ds_t·h_t
//
// dH is T×d like H; dw has d entries. Return new slices; do not change
// H, w or dPooled.
func Backward(H [][]float64, w []float64, n int, dPooled []float64) (dH [][]float64, dw []float64) {
	panic("TODO: implement attnpool.Backward")
}
