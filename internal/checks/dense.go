package checks

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// DenseImpl holds the learner's functions of the dense exercise: a fully
// connected layer on a batch, forward and backward.
//
// Forward(X, W, b) is Y = X·W + b for X of n×in (one example per row), W
// of in×out and b of length out added to every row:
// Y[i][j] = b[j] + Σ_k X[i][k]·W[k][j], n×out.
//
// Backward(X, W, dY) is given the layer's input X, its weights W and
// dY = ∂L/∂Y (n×out) and returns
//
//	dX = dY·Wᵀ     n×in     dX[i][k] = Σ_j dY[i][j]·W[k][j]
//	dW = Xᵀ·dY     in×out   dW[k][j] = Σ_i X[i][k]·dY[i][j]
//	db = Σ_i dY[i] out      db[j] = Σ_i dY[i][j], summed (not averaged) over the batch
//
// No function changes its arguments.
type DenseImpl struct {
	Forward  func(X, W [][]float64, b []float64) [][]float64
	Backward func(X, W, dY [][]float64) (dX, dW [][]float64, db []float64)
}

// Dense runs the checks of the dense exercise as sub-tests of t.
func Dense(t *testing.T, impl DenseImpl) {
	t.Helper()
	report(t, denseCases(impl))
}

// CheckDense runs the same checks as Dense and returns the problems found;
// none means impl passes.
func CheckDense(impl DenseImpl) []Problem { return collect(denseCases(impl)) }

// denseLayer is one layer with its input and upstream gradient.
type denseLayer struct {
	X, W [][]float64
	b    []float64
	dY   [][]float64
	name string // "" for a small case whose values the messages show
}

// denseGrads are the three results of Backward.
type denseGrads struct {
	dX, dW [][]float64
	db     []float64
}

// denseParts are Backward's results in the order they are checked: the
// simplest first.
var denseParts = []string{"db", "dW", "dX"}

func (g denseGrads) flat(part string) []float64 {
	switch part {
	case "dX":
		return convFlat(g.dX)
	case "dW":
		return convFlat(g.dW)
	}
	return g.db
}

// freezeArgs snapshots matrices row by row and vectors whole, so that a
// changed argument is reported as W[1][2] or b[2].
func freezeArgs(matNames []string, mats [][][]float64, vecNames []string, vecs ...[]float64) frozen {
	f, g := convFreeze(matNames, mats...), freeze(vecNames, vecs...)
	return frozen{names: append(f.names, g.names...), live: append(f.live, g.live...), saved: append(f.saved, g.saved...)}
}

func denseForwardRef(X, W [][]float64, b []float64) [][]float64 {
	Y := matMul(X, W)
	for i := range Y {
		for j := range Y[i] {
			Y[i][j] += b[j]
		}
	}
	return Y
}

func denseBackwardRef(X, W, dY [][]float64) denseGrads {
	return denseGrads{dX: matMul(dY, transpose(W)), dW: matMul(transpose(X), dY), db: denseColSum(dY, 1)}
}

// denseColSum is Σ_i m[i] / div.
func denseColSum(m [][]float64, div float64) []float64 {
	s := make([]float64, len(m[0]))
	for _, r := range m {
		for j, v := range r {
			s[j] += v / div
		}
	}
	return s
}

const (
	denseForwardHint = "Y = X·W + b: Y[i][j] = b[j] + Σ_k X[i][k]·W[k][j], with W of in×out and b added to every row."
	denseDbHint      = "db[j] = Σ_i dY[i][j]: b is added to every row, so its gradient is the column sum of dY over the batch."
	denseDWHint      = "dW = Xᵀ·dY: dW[k][j] = Σ_i X[i][k]·dY[i][j], of W's shape in×out."
	denseDXHint      = "dX = dY·Wᵀ: dX[i][k] = Σ_j dY[i][j]·W[k][j], of X's shape n×in."
)

// denseForwardMistakes are wrong forward passes, for square layers where
// they have the right shape.
func denseForwardMistakes(l denseLayer) []mistake {
	var ms []mistake
	if len(l.W) == len(l.W[0]) {
		ms = append(ms, mistake{"W is in×out and multiplies from the right: Y[i][j] = Σ_k X[i][k]·W[k][j]. " +
			"Σ_k W[j][k]·X[i][k] is the y = W·x convention of a W of out×in.",
			convFlat(denseForwardRef(l.X, transpose(l.W), l.b))})
	}
	ms = append(ms, mistake{"add the bias: Y = X·W + b, with b[j] added to column j of every row.", convFlat(matMul(l.X, l.W))})
	if len(l.X) == len(l.b) {
		wrong := matMul(l.X, l.W)
		for i := range wrong {
			for j := range wrong[i] {
				wrong[i][j] += l.b[i]
			}
		}
		ms = append(ms, mistake{"b[j] belongs to output column j, not to row (example) i: Y[i][j] = … + b[j].", convFlat(wrong)})
	}
	return ms
}

// denseBackMistakes are the usual wrong backward passes, each as a whole
// set of gradients; the wrong shapes among them only matter for square
// layers, where they have the right shape.
func denseBackMistakes(l denseLayer) []struct {
	hint string
	g    denseGrads
} {
	right := denseBackwardRef(l.X, l.W, l.dY)
	n := float64(len(l.dY))
	type m = struct {
		hint string
		g    denseGrads
	}
	with := func(f func(g *denseGrads)) denseGrads {
		g := denseBackwardRef(l.X, l.W, l.dY)
		f(&g)
		return g
	}
	ms := []m{
		{"dX and dW are swapped: dX = dY·Wᵀ has X's shape, dW = Xᵀ·dY has W's shape.",
			with(func(g *denseGrads) { g.dX, g.dW = right.dW, right.dX })},
		{"db is averaged: sum it, db[j] = Σ_i dY[i][j]. Y = X·W + b adds b to every row once, so each row's " +
			"gradient counts in full (any 1/n belongs to the loss, and is already in dY).",
			with(func(g *denseGrads) { g.db = denseColSum(l.dY, n) })},
		{"db is one row of dY: sum over the batch, db[j] = Σ_i dY[i][j] (with +=, not =).",
			with(func(g *denseGrads) { g.db = append([]float64(nil), l.dY[len(l.dY)-1]...) })},
		{"db is one row of dY: sum over the batch, db[j] = Σ_i dY[i][j] (with +=, not =).",
			with(func(g *denseGrads) { g.db = append([]float64(nil), l.dY[0]...) })},
	}
	if len(l.dY) == len(l.dY[0]) {
		rowSums := make([]float64, len(l.dY))
		for i, r := range l.dY {
			for _, v := range r {
				rowSums[i] += v
			}
		}
		ms = append(ms, m{"db is summed over the wrong axis: db[j] = Σ_i dY[i][j] adds up column j (over the batch), " +
			"not row i.", with(func(g *denseGrads) { g.db = rowSums })})
	}
	if len(l.W) == len(l.W[0]) {
		ms = append(ms, m{"dX = dY·Wᵀ, with W transposed: dX[i][k] = Σ_j dY[i][j]·W[k][j], not Σ_j dY[i][j]·W[j][k].",
			with(func(g *denseGrads) { g.dX = matMul(l.dY, l.W) })})
	}
	if len(l.X) == len(l.X[0]) {
		ms = append(ms, m{"dW = Xᵀ·dY, with X transposed: dW[k][j] = Σ_i X[i][k]·dY[i][j], not Σ_i X[k][i]·dY[i][j].",
			with(func(g *denseGrads) { g.dW = matMul(l.X, l.dY) })})
	}
	if len(l.W) == len(l.W[0]) {
		ms = append(ms, m{"dW is transposed: it has W's shape in×out, dW[k][j] = Σ_i X[i][k]·dY[i][j] (dYᵀ·X is its transpose).",
			with(func(g *denseGrads) { g.dW = transpose(right.dW) })})
	}
	return ms
}

func (l denseLayer) given(withB, withDY bool) []string {
	n, in, out := len(l.X), len(l.W), len(l.W[0])
	if l.name != "" {
		return []string{fmt.Sprintf("%s: X %d×%d, W %d×%d, b %d, dY %d×%d", l.name, n, in, in, out, out, n, out)}
	}
	g := []string{"X = " + matString(l.X), "W = " + matString(l.W)}
	if withB {
		g = append(g, "b = "+vecString(l.b))
	}
	if withDY {
		g = append(g, "dY = "+matString(l.dY))
	}
	return g
}

func randomDense(r *rand.Rand, n, in, out int, name string) denseLayer {
	mat := func(rows, cols int) [][]float64 {
		m := convZeros(rows, cols)
		for i := range m {
			for j := range m[i] {
				m[i][j] = -1 + 2*r.Float64()
			}
		}
		return m
	}
	return denseLayer{X: mat(n, in), W: mat(in, out), b: mat(1, out)[0], dY: mat(n, out), name: name}
}

// denseHand is small enough to follow by hand and square everywhere
// (n = in = out = 3), so that every known mistake has the right shape and
// shows as its own wrong values; denseWide has three different sizes.
var (
	denseHand = denseLayer{
		X:  [][]float64{{1, 2, 0}, {0, -1, 3}, {2, 1, 1}},
		W:  [][]float64{{1, 0, 2}, {-1, 1, 0}, {0, 3, 1}},
		b:  []float64{0.5, -1, 2},
		dY: [][]float64{{1, 0, -1}, {2, 1, 0}, {0, -2, 3}},
	}
	denseWide = denseLayer{
		X:  [][]float64{{1, -2, 0.5}, {0, 1, 2}},
		W:  [][]float64{{1, 0, -1, 2}, {0.5, 2, 0, 1}, {-1, 1, 1, 0}},
		b:  []float64{1, 0, -0.5, 2},
		dY: [][]float64{{1, -1, 0, 2}, {0.5, 2, -1, 0}},
	}
)

func denseCases(impl DenseImpl) []testCase {
	fwd := funcOf("dense.Forward", impl.Forward)
	back := funcOf("dense.Backward", impl.Backward)
	r := newRand(11)
	var random []denseLayer
	for _, s := range [][3]int{{1, 3, 2}, {5, 4, 3}, {7, 2, 6}, {4, 4, 4}} {
		random = append(random, randomDense(r, s[0], s[1], s[2], "a seeded random layer (the same every run)"))
	}
	fdLayer := randomDense(r, 4, 3, 5, "a seeded random layer (the same every run)")

	forward := func(c *ctx, l denseLayer) bool {
		keep := freezeArgs([]string{"X", "W"}, [][][]float64{l.X, l.W}, []string{"b"}, l.b)
		var got [][]float64
		if !call(c, fwd, func() { got = impl.Forward(l.X, l.W, l.b) }) || !keep.verify(c, fwd) {
			return false
		}
		return expect{fn: fwd, what: "Forward(X, W, b)", at: "Y", given: l.given(true, false), tol: exactTol,
			mistakes: denseForwardMistakes(l), hint: denseForwardHint}.mat(c, got, denseForwardRef(l.X, l.W, l.b))
	}
	backOf := func(c *ctx, l denseLayer) (denseGrads, bool) {
		keep := convFreeze([]string{"X", "W", "dY"}, l.X, l.W, l.dY)
		var g denseGrads
		ok := call(c, back, func() { g.dX, g.dW, g.db = impl.Backward(l.X, l.W, l.dY) })
		return g, ok && keep.verify(c, back)
	}
	hints := map[string]string{"db": denseDbHint, "dW": denseDWHint, "dX": denseDXHint}
	compare := func(c *ctx, l denseLayer, got, want denseGrads, t tol, only string, extra []mistake) bool {
		for _, part := range denseParts {
			if only != "" && part != only {
				continue
			}
			var ms []mistake
			for _, m := range denseBackMistakes(l) {
				ms = append(ms, mistake{m.hint, m.g.flat(part)})
			}
			e := expect{fn: back, what: part, at: part, given: l.given(false, true), tol: t,
				mistakes: append(extra, ms...), hint: hints[part]}
			var ok bool
			switch part {
			case "dX":
				ok = e.mat(c, got.dX, want.dX)
			case "dW":
				ok = e.mat(c, got.dW, want.dW)
			default:
				ok = e.vec(c, got.db, want.db)
			}
			if !ok {
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, l denseLayer) bool {
		got, ok := backOf(c, l)
		return ok && compare(c, l, got, denseBackwardRef(l.X, l.W, l.dY), exactTol, "", nil)
	}
	// vsSlope compares one part of Backward with the finite-difference
	// slope of L = Σ dY ⊙ Forward(X, W, b), computed with the learner's
	// own Forward.
	vsSlope := func(c *ctx, part string) {
		l := fdLayer
		got, ok := backOf(c, l)
		if !ok {
			return
		}
		X, W, b := convClone(l.X), convClone(l.W), append([]float64(nil), l.b...)
		var Y [][]float64
		if !call(c, fwd, func() { Y = impl.Forward(X, W, b) }) {
			return
		}
		if msg := shapeMismatch(Y, l.dY); msg != "" {
			expect{fn: fwd}.fail(c, "the finite-difference check of Backward needs Forward, and Forward(X, W, b) "+msg+".",
				"fix Forward first: "+denseForwardHint)
			return
		}
		loss := func() float64 {
			Y := impl.Forward(X, W, b)
			s := 0.0
			for i := range l.dY {
				for j := range l.dY[i] {
					s += l.dY[i][j] * Y[i][j]
				}
			}
			return s
		}
		var fd denseGrads
		if !call(c, fwd, func() {
			switch part {
			case "dX":
				for _, row := range X {
					fd.dX = append(fd.dX, centralDiff(loss, row))
				}
			case "dW":
				for _, row := range W {
					fd.dW = append(fd.dW, centralDiff(loss, row))
				}
			default:
				fd.db = centralDiff(loss, b)
			}
		}) {
			return
		}
		right := mistake{"your Backward is right; it is the slope of your Forward that is wrong: fix Forward first.",
			denseBackwardRef(l.X, l.W, l.dY).flat(part)}
		compare(c, l, got, fd, fdTol, part, []mistake{right})
	}
	cases := []testCase{
		{"Forward_hand_computed", func(c *ctx) { _ = forward(c, denseHand) && forward(c, denseWide) }},
		{"Forward_random_shapes", func(c *ctx) {
			for _, l := range random {
				if !forward(c, l) {
					return
				}
			}
		}},
		{"Backward_hand_computed", func(c *ctx) { _ = backward(c, denseHand) && backward(c, denseWide) }},
		{"Backward_random_shapes", func(c *ctx) {
			for _, l := range random {
				if !backward(c, l) {
					return
				}
			}
		}},
	}
	for _, part := range denseParts {
		cases = append(cases, testCase{"Backward_" + part + "_vs_finite_differences", func(c *ctx) { vsSlope(c, part) }})
	}
	return cases
}
