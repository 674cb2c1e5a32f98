package checks

import (
	"fmt"
	"math"
	"testing"
)

// SoftmaxImpl holds the learner's functions of the softmax exercise.
//
// Softmax(z) is e^(zᵢ)/Σⱼ e^(zⱼ), a new slice of probabilities, computed
// with the largest z subtracted first so that it is finite and accurate
// for any z (z = [1000 0] gives [1 0]). CrossEntropy(z, target) is the
// loss −log softmax(z)[target] of one example from its logits, computed
// by log-sum-exp as log Σⱼ e^(zⱼ − m) + m − z[target] with m = max z, so
// that it is finite whenever z is (z = [1000 0], target 1 gives 1000).
// Grad(z, target) is its gradient with respect to z, a new slice
// softmax(z) − onehot(target). z has at least one element, target is a
// valid index, and no function changes z.
type SoftmaxImpl struct {
	Softmax      func(z []float64) []float64
	CrossEntropy func(z []float64, target int) float64
	Grad         func(z []float64, target int) []float64
}

// Softmax runs the checks of the softmax exercise as sub-tests of t.
func Softmax(t *testing.T, impl SoftmaxImpl) {
	t.Helper()
	report(t, softmaxCases(impl))
}

// CheckSoftmax runs the same checks as Softmax and returns the problems
// found; none means impl passes.
func CheckSoftmax(impl SoftmaxImpl) []Problem { return collect(softmaxCases(impl)) }

// logSumExp is log Σ e^(zᵢ), with the maximum taken out.
func logSumExp(z []float64) float64 {
	m := z[0]
	for _, v := range z[1:] {
		m = math.Max(m, v)
	}
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

func softmaxRef(z []float64) []float64 {
	m := z[0]
	for _, v := range z[1:] {
		m = math.Max(m, v)
	}
	p := make([]float64, len(z))
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(v - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

func crossEntropyRef(z []float64, target int) float64 { return logSumExp(z) - z[target] }

func softmaxGradRef(z []float64, target int) []float64 {
	g := softmaxRef(z)
	g[target]--
	return g
}

// naiveSoftmax is e^z/Σe^z without the maximum taken out: NaN once e^z
// overflows (z > 709) or every e^z underflows (z < −745).
func naiveSoftmax(z []float64) []float64 {
	p := make([]float64, len(z))
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(v)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

func zGiven(z []float64, target int) []string {
	g := []string{"z = " + vecString(z)}
	if target >= 0 {
		g = append(g, fmt.Sprintf("target = %d", target))
	}
	return g
}

const (
	softmaxHint  = "softmax(z)ᵢ = e^(zᵢ − m) / Σⱼ e^(zⱼ − m) with m = max(z): positive, summing to 1."
	softmaxNaN   = "e^z overflows to +Inf for z > 709 (and every e^z underflows to 0 for z < −745), giving Inf/Inf or 0/0 = NaN: subtract m = max(z) from every z before exp; the softmax does not change when the same number is added to every z."
	ceHint       = "CrossEntropy = log Σⱼ e^(zⱼ − m) + m − z[target], with m = max(z) (log-sum-exp)."
	ceNaN        = "never take the log of a probability: softmax(z)[target] can underflow to 0 and log 0 = −Inf. Use log-sum-exp: log Σⱼ e^(zⱼ − m) + m − z[target]."
	gradHintText = "dL/dzᵢ = softmax(z)ᵢ − 1 if i = target, else softmax(z)ᵢ: softmax minus one-hot."
)

func softmaxMistakes(z []float64) []mistake {
	n := len(z)
	exps, neg, sig, lin := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	sum, zsum := 0.0, 0.0
	for i, v := range z {
		exps[i] = math.Exp(v)
		neg[i] = math.Exp(-v)
		sig[i] = sigmoid(v)
		sum += neg[i]
		zsum += v
	}
	for i, v := range z {
		neg[i] /= sum
		lin[i] = v / zsum
	}
	return []mistake{
		{"divide by the sum: softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ), so the outputs sum to 1.", exps},
		{"mind the sign: softmax uses e^(+zᵢ), so the largest z gets the largest probability.", neg},
		{"that is the sigmoid of each z on its own; the softmax normalises over all of them together.", sig},
		{"exponentiate before normalising: zᵢ/Σz is not a probability (it can be negative).", lin},
	}
}

func crossEntropyMistakes(z []float64, target int) []mistake {
	p := softmaxRef(z)
	lse, ce := logSumExp(z), crossEntropyRef(z, target)
	argmax := 0
	for i := range z {
		if z[i] > z[argmax] {
			argmax = i
		}
	}
	return []mistake{
		{"the loss is −log p, not log p: it is ≥ 0 and 0 only for a certain, right answer.", []float64{-ce}},
		{"use the natural log, math.Log, not math.Log10.", []float64{ce / math.Ln10}},
		{"return −log p[target], not the probability p[target] itself.", []float64{p[target]}},
		{"subtract z[target]: the loss is log Σ e^z − z[target]; log Σ e^z alone ignores the target.", []float64{lse}},
		{"the log-sum-exp term is missing: the loss is log Σⱼ e^(zⱼ) − z[target], not −z[target].", []float64{-z[target]}},
		{"take the target's entry, not the largest one.", []float64{crossEntropyRef(z, argmax)}},
		{"log(softmax(z)[target]) is −Inf once that probability underflows to 0: use log-sum-exp, log Σⱼ e^(zⱼ − m) + m − z[target].",
			[]float64{-math.Log(p[target])}},
	}
}

func softmaxGradMistakes(z []float64, target int) []mistake {
	n := float64(len(z))
	p := softmaxRef(z)
	g := softmaxGradRef(z, target)
	each := func(f func(i int) float64) []float64 {
		out := make([]float64, len(z))
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	return []mistake{
		{"subtract 1 at the target: the gradient is softmax(z) − onehot(target), not softmax(z).", p},
		{"the sign is flipped: the gradient is softmax(z) − onehot(target), negative only at the target.", each(func(i int) float64 { return -g[i] })},
		{"subtract 1 only at the target index, not from every entry.", each(func(i int) float64 { return p[i] - 1 })},
		{"every entry gets a gradient, p[i] for i ≠ target: raising a wrong word's score raises the loss.",
			each(func(i int) float64 {
				if i == target {
					return g[i]
				}
				return 0
			})},
		{"no 1/n here: this is the loss of a single example.", each(func(i int) float64 { return g[i] / n })},
		{"p(1 − p) is the softmax's derivative of each output by its own input only; the cross-entropy's gradient in z is p − onehot.",
			each(func(i int) float64 { return p[i] * (1 - p[i]) })},
	}
}

func softmaxCases(impl SoftmaxImpl) []testCase {
	smF := funcOf("softmax.Softmax", impl.Softmax)
	ceF := funcOf("softmax.CrossEntropy", impl.CrossEntropy)
	grF := funcOf("softmax.Grad", impl.Grad)
	r := newRand(7)
	randZ := [][]float64{randVec(r, 5, -4, 4), randVec(r, 10, -10, 10)}
	randT := []int{r.IntN(5), r.IntN(10)}

	checkSoftmax := func(c *ctx, z []float64, nanHint string) bool {
		keep := freeze([]string{"z"}, z)
		var got []float64
		if !call(c, smF, func() { got = impl.Softmax(z) }) || !keep.verify(c, smF) {
			return false
		}
		e := expect{fn: smF, what: "Softmax(z)", given: zGiven(z, -1), tol: exactTol,
			mistakes: softmaxMistakes(z), hint: softmaxHint, nanHint: nanHint}
		return e.vec(c, got, softmaxRef(z))
	}
	checkCE := func(c *ctx, z []float64, target int, hint string) bool {
		keep := freeze([]string{"z"}, z)
		var got float64
		if !call(c, ceF, func() { got = impl.CrossEntropy(z, target) }) || !keep.verify(c, ceF) {
			return false
		}
		e := expect{fn: ceF, what: "CrossEntropy(z, target)", given: zGiven(z, target), tol: exactTol,
			mistakes: crossEntropyMistakes(z, target), hint: hint, nanHint: ceNaN}
		return e.scalar(c, got, crossEntropyRef(z, target))
	}
	checkGrad := func(c *ctx, z []float64, target int, nanHint string) bool {
		keep := freeze([]string{"z"}, z)
		var got []float64
		if !call(c, grF, func() { got = impl.Grad(z, target) }) || !keep.verify(c, grF) {
			return false
		}
		e := expect{fn: grF, what: "Grad(z, target)", given: zGiven(z, target), tol: exactTol,
			mistakes: softmaxGradMistakes(z, target), hint: gradHintText, nanHint: nanHint}
		return e.vec(c, got, softmaxGradRef(z, target))
	}
	// Large logits: e^1000 overflows, e^−800 underflows.
	large := []struct {
		z      []float64
		target int
	}{{[]float64{1000, 0}, 1}, {[]float64{1000, 1000}, 0}, {[]float64{-800, -801, -800}, 1}, {[]float64{-1000, 0, 1000}, 0}}

	return []testCase{
		{"Softmax_hand_computed", func(c *ctx) {
			for _, z := range [][]float64{{0, 0}, {1, 2, 3}, {5}, {-1, 0.5, 2, 0.5}} {
				if !checkSoftmax(c, z, "") {
					return
				}
			}
		}},
		{"Softmax_large_inputs", func(c *ctx) {
			for _, l := range large {
				if !checkSoftmax(c, l.z, softmaxNaN) {
					return
				}
			}
		}},
		{"Softmax_random_inputs", func(c *ctx) {
			for _, z := range randZ {
				if !checkSoftmax(c, z, "") {
					return
				}
			}
		}},
		{"CrossEntropy_hand_computed", func(c *ctx) {
			for _, h := range []struct {
				z      []float64
				target int
			}{{[]float64{0, 0}, 0}, {[]float64{1, 2, 3}, 2}, {[]float64{1, 2, 3}, 0}, {[]float64{-1, 0.5, 2, 0.5}, 3}} {
				if !checkCE(c, h.z, h.target, ceHint) {
					return
				}
			}
		}},
		{"CrossEntropy_large_inputs", func(c *ctx) {
			for _, l := range large {
				if !checkCE(c, l.z, l.target, ceNaN) {
					return
				}
			}
		}},
		{"CrossEntropy_random_inputs", func(c *ctx) {
			for k, z := range randZ {
				if !checkCE(c, z, randT[k], ceHint) {
					return
				}
			}
		}},
		{"Grad_hand_computed", func(c *ctx) {
			for _, h := range []struct {
				z      []float64
				target int
			}{{[]float64{0, 0}, 1}, {[]float64{1, 2, 3}, 0}, {[]float64{-1, 0.5, 2, 0.5}, 2}} {
				if !checkGrad(c, h.z, h.target, "") {
					return
				}
			}
		}},
		{"Grad_large_inputs", func(c *ctx) {
			for _, l := range large {
				if !checkGrad(c, l.z, l.target, softmaxNaN) {
					return
				}
			}
		}},
		{"Grad_vs_finite_differences", func(c *ctx) {
			for k, z := range randZ {
				target := randT[k]
				var got, fd []float64
				if !call(c, grF, func() { got = impl.Grad(z, target) }) ||
					!call(c, ceF, func() { fd = centralDiff(func() float64 { return impl.CrossEntropy(z, target) }, z) }) {
					return
				}
				right := mistake{"your Grad is right; it is the slope of your CrossEntropy that is wrong: fix CrossEntropy first (CrossEntropy_hand_computed).",
					softmaxGradRef(z, target)}
				e := expect{fn: grF, what: fmt.Sprintf("Grad(z, target) against the slope of your CrossEntropy (random case %d)", k+1),
					given: zGiven(z, target), tol: fdTol, mistakes: append([]mistake{right}, softmaxGradMistakes(z, target)...),
					hint: "this compares Grad with central finite differences of your own CrossEntropy; " + gradHintText}
				if !e.vec(c, got, fd) {
					return
				}
			}
		}},
	}
}
