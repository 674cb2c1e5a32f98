package checks

import (
	"fmt"
	"math"
	"testing"
)

// LayerNormImpl holds the learner's functions of the layernorm exercise:
// layer normalisation of a batch, forward and backward.
//
// Forward(x, gamma, beta, eps) normalises each row of x (n×d) over its d
// features: μᵢ = (1/d)·Σⱼ x[i][j], σ²ᵢ = (1/d)·Σⱼ (x[i][j] − μᵢ)²,
// x̂[i][j] = (x[i][j] − μᵢ)/√(σ²ᵢ + ε) and y[i][j] = γⱼ·x̂[i][j] + βⱼ.
//
// Backward(x, gamma, eps, dy) is given dy = ∂L/∂y (n×d) and returns
//
//	dx[i] = (1/√(σ²ᵢ+ε))·(gᵢ − mean(gᵢ) − x̂ᵢ·mean(gᵢ ⊙ x̂ᵢ))   with gᵢ = dy[i] ⊙ γ
//	dγⱼ   = Σᵢ dy[i][j]·x̂[i][j]
//	dβⱼ   = Σᵢ dy[i][j]
//
// No function changes its arguments.
type LayerNormImpl struct {
	Forward  func(x [][]float64, gamma, beta []float64, eps float64) [][]float64
	Backward func(x [][]float64, gamma []float64, eps float64, dy [][]float64) (dx [][]float64, dgamma, dbeta []float64)
}

// LayerNorm runs the checks of the layernorm exercise as sub-tests of t.
func LayerNorm(t *testing.T, impl LayerNormImpl) {
	t.Helper()
	report(t, layernormCases(impl))
}

// CheckLayerNorm runs the same checks as LayerNorm and returns the problems
// found; none means impl passes.
func CheckLayerNorm(impl LayerNormImpl) []Problem { return collect(layernormCases(impl)) }

// lnCase is one batch with its parameters and upstream gradient.
type lnCase struct {
	x           [][]float64
	gamma, beta []float64
	eps         float64
	dy          [][]float64
	name        string // "" for a small case whose values the messages show
}

// lnVariant is a known mistake; the zero value is right.
type lnVariant struct {
	unbiased, epsOutside, overBatch, swapGB, noAffine bool // forward
	noMeanTerms, noXhatTerm, noMeanG, noGamma         bool // dx
	dgLastRow, dgNoXhat, averaged                     bool // dγ, dβ
}

// lnGrads are the three results of Backward.
type lnGrads struct {
	dx            [][]float64
	dgamma, dbeta []float64
}

var lnParts = []string{"dbeta", "dgamma", "dx"}

func (g lnGrads) flat(part string) []float64 {
	switch part {
	case "dx":
		return convFlat(g.dx)
	case "dgamma":
		return g.dgamma
	}
	return g.dbeta
}

// normalize returns x̂ and 1/√(σ²+ε) of each row (or, with overBatch, each
// column, the inverse then per column).
func (l lnCase) normalize(v lnVariant) (xh [][]float64, inv []float64) {
	n, d := len(l.x), len(l.x[0])
	xh = convZeros(n, d)
	stat := func(vals []float64) (mu, inv float64) {
		m := float64(len(vals))
		for _, x := range vals {
			mu += x / m
		}
		div := m
		if v.unbiased {
			div = m - 1
		}
		v2 := 0.0
		for _, x := range vals {
			v2 += (x - mu) * (x - mu) / div
		}
		if v.epsOutside {
			return mu, 1 / (math.Sqrt(v2) + l.eps)
		}
		return mu, 1 / math.Sqrt(v2+l.eps)
	}
	if v.overBatch {
		for j := range d {
			col := make([]float64, n)
			for i := range n {
				col[i] = l.x[i][j]
			}
			mu, s := stat(col)
			for i := range n {
				xh[i][j] = (l.x[i][j] - mu) * s
			}
		}
		return xh, nil
	}
	inv = make([]float64, n)
	for i := range n {
		mu, s := stat(l.x[i])
		inv[i] = s
		for j := range d {
			xh[i][j] = (l.x[i][j] - mu) * s
		}
	}
	return xh, inv
}

func (l lnCase) forward(v lnVariant) [][]float64 {
	xh, _ := l.normalize(v)
	for i := range xh {
		for j := range xh[i] {
			switch {
			case v.noAffine:
			case v.swapGB:
				xh[i][j] = l.beta[j]*xh[i][j] + l.gamma[j]
			default:
				xh[i][j] = l.gamma[j]*xh[i][j] + l.beta[j]
			}
		}
	}
	return xh
}

func (l lnCase) backward(v lnVariant) lnGrads {
	xh, inv := l.normalize(lnVariant{})
	n, d := len(l.x), len(l.x[0])
	g := lnGrads{dx: convZeros(n, d), dgamma: make([]float64, d), dbeta: make([]float64, d)}
	for i := range n {
		gi := make([]float64, d)
		mg, mgx := 0.0, 0.0
		for j := range d {
			gi[j] = l.dy[i][j] * l.gamma[j]
			if v.noGamma {
				gi[j] = l.dy[i][j]
			}
			mg += gi[j] / float64(d)
			mgx += gi[j] * xh[i][j] / float64(d)
		}
		for j := range d {
			switch {
			case v.noMeanTerms:
				g.dx[i][j] = inv[i] * gi[j]
			case v.noXhatTerm:
				g.dx[i][j] = inv[i] * (gi[j] - mg)
			case v.noMeanG:
				g.dx[i][j] = inv[i] * (gi[j] - xh[i][j]*mgx)
			default:
				g.dx[i][j] = inv[i] * (gi[j] - mg - xh[i][j]*mgx)
			}
			dgij := l.dy[i][j] * xh[i][j]
			if v.dgNoXhat {
				dgij = l.dy[i][j]
			}
			if v.dgLastRow {
				g.dgamma[j] = dgij
			} else {
				g.dgamma[j] += dgij
			}
			g.dbeta[j] += l.dy[i][j]
		}
	}
	if v.averaged {
		for j := range d {
			g.dgamma[j] /= float64(n)
			g.dbeta[j] /= float64(n)
		}
	}
	return g
}

var lnForwardMistakes = []struct {
	hint string
	v    lnVariant
}{
	{"the variance divides by d, not d − 1: σ² = (1/d)·Σⱼ (x[i][j] − μ)², the biased variance, as PyTorch's LayerNorm.", lnVariant{unbiased: true}},
	{"ε goes inside the square root: x̂ = (x − μ)/√(σ² + ε), not (x − μ)/(√σ² + ε).", lnVariant{epsOutside: true}},
	{"that normalises each column, over the batch (batch norm): layer norm normalises each row, one example, over its d features.", lnVariant{overBatch: true}},
	{"γ and β are swapped: y = γ·x̂ + β, γ scales and β shifts.", lnVariant{swapGB: true}},
	{"scale and shift after normalising: y[i][j] = γⱼ·x̂[i][j] + βⱼ.", lnVariant{noAffine: true}},
}

var lnBackMistakes = []struct {
	hint string
	v    lnVariant
}{
	{"dx is missing both mean terms: μ and σ² depend on every x[i][j] of the row, so dx[i] = (gᵢ − mean(gᵢ) − x̂ᵢ·mean(gᵢ ⊙ x̂ᵢ))/√(σ²ᵢ+ε), not gᵢ/√(σ²ᵢ+ε).", lnVariant{noMeanTerms: true}},
	{"dx is missing the variance term −x̂ᵢ·mean(gᵢ ⊙ x̂ᵢ), which comes from σ² depending on x.", lnVariant{noXhatTerm: true}},
	{"dx is missing the term −mean(gᵢ), which comes from μ depending on x.", lnVariant{noMeanG: true}},
	{"the gradient reaching x̂ is gᵢ = dy[i] ⊙ γ: multiply by γ before the mean terms.", lnVariant{noGamma: true}},
	{"dγ is one row: sum over the batch, dγⱼ = Σᵢ dy[i][j]·x̂[i][j] (with +=, not =).", lnVariant{dgLastRow: true}},
	{"dγⱼ = Σᵢ dy[i][j]·x̂[i][j]: γ multiplies x̂, so its gradient carries x̂ (Σᵢ dy[i][j] alone is dβ).", lnVariant{dgNoXhat: true}},
	{"dγ and dβ are sums over the batch, not means: any 1/n belongs to the loss and is already in dy.", lnVariant{averaged: true}},
}

func (l lnCase) given(withBeta, withDy bool) []string {
	if l.name != "" {
		return []string{fmt.Sprintf("%s: x %d×%d, ε = %g", l.name, len(l.x), len(l.x[0]), l.eps)}
	}
	g := []string{"x = " + matString(l.x), "gamma = " + vecString(l.gamma)}
	if withBeta {
		g = append(g, "beta = "+vecString(l.beta))
	}
	g = append(g, fmt.Sprintf("eps = %g", l.eps))
	if withDy {
		g = append(g, "dy = "+matString(l.dy))
	}
	return g
}

const (
	lnForwardHint = "per row i: μ = (1/d)Σⱼ x[i][j], σ² = (1/d)Σⱼ (x[i][j] − μ)², x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β."
)

var lnHints = map[string]string{
	"dbeta":  "dβⱼ = Σᵢ dy[i][j]: β is added to every row.",
	"dgamma": "dγⱼ = Σᵢ dy[i][j]·x̂[i][j], summed over the rows.",
	"dx":     "dx[i] = (gᵢ − mean(gᵢ) − x̂ᵢ·mean(gᵢ ⊙ x̂ᵢ))/√(σ²ᵢ+ε) with gᵢ = dy[i] ⊙ γ and the means over the d features.",
}

// lnHand is a batch of three rows of four features; ε = 0.1 is large so
// that where it goes shows in the numbers.
var lnHand = lnCase{
	x:     [][]float64{{1, 2, 3, 6}, {-1, 0, 4, 1}, {2, 2, 0, -4}},
	gamma: []float64{1, 0.5, -2, 1.5},
	beta:  []float64{0, 1, -0.5, 2},
	eps:   0.1,
	dy:    [][]float64{{1, -1, 0.5, 2}, {0, 2, -1, 1}, {-2, 0.5, 1, 0}},
}

func randomLN(r interface{ Float64() float64 }, n, d int, eps float64) lnCase {
	m := func(rows, cols int, lo, hi float64) [][]float64 {
		out := convZeros(rows, cols)
		for i := range out {
			for j := range out[i] {
				out[i][j] = lo + (hi-lo)*r.Float64()
			}
		}
		return out
	}
	return lnCase{x: m(n, d, -2, 3), gamma: m(1, d, 0.5, 1.5)[0], beta: m(1, d, -1, 1)[0], eps: eps,
		dy: m(n, d, -1, 1), name: "a seeded random batch (the same every run)"}
}

func layernormCases(impl LayerNormImpl) []testCase {
	fwd := funcOf("layernorm.Forward", impl.Forward)
	back := funcOf("layernorm.Backward", impl.Backward)
	r := newRand(13)
	random := []lnCase{randomLN(r, 1, 5, 1e-5), randomLN(r, 4, 3, 1e-5), randomLN(r, 6, 8, 1e-3)}
	fdCase := randomLN(r, 3, 5, 1e-2)

	forward := func(c *ctx, l lnCase) bool {
		keep := freezeArgs([]string{"x"}, [][][]float64{l.x}, []string{"gamma", "beta"}, l.gamma, l.beta)
		var got [][]float64
		if !call(c, fwd, func() { got = impl.Forward(l.x, l.gamma, l.beta, l.eps) }) || !keep.verify(c, fwd) {
			return false
		}
		var ms []mistake
		for _, m := range lnForwardMistakes {
			if m.v.overBatch && len(l.x) < 2 {
				continue
			}
			ms = append(ms, mistake{m.hint, convFlat(l.forward(m.v))})
		}
		return expect{fn: fwd, what: "Forward(x, gamma, beta, eps)", at: "y", given: l.given(true, false), tol: exactTol,
			mistakes: ms, hint: lnForwardHint}.mat(c, got, l.forward(lnVariant{}))
	}
	backOf := func(c *ctx, l lnCase) (lnGrads, bool) {
		keep := freezeArgs([]string{"x", "dy"}, [][][]float64{l.x, l.dy}, []string{"gamma"}, l.gamma)
		var g lnGrads
		ok := call(c, back, func() { g.dx, g.dgamma, g.dbeta = impl.Backward(l.x, l.gamma, l.eps, l.dy) })
		return g, ok && keep.verify(c, back)
	}
	compare := func(c *ctx, l lnCase, got, want lnGrads, t tol, only string, extra []mistake) bool {
		for _, part := range lnParts {
			if only != "" && part != only {
				continue
			}
			ms := extra
			for _, m := range lnBackMistakes {
				ms = append(ms, mistake{m.hint, l.backward(m.v).flat(part)})
			}
			e := expect{fn: back, what: part, at: part, given: l.given(false, true), tol: t, mistakes: ms, hint: lnHints[part]}
			var ok bool
			if part == "dx" {
				ok = e.mat(c, got.dx, want.dx)
			} else {
				ok = e.vec(c, got.flat(part), want.flat(part))
			}
			if !ok {
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, l lnCase) bool {
		got, ok := backOf(c, l)
		return ok && compare(c, l, got, l.backward(lnVariant{}), exactTol, "", nil)
	}
	// vsSlope compares one part of Backward with the finite-difference
	// slope of L = Σ dy ⊙ Forward(x, γ, β, ε), computed with the learner's
	// own Forward.
	vsSlope := func(c *ctx, part string) {
		l := fdCase
		got, ok := backOf(c, l)
		if !ok {
			return
		}
		x, gamma, beta := convClone(l.x), append([]float64(nil), l.gamma...), append([]float64(nil), l.beta...)
		var y [][]float64
		if !call(c, fwd, func() { y = impl.Forward(x, gamma, beta, l.eps) }) {
			return
		}
		if msg := shapeMismatch(y, l.dy); msg != "" {
			expect{fn: fwd}.fail(c, "the finite-difference check of Backward needs Forward, and Forward(x, gamma, beta, eps) "+msg+".",
				"fix Forward first: "+lnForwardHint)
			return
		}
		var fd lnGrads
		if !call(c, fwd, func() {
			fd = normFiniteDiff(func() [][]float64 { return impl.Forward(x, gamma, beta, l.eps) }, l.dy, x, gamma, beta, part)
		}) {
			return
		}
		right := mistake{"your Backward is right; it is the slope of your Forward that is wrong: fix Forward first.",
			l.backward(lnVariant{}).flat(part)}
		compare(c, l, got, fd, fdTol, part, []mistake{right})
	}
	cases := []testCase{
		{"Forward_hand_computed", func(c *ctx) { forward(c, lnHand) }},
		{"Forward_random", func(c *ctx) {
			for _, l := range random {
				if !forward(c, l) {
					return
				}
			}
		}},
		{"Backward_hand_computed", func(c *ctx) { backward(c, lnHand) }},
		{"Backward_random", func(c *ctx) {
			for _, l := range random {
				if !backward(c, l) {
					return
				}
			}
		}},
	}
	for _, part := range lnParts {
		cases = append(cases, testCase{"Backward_" + part + "_vs_finite_differences", func(c *ctx) { vsSlope(c, part) }})
	}
	return cases
}

// normFiniteDiff is the central-difference gradient of L = Σ dy ⊙ y, where
// y() runs the learner's forward pass on x, gamma and beta (perturbed in
// place), for one part: "dx", "dgamma" or "dbeta" (layer norm and batch
// norm share it).
func normFiniteDiff(y func() [][]float64, dy, x [][]float64, gamma, beta []float64, part string) lnGrads {
	loss := func() float64 {
		out, s := y(), 0.0
		for i := range dy {
			for j := range dy[i] {
				s += dy[i][j] * out[i][j]
			}
		}
		return s
	}
	var fd lnGrads
	switch part {
	case "dx":
		for _, row := range x {
			fd.dx = append(fd.dx, centralDiff(loss, row))
		}
	case "dgamma":
		fd.dgamma = centralDiff(loss, gamma)
	default:
		fd.dbeta = centralDiff(loss, beta)
	}
	return fd
}
