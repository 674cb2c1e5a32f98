// Package train is the reference solution of the train exercise.
package train

import (
	"math"
	"math/rand/v2"
)

// hidden is the number of hidden units.
const hidden = 64

// Train trains a 2-layer MLP (2 → hidden ReLU → 3, softmax cross-entropy)
// on X, y with Adam, full batch, for steps steps.
func Train(X [][]float64, y []int, seed uint64, steps int) (losses []float64, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	in, classes := len(X[0]), 3
	l1 := newDense(r, in, hidden)
	l2 := newDense(r, hidden, classes)
	opt := newAdam(0.02)
	for range steps {
		h := l1.forward(X)
		a := relu(h)
		z := l2.forward(a)
		loss, dz := softmaxCE(z, y)
		losses = append(losses, loss)
		da := l2.backward(dz)
		dh := reluBackward(h, da)
		l1.backward(dh)
		opt.step([][][]float64{l1.W, l2.W}, [][][]float64{l1.dW, l2.dW}, [][]float64{l1.b, l2.b}, [][]float64{l1.db, l2.db})
	}
	return losses, l1.W, l1.b, l2.W, l2.b
}

// dense is a layer Y = X·W + b that keeps its input for the backward pass.
type dense struct {
	W, dW [][]float64
	b, db []float64
	x     [][]float64
}

// newDense initialises W with He's N(0, 2/in) and b with zeros.
func newDense(r *rand.Rand, in, out int) *dense {
	d := &dense{W: mat(in, out), dW: mat(in, out), b: make([]float64, out), db: make([]float64, out)}
	std := math.Sqrt(2 / float64(in))
	for i := range d.W {
		for j := range d.W[i] {
			d.W[i][j] = r.NormFloat64() * std
		}
	}
	return d
}

func mat(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

func (d *dense) forward(x [][]float64) [][]float64 {
	d.x = x
	y := mat(len(x), len(d.b))
	for n, row := range x {
		out := y[n]
		copy(out, d.b)
		for i, xi := range row {
			for j, w := range d.W[i] {
				out[j] += xi * w
			}
		}
	}
	return y
}

// backward sets dW and db from dY and returns dX.
func (d *dense) backward(dy [][]float64) [][]float64 {
	for i := range d.dW {
		clear(d.dW[i])
	}
	clear(d.db)
	dx := mat(len(dy), len(d.W))
	for n, g := range dy {
		for j, gj := range g {
			d.db[j] += gj
		}
		for i, xi := range d.x[n] {
			s := 0.0
			for j, gj := range g {
				d.dW[i][j] += xi * gj
				s += d.W[i][j] * gj
			}
			dx[n][i] = s
		}
	}
	return dx
}

func relu(h [][]float64) [][]float64 {
	a := mat(len(h), len(h[0]))
	for n := range h {
		for j, v := range h[n] {
			a[n][j] = math.Max(v, 0)
		}
	}
	return a
}

func reluBackward(h, da [][]float64) [][]float64 {
	dh := mat(len(h), len(h[0]))
	for n := range h {
		for j, v := range h[n] {
			if v > 0 {
				dh[n][j] = da[n][j]
			}
		}
	}
	return dh
}

// softmaxCE returns the mean cross-entropy of the logits z for labels y
// and its gradient (p − onehot(y))/N, with the max subtracted for
// stability.
func softmaxCE(z [][]float64, y []int) (float64, [][]float64) {
	n := float64(len(z))
	loss := 0.0
	dz := mat(len(z), len(z[0]))
	for k, row := range z {
		m := row[0]
		for _, v := range row {
			m = math.Max(m, v)
		}
		s := 0.0
		for _, v := range row {
			s += math.Exp(v - m)
		}
		loss += -(row[y[k]] - m - math.Log(s))
		for j, v := range row {
			dz[k][j] = math.Exp(v-m) / s / n
		}
		dz[k][y[k]] -= 1 / n
	}
	return loss / n, dz
}

// adam is Adam with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8 over every
// parameter it is given, in the same order at every step.
type adam struct {
	lr   float64
	t    int
	m, v [][]float64
}

func newAdam(lr float64) *adam { return &adam{lr: lr} }

func (a *adam) step(ws, dws [][][]float64, bs, dbs [][]float64) {
	var params, grads [][]float64
	for k := range ws {
		params = append(params, ws[k]...)
		grads = append(grads, dws[k]...)
	}
	params = append(params, bs...)
	grads = append(grads, dbs...)
	if a.m == nil {
		for _, p := range params {
			a.m = append(a.m, make([]float64, len(p)))
			a.v = append(a.v, make([]float64, len(p)))
		}
	}
	a.t++
	c1, c2 := 1-math.Pow(0.9, float64(a.t)), 1-math.Pow(0.999, float64(a.t))
	for k, p := range params {
		for i, g := range grads[k] {
			a.m[k][i] = 0.9*a.m[k][i] + 0.1*g
			a.v[k][i] = 0.999*a.v[k][i] + 0.001*g*g
			p[i] -= a.lr * (a.m[k][i] / c1) / (math.Sqrt(a.v[k][i]/c2) + 1e-8)
		}
	}
}
