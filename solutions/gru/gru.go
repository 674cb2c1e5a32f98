// Package gru is the reference solution of the gru exercise: one step of
// a GRU cell in PyTorch's form, gates r, z, n.
package gru

import "math"

func sigmoid(a float64) float64 { return 1 / (1 + math.Exp(-a)) }

// Step returns h' = (1 − z)⊙n + z⊙h with r, z and n from the three
// column blocks of x·Wx + bx and h·Wh + bh.
func Step(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) (hNext []float64) {
	H := len(h)
	gx, gh := make([]float64, 3*H), make([]float64, 3*H) // x·Wx + bx, h·Wh + bh
	for j := range 3 * H {
		gx[j], gh[j] = bx[j], bh[j]
		for k, xk := range x {
			gx[j] += xk * Wx[k][j]
		}
		for k, hk := range h {
			gh[j] += hk * Wh[k][j]
		}
	}
	hNext = make([]float64, H)
	for j := range H {
		r := sigmoid(gx[j] + gh[j])
		z := sigmoid(gx[H+j] + gh[H+j])
		n := math.Tanh(gx[2*H+j] + r*gh[2*H+j])
		hNext[j] = (1-z)*n + z*h[j]
	}
	return hNext
}
