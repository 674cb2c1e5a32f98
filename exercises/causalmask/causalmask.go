// Package causalmask is an exercise of the text-generation lesson
// (textgen): the causal mask that turns self-attention into a decoder's
// attention, where the prediction at position i may use positions
// 0 … i only — never the characters it is trying to predict.
//
// Attention compares every query i with every key j into a T×T matrix of
// scores s. The mask is added to the scores before the softmax of each
// row: 0 where j ≤ i changes nothing, −∞ where j > i makes e^(s − ∞) = 0,
// so the future gets weight exactly 0 and the allowed weights still sum
// to 1. Because the weights there are 0, the backward pass sends no
// gradient to the future either.
//
// Run `dlearn grade causalmask` (or `go test ./causalmask` in this folder)
// to check it.
package causalmask

// CausalMask returns the additive causal mask for T positions, a T×T
// matrix with mask[i][j] = 0 where j ≤ i and math.Inf(-1) where j > i
// (use −∞ itself, not a large negative number: e^(−∞) is exactly 0
// whatever the scores). For T = 3:
//
//	[0  −∞ −∞]
//	[0   0 −∞]
//	[0   0  0]
func CausalMask(T int) [][]float64 {
	panic("TODO: implement causalmask.CausalMask")
}

// MaskedSoftmax returns the attention weights of the T×T scores under the
// causal mask, a new T×T matrix: for each row i,
//
//	w[i][j] = e^(s[i][j] − mᵢ) / Σ_{k ≤ i} e^(s[i][k] − mᵢ)   for j ≤ i
//	w[i][j] = 0                                            for j > i
//
// where mᵢ is the largest *allowed* score of row i, max over k ≤ i of
// s[i][k] (subtracting it keeps e^x finite; a masked score may be huge,
// say 1e300, and must not matter). Row 0 is [1 0 0 …] whatever its
// scores. Do not change scores.
func MaskedSoftmax(scores [][]float64) [][]float64 {
	panic("TODO: implement causalmask.MaskedSoftmax")
}

// MaskedSoftmaxBackward returns ∂L/∂scores, a new T×T matrix, given the
// weights w = MaskedSoftmax(scores) and grad g = ∂L/∂w:
//
//	∂L/∂s[i][j] = w[i][j]·(g[i][j] − Σₖ w[i][k]·g[i][k])
//
// (the softmax's Jacobian applied row by row). Where w is 0 — above the
// diagonal — the gradient is exactly 0: nothing flows to the future. Do
// not change weights or grad.
func MaskedSoftmaxBackward(weights, grad [][]float64) [][]float64 {
	panic("TODO: implement causalmask.MaskedSoftmaxBackward")
}
