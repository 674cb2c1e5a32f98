// Package lstm is the reference solution of the lstm exercise: one step
// of an LSTM cell, gates in PyTorch's order i, f, g, o, and its backward
// pass.
package lstm

import "math"

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// cell holds the values of one forward step that the backward pass needs.
type cell struct {
	i, f, g, o, cNext, hNext []float64
}

func forward(x, h, c []float64, Wx, Wh [][]float64, b []float64) cell {
	H := len(h)
	z := make([]float64, 4*H)
	for j := range z {
		z[j] = b[j]
		for k, xk := range x {
			z[j] += xk * Wx[k][j]
		}
		for k, hk := range h {
			z[j] += hk * Wh[k][j]
		}
	}
	s := cell{make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H)}
	for j := range H {
		s.i[j] = sigmoid(z[j])
		s.f[j] = sigmoid(z[H+j])
		s.g[j] = math.Tanh(z[2*H+j])
		s.o[j] = sigmoid(z[3*H+j])
		s.cNext[j] = s.f[j]*c[j] + s.i[j]*s.g[j]
		s.hNext[j] = s.o[j] * math.Tanh(s.cNext[j])
	}
	return s
}

// Step returns h' = o⊙tanh(c') and c' = f⊙c + i⊙g, with the gates i, f,
// g, o from the four blocks of z = x·Wx + h·Wh + b.
func Step(x, h, c []float64, Wx, Wh [][]float64, b []float64) (hNext, cNext []float64) {
	s := forward(x, h, c, Wx, Wh, b)
	return s.hNext, s.cNext
}

// StepBackward returns the gradients of one Step given dhNext = ∂L/∂h'
// and dcNext = ∂L/∂c'.
func StepBackward(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) (dx, dh, dc []float64, dWx, dWh [][]float64, db []float64) {
	s := forward(x, h, c, Wx, Wh, b)
	H := len(h)
	dz := make([]float64, 4*H)
	dc = make([]float64, H)
	for j := range H {
		tc := math.Tanh(s.cNext[j])
		dct := dcNext[j] + dhNext[j]*s.o[j]*(1-tc*tc)
		dz[j] = dct * s.g[j] * s.i[j] * (1 - s.i[j])
		dz[H+j] = dct * c[j] * s.f[j] * (1 - s.f[j])
		dz[2*H+j] = dct * s.i[j] * (1 - s.g[j]*s.g[j])
		dz[3*H+j] = dhNext[j] * tc * s.o[j] * (1 - s.o[j])
		dc[j] = dct * s.f[j]
	}
	dx, dWx = backThrough(x, Wx, dz)
	dh, dWh = backThrough(h, Wh, dz)
	return dx, dh, dc, dWx, dWh, dz
}

// backThrough returns, for the product v·W that fed z with gradient dz,
// the gradients dz·Wᵀ of v and vᵀ·dz of W.
func backThrough(v []float64, W [][]float64, dz []float64) (dv []float64, dW [][]float64) {
	dv = make([]float64, len(v))
	dW = make([][]float64, len(v))
	for k, vk := range v {
		dW[k] = make([]float64, len(dz))
		for j, g := range dz {
			dv[k] += W[k][j] * g
			dW[k][j] = vk * g
		}
	}
	return dv, dW
}
