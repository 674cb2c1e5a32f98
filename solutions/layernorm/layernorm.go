// Package layernorm is the reference solution of the layernorm exercise:
// layer normalisation of a batch, forward and backward.
package layernorm

import "math"

// newMatrix returns a zero rows×cols matrix.
func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// normalize returns x̂ of the row and 1/√(σ² + ε).
func normalize(row []float64, eps float64) (xhat []float64, inv float64) {
	d := float64(len(row))
	mu := 0.0
	for _, v := range row {
		mu += v
	}
	mu /= d
	variance := 0.0
	for _, v := range row {
		variance += (v - mu) * (v - mu)
	}
	variance /= d
	inv = 1 / math.Sqrt(variance+eps)
	xhat = make([]float64, len(row))
	for j, v := range row {
		xhat[j] = (v - mu) * inv
	}
	return xhat, inv
}

// Forward returns y[i][j] = γⱼ·x̂[i][j] + βⱼ, each row of x normalised over
// its features with the biased variance and ε inside the square root. No
// argument is changed.
func Forward(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
	y := newMatrix(len(x), len(gamma))
	for i, row := range x {
		xhat, _ := normalize(row, eps)
		for j := range row {
			y[i][j] = gamma[j]*xhat[j] + beta[j]
		}
	}
	return y
}

// Backward returns dx, dγ and dβ given dy = ∂L/∂y:
//
//	dx[i] = (gᵢ − mean(gᵢ) − x̂ᵢ·mean(gᵢ ⊙ x̂ᵢ))/√(σ²ᵢ+ε),  gᵢ = dy[i] ⊙ γ
//	dγⱼ = Σᵢ dy[i][j]·x̂[i][j]    dβⱼ = Σᵢ dy[i][j]
//
// No argument is changed.
func Backward(x [][]float64, gamma []float64, eps float64, dy [][]float64) (dx [][]float64, dgamma, dbeta []float64) {
	d := len(gamma)
	dx, dgamma, dbeta = newMatrix(len(x), d), make([]float64, d), make([]float64, d)
	for i, row := range x {
		xhat, inv := normalize(row, eps)
		g := make([]float64, d)
		meanG, meanGX := 0.0, 0.0
		for j := range d {
			g[j] = dy[i][j] * gamma[j]
			meanG += g[j]
			meanGX += g[j] * xhat[j]
			dgamma[j] += dy[i][j] * xhat[j]
			dbeta[j] += dy[i][j]
		}
		meanG /= float64(d)
		meanGX /= float64(d)
		for j := range d {
			dx[i][j] = inv * (g[j] - meanG - xhat[j]*meanGX)
		}
	}
	return dx, dgamma, dbeta
}
