// Package bptt is the reference solution of the bptt exercise:
// backpropagation through time over a whole sequence of a vanilla RNN.
package bptt

import "math"

// Forward returns hs (T×hidden): hs[t] = tanh(xs[t]·Wx + h_prev·Wh + b),
// h_prev = hs[t−1], or h0 at t = 0.
func Forward(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) (hs [][]float64) {
	hs = make([][]float64, len(xs))
	h := h0
	for t, x := range xs {
		next := make([]float64, len(b))
		for j := range next {
			a := b[j]
			for i := range x {
				a += x[i] * Wx[i][j]
			}
			for i := range h {
				a += h[i] * Wh[i][j]
			}
			next[j] = math.Tanh(a)
		}
		hs[t], h = next, next
	}
	return hs
}

func zeros(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// Backward returns dWx, dWh, db, dh0 and the norms ‖∂L/∂hs[t]‖ of
// L = Σ_t dhs[t]·hs[t].
func Backward(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) (dWx, dWh [][]float64, db, dh0, norms []float64) {
	hs := Forward(xs, h0, Wx, Wh, b)
	H := len(b)
	dWx, dWh = zeros(len(Wx), H), zeros(H, H)
	db, norms = make([]float64, H), make([]float64, len(xs))
	carry := make([]float64, H)
	for t := len(xs) - 1; t >= 0; t-- {
		da := make([]float64, H)
		sq := 0.0
		for j := range da {
			g := dhs[t][j] + carry[j]
			sq += g * g
			da[j] = g * (1 - hs[t][j]*hs[t][j])
		}
		norms[t] = math.Sqrt(sq)
		prev := h0
		if t > 0 {
			prev = hs[t-1]
		}
		for j := range da {
			db[j] += da[j]
			for i := range xs[t] {
				dWx[i][j] += xs[t][i] * da[j]
			}
			for i := range prev {
				dWh[i][j] += prev[i] * da[j]
			}
		}
		carry = make([]float64, H)
		for i := range carry {
			for j := range da {
				carry[i] += Wh[i][j] * da[j]
			}
		}
	}
	return dWx, dWh, db, carry, norms
}
