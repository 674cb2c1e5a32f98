// Package batchnorm is an exercise of the overfitting lesson (overfit):
// batch normalisation, which behaves differently in training and in
// evaluation, written out by hand with plain slices — its training-mode
// forward pass with the running statistics, its evaluation-mode forward
// pass and its training-mode backward pass. The conventions are PyTorch's
// BatchNorm1d.
//
// Run `dlearn grade batchnorm` (or `go test ./batchnorm` in this folder)
// to check it.
package batchnorm

// TrainForward is batch norm in training mode, for a batch x of n ≥ 2
// examples (rows) of d features (columns). Each column j is normalised
// over the batch — not each row over its features — with the batch's own
// statistics:
//
//	μⱼ  = (1/n)·Σᵢ x[i][j]
//	σ²ⱼ = (1/n)·Σᵢ (x[i][j] − μⱼ)²                 the biased variance
//	y[i][j] = γⱼ·(x[i][j] − μⱼ)/√(σ²ⱼ + ε) + βⱼ     ε inside the square root
//
// It also returns the running statistics, updated with this batch for
// evaluation mode to use later; the momentum m weighs the new batch:
//
//	newMean = (1 − m)·runMean + m·μ
//	newVar  = (1 − m)·runVar  + m·σ²·n/(n − 1)     the unbiased batch variance
//
// gamma, beta, runMean and runVar have length d; y is n×d. (PyTorch starts
// with runMean = 0, runVar = 1 and m = 0.1.) Return new slices; do not
// change the arguments.
func TrainForward(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) (y [][]float64, newMean, newVar []float64) {
	panic("TODO: implement batchnorm.TrainForward")
}

// EvalForward is batch norm in evaluation mode: each column is normalised
// with the running statistics, not with the batch's, so that an example's
// output does not depend on the other examples of its batch:
//
//	y[i][j] = γⱼ·(x[i][j] − runMean[j])/√(runVar[j] + ε) + βⱼ
//
// Return a new n×d matrix; do not change the arguments.
func EvalForward(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
	panic("TODO: implement batchnorm.EvalForward")
}

// Backward returns the gradients of a loss L with respect to x, γ and β
// through TrainForward's y (the running statistics take no part), given
// the same x, gamma and eps and dy = ∂L/∂y (n×d). With x̂[i][j] =
// (x[i][j] − μⱼ)/√(σ²ⱼ + ε) as in TrainForward, gⱼ = dy[·][j]·γⱼ (column j
// of the gradient reaching x̂) and the means taken over the batch, down
// column j:
//
//	dx[·][j] = (gⱼ − mean(gⱼ) − x̂[·][j]·mean(gⱼ ⊙ x̂[·][j])) / √(σ²ⱼ + ε)    n×d
//	dγⱼ      = Σᵢ dy[i][j]·x̂[i][j]                                         d
//	dβⱼ      = Σᵢ dy[i][j]                                                 d
//
// The mean terms are there because μⱼ and σ²ⱼ depend on every example of
// the batch. Return new slices; do not change the arguments.
func Backward(x [][]float64, gamma []float64, eps float64, dy [][]float64) (dx [][]float64, dgamma, dbeta []float64) {
	panic("TODO: implement batchnorm.Backward")
}
