// Package mha is the reference solution of the mha exercise: multi-head
// self-attention without biases, forward and backward.
package mha

import "math"

// newMatrix returns a zero rows×cols matrix.
func newMatrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// mul returns a·b.
func mul(a, b [][]float64) [][]float64 {
	c := newMatrix(len(a), len(b[0]))
	for i := range a {
		for k, aik := range a[i] {
			for j, bkj := range b[k] {
				c[i][j] += aik * bkj
			}
		}
	}
	return c
}

// transposed returns aᵀ.
func transposed(a [][]float64) [][]float64 {
	t := newMatrix(len(a[0]), len(a))
	for i := range a {
		for j, v := range a[i] {
			t[j][i] = v
		}
	}
	return t
}

// head returns columns j·dh … (j+1)·dh−1 of m.
func head(m [][]float64, j, dh int) [][]float64 {
	out := newMatrix(len(m), dh)
	for t := range m {
		copy(out[t], m[t][j*dh:(j+1)*dh])
	}
	return out
}

// place writes the T×dh matrix part into columns j·dh … (j+1)·dh−1 of m.
func place(m, part [][]float64, j, dh int) {
	for t := range part {
		copy(m[t][j*dh:(j+1)*dh], part[t])
	}
}

// weights returns softmax of each row of Qj·Kjᵀ·scale, with the keys after
// each query masked (−∞ before the softmax) when causal is set.
func weights(Qj, Kj [][]float64, scale float64, causal bool) [][]float64 {
	T := len(Qj)
	A := newMatrix(T, len(Kj))
	for i := range T {
		mx := math.Inf(-1)
		for l := range Kj {
			A[i][l] = math.Inf(-1)
			if causal && l > i {
				continue
			}
			s := 0.0
			for k := range Qj[i] {
				s += Qj[i][k] * Kj[l][k]
			}
			A[i][l] = s * scale
			mx = math.Max(mx, A[i][l])
		}
		sum := 0.0
		for l := range A[i] {
			A[i][l] = math.Exp(A[i][l] - mx)
			sum += A[i][l]
		}
		for l := range A[i] {
			A[i][l] /= sum
		}
	}
	return A
}

// pass is what the forward pass keeps for the backward pass.
type pass struct {
	Q, K, V, O, Y [][]float64
	A             [][][]float64 // per head
	dh            int
	scale         float64
}

func forward(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) pass {
	d := len(Wq)
	p := pass{Q: mul(X, Wq), K: mul(X, Wk), V: mul(X, Wv), O: newMatrix(len(X), d), dh: d / h}
	p.scale = 1 / math.Sqrt(float64(p.dh))
	for j := range h {
		A := weights(head(p.Q, j, p.dh), head(p.K, j, p.dh), p.scale, causal)
		p.A = append(p.A, A)
		place(p.O, mul(A, head(p.V, j, p.dh)), j, p.dh)
	}
	p.Y = mul(p.O, Wo)
	return p
}

// Forward returns Y = [O0 … O(h−1)]·Wo with Oj = softmax(Qj·Kjᵀ/√dh)·Vj
// (softmax over each row), Q = X·Wq, K = X·Wk, V = X·Wv, head j on columns
// j·dh … (j+1)·dh−1, dh = d/h; keys after the query masked when causal.
// No argument is changed.
func Forward(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 {
	return forward(X, Wq, Wk, Wv, Wo, h, causal).Y
}

// Backward returns the gradients of L with respect to X, Wq, Wk, Wv and
// Wo given dY = ∂L/∂Y. No argument is changed.
func Backward(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
	p := forward(X, Wq, Wk, Wv, Wo, h, causal)
	T, d := len(X), len(Wq)
	dWo = mul(transposed(p.O), dY)
	dO := mul(dY, transposed(Wo))
	dQ, dK, dV := newMatrix(T, d), newMatrix(T, d), newMatrix(T, d)
	for j := range h {
		A, dOj := p.A[j], head(dO, j, p.dh)
		dA := mul(dOj, transposed(head(p.V, j, p.dh)))
		dS := softmaxBackward(A, dA, p.scale)
		place(dV, mul(transposed(A), dOj), j, p.dh)
		place(dQ, mul(dS, head(p.K, j, p.dh)), j, p.dh)
		place(dK, mul(transposed(dS), head(p.Q, j, p.dh)), j, p.dh)
	}
	Xt := transposed(X)
	dWq, dWk, dWv = mul(Xt, dQ), mul(Xt, dK), mul(Xt, dV)
	dX = newMatrix(T, d)
	for _, path := range [][2][][]float64{{dQ, Wq}, {dK, Wk}, {dV, Wv}} {
		part := mul(path[0], transposed(path[1]))
		for i := range dX {
			for k := range dX[i] {
				dX[i][k] += part[i][k]
			}
		}
	}
	return dX, dWq, dWk, dWv, dWo
}

// softmaxBackward returns dS = A ⊙ (dA − rowsum(A ⊙ dA))·scale: the
// gradient of the scaled scores from that of the weights.
func softmaxBackward(A, dA [][]float64, scale float64) [][]float64 {
	dS := newMatrix(len(A), len(A[0]))
	for i := range A {
		dot := 0.0
		for l := range A[i] {
			dot += A[i][l] * dA[i][l]
		}
		for l := range A[i] {
			dS[i][l] = A[i][l] * (dA[i][l] - dot) * scale
		}
	}
	return dS
}
