// Package layernorm is an exercise of the attention lesson: layer
// normalisation, the normalisation of every transformer block, forward and
// backward, written out by hand with plain slices.
//
// Run `dlearn grade layernorm` (or `go test ./layernorm` in this folder)
// to check it.
package layernorm

// Forward returns the layer normalisation of the batch x (n×d, one example
// per row), a new n×d matrix. Each row is normalised over its own d
// features — not over the batch — then scaled and shifted per feature:
//
//	μᵢ  = (1/d)·Σⱼ x[i][j]
//	σ²ᵢ = (1/d)·Σⱼ (x[i][j] − μᵢ)²          the biased variance: 1/d, not 1/(d−1)
//	x̂[i][j] = (x[i][j] − μᵢ) / √(σ²ᵢ + ε)    ε inside the square root
//	y[i][j] = γⱼ·x̂[i][j] + βⱼ
//
// gamma (γ) and beta (β) have length d; eps (ε > 0) keeps the division
// safe for a constant row. These are the conventions of PyTorch's
// LayerNorm. Do not change the arguments.
func Forward(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
	panic("TODO: implement layernorm.Forward")
}

// Backward returns the gradients of a loss L with respect to x, γ and β,
// given the same x, gamma and eps as Forward and dy = ∂L/∂y (n×d). With
// x̂ and σ²ᵢ as in Forward, gᵢ = dy[i] ⊙ γ (the gradient reaching x̂) and
// the means taken over the d features of row i:
//
//	dx[i] = (gᵢ − mean(gᵢ) − x̂ᵢ·mean(gᵢ ⊙ x̂ᵢ)) / √(σ²ᵢ + ε)    n×d
//	dγⱼ   = Σᵢ dy[i][j]·x̂[i][j]                                d
//	dβⱼ   = Σᵢ dy[i][j]                                        d
//
// The two mean terms of dx are there because μᵢ and σ²ᵢ depend on every
// feature of the row; dγ and dβ are sums over the batch. Return new
// slices; do not change the arguments.
func Backward(x [][]float64, gamma []float64, eps float64, dy [][]float64) (dx [][]float64, dgamma, dbeta []float64) {
	panic("TODO: implement layernorm.Backward")
}
