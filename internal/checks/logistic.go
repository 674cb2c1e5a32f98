package checks

import (
	"fmt"
	"math"
	"testing"
)

// LogisticImpl holds the learner's functions of the logistic exercise.
//
// Sigmoid(z) is 1/(1 + e^(−z)), finite and accurate for any z.
// BCE(p, y) is the mean binary cross-entropy
// −(1/n)·Σ[yᵢ·log pᵢ + (1−yᵢ)·log(1−pᵢ)] with each pᵢ clamped into
// [1e-7, 1−1e-7] so that a confident wrong answer costs a lot but never
// +Inf. Grad(z, y) is the gradient of BCE(Sigmoid(z), y) with respect to
// the logits z: (Sigmoid(zᵢ) − yᵢ)/n. Labels y are in [0, 1] and need not
// be 0 or 1. No function changes its arguments.
type LogisticImpl struct {
	Sigmoid func(z float64) float64
	BCE     func(p, y []float64) float64
	Grad    func(z, y []float64) []float64
}

// Logistic runs the checks of the logistic exercise as sub-tests of t.
func Logistic(t *testing.T, impl LogisticImpl) {
	t.Helper()
	report(t, logisticCases(impl))
}

// CheckLogistic runs the same checks as Logistic and returns the problems
// found; none means impl passes.
func CheckLogistic(impl LogisticImpl) []Problem { return collect(logisticCases(impl)) }

// bceEps is the clamp of BCE, Keras's epsilon.
const bceEps = 1e-7

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func bce(p, y []float64) float64 {
	s := 0.0
	for i := range p {
		q := min(max(p[i], bceEps), 1-bceEps)
		s -= y[i]*math.Log(q) + (1-y[i])*math.Log(1-q)
	}
	return s / float64(len(p))
}

func logisticGrad(z, y []float64) []float64 {
	n := float64(len(z))
	return mapVec(z, y, func(z, y float64) float64 { return (sigmoid(z) - y) / n })
}

// sigmoidMistakes are the known wrong values of Sigmoid(z).
func sigmoidMistakes(z float64) []mistake {
	return []mistake{
		{"mind the sign in the exponent: σ(z) = 1/(1 + e^(−z)), not 1/(1 + e^z).", []float64{1 / (1 + math.Exp(z))}},
		{"that is tanh(z); the sigmoid is 1/(1 + e^(−z)) = (1 + tanh(z/2))/2.", []float64{math.Tanh(z)}},
	}
}

func zyGiven(zName string, z, y []float64) []string {
	return []string{zName + " = " + vecString(z), "y = " + vecString(y)}
}

func bceMistakes(p, y []float64) []mistake {
	n := float64(len(p))
	sum, branch, half, ten := 0.0, 0.0, 0.0, 0.0
	for i := range p {
		term := y[i]*math.Log(p[i]) + (1-y[i])*math.Log(1-p[i])
		sum -= term
		half -= y[i] * math.Log(p[i])
		ten -= y[i]*math.Log10(p[i]) + (1-y[i])*math.Log10(1-p[i])
		if y[i] >= 0.5 {
			branch -= math.Log(p[i])
		} else {
			branch -= math.Log(1 - p[i])
		}
	}
	return []mistake{
		{"divide the sum by n: the loss is the mean over the batch.", []float64{sum}},
		{"the loss is minus the mean log-likelihood, so it is ≥ 0: check the sign.", []float64{-sum / n}},
		{"use the natural log, math.Log, not math.Log10.", []float64{ten / n}},
		{"the (1−y)·log(1−p) term is missing: it is what punishes a high p when y = 0.", []float64{half / n}},
		{"labels can be fractional (0.3): use y·log p + (1−y)·log(1−p), not a branch on y.", []float64{branch / n}},
	}
}

func logisticGradMistakes(z, y []float64) []mistake {
	n := float64(len(z))
	f := func(g func(s, z, y float64) float64) []float64 {
		return mapVec(z, y, func(z, y float64) float64 { return g(sigmoid(z), z, y) })
	}
	return []mistake{
		{"divide by the batch size n: BCE is a mean over n examples.", f(func(s, _, y float64) float64 { return s - y })},
		{"the sign is flipped: dL/dz = (σ(z) − y)/n, positive when the prediction is above the label.",
			f(func(s, _, y float64) float64 { return (y - s) / n })},
		{"apply the sigmoid first: the gradient is (σ(z) − y)/n, not (z − y)/n.",
			f(func(_, z, y float64) float64 { return (z - y) / n })},
		{"no extra σ'(z) = σ(1−σ) factor: it cancels against BCE's 1/(p(1−p)), leaving (σ(z) − y)/n.",
			f(func(s, _, y float64) float64 { return (s - y) * s * (1 - s) / n })},
		{"that is dL/dp; chain it through dp/dz = σ(1−σ), which leaves (σ(z) − y)/n.",
			f(func(s, _, y float64) float64 { return (s - y) / (s * (1 - s)) / n })},
	}
}

func logisticCases(impl LogisticImpl) []testCase {
	sig := funcOf("logistic.Sigmoid", impl.Sigmoid)
	bceF := funcOf("logistic.BCE", impl.BCE)
	grad := funcOf("logistic.Grad", impl.Grad)
	r := newRand(2)
	randZ, randY := randVec(r, 6, -3, 3), randVec(r, 6, 0, 1)
	randP := randVec(r, 6, 0.02, 0.98)
	randY[0], randY[1] = 0, 1

	sigmoidAt := func(c *ctx, zs []float64, t tol, hint string, mistakes func(z float64) []mistake) {
		const overflow = "e^z overflows to +Inf for z > 709 and Inf/Inf is NaN: for z ≥ 0 use 1/(1 + e^(−z)), for z < 0 use e^z/(1 + e^z)."
		for _, z := range zs {
			var got float64
			if !call(c, sig, func() { got = impl.Sigmoid(z) }) {
				return
			}
			e := expect{fn: sig, what: fmt.Sprintf("Sigmoid(%g)", z), tol: t, mistakes: mistakes(z), hint: hint, nanHint: overflow}
			if !e.scalar(c, got, sigmoid(z)) {
				return
			}
		}
	}
	bceOf := func(c *ctx, p, y []float64) (float64, bool) {
		keep := freeze([]string{"p", "y"}, p, y)
		var got float64
		return got, call(c, bceF, func() { got = impl.BCE(p, y) }) && keep.verify(c, bceF)
	}
	gradOf := func(c *ctx, z, y []float64) ([]float64, bool) {
		keep := freeze([]string{"z", "y"}, z, y)
		var got []float64
		return got, call(c, grad, func() { got = impl.Grad(z, y) }) && keep.verify(c, grad)
	}
	const gradHint = "dL/dzᵢ = (Sigmoid(zᵢ) − yᵢ)/n."

	return []testCase{
		{"Sigmoid_values", func(c *ctx) {
			sigmoidAt(c, []float64{0, 2, -2, 0.5, -7}, exactTol, "σ(z) = 1/(1 + e^(−z)); σ(0) = 0.5.",
				sigmoidMistakes)
		}},
		{"Sigmoid_large_inputs", func(c *ctx) {
			// e^800 overflows to +Inf; σ(−40) ≈ 4.25e-18 must keep its digits.
			sigmoidAt(c, []float64{800, -800, 40, -40, -700}, tol{abs: 1e-300, rel: 1e-9},
				"for z ≥ 0 use 1/(1 + e^(−z)); for z < 0 use e^z/(1 + e^z), so that e^(±z) never overflows.",
				func(z float64) []mistake {
					return []mistake{{"1 − σ(−z) loses every digit when σ(z) is tiny; for z < 0 compute e^z/(1 + e^z).",
						[]float64{1 - 1/(1+math.Exp(z))}}}
				})
		}},
		{"BCE_hand_computed", func(c *ctx) {
			for _, h := range [][2][]float64{{{0.9, 0.2, 0.6}, {1, 0, 1}}, {{0.5}, {1}}, {{0.7, 0.4}, {0.3, 1}}} {
				got, ok := bceOf(c, h[0], h[1])
				e := expect{fn: bceF, what: "BCE(p, y)", given: zyGiven("p", h[0], h[1]), tol: exactTol,
					mistakes: bceMistakes(h[0], h[1]), hint: "BCE = −(1/n)·Σ[y·log p + (1−y)·log(1−p)]."}
				if !ok || !e.scalar(c, got, bce(h[0], h[1])) {
					return
				}
			}
		}},
		{"BCE_clamps_0_and_1", func(c *ctx) {
			// The exact clamp is the learner's choice; the result must be
			// finite, large for a confident wrong answer, small for a right one.
			for _, h := range []struct {
				p, y   float64
				lo, hi float64
			}{{0, 1, 5, 40}, {1, 0, 5, 40}, {1, 1, 0, 1e-3}, {0, 0, 0, 1e-3}} {
				p, y := []float64{h.p}, []float64{h.y}
				got, ok := bceOf(c, p, y)
				if !ok {
					return
				}
				if !(got >= h.lo && got <= h.hi) {
					expect{fn: bceF, given: zyGiven("p", p, y)}.fail(c,
						fmt.Sprintf("BCE(p, y) = %s, want a finite value in [%g, %g].", num(got), h.lo, h.hi),
						"clamp p into [ε, 1−ε] (ε = 1e-7, as Keras does) before taking logs: log(0) is −Inf and 0·(−Inf) is NaN.")
					return
				}
			}
		}},
		{"BCE_random_inputs", func(c *ctx) {
			got, ok := bceOf(c, randP, randY)
			e := expect{fn: bceF, what: "BCE(p, y)", given: zyGiven("p", randP, randY), tol: exactTol,
				mistakes: bceMistakes(randP, randY), hint: "BCE = −(1/n)·Σ[y·log p + (1−y)·log(1−p)]."}
			if ok {
				e.scalar(c, got, bce(randP, randY))
			}
		}},
		{"Grad_hand_computed", func(c *ctx) {
			z, y := []float64{0, 2, -1}, []float64{1, 0, 1}
			got, ok := gradOf(c, z, y)
			e := expect{fn: grad, what: "Grad(z, y)", given: zyGiven("z", z, y), tol: exactTol,
				mistakes: logisticGradMistakes(z, y), hint: gradHint}
			if ok {
				e.vec(c, got, logisticGrad(z, y))
			}
		}},
		{"Grad_large_inputs", func(c *ctx) {
			z, y := []float64{800, -800, 40, -40}, []float64{1, 1, 0, 0}
			got, ok := gradOf(c, z, y)
			e := expect{fn: grad, what: "Grad(z, y)", given: zyGiven("z", z, y), tol: exactTol,
				hint:    "compute (σ(z) − y)/n with a stable sigmoid; do not go through log p or 1/(p(1−p)), which overflow.",
				nanHint: "compute (σ(z) − y)/n with a stable sigmoid; do not go through log p or 1/(p(1−p)), which overflow."}
			if ok {
				e.vec(c, got, logisticGrad(z, y))
			}
		}},
		{"Grad_vs_finite_differences", func(c *ctx) {
			z, y := randZ, randY
			got, ok := gradOf(c, z, y)
			if !ok {
				return
			}
			var fd []float64
			loss := func() float64 {
				p := make([]float64, len(z))
				for i := range z {
					p[i] = impl.Sigmoid(z[i])
				}
				return impl.BCE(p, y)
			}
			if !call(c, bceF, func() { fd = centralDiff(loss, z) }) {
				return
			}
			right := mistake{"your Grad is right; the slope of your BCE(Sigmoid(z), y) is not: fix Sigmoid or BCE first.",
				logisticGrad(z, y)}
			e := expect{fn: grad, what: "Grad(z, y) against the slope of your BCE(Sigmoid(z), y)",
				given: zyGiven("z", z, y), tol: fdTol,
				mistakes: append([]mistake{right}, logisticGradMistakes(z, y)...), hint: gradHint}
			e.vec(c, got, fd)
		}},
	}
}
