package checks

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// RegularizeImpl holds the learner's functions of the regularize exercise.
//
// L2Grad(w, grad, λ) is the gradient of L + (λ/2)·‖w‖² given grad = ∂L/∂w:
// gradᵢ + λ·wᵢ, in a new slice (the ½ of the penalty cancels the 2 of the
// square). DropoutForward(x, p, u) is inverted dropout in training with
// drop probability p ∈ [0, 1) and one uniform draw uᵢ ∈ [0, 1) per
// element: element i is dropped when uᵢ < p and kept when uᵢ ≥ p; it
// returns maskᵢ = 0 for a dropped element and 1/(1−p) for a kept one, and
// y = x ⊙ mask. DropoutBackward(dy, mask) is dy ⊙ mask. DropoutEval(x, p)
// is dropout at evaluation time: a copy of x, unscaled. Every result is a
// new slice and no function changes its arguments.
type RegularizeImpl struct {
	L2Grad          func(w, grad []float64, lambda float64) []float64
	DropoutForward  func(x []float64, p float64, u []float64) (y, mask []float64)
	DropoutBackward func(dy, mask []float64) []float64
	DropoutEval     func(x []float64, p float64) []float64
}

// Regularize runs the checks of the regularize exercise as sub-tests of t.
func Regularize(t *testing.T, impl RegularizeImpl) {
	t.Helper()
	report(t, regularizeCases(impl))
}

// CheckRegularize runs the same checks as Regularize and returns the
// problems found; none means impl passes.
func CheckRegularize(impl RegularizeImpl) []Problem { return collect(regularizeCases(impl)) }

func regularizeCases(impl RegularizeImpl) []testCase {
	l2 := funcOf("regularize.L2Grad", impl.L2Grad)
	fwd := funcOf("regularize.DropoutForward", impl.DropoutForward)
	bwd := funcOf("regularize.DropoutBackward", impl.DropoutBackward)
	eval := funcOf("regularize.DropoutEval", impl.DropoutEval)

	const l2Hint = "L2Grad returns grad + λ·w, element by element: the gradient of L + (λ/2)·‖w‖²."
	checkL2 := func(c *ctx, w, grad []float64, lambda float64) bool {
		keep := freeze([]string{"w", "grad"}, w, grad)
		var got []float64
		if !call(c, l2, func() { got = impl.L2Grad(w, grad, lambda) }) || !keep.verify(c, l2) {
			return false
		}
		e := expect{fn: l2, what: fmt.Sprintf("L2Grad(w, grad, %g)", lambda), given: regGiven("w", w, "grad", grad, "λ", lambda),
			tol: exactTol, mistakes: l2Mistakes(w, grad, lambda), hint: l2Hint}
		return e.vec(c, got, l2GradRef(w, grad, lambda))
	}
	const fwdHint = "drop element i (mask 0) when u[i] < p, keep it (mask 1/(1−p)) when u[i] ≥ p; y = x ⊙ mask."
	// forward calls DropoutForward and compares y and then mask.
	forward := func(c *ctx, x, u []float64, p float64) ([]float64, bool) {
		keep := freeze([]string{"x", "u"}, x, u)
		var y, mask []float64
		if !call(c, fwd, func() { y, mask = impl.DropoutForward(x, p, u) }) || !keep.verify(c, fwd) {
			return nil, false
		}
		given := regGiven("x", x, "p", p, "u", u)
		ey := expect{fn: fwd, what: fmt.Sprintf("y of DropoutForward(x, %g, u)", p), at: "y", given: given,
			tol: exactTol, mistakes: dropoutYMistakes(x, u, p), hint: fwdHint}
		em := expect{fn: fwd, what: fmt.Sprintf("mask of DropoutForward(x, %g, u)", p), at: "mask", given: given,
			tol: exactTol, mistakes: dropoutMaskMistakes(u, p), hint: fwdHint}
		want := dropoutMaskRef(u, p)
		return mask, ey.vec(c, y, mulVec(x, want)) && em.vec(c, mask, want)
	}
	checkBwd := func(c *ctx, dy, mask []float64) bool {
		keep := freeze([]string{"dy", "mask"}, dy, mask)
		var got []float64
		if !call(c, bwd, func() { got = impl.DropoutBackward(dy, mask) }) || !keep.verify(c, bwd) {
			return false
		}
		e := expect{fn: bwd, what: "DropoutBackward(dy, mask)", given: regGiven("dy", dy, "mask", mask), tol: exactTol,
			mistakes: dropoutBackwardMistakes(dy, mask), hint: "∂L/∂x = dy ⊙ mask, element by element."}
		return e.vec(c, got, mulVec(dy, mask))
	}

	r := newRand(11)
	randW, randG := randVec(r, 7, -2, 2), randVec(r, 7, -1, 1)
	randX, randU := randVec(r, 8, -3, 3), randVec(r, 8, 0, 1)
	randDY := randVec(r, 8, -1, 1)

	return []testCase{
		{"L2Grad_hand_computed", func(c *ctx) {
			if checkL2(c, []float64{0.5, -2, 0, 3}, []float64{0.1, 0.2, -0.3, 0}, 0.1) {
				checkL2(c, []float64{1.5, -0.5}, []float64{0.25, 1}, 0)
			}
		}},
		{"L2Grad_random_inputs", func(c *ctx) { checkL2(c, randW, randG, 0.03) }},
		{"L2Grad_is_the_slope_of_loss_plus_penalty", func(c *ctx) {
			// L(w) = Σ aᵢ·wᵢ + ½·Σ wᵢ⁴ has ∂L/∂wᵢ = aᵢ + 2·wᵢ³; the total
			// objective adds (λ/2)·‖w‖².
			const lambda = 0.2
			w, a := slices.Clone(randW), randG
			grad := mapVec(w, a, func(w, a float64) float64 { return a + 2*w*w*w })
			var got []float64
			if !call(c, l2, func() { got = impl.L2Grad(w, grad, lambda) }) {
				return
			}
			total := func() float64 {
				s := 0.0
				for i, v := range w {
					s += a[i]*v + v*v*v*v/2 + lambda/2*v*v
				}
				return s
			}
			e := expect{fn: l2, what: "L2Grad(w, ∂L/∂w, 0.2) against the slope of L + (λ/2)·‖w‖²",
				given: regGiven("w", w, "∂L/∂w", grad, "λ", lambda), tol: fdTol,
				mistakes: l2Mistakes(w, grad, lambda), hint: l2Hint}
			e.vec(c, got, centralDiff(total, w))
		}},
		{"DropoutForward_hand_computed", func(c *ctx) {
			// u = p exactly (element 3) is kept.
			x := []float64{1, -2, 3, 4, -5, 6}
			u := []float64{0.1, 0.5, 0.9, 0.3, 0.25, 0.7}
			if _, ok := forward(c, x, u, 0.3); ok {
				forward(c, []float64{2, -1, 0.5}, []float64{0.99, 0, 0.4}, 0)
			}
		}},
		{"DropoutForward_random_inputs", func(c *ctx) { forward(c, randX, randU, 0.5) }},
		{"DropoutForward_keeps_the_expected_value", func(c *ctx) {
			// Over many draws the mean of y is the mean of x: that is
			// what the 1/(1−p) is for.
			const n, p = 20000, 0.4
			r := newRand(12)
			x, u := randVec(r, n, 0.5, 1.5), randVec(r, n, 0, 1)
			var y []float64
			if !call(c, fwd, func() { y, _ = impl.DropoutForward(x, p, u) }) {
				return
			}
			if len(y) != n {
				expect{fn: fwd}.fail(c, fmt.Sprintf("y has length %d, want %d.", len(y), n), "return one output per input.")
				return
			}
			ratio := mean(y) / mean(x)
			c.observe(math.Abs(ratio-1), "mean")
			if math.Abs(ratio-1) > 0.03 || math.IsNaN(ratio) {
				expect{fn: fwd, given: []string{fmt.Sprintf("%d values x ~ U[0.5, 1.5), p = %g, u ~ U[0, 1)", n, p)}}.fail(c,
					fmt.Sprintf("the mean of y is %s times the mean of x, want about 1.", num(ratio)),
					"inverted dropout keeps the expected value: a kept element is multiplied by 1/(1−p), which makes up for the p that are dropped.")
			}
		}},
		{"DropoutBackward_hand_computed", func(c *ctx) {
			s := 1 / 0.7
			checkBwd(c, []float64{0.5, -1, 2, 0.25, 3, -0.5}, []float64{0, s, s, s, 0, s})
		}},
		{"DropoutBackward_vs_finite_differences", func(c *ctx) {
			// Your DropoutForward's y = x ⊙ mask: first its mask must be
			// the slope ∂yᵢ/∂xᵢ of its own y, then DropoutBackward(dy, mask)
			// the slope of L(x) = Σ dyᵢ·yᵢ.
			const p = 0.5
			x, dy := slices.Clone(randX), randDY
			var mask, got, slope, fd []float64
			sum := func(w []float64) func() float64 {
				return func() float64 {
					y, _ := impl.DropoutForward(x, p, randU)
					s := 0.0
					for i := range min(len(y), len(w)) {
						s += w[i] * y[i]
					}
					return s
				}
			}
			ones := mapVec(x, x, func(_, _ float64) float64 { return 1 })
			if !call(c, fwd, func() { _, mask = impl.DropoutForward(x, p, randU) }) ||
				!call(c, fwd, func() { slope, fd = centralDiff(sum(ones), x), centralDiff(sum(dy), x) }) {
				return
			}
			given := regGiven("x", x, "p", p, "u", randU)
			em := expect{fn: fwd, what: "mask of DropoutForward(x, 0.5, u) against the slope ∂yᵢ/∂xᵢ of its own y", at: "mask",
				given: given, tol: fdTol,
				hint: "the mask must hold the factor each xᵢ was multiplied by, so that y = x ⊙ mask: 0 or 1/(1−p)."}
			if !em.vec(c, mask, slope) || !call(c, bwd, func() { got = impl.DropoutBackward(dy, mask) }) {
				return
			}
			e := expect{fn: bwd, what: "DropoutBackward(dy, mask) against the slope of Σ dy·y of your DropoutForward",
				given: append(given, regGiven("dy", dy)...), tol: fdTol,
				mistakes: dropoutBackwardMistakes(dy, mask), hint: "∂L/∂x = dy ⊙ mask."}
			e.vec(c, got, fd)
		}},
		{"DropoutEval_changes_nothing", func(c *ctx) {
			x := []float64{1, -2, 0.5, 4}
			keep := freeze([]string{"x"}, x)
			var got []float64
			if !call(c, eval, func() { got = impl.DropoutEval(x, 0.3) }) || !keep.verify(c, eval) {
				return
			}
			e := expect{fn: eval, what: "DropoutEval(x, 0.3)", given: regGiven("x", x, "p", 0.3), tol: exactTol,
				mistakes: dropoutEvalMistakes(x, 0.3), hint: "at evaluation dropout does nothing: return a copy of x."}
			if !e.vec(c, got, x) {
				return
			}
			if &got[0] == &x[0] {
				expect{fn: eval, given: regGiven("x", x)}.fail(c, "returned x itself.",
					"return a copy in a new slice, so that changing the result cannot change x.")
			}
		}},
	}
}

// mean is the average of xs.
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func l2GradRef(w, grad []float64, lambda float64) []float64 {
	return mapVec(w, grad, func(w, g float64) float64 { return g + lambda*w })
}

// dropoutMaskRef keeps element i when u[i] ≥ p, scaled by 1/(1−p).
func dropoutMaskRef(u []float64, p float64) []float64 {
	mask := make([]float64, len(u))
	for i, v := range u {
		if v >= p {
			mask[i] = 1 / (1 - p)
		}
	}
	return mask
}

// mulVec is a ⊙ b, with +0 (never −0) where either factor is 0, so that
// messages do not show "want -0".
func mulVec(a, b []float64) []float64 {
	return mapVec(a, b, func(x, y float64) float64 {
		if x == 0 || y == 0 {
			return 0
		}
		return x * y
	})
}

func l2Mistakes(w, grad []float64, lambda float64) []mistake {
	with := func(f func(w, g float64) float64) []float64 { return mapVec(w, grad, f) }
	sign := func(w float64) float64 {
		switch {
		case w > 0:
			return 1
		case w < 0:
			return -1
		}
		return 0
	}
	return []mistake{
		{"the penalty is (λ/2)·‖w‖², whose gradient is λ·w: the ½ cancels the 2 of the square, so do not halve λ.",
			with(func(w, g float64) float64 { return g + lambda*w/2 })},
		{"that is the gradient of λ·‖w‖²; this exercise's penalty is (λ/2)·‖w‖², whose gradient is λ·w.",
			with(func(w, g float64) float64 { return g + 2*lambda*w })},
		{"add λ·w, do not subtract it: the penalty grows with |w|, and the update w − lr·(grad + λ·w) then shrinks w.",
			with(func(w, g float64) float64 { return g - lambda*w })},
		{"add λ·w to grad, the gradient of the loss; returning λ·w alone drops the loss.",
			with(func(w, _ float64) float64 { return lambda * w })},
		{"λ·sign(w) is the gradient of the L1 penalty λ·‖w‖₁; L2's is λ·w.",
			with(func(w, g float64) float64 { return g + lambda*sign(w) })},
	}
}

// dropoutYMistakes are wrong outputs of DropoutForward, most telling first.
func dropoutYMistakes(x, u []float64, p float64) []mistake {
	keep := func(dropped func(u float64) bool, scale float64) []float64 {
		return mapVec(x, u, func(x, u float64) float64 {
			if dropped(u) {
				return 0
			}
			return x * scale
		})
	}
	below := func(u float64) bool { return u < p }
	return []mistake{
		{"scale the kept values by 1/(1−p): without it the expected output is (1−p)·x, and the network would see smaller values in training than at test time.",
			keep(below, 1)},
		{"multiply the kept values by 1/(1−p), not by (1−p): inverted dropout scales up in training so that nothing changes at test time.",
			keep(below, 1-p)},
		{"drop an element when u < p (that happens with probability p) and keep it when u ≥ p; you kept the ones with u < p.",
			keep(func(u float64) bool { return u >= p }, 1/(1-p))},
		{"an element with u exactly equal to p is kept: drop only when u < p.",
			keep(func(u float64) bool { return u <= p }, 1/(1-p))},
		{"scale by 1/(1−p), the inverse of the keep probability, not 1/p.", keep(below, 1/p)},
	}
}

func dropoutMaskMistakes(u []float64, p float64) []mistake {
	binary := make([]float64, len(u))
	for i, v := range dropoutMaskRef(u, p) {
		if v != 0 {
			binary[i] = 1
		}
	}
	return []mistake{
		{"the mask holds the factor each element was multiplied by — 0 or 1/(1−p) — so that the backward pass is simply dy ⊙ mask.", binary},
		{"drop an element when u < p and keep it when u ≥ p; your mask keeps the ones with u < p.",
			mapVec(u, u, func(v, _ float64) float64 {
				if v < p {
					return 1 / (1 - p)
				}
				return 0
			})},
	}
}

func dropoutBackwardMistakes(dy, mask []float64) []mistake {
	return []mistake{
		{"multiply by the mask: a dropped element took no part in the output, so it gets no gradient.", dy},
		{"use the mask's values, not only whether they are 0: a kept element was scaled by 1/(1−p), so its gradient is scaled by the same factor.",
			mapVec(dy, mask, func(g, m float64) float64 {
				if m == 0 {
					return 0
				}
				return g
			})},
		{"multiply by the mask once: y = x ⊙ mask, so ∂L/∂x = dy ⊙ mask.", mulVec(mulVec(dy, mask), mask)},
	}
}

func dropoutEvalMistakes(x []float64, p float64) []mistake {
	scaled := func(k float64) []float64 { return mapVec(x, x, func(v, _ float64) float64 { return v * k }) }
	return []mistake{
		{"inverted dropout does all its scaling in training; at test time the network is used as it is. Multiplying by (1−p) at test time belongs to the original, non-inverted dropout.",
			scaled(1 - p)},
		{"no scaling at test time: the 1/(1−p) was already applied in training, to the values that were kept.",
			scaled(1 / (1 - p))},
	}
}

func regGiven(pairs ...any) []string {
	var out []string
	for i := 0; i+1 < len(pairs); i += 2 {
		switch v := pairs[i+1].(type) {
		case []float64:
			out = append(out, fmt.Sprintf("%-6s = %s", pairs[i], vecString(v)))
		default:
			out = append(out, fmt.Sprintf("%-6s = %v", pairs[i], v))
		}
	}
	return out
}
