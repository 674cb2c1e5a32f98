package checks

import (
	"fmt"
	"testing"
)

// MaxPoolImpl holds the learner's functions of the maxpool exercise: 2-D
// max pooling of one channel, forward and backward.
//
// Forward(x, k, s) slides a k×k window over x (H×W) with stride s, no
// padding, and keeps each window's largest value: y is OH×OW with
// OH = ⌊(H−k)/s⌋+1, OW = ⌊(W−k)/s⌋+1 and
// y[i][j] = max_{0≤a,b<k} x[i·s+a][j·s+b].
//
// Backward(x, k, s, dy) is dL/dx, of x's shape, given dy = dL/dy (OH×OW):
// each dy[i][j] goes whole to the position of its window's maximum, and
// nowhere else; where windows overlap, the gradients a position receives
// add up. Ties: the first maximum of the window in row-major order (the
// smallest a, then the smallest b) gets it. No function changes its
// arguments.
type MaxPoolImpl struct {
	Forward  func(x [][]float64, k, s int) [][]float64
	Backward func(x [][]float64, k, s int, dy [][]float64) [][]float64
}

// MaxPool runs the checks of the maxpool exercise as sub-tests of t.
func MaxPool(t *testing.T, impl MaxPoolImpl) {
	t.Helper()
	report(t, maxpoolCases(impl))
}

// CheckMaxPool runs the same checks as MaxPool and returns the problems
// found; none means impl passes.
func CheckMaxPool(impl MaxPoolImpl) []Problem { return collect(maxpoolCases(impl)) }

// poolCase is one input with its window, stride and upstream gradient.
type poolCase struct {
	x    [][]float64
	k, s int
	dy   [][]float64 // nil: made from the output shape
	name string      // "" for a small case whose values the messages show
}

func poolOut(n, k, s int) int { return (n-k)/s + 1 }

// poolVariant is a known mistake; the zero value is right.
type poolVariant struct {
	average   bool // forward: the mean of the window
	stride1   bool // windows start at (i, j), not (i·s, j·s)
	spread    bool // backward: dy/k² to every position of the window
	allTies   bool // backward: dy to every maximum
	lastTie   bool // backward: the last maximum (≥) gets it
	overwrite bool // backward: dx[p][q] = dy, not +=
}

// argmax is the first maximum of the window at (r0, c0) in row-major
// order, or the last with last.
func poolArgmax(x [][]float64, r0, c0, k int, last bool) (int, int) {
	br, bc := r0, c0
	for a := range k {
		for b := range k {
			v, best := x[r0+a][c0+b], x[br][bc]
			if v > best || last && v == best {
				br, bc = r0+a, c0+b
			}
		}
	}
	return br, bc
}

func (p poolCase) start(i int, v poolVariant) int {
	if v.stride1 {
		return i
	}
	return i * p.s
}

func (p poolCase) forward(v poolVariant) [][]float64 {
	y := convZeros(poolOut(len(p.x), p.k, p.s), poolOut(len(p.x[0]), p.k, p.s))
	for i := range y {
		for j := range y[i] {
			r0, c0 := p.start(i, v), p.start(j, v)
			if v.average {
				for a := range p.k {
					for b := range p.k {
						y[i][j] += p.x[r0+a][c0+b] / float64(p.k*p.k)
					}
				}
				continue
			}
			r, c := poolArgmax(p.x, r0, c0, p.k, false)
			y[i][j] = p.x[r][c]
		}
	}
	return y
}

func (p poolCase) backward(v poolVariant) [][]float64 {
	dx := convZeros(len(p.x), len(p.x[0]))
	for i := range p.dy {
		for j := range p.dy[i] {
			g := p.dy[i][j]
			r0, c0 := p.start(i, v), p.start(j, v)
			switch {
			case v.spread:
				for a := range p.k {
					for b := range p.k {
						dx[r0+a][c0+b] += g / float64(p.k*p.k)
					}
				}
			case v.allTies:
				r, c := poolArgmax(p.x, r0, c0, p.k, false)
				for a := range p.k {
					for b := range p.k {
						if p.x[r0+a][c0+b] == p.x[r][c] {
							dx[r0+a][c0+b] += g
						}
					}
				}
			default:
				r, c := poolArgmax(p.x, r0, c0, p.k, v.lastTie)
				if v.overwrite {
					dx[r][c] = g
				} else {
					dx[r][c] += g
				}
			}
		}
	}
	return dx
}

var poolForwardMistakes = []struct {
	hint string
	v    poolVariant
}{
	{"that is average pooling: keep each window's largest value, y[i][j] = max x[i·s+a][j·s+b].", poolVariant{average: true}},
	{"the window of output (i, j) starts at (i·s, j·s): multiply by the stride s, not just the step of 1.", poolVariant{stride1: true}},
}

var poolBackMistakes = []struct {
	hint string
	v    poolVariant
}{
	{"that is average pooling's backward (dy/k² to every position of the window): in max pooling only the maximum " +
		"took part in y, so dy[i][j] goes whole to the position of the window's maximum and the others get 0.", poolVariant{spread: true}},
	{"a tie gives the gradient to every maximum of the window: give it to one, the first in row-major order " +
		"(smallest row, then smallest column), e.g. by updating the best position only when a value is strictly greater.", poolVariant{allTies: true}},
	{"a tie gives the gradient to the last maximum of the window: the rule is the first in row-major order; " +
		"update the best position only when a value is strictly greater (>, not ≥).", poolVariant{lastTie: true}},
	{"where windows overlap, one position can be the maximum of several windows and receives the sum of their " +
		"gradients: dx[p][q] += dy[i][j], not =.", poolVariant{overwrite: true}},
	{"the window of output (i, j) starts at (i·s, j·s): multiply by the stride s when you find its maximum.", poolVariant{stride1: true}},
}

// poolShapeHint names the mistake behind an output of rows×cols.
func poolShapeHint(rows, cols int, p poolCase) string {
	H, W := len(p.x), len(p.x[0])
	for _, c := range []struct {
		hint   string
		oh, ow int
	}{
		{"you forgot the +1: the first window sits at 0, so there are ⌊(H−k)/s⌋ more after it: OH = ⌊(H−k)/s⌋+1.",
			(H - p.k) / p.s, (W - p.k) / p.s},
		{"the stride is ignored in the size: with stride s the windows start at 0, s, 2s, …, so OH = ⌊(H−k)/s⌋+1, not H−k+1.",
			H - p.k + 1, W - p.k + 1},
		{"a window that would run past the edge is dropped (no padding, floor not ceiling): OH = ⌊(H−k)/s⌋+1.",
			(H-p.k+p.s-1)/p.s + 1, (W-p.k+p.s-1)/p.s + 1},
		{"H/s counts the windows only when k = s and s divides H: OH = ⌊(H−k)/s⌋+1.", H / p.s, W / p.s},
	} {
		if rows == c.oh && cols == c.ow && (c.oh != poolOut(H, p.k, p.s) || c.ow != poolOut(W, p.k, p.s)) {
			return c.hint
		}
	}
	return fmt.Sprintf("with H×W = %d×%d, k = %d and s = %d, y is ⌊(H−k)/s⌋+1 × ⌊(W−k)/s⌋+1 = %d×%d.",
		H, W, p.k, p.s, poolOut(H, p.k, p.s), poolOut(W, p.k, p.s))
}

func (p poolCase) given(withDy bool) []string {
	ks := fmt.Sprintf("k = %d, s = %d", p.k, p.s)
	if p.name != "" {
		return []string{fmt.Sprintf("%s: x %d×%d, %s", p.name, len(p.x), len(p.x[0]), ks)}
	}
	g := []string{"x = " + matString(p.x), ks}
	if withDy {
		g = append(g, "dy = "+matString(p.dy))
	}
	return g
}

// withDy fills in dy: distinct values, none of them 0, so that where each
// one went shows.
func (p poolCase) withDy() poolCase {
	if p.dy == nil {
		oh, ow := poolOut(len(p.x), p.k, p.s), poolOut(len(p.x[0]), p.k, p.s)
		p.dy = convZeros(oh, ow)
		for i := range p.dy {
			for j := range p.dy[i] {
				p.dy[i][j] = float64(1+i*ow+j) * (1 - 2*float64((i+j)%2)) * 0.5
			}
		}
	}
	return p
}

const (
	poolForwardHint  = "y[i][j] = max over 0 ≤ a, b < k of x[i·s+a][j·s+b], with y of ⌊(H−k)/s⌋+1 × ⌊(W−k)/s⌋+1."
	poolBackwardHint = "dx has x's shape and starts at 0; each dy[i][j] is added whole (+=) at the position of its " +
		"window's maximum, the first in row-major order on a tie."
)

var (
	// poolDistinct has no ties: k = 2, s = 2 tiles it exactly.
	poolDistinct = poolCase{x: [][]float64{
		{1, 5, 2, 0},
		{3, 4, 7, 6},
		{9, -1, 0, 2},
		{8, 2, 3, 1},
	}, k: 2, s: 2}
	// poolOverlap: k = 3, s = 2 on 5×5; x[2][2], the centre, is the
	// maximum of all four windows and must receive the sum of all four.
	poolOverlap = poolCase{x: [][]float64{
		{1, 0, 2, 1, 3},
		{0, 2, 1, 0, 1},
		{3, 1, 9, 2, 2},
		{1, 4, 0, 5, 0},
		{2, 0, 1, 3, 8},
	}, k: 3, s: 2}
	// poolSlide: k = 2, s = 1 on 3×4, maxima shared by neighbouring
	// windows.
	poolSlide = poolCase{x: [][]float64{
		{0, 6, 1, 2},
		{3, 2, 5, 4},
		{1, 7, 0, 3},
	}, k: 2, s: 1}
	// poolTies: ReLU outputs, with zeros, repeated maxima in one window
	// and a tie in an overlapping window.
	poolTies = poolCase{x: [][]float64{
		{0, 0, 2, 2},
		{0, 0, 1, 2},
		{3, 1, 0, 0},
		{1, 3, 0, 0},
	}, k: 2, s: 2}
	poolTiesOverlap = poolCase{x: [][]float64{
		{4, 1, 4},
		{1, 4, 0},
		{4, 0, 2},
	}, k: 2, s: 1}
)

func maxpoolCases(impl MaxPoolImpl) []testCase {
	fwd := funcOf("maxpool.Forward", impl.Forward)
	back := funcOf("maxpool.Backward", impl.Backward)
	r := newRand(12)
	var sizes []poolCase
	for _, sh := range [][4]int{{7, 5, 3, 2}, {6, 6, 2, 3}, {4, 7, 4, 1}, {5, 5, 1, 1}, {2, 2, 2, 2}, {9, 4, 3, 3}, {8, 8, 2, 2}} {
		sizes = append(sizes, poolCase{x: randMat(r, sh[0], sh[1], -1, 1), k: sh[2], s: sh[3],
			name: "a seeded random input (the same every run)"})
	}
	fdCase := poolCase{x: randMat(r, 6, 7, -1, 1), k: 3, s: 2, name: "a seeded random input (the same every run), no ties"}.withDy()
	fdSlide := poolCase{x: randMat(r, 5, 5, -1, 1), k: 2, s: 1, name: "a seeded random input (the same every run), no ties"}.withDy()

	forward := func(c *ctx, p poolCase) bool {
		keep := convFreeze([]string{"x"}, p.x)
		var got [][]float64
		if !call(c, fwd, func() { got = impl.Forward(p.x, p.k, p.s) }) || !keep.verify(c, fwd) {
			return false
		}
		want := p.forward(poolVariant{})
		e := expect{fn: fwd, what: fmt.Sprintf("Forward(x, %d, %d)", p.k, p.s), at: "y", given: p.given(false), tol: exactTol,
			hint: poolForwardHint}
		if msg := shapeMismatch(got, want); msg != "" {
			rows, cols := len(got), 0
			if len(got) > 0 {
				cols = len(got[0])
			}
			e.fail(c, e.what+" "+msg, poolShapeHint(rows, cols, p))
			return false
		}
		for _, m := range poolForwardMistakes {
			e.mistakes = append(e.mistakes, mistake{m.hint, convFlat(p.forward(m.v))})
		}
		return e.mat(c, got, want)
	}
	backOf := func(c *ctx, p poolCase) ([][]float64, bool) {
		keep := convFreeze([]string{"x", "dy"}, p.x, p.dy)
		var got [][]float64
		return got, call(c, back, func() { got = impl.Backward(p.x, p.k, p.s, p.dy) }) && keep.verify(c, back)
	}
	backMistakes := func(p poolCase) []mistake {
		var ms []mistake
		for _, m := range poolBackMistakes {
			ms = append(ms, mistake{m.hint, convFlat(p.backward(m.v))})
		}
		return ms
	}
	backward := func(c *ctx, p poolCase) bool {
		p = p.withDy()
		got, ok := backOf(c, p)
		if !ok {
			return false
		}
		return expect{fn: back, what: fmt.Sprintf("Backward(x, %d, %d, dy)", p.k, p.s), at: "dx", given: p.given(true),
			tol: exactTol, mistakes: backMistakes(p), hint: poolBackwardHint}.mat(c, got, p.backward(poolVariant{}))
	}
	// vsSlope compares Backward with the finite-difference slope of
	// L = Σ dy ⊙ Forward(x, k, s), computed with the learner's Forward, on
	// an input without ties (where max pooling is differentiable).
	vsSlope := func(c *ctx, p poolCase) bool {
		got, ok := backOf(c, p)
		if !ok {
			return false
		}
		x := convClone(p.x)
		var y [][]float64
		if !call(c, fwd, func() { y = impl.Forward(x, p.k, p.s) }) {
			return false
		}
		if msg := shapeMismatch(y, p.dy); msg != "" {
			expect{fn: fwd}.fail(c, fmt.Sprintf("the finite-difference check of Backward needs Forward, and Forward(x, %d, %d) %s.",
				p.k, p.s, msg), "fix Forward first: "+poolForwardHint)
			return false
		}
		loss := func() float64 {
			y := impl.Forward(x, p.k, p.s)
			s := 0.0
			for i := range p.dy {
				for j := range p.dy[i] {
					s += p.dy[i][j] * y[i][j]
				}
			}
			return s
		}
		var fd [][]float64
		if !call(c, fwd, func() {
			for _, row := range x {
				fd = append(fd, centralDiff(loss, row))
			}
		}) {
			return false
		}
		right := mistake{"your Backward is right; it is the slope of your Forward that is wrong: fix Forward first.",
			convFlat(p.backward(poolVariant{}))}
		return expect{fn: back, what: fmt.Sprintf("Backward(x, %d, %d, dy) against the slope of Σ dy ⊙ Forward(x, %d, %d) in x",
			p.k, p.s, p.k, p.s), at: "dx", given: p.given(true), tol: fdTol,
			mistakes: append([]mistake{right}, backMistakes(p)...), hint: poolBackwardHint}.mat(c, got, fd)
	}
	return []testCase{
		{"Forward_hand_computed", func(c *ctx) {
			_ = forward(c, poolDistinct) && forward(c, poolOverlap) && forward(c, poolSlide)
		}},
		{"Forward_output_sizes", func(c *ctx) {
			for _, p := range sizes {
				if !forward(c, p) {
					return
				}
			}
		}},
		{"Backward_hand_computed", func(c *ctx) { backward(c, poolDistinct) }},
		{"Backward_overlapping_windows", func(c *ctx) { _ = backward(c, poolOverlap) && backward(c, poolSlide) }},
		{"Backward_ties_first_maximum", func(c *ctx) { _ = backward(c, poolTies) && backward(c, poolTiesOverlap) }},
		{"Backward_output_sizes", func(c *ctx) {
			for _, p := range sizes {
				if !backward(c, p) {
					return
				}
			}
		}},
		{"Backward_vs_finite_differences", func(c *ctx) { _ = vsSlope(c, fdCase) && vsSlope(c, fdSlide) }},
	}
}
