package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// mlp is one network with one batch: the reference forward and backward
// passes of the backprop exercise, and the known mistakes.
type mlp struct {
	x, W1 [][]float64
	b1    []float64
	W2    [][]float64
	b2    []float64
	y     [][]float64
}

// randomMLP returns a network with n examples, d inputs, h hidden units
// and k outputs, its values uniform in [−1, 1) (biases in [−0.5, 0.5)).
func randomMLP(r *rand.Rand, n, d, h, k int) mlp {
	return mlp{x: randMat(r, n, d, -1, 1), W1: randMat(r, d, h, -1, 1), b1: randVec(r, h, -0.5, 0.5),
		W2: randMat(r, h, k, -1, 1), b2: randVec(r, k, -0.5, 0.5), y: randMat(r, n, k, -1, 1)}
}

// given describes the inputs: their values when the network is tiny, else
// their shapes.
func (m mlp) given() []string {
	if len(m.x) > 1 || len(m.b1) > 2 {
		return []string{fmt.Sprintf("a seeded random batch (the same every run): x %d×%d, W1 %d×%d, b1 %d, W2 %d×%d, b2 %d, y %d×%d",
			len(m.x), len(m.x[0]), len(m.W1), len(m.W1[0]), len(m.b1), len(m.W2), len(m.W2[0]), len(m.b2), len(m.y), len(m.y[0]))}
	}
	return []string{"x  = " + matString(m.x), "W1 = " + matString(m.W1), "b1 = " + vecString(m.b1),
		"W2 = " + matString(m.W2), "b2 = " + vecString(m.b2), "y  = " + matString(m.y)}
}

// freeze snapshots every argument, row by row.
func (m mlp) freeze() frozen {
	var names []string
	var vs [][]float64
	add := func(name string, rows ...[]float64) {
		for i, r := range rows {
			names, vs = append(names, fmt.Sprintf("%s[%d]", name, i)), append(vs, r)
		}
	}
	add("x", m.x...)
	add("W1", m.W1...)
	names, vs = append(names, "b1"), append(vs, m.b1)
	add("W2", m.W2...)
	names, vs = append(names, "b2"), append(vs, m.b2)
	add("y", m.y...)
	return freeze(names, vs...)
}

// forward returns the pre-activations A, the activations H and Ŷ.
func (m mlp) forward() (A, H, Yhat [][]float64) {
	A = addRow(matMul(m.x, m.W1), m.b1)
	H = make([][]float64, len(A))
	for i, row := range A {
		H[i] = make([]float64, len(row))
		for j, a := range row {
			H[i][j] = math.Tanh(a)
		}
	}
	return A, H, addRow(matMul(H, m.W2), m.b2)
}

// loss is the mean squared error over all n·k outputs.
func (m mlp) loss() float64 {
	_, _, Yhat := m.forward()
	s, count := 0.0, 0
	for i := range Yhat {
		for j := range Yhat[i] {
			d := Yhat[i][j] - m.y[i][j]
			s += d * d
			count++
		}
	}
	return s / float64(count)
}

// backward returns the gradients, right for the zero variant and wrong in
// the way the variant says otherwise.
func (m mlp) backward(v variant) grads {
	A, H, Yhat := m.forward()
	n, k := len(Yhat), len(Yhat[0])
	scale := 2 / float64(n*k)
	switch {
	case v.meanOverN:
		scale = 2 / float64(n)
	case v.noMean:
		scale = 2
	case v.noTwo:
		scale = 1 / float64(n*k)
	case v.flipSign:
		scale = -scale
	}
	dY := make([][]float64, n)
	for i := range dY {
		dY[i] = make([]float64, k)
		for j := range dY[i] {
			dY[i][j] = scale * (Yhat[i][j] - m.y[i][j])
		}
	}
	act := H
	if v.dW2OfA {
		act = A
	}
	dH := matMul(dY, transpose(m.W2))
	dA := make([][]float64, n)
	for i := range dA {
		dA[i] = make([]float64, len(dH[i]))
		for j := range dA[i] {
			switch {
			case v.noTanhGrad:
				dA[i][j] = dH[i][j]
			case v.tanhGradOfA:
				dA[i][j] = dH[i][j] * (1 - A[i][j]*A[i][j])
			default:
				dA[i][j] = dH[i][j] * (1 - H[i][j]*H[i][j])
			}
		}
	}
	return grads{dW1: matMul(transpose(m.x), dA), db1: sumRows(dA, v),
		dW2: matMul(transpose(act), dY), db2: sumRows(dY, v)}
}

// finiteDifferences returns the gradients by central differences of loss.
func (m mlp) finiteDifferences() grads {
	fdMat := func(p [][]float64) [][]float64 {
		g := make([][]float64, len(p))
		for i := range p {
			g[i] = centralDiff(m.loss, p[i])
		}
		return g
	}
	return grads{dW1: fdMat(m.W1), db1: centralDiff(m.loss, m.b1), dW2: fdMat(m.W2), db2: centralDiff(m.loss, m.b2)}
}

// wrongGrads are the gradients a known mistake gives, with its hint.
type wrongGrads struct {
	hint string
	g    grads
}

func (m mlp) mistakes() []wrongGrads {
	out := make([]wrongGrads, len(backpropMistakes))
	for i, bm := range backpropMistakes {
		out[i] = wrongGrads{bm.hint, m.backward(bm.v)}
	}
	return out
}

// pick returns each mistake's gradient called part, flattened.
func pick(ws []wrongGrads, part string) []mistake {
	out := make([]mistake, len(ws))
	for i, w := range ws {
		out[i] = mistake{w.hint, w.g.flat(part)}
	}
	return out
}

// flat returns the gradient called part ("dW1", "db1", "dW2", "db2") as
// one slice, rows one after another.
func (g grads) flat(part string) []float64 {
	switch part {
	case "dW1":
		return slices.Concat(g.dW1...)
	case "db1":
		return g.db1
	case "dW2":
		return slices.Concat(g.dW2...)
	}
	return g.db2
}

func sumRows(m [][]float64, v variant) []float64 {
	s := make([]float64, len(m[0]))
	for i, row := range m {
		if v.firstRow && i > 0 {
			break
		}
		for j, x := range row {
			s[j] += x
		}
	}
	if v.meanRows {
		for j := range s {
			s[j] /= float64(len(m))
		}
	}
	return s
}

func matMul(a, b [][]float64) [][]float64 {
	c := make([][]float64, len(a))
	for i := range a {
		c[i] = make([]float64, len(b[0]))
		for p, aip := range a[i] {
			for j, bpj := range b[p] {
				c[i][j] += aip * bpj
			}
		}
	}
	return c
}

func transpose(a [][]float64) [][]float64 {
	t := make([][]float64, len(a[0]))
	for j := range t {
		t[j] = make([]float64, len(a))
		for i := range a {
			t[j][i] = a[i][j]
		}
	}
	return t
}

func addRow(m [][]float64, b []float64) [][]float64 {
	for i := range m {
		for j := range m[i] {
			m[i][j] += b[j]
		}
	}
	return m
}
