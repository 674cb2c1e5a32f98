// Package causalmask is the reference solution of the causalmask exercise.
package causalmask

import "math"

// CausalMask returns 0 where j ≤ i and −∞ where j > i.
func CausalMask(T int) [][]float64 {
	m := make([][]float64, T)
	for i := range m {
		m[i] = make([]float64, T)
		for j := i + 1; j < T; j++ {
			m[i][j] = math.Inf(-1)
		}
	}
	return m
}

// MaskedSoftmax adds the causal mask and takes the softmax of each row,
// the largest allowed score subtracted first.
func MaskedSoftmax(scores [][]float64) [][]float64 {
	mask := CausalMask(len(scores))
	w := make([][]float64, len(scores))
	for i, row := range scores {
		w[i] = make([]float64, len(row))
		m := math.Inf(-1)
		for j, s := range row {
			if mask[i][j] == 0 {
				m = math.Max(m, s)
			}
		}
		sum := 0.0
		for j, s := range row {
			if mask[i][j] == 0 {
				w[i][j] = math.Exp(s - m)
				sum += w[i][j]
			}
		}
		for j := range w[i] {
			w[i][j] /= sum
		}
	}
	return w
}

// MaskedSoftmaxBackward applies the softmax's Jacobian row by row.
func MaskedSoftmaxBackward(weights, grad [][]float64) [][]float64 {
	d := make([][]float64, len(weights))
	for i, w := range weights {
		dot := 0.0
		for k, x := range w {
			dot += x * grad[i][k]
		}
		d[i] = make([]float64, len(w))
		for j, x := range w {
			d[i][j] = x * (grad[i][j] - dot)
		}
	}
	return d
}
