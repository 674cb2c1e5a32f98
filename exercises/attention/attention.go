// Package attention is an exercise of the self-attention lesson
// (attention): scaled dot-product attention with an optional causal mask,
// written from scratch with plain slices.
//
// Run `dlearn grade attention` (or `go test ./attention` in this folder)
// to check it.
package attention

// Attention returns scaled dot-product attention of queries Q (n×d) over
// keys K (m×d) and values V (m×dv), and the attention weights:
//
//	sᵢⱼ = (Qᵢ·Kⱼ)/√d                           scores, n×m
//	weightsᵢⱼ = e^(sᵢⱼ) / Σₖ e^(sᵢₖ)            softmax of each row, n×m
//	outᵢ = Σⱼ weightsᵢⱼ·Vⱼ                      n×dv
//
// d is the width of a query and of a key, len(Q[0]). Each row of weights
// is a softmax over the keys, so it sums to 1. Make it stable: subtract
// the row's largest score before exp, so that scores in the thousands
// neither overflow (e^1000 = +Inf) nor all underflow to 0.
//
// With causal set (then n = m), query i may only attend to keys j ≤ i:
// give the scores of keys j > i the value −∞ (math.Inf(-1)) before the
// softmax, so their weights are exactly 0 and the others still sum to 1.
// Query i always sees key i itself.
//
// Matrices are [][]float64, row by row. Return new slices; do not change
// Q, K or V.
func Attention(Q, K, V [][]float64, causal bool) (out, weights [][]float64) {
	panic("TODO: implement attention.Attention")
}
