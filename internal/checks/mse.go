package checks

import (
	"fmt"
	"math"
	"testing"
)

// MSEImpl holds the learner's functions of the mse exercise.
//
// Loss(pred, target) is the mean squared error (1/n)·Σ(predᵢ − targetᵢ)²,
// and Grad(pred, target) its gradient with respect to pred,
// 2·(predᵢ − targetᵢ)/n. Both take two slices of the same length n ≥ 1 and
// must not change them.
type MSEImpl struct {
	Loss func(pred, target []float64) float64
	Grad func(pred, target []float64) []float64
}

// MSE runs the checks of the mse exercise as sub-tests of t.
func MSE(t *testing.T, impl MSEImpl) {
	t.Helper()
	report(t, mseCases(impl))
}

// CheckMSE runs the same checks as MSE and returns the problems found;
// none means impl passes.
func CheckMSE(impl MSEImpl) []Problem { return collect(mseCases(impl)) }

func mseLoss(pred, target []float64) float64 {
	s := 0.0
	for i := range pred {
		d := pred[i] - target[i]
		s += d * d
	}
	return s / float64(len(pred))
}

func mseGrad(pred, target []float64) []float64 {
	n := float64(len(pred))
	return mapVec(pred, target, func(p, t float64) float64 { return 2 * (p - t) / n })
}

func mseGiven(pred, target []float64) []string {
	return []string{"pred   = " + vecString(pred), "target = " + vecString(target)}
}

// mseLossMistakes are the usual wrong losses, most telling first.
func mseLossMistakes(pred, target []float64) []mistake {
	n := float64(len(pred))
	sum, abs, signed := 0.0, 0.0, 0.0
	for i := range pred {
		d := pred[i] - target[i]
		sum += d * d
		abs += math.Abs(d)
		signed += d
	}
	return []mistake{
		{"divide the sum by n: the loss is the mean of the squared errors, not their sum.", []float64{sum}},
		{"take no square root: that is the RMSE; the MSE is the mean of the squares itself.", []float64{math.Sqrt(sum / n)}},
		{"square each difference: the mean of |pred − target| is the MAE, not the MSE.", []float64{abs / n}},
		{"square each difference before averaging; the signed errors cancel out.", []float64{signed / n}},
		{"no ½ here: some books halve the squared error, this exercise (like Keras) does not.", []float64{sum / (2 * n)}},
	}
}

// mseGradMistakes are the usual wrong gradients.
func mseGradMistakes(pred, target []float64) []mistake {
	n := float64(len(pred))
	d := func(k float64) []float64 {
		return mapVec(pred, target, func(p, t float64) float64 { return k * (p - t) })
	}
	return []mistake{
		{"did you forget the factor 2 from the square? d/dp (p − t)² = 2·(p − t).", d(1 / n)},
		{"divide by the batch size n: the loss is a mean over n predictions.", d(2)},
		{"the sign is flipped: the slope of (p − t)² in p is +2·(p − t), so it is positive where pred > target.", d(-2 / n)},
		{"two things are missing: the factor 2 from the square and the 1/n of the mean.", d(1)},
		{"divide by n once: the gradient of the mean is 2·(p − t)/n, not /n².", d(2 / (n * n))},
	}
}

func mseCases(impl MSEImpl) []testCase {
	loss := funcOf("mse.Loss", impl.Loss)
	grad := funcOf("mse.Grad", impl.Grad)
	hand := [][2][]float64{
		{{0.5, 1, -2}, {1, 1, 0}},
		{{3}, {1}},
		{{1, 2, 3}, {1, 2, 3}},
		{{-1.5, 0.25, 4, 2}, {0.5, 0.25, 1, -2}},
	}
	random := func() [][2][]float64 {
		r := newRand(1)
		var cs [][2][]float64
		for _, n := range []int{1, 5, 100} {
			cs = append(cs, [2][]float64{randVec(r, n, -3, 3), randVec(r, n, -3, 3)})
		}
		return cs
	}
	checkLoss := func(c *ctx, pred, target []float64) bool {
		keep := freeze([]string{"pred", "target"}, pred, target)
		var got float64
		if !call(c, loss, func() { got = impl.Loss(pred, target) }) || !keep.verify(c, loss) {
			return false
		}
		e := expect{fn: loss, what: "Loss(pred, target)", given: mseGiven(pred, target), tol: exactTol,
			mistakes: mseLossMistakes(pred, target),
			hint:     "the loss is (1/n)·Σ(predᵢ − targetᵢ)², a single number."}
		return e.scalar(c, got, mseLoss(pred, target))
	}
	checkGrad := func(c *ctx, pred, target []float64) bool {
		keep := freeze([]string{"pred", "target"}, pred, target)
		var got []float64
		if !call(c, grad, func() { got = impl.Grad(pred, target) }) || !keep.verify(c, grad) {
			return false
		}
		e := expect{fn: grad, what: "Grad(pred, target)", given: mseGiven(pred, target), tol: exactTol,
			mistakes: mseGradMistakes(pred, target),
			hint:     "dL/dpredᵢ = 2·(predᵢ − targetᵢ)/n, one value per prediction."}
		return e.vec(c, got, mseGrad(pred, target))
	}
	return []testCase{
		{"Loss_hand_computed", func(c *ctx) {
			for _, h := range hand {
				if !checkLoss(c, h[0], h[1]) {
					return
				}
			}
		}},
		{"Loss_random_inputs", func(c *ctx) {
			for _, h := range random() {
				if !checkLoss(c, h[0], h[1]) {
					return
				}
			}
		}},
		{"Grad_hand_computed", func(c *ctx) {
			for _, h := range hand {
				if !checkGrad(c, h[0], h[1]) {
					return
				}
			}
		}},
		{"Grad_vs_finite_differences", func(c *ctx) {
			for k, h := range random()[:2] {
				pred, target := h[0], h[1]
				var got, fd []float64
				if !call(c, grad, func() { got = impl.Grad(pred, target) }) ||
					!call(c, loss, func() { fd = centralDiff(func() float64 { return impl.Loss(pred, target) }, pred) }) {
					return
				}
				right := mistake{"your Grad is right; it is the slope of your Loss that is wrong: fix Loss first (Loss_hand_computed).",
					mseGrad(pred, target)}
				e := expect{fn: grad, what: fmt.Sprintf("Grad(pred, target) against the slope of your Loss (random case %d)", k+1),
					given: mseGiven(pred, target), tol: fdTol, mistakes: append([]mistake{right}, mseGradMistakes(pred, target)...),
					hint: "this compares Grad with central finite differences of your own Loss; if Loss fails its checks, fix it first."}
				if !e.vec(c, got, fd) {
					return
				}
			}
		}},
	}
}
