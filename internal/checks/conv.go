package checks

import (
	"fmt"
	"testing"
)

// ConvImpl holds the learner's functions of the conv exercise: a single
// channel, valid (no padding), stride-1 2-D cross-correlation — what
// deep-learning libraries call convolution — and its two gradients.
//
// For x of H×W and k of kh×kw (kh ≤ H, kw ≤ W), Conv2D(x, k) is y of
// (H−kh+1)×(W−kw+1) with y[i][j] = Σ_a Σ_b x[i+a][j+b]·k[a][b]. Given dy =
// dL/dy of y's shape, KernelGrad(x, dy) is dL/dk, of k's shape:
// dk[a][b] = Σ_i Σ_j dy[i][j]·x[i+a][j+b], the valid cross-correlation of
// x with dy; InputGrad(k, dy) is dL/dx, of x's shape:
// dx[p][q] = Σ_a Σ_b dy[p−a][q−b]·k[a][b] over the terms inside dy, the
// "full" cross-correlation of dy with k turned 180° (dy padded by kh−1 and
// kw−1 zeros; the same as a true full convolution with k). No function changes its arguments.
type ConvImpl struct {
	Conv2D     func(x, k [][]float64) [][]float64
	KernelGrad func(x, dy [][]float64) [][]float64
	InputGrad  func(k, dy [][]float64) [][]float64
}

// Conv runs the checks of the conv exercise as sub-tests of t.
func Conv(t *testing.T, impl ConvImpl) {
	t.Helper()
	report(t, convCases(impl))
}

// CheckConv runs the same checks as Conv and returns the problems found;
// none means impl passes.
func CheckConv(impl ConvImpl) []Problem { return collect(convCases(impl)) }

// convZeros returns a zero rows×cols matrix.
func convZeros(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

// correlate is the valid cross-correlation of x with k, reading k through
// at(k, a, b) so that the known mistakes can flip or transpose it.
func correlate(x, k [][]float64, kh, kw int, at func(k [][]float64, a, b int) float64) [][]float64 {
	y := convZeros(len(x)-kh+1, len(x[0])-kw+1)
	for i := range y {
		for j := range y[i] {
			for a := range kh {
				for b := range kw {
					y[i][j] += x[i+a][j+b] * at(k, a, b)
				}
			}
		}
	}
	return y
}

func kPlain(k [][]float64, a, b int) float64 { return k[a][b] }

// kFlipped reads k turned by 180°: true convolution instead of
// cross-correlation.
func kFlipped(k [][]float64, a, b int) float64 { return k[len(k)-1-a][len(k[0])-1-b] }

// kSwapped reads k with its indices exchanged (square kernels only).
func kSwapped(k [][]float64, a, b int) float64 { return k[b][a] }

func convRef(x, k [][]float64) [][]float64 {
	return correlate(x, k, len(k), len(k[0]), kPlain)
}

// kernelGradRef is dL/dk: the valid cross-correlation of x with dy.
func kernelGradRef(x, dy [][]float64) [][]float64 {
	return correlate(x, dy, len(dy), len(dy[0]), kPlain)
}

// inputGradAt is dL/dx for a kernel read through at: each x[p][q] met
// k[a][b] at the output (p−a, q−b).
func inputGradAt(k, dy [][]float64, at func(k [][]float64, a, b int) float64) [][]float64 {
	kh, kw := len(k), len(k[0])
	dx := convZeros(len(dy)+kh-1, len(dy[0])+kw-1)
	for i := range dy {
		for j := range dy[i] {
			for a := range kh {
				for b := range kw {
					dx[i+a][j+b] += dy[i][j] * at(k, a, b)
				}
			}
		}
	}
	return dx
}

func inputGradRef(k, dy [][]float64) [][]float64 { return inputGradAt(k, dy, kPlain) }

// convFlat lists m's elements row by row, the order expect.mat compares in.
func convFlat(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

// convRotate180 returns m turned by 180°.
func convRotate180(m [][]float64) [][]float64 {
	r := convZeros(len(m), len(m[0]))
	for i := range m {
		for j := range m[i] {
			r[len(m)-1-i][len(m[0])-1-j] = m[i][j]
		}
	}
	return r
}

// convFreeze snapshots matrices row by row, so that a changed argument is
// reported as x[1][2].
func convFreeze(names []string, ms ...[][]float64) frozen {
	var rowNames []string
	var rows [][]float64
	for k, m := range ms {
		for i, r := range m {
			rowNames = append(rowNames, fmt.Sprintf("%s[%d]", names[k], i))
			rows = append(rows, r)
		}
	}
	return freeze(rowNames, rows...)
}

const (
	convHint = "y[i][j] = Σ_a Σ_b x[i+a][j+b]·k[a][b] for i < H−kh+1 and j < W−kw+1: " +
		"the kernel slides without padding and is not flipped."
	kernelGradHint = "k[a][b] met x[i+a][j+b] at every output (i, j), so dk[a][b] = Σ_i Σ_j dy[i][j]·x[i+a][j+b]: " +
		"the valid cross-correlation of x with dy, of k's shape (H−OH+1)×(W−OW+1)."
	inputGradHint = "x[p][q] met k[a][b] at the output (p−a, q−b), so dx[p][q] = Σ_a Σ_b dy[p−a][q−b]·k[a][b] " +
		"over the (p−a, q−b) inside dy; dx has x's shape (OH+kh−1)×(OW+kw−1)."
)

func convMistakes(x, k [][]float64) []mistake {
	ms := []mistake{{"that is true convolution, with the kernel turned 180°; deep-learning \"convolution\" is " +
		"cross-correlation: y[i][j] = Σ x[i+a][j+b]·k[a][b], no flip.", convFlat(correlate(x, k, len(k), len(k[0]), kFlipped))}}
	if len(k) == len(k[0]) {
		ms = append(ms, mistake{"the kernel's indices are exchanged: k[a][b] multiplies x[i+a][j+b], " +
			"the row offset a with row a of the kernel.", convFlat(correlate(x, k, len(k), len(k), kSwapped))})
	}
	return ms
}

func kernelGradMistakes(x, dy [][]float64) []mistake {
	right := kernelGradRef(x, dy)
	ms := []mistake{
		{"dy is turned 180°: dk[a][b] = Σ dy[i][j]·x[i+a][j+b] pairs dy[i][j] with the input the weight met " +
			"at output (i, j); no flip.", convFlat(correlate(x, dy, len(dy), len(dy[0]), kFlipped))},
		{"your dk is turned 180°: dk[a][b] is the gradient of k[a][b] itself, Σ dy[i][j]·x[i+a][j+b].", convFlat(convRotate180(right))},
	}
	if len(right) == len(right[0]) {
		ms = append(ms, mistake{"rows and columns are exchanged: dk[a][b] = Σ dy[i][j]·x[i+a][j+b], " +
			"a with rows, b with columns.", convFlat(transpose(right))})
	}
	return ms
}

func inputGradMistakes(k, dy [][]float64) []mistake {
	ms := []mistake{{"the kernel is not turned: written as a full cross-correlation of dy (padded by kh−1, kw−1 zeros), " +
		"dL/dx needs k turned 180°, because x[p][q] met k[a][b] at output (p−a, q−b).", convFlat(inputGradAt(k, dy, kFlipped))}}
	if len(k) == len(k[0]) {
		ms = append(ms, mistake{"the kernel's indices are exchanged: dx[p][q] = Σ dy[p−a][q−b]·k[a][b], " +
			"a with rows, b with columns.", convFlat(inputGradAt(k, dy, kSwapped))})
	}
	return ms
}

func convCases(impl ConvImpl) []testCase {
	conv := funcOf("conv.Conv2D", impl.Conv2D)
	kgrad := funcOf("conv.KernelGrad", impl.KernelGrad)
	igrad := funcOf("conv.InputGrad", impl.InputGrad)

	// Hand cases: a square kernel, whose flip and transpose both change
	// the answer, and a wide one on a wide input, where swapping rows and
	// columns cannot go unnoticed.
	xA := [][]float64{{1, 2, 0, 3}, {4, 1, 2, 0}, {0, 3, 1, 2}, {2, 0, 4, 1}}
	kA := [][]float64{{1, 2}, {0, -1}}
	dyA := [][]float64{{1, 0, -1}, {2, 1, 0}, {0, -2, 1}}
	xB := [][]float64{{1, 0, 2, 1, 3}, {0, 2, 1, 0, 1}, {3, 1, 0, 2, 2}}
	kB := [][]float64{{2, 0, -1}, {1, 1, 0}}
	dyB := [][]float64{{1, -1, 2}, {0, 3, -2}}
	r := newRand(8)
	xR, kR := randMat(r, 6, 7, -1, 1), randMat(r, 3, 2, -1, 1)
	dyR := randMat(r, 4, 6, -1, 1)
	// A 1×1 kernel is a scaling; a kernel as large as x gives one number;
	// a tall kernel on a narrow input.
	var shapes [][2][][]float64
	for _, s := range [][4]int{{3, 3, 1, 1}, {3, 4, 3, 4}, {5, 2, 4, 1}} {
		shapes = append(shapes, [2][][]float64{randMat(r, s[0], s[1], -1, 1), randMat(r, s[2], s[3], -1, 1)})
	}

	convOf := func(c *ctx, x, k [][]float64) ([][]float64, bool) {
		keep := convFreeze([]string{"x", "k"}, x, k)
		var got [][]float64
		return got, call(c, conv, func() { got = impl.Conv2D(x, k) }) && keep.verify(c, conv)
	}
	kgradOf := func(c *ctx, x, dy [][]float64) ([][]float64, bool) {
		keep := convFreeze([]string{"x", "dy"}, x, dy)
		var got [][]float64
		return got, call(c, kgrad, func() { got = impl.KernelGrad(x, dy) }) && keep.verify(c, kgrad)
	}
	igradOf := func(c *ctx, k, dy [][]float64) ([][]float64, bool) {
		keep := convFreeze([]string{"k", "dy"}, k, dy)
		var got [][]float64
		return got, call(c, igrad, func() { got = impl.InputGrad(k, dy) }) && keep.verify(c, igrad)
	}
	checkConv := func(c *ctx, x, k [][]float64) bool {
		got, ok := convOf(c, x, k)
		e := expect{fn: conv, what: "Conv2D(x, k)", at: "y", tol: exactTol,
			given:    []string{"x = " + matString(x), "k = " + matString(k)},
			mistakes: convMistakes(x, k), hint: convHint}
		return ok && e.mat(c, got, convRef(x, k))
	}
	checkKernelGrad := func(c *ctx, x, dy [][]float64) bool {
		got, ok := kgradOf(c, x, dy)
		e := expect{fn: kgrad, what: "KernelGrad(x, dy)", at: "dk", tol: exactTol,
			given:    []string{"x = " + matString(x), "dy = " + matString(dy)},
			mistakes: kernelGradMistakes(x, dy), hint: kernelGradHint}
		return ok && e.mat(c, got, kernelGradRef(x, dy))
	}
	checkInputGrad := func(c *ctx, k, dy [][]float64) bool {
		got, ok := igradOf(c, k, dy)
		e := expect{fn: igrad, what: "InputGrad(k, dy)", at: "dx", tol: exactTol,
			given:    []string{"k = " + matString(k), "dy = " + matString(dy)},
			mistakes: inputGradMistakes(k, dy), hint: inputGradHint}
		return ok && e.mat(c, got, inputGradRef(k, dy))
	}
	// slope returns the finite-difference gradient of L = Σ dy ⊙ Conv2D(x, k)
	// (with the learner's Conv2D) with respect to m, which is x or k.
	slope := func(c *ctx, x, k, dy, m [][]float64) ([][]float64, bool) {
		var y [][]float64
		if !call(c, conv, func() { y = impl.Conv2D(x, k) }) {
			return nil, false
		}
		if msg := shapeMismatch(y, convRef(x, k)); msg != "" {
			expect{fn: conv}.fail(c, "the finite-difference check of the gradients needs Conv2D, and Conv2D(x, k) "+msg+".",
				"fix Conv2D first: "+convHint)
			return nil, false
		}
		loss := func() float64 {
			y := impl.Conv2D(x, k)
			s := 0.0
			for i := range dy {
				for j := range dy[i] {
					s += dy[i][j] * y[i][j]
				}
			}
			return s
		}
		var fd [][]float64
		ok := call(c, conv, func() {
			for _, row := range m {
				fd = append(fd, centralDiff(loss, row))
			}
		})
		return fd, ok
	}

	return []testCase{
		{"Conv2D_hand_computed", func(c *ctx) {
			_ = checkConv(c, xA, kA) && checkConv(c, xB, kB)
		}},
		{"Conv2D_output_shapes", func(c *ctx) {
			for _, s := range shapes {
				if !checkConv(c, s[0], s[1]) {
					return
				}
			}
		}},
		{"Conv2D_random", func(c *ctx) { checkConv(c, xR, kR) }},
		{"KernelGrad_hand_computed", func(c *ctx) {
			_ = checkKernelGrad(c, xA, dyA) && checkKernelGrad(c, xB, dyB)
		}},
		{"KernelGrad_vs_finite_differences", func(c *ctx) {
			got, ok := kgradOf(c, xR, dyR)
			if !ok {
				return
			}
			k := convClone(kR)
			fd, ok := slope(c, xR, k, dyR, k)
			if !ok {
				return
			}
			right := mistake{"your KernelGrad is right; the slope of your Conv2D is not: fix Conv2D first.",
				convFlat(kernelGradRef(xR, dyR))}
			e := expect{fn: kgrad, what: "KernelGrad(x, dy) against the slope of Σ dy ⊙ Conv2D(x, k) in k", at: "dk",
				tol: fdTol, given: []string{"x = " + matString(xR), "dy = " + matString(dyR)},
				mistakes: append([]mistake{right}, kernelGradMistakes(xR, dyR)...), hint: kernelGradHint}
			e.mat(c, got, fd)
		}},
		{"InputGrad_hand_computed", func(c *ctx) {
			_ = checkInputGrad(c, kA, dyA) && checkInputGrad(c, kB, dyB)
		}},
		{"InputGrad_vs_finite_differences", func(c *ctx) {
			got, ok := igradOf(c, kR, dyR)
			if !ok {
				return
			}
			x := convClone(xR)
			fd, ok := slope(c, x, kR, dyR, x)
			if !ok {
				return
			}
			right := mistake{"your InputGrad is right; the slope of your Conv2D is not: fix Conv2D first.",
				convFlat(inputGradRef(kR, dyR))}
			e := expect{fn: igrad, what: "InputGrad(k, dy) against the slope of Σ dy ⊙ Conv2D(x, k) in x", at: "dx",
				tol: fdTol, given: []string{"k = " + matString(kR), "dy = " + matString(dyR)},
				mistakes: append([]mistake{right}, inputGradMistakes(kR, dyR)...), hint: inputGradHint}
			e.mat(c, got, fd)
		}},
	}
}

// convClone returns a copy of m, for the finite differences to perturb.
func convClone(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for i, r := range m {
		out[i] = append([]float64(nil), r...)
	}
	return out
}
