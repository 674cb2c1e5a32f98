package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// MHAImpl holds the learner's functions of the mha exercise: multi-head
// self-attention without biases, forward and backward.
//
// Forward(X, Wq, Wk, Wv, Wo, h, causal) is, for X of T×d (one token per
// row) and the four weights of d×d, with h heads of width dh = d/h:
//
//	Q = X·Wq, K = X·Wk, V = X·Wv                 T×d each
//	head j uses the columns j·dh … (j+1)·dh−1:   Qj, Kj, Vj of T×dh
//	Aj = softmax of each row of Qj·Kjᵀ/√dh       T×T, over the keys
//	Oj = Aj·Vj                                   T×dh
//	O  = [O0 O1 … O(h−1)]                        T×d, heads in order
//	Y  = O·Wo                                    T×d
//
// With causal set, token i attends only to keys l ≤ i (masked scores are
// −∞ before the softmax).
//
// Backward(X, Wq, Wk, Wv, Wo, dY, h, causal) returns the gradients of a
// loss L with respect to X and the four weights given dY = ∂L/∂Y (T×d).
// No function changes its arguments.
type MHAImpl struct {
	Forward  func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64
	Backward func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64)
}

// MHA runs the checks of the mha exercise as sub-tests of t.
func MHA(t *testing.T, impl MHAImpl) {
	t.Helper()
	report(t, mhaCases(impl))
}

// CheckMHA runs the same checks as MHA and returns the problems found;
// none means impl passes.
func CheckMHA(impl MHAImpl) []Problem { return collect(mhaCases(impl)) }

// The ways of splitting Q (T×d) into heads of T×dh.
const (
	mhaBlocks      = iota // head j: columns j·dh … (j+1)·dh−1 (right)
	mhaInterleaved        // head j: columns j, j+h, j+2h, … (reshape to T×dh×h)
	mhaFlatView           // head j: the j-th chunk of T·dh numbers of Q read row by row (a view without the transpose)
)

// mhaVariant is a known mistake of the forward pass; the zero value is
// right.
type mhaVariant struct {
	split      int
	scaleByD   bool // scores divided by √d, not √dh
	colSoftmax bool // softmax over the queries (columns)
	maskAfter  bool // softmax first, then the masked weights zeroed
	noMask     bool // causal ignored
	reversed   bool // heads concatenated in reverse order
	noWo       bool // Y = O
}

// mhaBackVariant is a known mistake of the backward pass; the zero value
// is right.
type mhaBackVariant struct {
	noSoftmaxSub bool // dS = A ⊙ dA, without − Σ A·dA
	noScale      bool // dQ, dK without the 1/√dh
	dXOnlyQ      bool // dX = dQ·Wqᵀ, the K and V paths forgotten
	dKNoT        bool // dKj = dS·Qj instead of dSᵀ·Qj
	dWoT         bool // dWo = (Oᵀ·dY)ᵀ
}

// mhaCell is where element (t, k) of head j lives in a T×d matrix.
func mhaCell(split, T, d, h, j, t, k int) (row, col int) {
	dh := d / h
	switch split {
	case mhaInterleaved:
		return t, k*h + j
	case mhaFlatView:
		idx := j*T*dh + t*dh + k
		return idx / d, idx % d
	}
	return t, j*dh + k
}

// mhaState is what the forward pass keeps for the backward pass.
type mhaState struct {
	Q, K, V, O [][]float64
	A          [][][]float64 // per head, T×T
	Y          [][]float64
}

func mhaHead(M [][]float64, split, h, j int) [][]float64 {
	T, d := len(M), len(M[0])
	out := convZeros(T, d/h)
	for t := range T {
		for k := range d / h {
			r, c := mhaCell(split, T, d, h, j, t, k)
			out[t][k] = M[r][c]
		}
	}
	return out
}

// mhaForwardRef is the reference (or a mistaken variant) of the forward
// pass.
func mhaForwardRef(v mhaVariant, X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) mhaState {
	T, d := len(X), len(Wq)
	dh := d / h
	st := mhaState{Q: matMul(X, Wq), K: matMul(X, Wk), V: matMul(X, Wv), O: convZeros(T, d)}
	scale := 1 / math.Sqrt(float64(dh))
	if v.scaleByD {
		scale = 1 / math.Sqrt(float64(d))
	}
	for j := range h {
		Qj, Kj, Vj := mhaHead(st.Q, v.split, h, j), mhaHead(st.K, v.split, h, j), mhaHead(st.V, v.split, h, j)
		hidden := func(i, l int) bool { return causal && !v.noMask && l > i }
		A := convZeros(T, T)
		for i := range T {
			for l := range T {
				A[i][l] = math.Inf(-1)
				if !hidden(i, l) || v.maskAfter {
					s := 0.0
					for k := range dh {
						s += Qj[i][k] * Kj[l][k]
					}
					A[i][l] = s * scale
				}
			}
		}
		if v.colSoftmax {
			A = transpose(A)
		}
		for _, r := range A {
			softmaxInPlace(r)
		}
		if v.colSoftmax {
			A = transpose(A)
		}
		if v.maskAfter {
			for i := range T {
				for l := range T {
					if hidden(i, l) {
						A[i][l] = 0
					}
				}
			}
		}
		st.A = append(st.A, A)
		Oj := matMul(A, Vj)
		jj := j
		if v.reversed {
			jj = h - 1 - j
		}
		for t := range T {
			for k := range dh {
				r, c := mhaCell(v.split, T, d, h, jj, t, k)
				st.O[r][c] = Oj[t][k]
			}
		}
	}
	st.Y = st.O
	if !v.noWo {
		st.Y = matMul(st.O, Wo)
	}
	return st
}

// mhaGrads are the five results of Backward, in the order they are
// checked: the output projection first, X last.
type mhaGrads struct{ dWo, dWv, dWq, dWk, dX [][]float64 }

var mhaParts = []string{"dWo", "dWv", "dWq", "dWk", "dX"}

func (g mhaGrads) part(p string) [][]float64 {
	switch p {
	case "dWo":
		return g.dWo
	case "dWv":
		return g.dWv
	case "dWq":
		return g.dWq
	case "dWk":
		return g.dWk
	}
	return g.dX
}

// mhaBackwardRef is the reference (or a mistaken variant) of the backward
// pass.
func mhaBackwardRef(b mhaBackVariant, X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) mhaGrads {
	T, d := len(X), len(Wq)
	dh := d / h
	st := mhaForwardRef(mhaVariant{}, X, Wq, Wk, Wv, Wo, h, causal)
	var g mhaGrads
	g.dWo = matMul(transpose(st.O), dY)
	if b.dWoT {
		g.dWo = transpose(g.dWo)
	}
	dO := matMul(dY, transpose(Wo))
	dQ, dK, dV := convZeros(T, d), convZeros(T, d), convZeros(T, d)
	scale := 1 / math.Sqrt(float64(dh))
	if b.noScale {
		scale = 1
	}
	for j := range h {
		Qj, Kj, Vj, dOj := mhaHead(st.Q, 0, h, j), mhaHead(st.K, 0, h, j), mhaHead(st.V, 0, h, j), mhaHead(dO, 0, h, j)
		A := st.A[j]
		dA := matMul(dOj, transpose(Vj))
		dVj := matMul(transpose(A), dOj)
		dS := convZeros(T, T)
		for i := range T {
			dot := 0.0
			for l := range T {
				dot += A[i][l] * dA[i][l]
			}
			if b.noSoftmaxSub {
				dot = 0
			}
			for l := range T {
				dS[i][l] = A[i][l] * (dA[i][l] - dot) * scale
			}
		}
		dQj := matMul(dS, Kj)
		dKj := matMul(transpose(dS), Qj)
		if b.dKNoT {
			dKj = matMul(dS, Qj)
		}
		for t := range T {
			for k := range dh {
				dQ[t][j*dh+k], dK[t][j*dh+k], dV[t][j*dh+k] = dQj[t][k], dKj[t][k], dVj[t][k]
			}
		}
	}
	Xt := transpose(X)
	g.dWq, g.dWk, g.dWv = matMul(Xt, dQ), matMul(Xt, dK), matMul(Xt, dV)
	g.dX = matMul(dQ, transpose(Wq))
	if !b.dXOnlyQ {
		for _, p := range [][2][][]float64{{dK, Wk}, {dV, Wv}} {
			add := matMul(p[0], transpose(p[1]))
			for i := range g.dX {
				for k := range g.dX[i] {
					g.dX[i][k] += add[i][k]
				}
			}
		}
	}
	return g
}

// The forward mistakes and their hints, most telling first.
var mhaForwardMistakes = []struct {
	hint string
	v    mhaVariant
}{
	{"divide the scores by √dh, the width of one head (dh = d/h), not by √d: each head's dot product sums dh terms.", mhaVariant{scaleByD: true}},
	{"the softmax runs over the keys: each row i of Aj sums to 1 (Aj[i][l] = e^(s_il)/Σ_m e^(s_im)), not each column.", mhaVariant{colSoftmax: true}},
	{"head j takes the contiguous columns j·dh … (j+1)·dh−1 of Q, K and V; columns j, j+h, j+2h, … (a reshape to T×dh×h) interleave the heads.", mhaVariant{split: mhaInterleaved}},
	{"head j takes columns j·dh … (j+1)·dh−1 of every row of Q; cutting Q read row by row into h chunks of T·dh numbers (a view without the transpose) mixes tokens between heads.", mhaVariant{split: mhaFlatView}},
	{"merge the heads in order: O = [O0 O1 … O(h−1)], head j's output goes to columns j·dh … (j+1)·dh−1, the same columns it was split from.", mhaVariant{reversed: true}},
	{"apply the output projection: Y = O·Wo, after the heads are concatenated.", mhaVariant{noWo: true}},
	{"mask before the softmax: set the masked scores to −∞ (math.Inf(-1)) so each row's remaining weights still sum to 1; zeroing weights after the softmax does not renormalise them.", mhaVariant{maskAfter: true}},
	{"with causal set, token i must not attend to keys l > i: their scores are −∞, their weights exactly 0.", mhaVariant{noMask: true}},
}

// The backward mistakes and their hints.
var mhaBackMistakes = []struct {
	hint string
	b    mhaBackVariant
}{
	{"the softmax's backward is dS[i][l] = A[i][l]·(dA[i][l] − Σ_m A[i][m]·dA[i][m]): the Σ term (each row's weights sum to 1) is missing.", mhaBackVariant{noSoftmaxSub: true}},
	{"the scores were scaled by 1/√dh, so dQj = dS·Kj/√dh and dKj = dSᵀ·Qj/√dh carry the same factor.", mhaBackVariant{noScale: true}},
	{"X feeds Q, K and V, so dX = dQ·Wqᵀ + dK·Wkᵀ + dV·Wvᵀ: add all three paths.", mhaBackVariant{dXOnlyQ: true}},
	{"dKj = dSᵀ·Qj (S = Qj·Kjᵀ, so key l collects column l of dS), not dS·Qj.", mhaBackVariant{dKNoT: true}},
	{"dWo = Oᵀ·dY has Wo's shape d×d: dWo[k][c] = Σ_t O[t][k]·dY[t][c] (dYᵀ·O is its transpose).", mhaBackVariant{dWoT: true}},
}

var mhaPartHints = map[string]string{
	"dWo": "dWo = Oᵀ·dY, with O = [O0 … O(h−1)] the merged heads before Wo.",
	"dWv": "dO = dY·Woᵀ; per head dVj = Ajᵀ·dOj; dWv = Xᵀ·dV with dV the heads' dVj in their columns.",
	"dWq": "per head dA = dOj·Vjᵀ, dS = A ⊙ (dA − rowsum(A ⊙ dA))/√dh, dQj = dS·Kj; dWq = Xᵀ·dQ.",
	"dWk": "per head dKj = dSᵀ·Qj (with dS already divided by √dh); dWk = Xᵀ·dK.",
	"dX":  "dX = dQ·Wqᵀ + dK·Wkᵀ + dV·Wvᵀ.",
}

const mhaForwardHint = "Q = X·Wq, K = X·Wk, V = X·Wv; head j is columns j·dh … (j+1)·dh−1; Oj = softmax(Qj·Kjᵀ/√dh)·Vj (rows); O = [O0 … O(h−1)]; Y = O·Wo."

// mhaInput is one case of the exercise.
type mhaInput struct {
	X, Wq, Wk, Wv, Wo, dY [][]float64
	h                     int
	causal                bool
	name                  string // "" for a small case whose values the messages show
}

func (in mhaInput) given(withDY bool) []string {
	if in.name != "" {
		return []string{fmt.Sprintf("%s: X %d×%d, weights %d×%d, h = %d, causal = %v", in.name, len(in.X), len(in.Wq), len(in.Wq), len(in.Wq), in.h, in.causal)}
	}
	g := []string{"X = " + matString(in.X), "Wq = " + matString(in.Wq), "Wk = " + matString(in.Wk),
		"Wv = " + matString(in.Wv), "Wo = " + matString(in.Wo)}
	if withDY {
		g = append(g, "dY = "+matString(in.dY))
	}
	return append(g, fmt.Sprintf("h = %d, causal = %v", in.h, in.causal))
}

func randomMHA(r *rand.Rand, T, d, h int, causal bool) mhaInput {
	return mhaInput{X: randMat(r, T, d, -1, 1), Wq: randMat(r, d, d, -1, 1), Wk: randMat(r, d, d, -1, 1),
		Wv: randMat(r, d, d, -1, 1), Wo: randMat(r, d, d, -1, 1), dY: randMat(r, T, d, -1, 1), h: h, causal: causal,
		name: "a seeded random case (the same every run)"}
}

// mhaHand is small enough to follow: T = 3 tokens, d = 4, h = 2 heads of
// width 2.
var mhaHand = mhaInput{
	X:  [][]float64{{1, 0, -1, 2}, {0.5, 1, 0, -1}, {-1, 2, 1, 0}},
	Wq: [][]float64{{1, 0, 0.5, 0}, {0, 1, 0, -0.5}, {0.5, 0, 1, 0}, {0, -0.5, 0, 1}},
	Wk: [][]float64{{0, 1, 0, 0.5}, {1, 0, -0.5, 0}, {0, 0.5, 1, 0}, {0.5, 0, 0, 1}},
	Wv: [][]float64{{1, 2, 0, 0}, {0, 1, 0, 1}, {-1, 0, 1, 0}, {0, 0, 2, 1}},
	Wo: [][]float64{{1, 0, 0, 1}, {0, 2, 0, 0}, {0, 0, 1, -1}, {1, 0, 0, 1}},
	dY: [][]float64{{1, 0, -1, 0.5}, {0, 2, 0, -1}, {0.5, 0, 1, 0}},
	h:  2,
}

func mhaCases(impl MHAImpl) []testCase {
	fwd := funcOf("mha.Forward", impl.Forward)
	back := funcOf("mha.Backward", impl.Backward)
	r := newRand(24)
	random := []mhaInput{randomMHA(r, 5, 6, 3, false), randomMHA(r, 4, 6, 2, false), randomMHA(r, 3, 4, 1, false)}
	causalIn := []mhaInput{randomMHA(r, 5, 6, 3, true), randomMHA(r, 4, 4, 2, true)}
	fdIn := randomMHA(r, 4, 4, 2, true)
	handCausal := mhaHand
	handCausal.causal = true
	big := randomMHA(r, 3, 4, 2, false)
	for i := range big.X {
		for k := range big.X[i] {
			big.X[i][k] *= 60 // scores in the thousands: e^s overflows without the row maximum subtracted
		}
	}

	freezeIn := func(in mhaInput, withDY bool) frozen {
		names, ms := []string{"X", "Wq", "Wk", "Wv", "Wo"}, [][][]float64{in.X, in.Wq, in.Wk, in.Wv, in.Wo}
		if withDY {
			names, ms = append(names, "dY"), append(ms, in.dY)
		}
		return convFreeze(names, ms...)
	}
	forward := func(c *ctx, in mhaInput) bool {
		keep := freezeIn(in, false)
		var got [][]float64
		if !call(c, fwd, func() { got = impl.Forward(in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.h, in.causal) }) || !keep.verify(c, fwd) {
			return false
		}
		var ms []mistake
		for _, m := range mhaForwardMistakes {
			if (m.v.maskAfter || m.v.noMask) && !in.causal {
				continue
			}
			ms = append(ms, mistake{m.hint, convFlat(mhaForwardRef(m.v, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.h, in.causal).Y)})
		}
		want := mhaForwardRef(mhaVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.h, in.causal).Y
		return expect{fn: fwd, what: fmt.Sprintf("Forward(X, Wq, Wk, Wv, Wo, %d, %v)", in.h, in.causal), at: "Y",
			given: in.given(false), tol: exactTol, mistakes: ms, hint: mhaForwardHint,
			nanHint: "subtract each row's largest score before exp (e^(s − max) never overflows); a masked score is −∞ and its e^(−∞) = 0."}.mat(c, got, want)
	}
	backOf := func(c *ctx, in mhaInput) (mhaGrads, bool) {
		keep := freezeIn(in, true)
		var g mhaGrads
		ok := call(c, back, func() {
			g.dX, g.dWq, g.dWk, g.dWv, g.dWo = impl.Backward(in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, in.causal)
		})
		return g, ok && keep.verify(c, back)
	}
	compare := func(c *ctx, in mhaInput, got, want mhaGrads, t tol, only string, extra []mistake) bool {
		for _, p := range mhaParts {
			if only != "" && p != only {
				continue
			}
			ms := append([]mistake(nil), extra...)
			for _, m := range mhaBackMistakes {
				ms = append(ms, mistake{m.hint, convFlat(mhaBackwardRef(m.b, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, in.causal).part(p))})
			}
			if !(expect{fn: back, what: p, at: p, given: in.given(true), tol: t, mistakes: ms, hint: mhaPartHints[p]}).mat(c, got.part(p), want.part(p)) {
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, in mhaInput) bool {
		got, ok := backOf(c, in)
		return ok && compare(c, in, got, mhaBackwardRef(mhaBackVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, in.causal), exactTol, "", nil)
	}
	// vsSlope compares one gradient of Backward with the finite-difference
	// slope of L = Σ dY ⊙ Forward(…), computed with the learner's own
	// Forward.
	vsSlope := func(c *ctx, p string) {
		in := fdIn
		got, ok := backOf(c, in)
		if !ok {
			return
		}
		X, Wq, Wk, Wv, Wo := convClone(in.X), convClone(in.Wq), convClone(in.Wk), convClone(in.Wv), convClone(in.Wo)
		var Y [][]float64
		if !call(c, fwd, func() { Y = impl.Forward(X, Wq, Wk, Wv, Wo, in.h, in.causal) }) {
			return
		}
		if msg := shapeMismatch(Y, in.dY); msg != "" {
			expect{fn: fwd}.fail(c, "the finite-difference check of Backward needs Forward, and Forward(X, Wq, Wk, Wv, Wo, h, causal) "+msg+".",
				"fix Forward first: "+mhaForwardHint)
			return
		}
		loss := func() float64 {
			Y := impl.Forward(X, Wq, Wk, Wv, Wo, in.h, in.causal)
			s := 0.0
			for i := range in.dY {
				for j := range in.dY[i] {
					s += in.dY[i][j] * Y[i][j]
				}
			}
			return s
		}
		target := map[string][][]float64{"dX": X, "dWq": Wq, "dWk": Wk, "dWv": Wv, "dWo": Wo}[p]
		var fd [][]float64
		if !call(c, fwd, func() {
			for _, row := range target {
				fd = append(fd, centralDiff(loss, row))
			}
		}) {
			return
		}
		var fdG mhaGrads
		switch p {
		case "dWo":
			fdG.dWo = fd
		case "dWv":
			fdG.dWv = fd
		case "dWq":
			fdG.dWq = fd
		case "dWk":
			fdG.dWk = fd
		default:
			fdG.dX = fd
		}
		right := mistake{"your Backward is right; it is the slope of your Forward that is wrong: fix Forward first.",
			convFlat(mhaBackwardRef(mhaBackVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, in.causal).part(p))}
		compare(c, in, got, fdG, fdTol, p, []mistake{right})
	}
	all := func(c *ctx, f func(*ctx, mhaInput) bool, ins ...mhaInput) {
		for _, in := range ins {
			if !f(c, in) {
				return
			}
		}
	}
	cases := []testCase{
		{"Forward_hand_computed", func(c *ctx) { all(c, forward, mhaHand) }},
		{"Forward_random_shapes", func(c *ctx) { all(c, forward, random...) }},
		{"Forward_causal_mask", func(c *ctx) { all(c, forward, handCausal, causalIn[0], causalIn[1]) }},
		{"Forward_large_scores_stay_finite", func(c *ctx) { all(c, forward, big) }},
		{"Backward_hand_computed", func(c *ctx) { all(c, backward, mhaHand) }},
		{"Backward_random_shapes", func(c *ctx) { all(c, backward, random...) }},
		{"Backward_causal_mask", func(c *ctx) { all(c, backward, handCausal, causalIn[0], causalIn[1]) }},
	}
	for _, part := range mhaParts {
		cases = append(cases, testCase{"Backward_" + part + "_vs_finite_differences", func(c *ctx) { vsSlope(c, part) }})
	}
	return cases
}
