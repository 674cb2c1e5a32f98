// Package attnpool is the reference solution of the attnpool exercise.
package attnpool

import "math"

// Pool returns the attention weights of the rows of H (softmax of
// s_t = h_t·w over the first n rows, 0 on the padding) and the pooled
// vector Σ_t α_t·h_t.
func Pool(H [][]float64, w []float64, n int) (weights, pooled []float64) {
	T, d := len(H), len(w)
	s := make([]float64, n)
	m := math.Inf(-1)
	for t := range n {
		for k := range d {
			s[t] += H[t][k] * w[k]
		}
		m = math.Max(m, s[t])
	}
	weights = make([]float64, T)
	z := 0.0
	for t := range n {
		weights[t] = math.Exp(s[t] - m)
		z += weights[t]
	}
	pooled = make([]float64, d)
	for t := range n {
		weights[t] /= z
		for k := range d {
			pooled[k] += weights[t] * H[t][k]
		}
	}
	return weights, pooled
}

// Backward returns ∂L/∂H and ∂L/∂w given ∂L/∂pooled.
func Backward(H [][]float64, w []float64, n int, dPooled []float64) (dH [][]float64, dw []float64) {
	T, d := len(H), len(w)
	alpha, _ := Pool(H, w, n)
	a := make([]float64, n)
	mean := 0.0
	for t := range n {
		for k := range d {
			a[t] += H[t][k] * dPooled[k]
		}
		mean += alpha[t] * a[t]
	}
	dH = make([][]float64, T)
	for t := range dH {
		dH[t] = make([]float64, d)
	}
	dw = make([]float64, d)
	for t := range n {
		ds := alpha[t] * (a[t] - mean)
		for k := range d {
			dH[t][k] = alpha[t]*dPooled[k] + ds*w[k]
			dw[k] += ds * H[t][k]
		}
	}
	return dH, dw
}
