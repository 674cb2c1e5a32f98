package mha

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement mha."

type backward = func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64)

// fopts are the places where the forward pass commonly goes wrong.
type fopts struct {
	scaleByD    bool
	overQueries bool // softmax down the columns
	interleaved bool // head j on columns j, j+h, …
	flatView    bool // head j = chunk j of Q read row by row
	reversed    bool // heads merged last first
	noWo        bool
	maskAfter   bool
	noMask      bool
}

// cell is where element (t, k) of head j is read from and written to.
func (o fopts) cell(T, d, h, j, t, k int) (int, int) {
	dh := d / h
	switch {
	case o.interleaved:
		return t, k*h + j
	case o.flatView:
		idx := j*T*dh + t*dh + k
		return idx / d, idx % d
	}
	return t, j*dh + k
}

// wrongForward is Forward with the mistakes of o.
func wrongForward(o fopts) func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 {
	return func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 {
		T, d := len(X), len(Wq)
		dh := d / h
		Q, K, V, O := mul(X, Wq), mul(X, Wk), mul(X, Wv), newMatrix(T, d)
		scale := 1 / math.Sqrt(float64(dh))
		if o.scaleByD {
			scale = 1 / math.Sqrt(float64(d))
		}
		split := func(M [][]float64, j int) [][]float64 {
			out := newMatrix(T, dh)
			for t := range T {
				for k := range dh {
					r, c := o.cell(T, d, h, j, t, k)
					out[t][k] = M[r][c]
				}
			}
			return out
		}
		masked := func(i, l int) bool { return causal && !o.noMask && l > i }
		for j := range h {
			Qj, Kj, Vj := split(Q, j), split(K, j), split(V, j)
			S := newMatrix(T, T)
			for i := range T {
				for l := range T {
					S[i][l] = math.Inf(-1)
					if !masked(i, l) || o.maskAfter {
						S[i][l] = 0
						for k := range dh {
							S[i][l] += Qj[i][k] * Kj[l][k] * scale
						}
					}
				}
			}
			if o.overQueries {
				S = transposed(S)
			}
			A := rowSoftmax(S)
			if o.overQueries {
				A = transposed(A)
			}
			if o.maskAfter {
				for i := range T {
					for l := range T {
						if masked(i, l) {
							A[i][l] = 0
						}
					}
				}
			}
			Oj, jj := mul(A, Vj), j
			if o.reversed {
				jj = h - 1 - j
			}
			for t := range T {
				for k := range dh {
					r, c := o.cell(T, d, h, jj, t, k)
					O[r][c] = Oj[t][k]
				}
			}
		}
		if o.noWo {
			return O
		}
		return mul(O, Wo)
	}
}

// rowSoftmax returns the softmax of each row of S, its maximum
// subtracted first.
func rowSoftmax(S [][]float64) [][]float64 {
	A := newMatrix(len(S), len(S[0]))
	for i, r := range S {
		mx, sum := math.Inf(-1), 0.0
		for _, x := range r {
			mx = math.Max(mx, x)
		}
		for l, x := range r {
			A[i][l] = math.Exp(x - mx)
			sum += A[i][l]
		}
		for l := range r {
			A[i][l] /= sum
		}
	}
	return A
}

// bopts are the places where the backward pass commonly goes wrong.
type bopts struct {
	noSoftmaxSub bool
	noScale      bool
	dXOnlyQ      bool
	dKNoT        bool
	dWoT         bool
}

// wrongBackward is Backward with the mistakes of o.
func wrongBackward(o bopts) backward {
	return func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
		p := forward(X, Wq, Wk, Wv, Wo, h, causal)
		T, d := len(X), len(Wq)
		dWo = mul(transposed(p.O), dY)
		if o.dWoT {
			dWo = mul(transposed(dY), p.O)
		}
		dO := mul(dY, transposed(Wo))
		dQ, dK, dV := newMatrix(T, d), newMatrix(T, d), newMatrix(T, d)
		scale := p.scale
		if o.noScale {
			scale = 1
		}
		for j := range h {
			A, dOj := p.A[j], head(dO, j, p.dh)
			dA := mul(dOj, transposed(head(p.V, j, p.dh)))
			var dS [][]float64
			if o.noSoftmaxSub {
				dS = newMatrix(T, T)
				for i := range A {
					for l := range A[i] {
						dS[i][l] = A[i][l] * dA[i][l] * scale
					}
				}
			} else {
				dS = softmaxBackward(A, dA, scale)
			}
			place(dV, mul(transposed(A), dOj), j, p.dh)
			place(dQ, mul(dS, head(p.K, j, p.dh)), j, p.dh)
			if o.dKNoT {
				place(dK, mul(dS, head(p.Q, j, p.dh)), j, p.dh)
			} else {
				place(dK, mul(transposed(dS), head(p.Q, j, p.dh)), j, p.dh)
			}
		}
		Xt := transposed(X)
		dWq, dWk, dWv = mul(Xt, dQ), mul(Xt, dK), mul(Xt, dV)
		dX = mul(dQ, transposed(Wq))
		if !o.dXOnlyQ {
			for _, path := range [][2][][]float64{{dK, Wk}, {dV, Wv}} {
				part := mul(path[0], transposed(path[1]))
				for i := range dX {
					for k := range dX[i] {
						dX[i][k] += part[i][k]
					}
				}
			}
		}
		return dX, dWq, dWk, dWv, dWo
	}
}

func withForward(f func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64) checks.MHAImpl {
	return checks.MHAImpl{Forward: f, Backward: Backward}
}

func withBackward(f backward) checks.MHAImpl { return checks.MHAImpl{Forward: Forward, Backward: f} }

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.MHAImpl
	want string
}{
	{"Forward stub", withForward(func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 { panic(todo + "Forward") }),
		"not implemented yet: mha.Forward"},
	{"Backward stub", withBackward(func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
		panic(todo + "Backward")
	}), "not implemented yet: mha.Backward"},
	{"the right forward reassembled (sanity of the mutant harness)", withForward(wrongForward(fopts{})), ""},
	{"scores divided by √d, not √dh", withForward(wrongForward(fopts{scaleByD: true})), "divide the scores by √dh"},
	{"softmax over the queries", withForward(wrongForward(fopts{overQueries: true})), "the softmax runs over the keys"},
	{"heads interleaved", withForward(wrongForward(fopts{interleaved: true})), "interleave the heads"},
	{"heads cut from Q read row by row", withForward(wrongForward(fopts{flatView: true})), "a view without the transpose"},
	{"heads merged in reverse order", withForward(wrongForward(fopts{reversed: true})), "merge the heads in order"},
	{"no output projection", withForward(wrongForward(fopts{noWo: true})), "apply the output projection"},
	{"mask applied after the softmax", withForward(wrongForward(fopts{maskAfter: true})), "mask before the softmax"},
	{"causal flag ignored", withForward(wrongForward(fopts{noMask: true})), "must not attend to keys l > i"},
	{"softmax backward without the Σ term", withBackward(wrongBackward(bopts{noSoftmaxSub: true})), "the Σ term"},
	{"backward without the 1/√dh", withBackward(wrongBackward(bopts{noScale: true})), "carry the same factor"},
	{"dX from the Q path only", withBackward(wrongBackward(bopts{dXOnlyQ: true})), "add all three paths"},
	{"dK = dS·Q (missing transpose)", withBackward(wrongBackward(bopts{dKNoT: true})), "dKj = dSᵀ·Qj"},
	{"dWo transposed", withBackward(wrongBackward(bopts{dWoT: true})), "dYᵀ·O is its transpose"},
	{"Backward changes Wo", withBackward(func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
		dX, dWq, dWk, dWv, dWo = Backward(X, Wq, Wk, Wv, Wo, dY, h, causal)
		Wo[1][0] -= 0.1 * dWo[1][0]
		return
	}), "changed its argument Wo[1][0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			if m.want == "" {
				if p := checks.CheckMHA(m.impl); len(p) != 0 {
					t.Fatalf("the mutants' own forward, with no mistake, fails:\n%s", checks.Summary(p))
				}
				return
			}
			checks.Catches(t, checks.CheckMHA(m.impl), m.want)
		})
	}
}
