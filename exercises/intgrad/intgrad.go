// Package intgrad is an exercise of the explain lesson: integrated
// gradients (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep
// Networks", 2017) for a tiny network given by its weights,
//
//	f(x) = w2·tanh(W1·x + b1) + b2
//
// x has length D; W1 is H×D (row h holds the weights of hidden unit h, so
// z_h = b1[h] + Σ_i W1[h][i]·x[i]); b1 and w2 have length H; b2 is a
// number. No function changes its arguments.
//
// Run `dlearn grade intgrad` (or `go test ./intgrad` in this folder) to check it.
package intgrad

// Forward returns f(x) = b2 + Σ_h w2[h]·tanh(z_h), z = W1·x + b1.
func Forward(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64 {
	panic("TODO: implement intgrad.Forward")
}

// Gradient returns ∂f/∂x at x, a new slice of length D:
//
//	∂f/∂x[i] = Σ_h w2[h]·(1 − tanh²(z_h))·W1[h][i],   z = W1·x + b1
func Gradient(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64 {
	panic("TODO: implement intgrad.Gradient")
}

// IntegratedGradients returns the attributions of f(x) − f(x′) to the
// inputs, x′ = baseline, by the right Riemann sum with m steps:
//
//	α_k = k/m for k = 1 … m                      (not k = 0, and m points, not m+1)
//	attr[i] = (x[i] − x′[i]) · (1/m)·Σ_{k=1..m} ∂f/∂x[i](x′ + α_k·(x − x′))
//
// and the completeness gap
//
//	gap = Σ_i attr[i] − (f(x) − f(x′))
//
// which tends to 0 as m grows: the attributions add up to the change of
// the output from the baseline to x. attr is a new slice of length D.
func IntegratedGradients(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) (attr []float64, gap float64) {
	panic("TODO: implement intgrad.IntegratedGradients")
}
