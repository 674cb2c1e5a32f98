// Package intgrad is the reference solution of the intgrad exercise:
// integrated gradients of f(x) = w2·tanh(W1·x + b1) + b2.
package intgrad

import "math"

// hidden returns tanh(W1·x + b1).
func hidden(W1 [][]float64, b1, x []float64) []float64 {
	a := make([]float64, len(W1))
	for h, row := range W1 {
		z := b1[h]
		for i, xi := range x {
			z += row[i] * xi
		}
		a[h] = math.Tanh(z)
	}
	return a
}

// Forward returns f(x) = b2 + Σ_h w2[h]·tanh(z_h), z = W1·x + b1.
func Forward(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64 {
	f := b2
	for h, a := range hidden(W1, b1, x) {
		f += w2[h] * a
	}
	return f
}

// Gradient returns ∂f/∂x[i] = Σ_h w2[h]·(1 − tanh²(z_h))·W1[h][i].
func Gradient(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64 {
	g := make([]float64, len(x))
	for h, a := range hidden(W1, b1, x) {
		dz := w2[h] * (1 - a*a)
		for i := range g {
			g[i] += dz * W1[h][i]
		}
	}
	return g
}

// IntegratedGradients returns attr[i] = (x[i] − x′[i])·(1/m)·Σ_{k=1..m}
// ∂f/∂x[i](x′ + (k/m)(x − x′)) and gap = Σ attr − (f(x) − f(x′)).
func IntegratedGradients(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) (attr []float64, gap float64) {
	D := len(x)
	sum, pt := make([]float64, D), make([]float64, D)
	for k := 1; k <= m; k++ {
		alpha := float64(k) / float64(m)
		for i := range pt {
			pt[i] = baseline[i] + alpha*(x[i]-baseline[i])
		}
		for i, g := range Gradient(W1, b1, w2, b2, pt) {
			sum[i] += g
		}
	}
	attr = make([]float64, D)
	total := 0.0
	for i := range attr {
		attr[i] = (x[i] - baseline[i]) * sum[i] / float64(m)
		total += attr[i]
	}
	return attr, total - (Forward(W1, b1, w2, b2, x) - Forward(W1, b1, w2, b2, baseline))
}
