// Package batchnorm is the reference solution of the batchnorm exercise:
// batch normalisation in training and evaluation mode, with PyTorch's
// running statistics, and its training-mode backward pass.
package batchnorm

import "math"

// newMatrix returns a zero rows×cols matrix.
func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// stats returns the batch mean and the biased batch variance of each
// column of x.
func stats(x [][]float64) (mean, variance []float64) {
	n, d := float64(len(x)), len(x[0])
	mean, variance = make([]float64, d), make([]float64, d)
	for _, row := range x {
		for j, v := range row {
			mean[j] += v / n
		}
	}
	for _, row := range x {
		for j, v := range row {
			variance[j] += (v - mean[j]) * (v - mean[j]) / n
		}
	}
	return mean, variance
}

// normalize returns γ·(x − mean)/√(variance + ε) + β, column by column.
func normalize(x [][]float64, gamma, beta, mean, variance []float64, eps float64) [][]float64 {
	y := newMatrix(len(x), len(gamma))
	for i, row := range x {
		for j, v := range row {
			y[i][j] = gamma[j]*(v-mean[j])/math.Sqrt(variance[j]+eps) + beta[j]
		}
	}
	return y
}

// TrainForward normalises each column with the batch statistics and
// returns the running statistics updated as PyTorch does:
//
//	newMean = (1 − m)·runMean + m·μ
//	newVar  = (1 − m)·runVar  + m·σ²·n/(n − 1)
//
// No argument is changed.
func TrainForward(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) (y [][]float64, newMean, newVar []float64) {
	n := float64(len(x))
	mean, variance := stats(x)
	y = normalize(x, gamma, beta, mean, variance, eps)
	newMean, newVar = make([]float64, len(mean)), make([]float64, len(mean))
	for j := range mean {
		newMean[j] = (1-momentum)*runMean[j] + momentum*mean[j]
		newVar[j] = (1-momentum)*runVar[j] + momentum*variance[j]*n/(n-1)
	}
	return y, newMean, newVar
}

// EvalForward normalises with the running statistics. No argument is
// changed.
func EvalForward(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
	return normalize(x, gamma, beta, runMean, runVar, eps)
}

// Backward returns dx, dγ and dβ of the training-mode forward pass, with
// the means over the batch (the rows of each column):
//
//	dx[·][j] = (gⱼ − mean(gⱼ) − x̂ⱼ·mean(gⱼ ⊙ x̂ⱼ))/√(σ²ⱼ + ε),  gⱼ = dy[·][j]·γⱼ
//	dγⱼ = Σᵢ dy[i][j]·x̂[i][j]    dβⱼ = Σᵢ dy[i][j]
//
// No argument is changed.
func Backward(x [][]float64, gamma []float64, eps float64, dy [][]float64) (dx [][]float64, dgamma, dbeta []float64) {
	n, d := len(x), len(gamma)
	mean, variance := stats(x)
	dx, dgamma, dbeta = newMatrix(n, d), make([]float64, d), make([]float64, d)
	for j := range d {
		inv := 1 / math.Sqrt(variance[j]+eps)
		meanG, meanGX := 0.0, 0.0
		xhat := make([]float64, n)
		for i := range n {
			xhat[i] = (x[i][j] - mean[j]) * inv
			g := dy[i][j] * gamma[j]
			meanG += g / float64(n)
			meanGX += g * xhat[i] / float64(n)
			dgamma[j] += dy[i][j] * xhat[i]
			dbeta[j] += dy[i][j]
		}
		for i := range n {
			dx[i][j] = inv * (dy[i][j]*gamma[j] - meanG - xhat[i]*meanGX)
		}
	}
	return dx, dgamma, dbeta
}
