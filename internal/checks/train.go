package checks

import (
	"fmt"
	"math"
	"testing"
)

// TrainImpl holds the learner's training loop of the train exercise.
//
// Train(X, y, seed, steps) trains a two-layer network on the points X
// (N×2) with labels y (0, 1 or 2) for exactly steps updates, its random
// initialisation drawn from seed, and returns the loss before each update
// (losses, length steps) and the trained weights of
//
//	logits = ReLU(X·W1 + b1)·W2 + b2      W1: 2×H, b1: H, W2: H×3, b2: 3
//
// with H hidden units of the learner's choice (1 ≤ H ≤ 256). The check
// evaluates the weights itself: it needs ≥ 95% training accuracy.
type TrainImpl struct {
	Train func(X [][]float64, y []int, seed uint64, steps int) (losses []float64, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64)
}

// Train runs the checks of the train exercise as sub-tests of t.
func Train(t *testing.T, impl TrainImpl) {
	t.Helper()
	report(t, trainCases(impl))
}

// CheckTrain runs the same checks as Train and returns the problems found;
// none means impl passes.
func CheckTrain(impl TrainImpl) []Problem { return collect(trainCases(impl)) }

const (
	// trainSteps is the step budget; the reference needs about 80.
	trainSteps = 200
	// trainPerClass is the number of points of each of the 3 arms.
	trainPerClass = 100
	// trainSeed is the seed passed to the learner's Train.
	trainSeed     = 7
	trainAccuracy = 0.95
	trainMaxH     = 256
)

// spiral returns the spiral data set of CS231n: 3 interleaved arms of n
// points each, radius from 0 to 1, angle noise drawn from r.
func spiral(stream uint64, n int) ([][]float64, []int) {
	r := newRand(stream)
	var X [][]float64
	var y []int
	for j := range 3 {
		for i := range n {
			rad := float64(i) / float64(n-1)
			t := 4*float64(j) + 4*rad + 0.2*r.NormFloat64()
			X = append(X, []float64{rad * math.Sin(t), rad * math.Cos(t)})
			y = append(y, j)
		}
	}
	return X, y
}

// trainNet is a trained network as Train returns it.
type trainNet struct {
	W1, W2 [][]float64
	b1, b2 []float64
}

// evaluate returns the mean cross-entropy and the accuracy of the network
// on X, y, with the ReLU or (linear) without it.
func (n trainNet) evaluate(X [][]float64, y []int, linear bool) (loss, acc float64) {
	H := len(n.b1)
	right := 0
	for k, x := range X {
		z := make([]float64, 3)
		copy(z, n.b2)
		for h := range H {
			a := n.b1[h]
			for i := range x {
				a += x[i] * n.W1[i][h]
			}
			if !linear {
				a = math.Max(a, 0)
			}
			for j := range z {
				z[j] += a * n.W2[h][j]
			}
		}
		best := 0
		for j := range z {
			if z[j] > z[best] {
				best = j
			}
		}
		if best == y[k] {
			right++
		}
		m := math.Max(z[0], math.Max(z[1], z[2]))
		s := 0.0
		for _, v := range z {
			s += math.Exp(v - m)
		}
		loss += -(z[y[k]] - m - math.Log(s))
	}
	return loss / float64(len(X)), float64(right) / float64(len(X))
}

// symmetric reports whether every hidden unit has the same incoming
// weights and bias: what a constant (zero) initialisation leaves.
func (n trainNet) symmetric() bool {
	if len(n.b1) < 2 {
		return false
	}
	for h := 1; h < len(n.b1); h++ {
		if n.b1[h] != n.b1[0] {
			return false
		}
		for i := range n.W1 {
			if n.W1[i][h] != n.W1[i][0] {
				return false
			}
		}
	}
	return true
}

// finite reports whether every weight is a number.
func (n trainNet) finite() bool {
	for _, m := range [][][]float64{n.W1, n.W2, {n.b1, n.b2}} {
		for _, row := range m {
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
		}
	}
	return true
}

// trainStall says where training went wrong from the loss history, or ""
// when the loss fell.
func trainStall(losses []float64) (what, hint string) {
	for k, l := range losses {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			if k == 0 {
				return fmt.Sprintf("the loss is %s from the very first step", num(l)),
					"the softmax overflows: exp of a large logit is +Inf, and Inf/Inf is NaN. Subtract each row's largest logit before exp " +
						"(softmax is unchanged) and compute the loss as log Σ exp(z − max) − (z_y − max), never log of a probability that can be 0; " +
						"logits that large at the start also mean the initial weights are too large (He: N(0, 2/fan_in))."
			}
			return fmt.Sprintf("the loss went from %s at step 0 to %s at step %d and %s at step %d", num(losses[0]), num(losses[k-1]), k-1, num(l), k),
				"training diverged and the softmax overflowed: subtract each row's largest logit before exp (stable softmax, " +
					"log-sum-exp for the loss), and if the loss rose before that, lower the learning rate."
		}
	}
	first, last := losses[0], tail(losses)
	switch {
	case last > first*1.02:
		return fmt.Sprintf("the loss rose from %s at step 0 to %s at the end", num(first), num(last)),
			"every update goes uphill: subtract the step (w ← w − lr·g, or w ← w − lr·m̂/(√v̂ + ε) with Adam), " +
				"and check the sign of the gradient: for softmax cross-entropy d loss/d logits = (p − onehot(y))/N. A learning rate far too large rises too."
	case last > first*0.9:
		return fmt.Sprintf("the loss barely fell: %s at step 0, %s at the end of %d steps", num(first), num(last), len(losses)),
			"the updates are far too small: raise the learning rate (Adam with lr ≈ 0.01–0.05, or SGD with lr ≈ 1 on this data), " +
				"and check that the gradients reach the weights (dW = Xᵀ·dY, not zero) and that the step changes the weights you return."
	}
	return "", ""
}

// tail is the mean of the last tenth of the losses.
func tail(losses []float64) float64 {
	k := max(1, len(losses)/10)
	s := 0.0
	for _, l := range losses[len(losses)-k:] {
		s += l
	}
	return s / float64(k)
}

func trainCases(impl TrainImpl) []testCase {
	train := funcOf("train.Train", impl.Train)
	X, y := spiral(41, trainPerClass)
	given := []string{fmt.Sprintf("X = the spiral data set: %d points, 3 classes of %d, coordinates in [−1, 1]", len(X), trainPerClass),
		fmt.Sprintf("seed = %d, steps = %d", trainSeed, trainSteps)}

	// The learner's Train runs once; every case reads its outcome.
	type outcome struct {
		ran      bool
		ok       bool
		problems []Problem
		losses   []float64
		net      trainNet
	}
	var out outcome
	run := func(c *ctx) bool {
		if !out.ran {
			out.ran = true
			rows := make([][]float64, len(X))
			for i := range X {
				rows[i] = append([]float64(nil), X[i]...)
			}
			before := len(c.problems)
			out.ok = call(c, train, func() {
				out.losses, out.net.W1, out.net.b1, out.net.W2, out.net.b2 = impl.Train(rows, append([]int(nil), y...), trainSeed, trainSteps)
			})
			out.problems = append([]Problem(nil), c.problems[before:]...)
			return out.ok
		}
		if !out.ok {
			for _, p := range out.problems {
				c.fail(p.Func, p.Kind, p.Message)
			}
		}
		return out.ok
	}
	// shapes checks what Train returned; a message says what is wrong.
	shapes := func() string {
		n := out.net
		H := len(n.b1)
		switch {
		case len(out.losses) != trainSteps:
			return fmt.Sprintf("returned %d losses, want %d: one per step, the loss before its update", len(out.losses), trainSteps)
		case H < 1 || H > trainMaxH:
			return fmt.Sprintf("b1 has %d values: want H, the number of hidden units, with 1 ≤ H ≤ %d", H, trainMaxH)
		case shapeMismatch(n.W1, matZeros(2, H)) != "":
			return "W1 " + shapeMismatch(n.W1, matZeros(2, H)) + " (inputs × hidden units, H taken from len(b1))"
		case shapeMismatch(n.W2, matZeros(H, 3)) != "":
			return "W2 " + shapeMismatch(n.W2, matZeros(H, 3)) + " (hidden units × classes)"
		case len(n.b2) != 3:
			return fmt.Sprintf("b2 has %d values, want 3 (one per class)", len(n.b2))
		}
		return ""
	}
	fail := func(c *ctx, what, hint string, extra ...string) {
		var b []string
		b = append(b, given...)
		b = append(b, extra...)
		e := expect{fn: train, given: b}
		e.fail(c, what, hint)
	}
	// report describes the trained network, for the messages.
	report := func() []string {
		lr, ar := out.net.evaluate(X, y, false)
		return []string{fmt.Sprintf("your weights give loss %s and accuracy %.1f%% on the training set (the check's own forward pass)", num(lr), 100*ar),
			fmt.Sprintf("losses = %s … %s", vecString(out.losses[:min(6, len(out.losses))]), vecString(out.losses[max(0, len(out.losses)-3):]))}
	}
	symmetryHint := "every hidden unit has the same weights: a constant (zero) initialisation gives every unit the same gradient, so they " +
		"stay copies of each other (and with W1 = 0 and ReLU no gradient flows at all). Draw W1 and W2 at random from the seed " +
		"(He: N(0, 2/fan_in), with math/rand/v2 and rand.NewPCG(seed, …)); zero biases are fine."

	return []testCase{
		{"returns_a_network", func(c *ctx) {
			if !run(c) {
				return
			}
			if msg := shapes(); msg != "" {
				fail(c, msg, "return the losses and the weights in the layout of the stub: W1 2×H, b1 H, W2 H×3, b2 3.")
			}
		}},
		{"loss_falls", func(c *ctx) {
			if !run(c) || shapes() != "" {
				if c.problems == nil {
					fail(c, "returned the wrong shapes (see returns_a_network)", "")
				}
				return
			}
			if out.net.symmetric() {
				fail(c, fmt.Sprintf("all %d hidden units have identical weights after training", len(out.net.b1)), symmetryHint, report()...)
				return
			}
			if what, hint := trainStall(out.losses); what != "" {
				fail(c, what, hint, report()...)
				return
			}
			if !out.net.finite() {
				fail(c, "returned weights that are NaN or infinite", "the loss stayed finite but the weights did not: look at the last update.")
			}
		}},
		{"train_accuracy_95", func(c *ctx) {
			if !run(c) || shapes() != "" {
				if c.problems == nil {
					fail(c, "returned the wrong shapes (see returns_a_network)", "")
				}
				return
			}
			lossR, acc := out.net.evaluate(X, y, false)
			if acc >= trainAccuracy && !math.IsNaN(lossR) {
				return
			}
			what := fmt.Sprintf("reaches %.1f%% training accuracy after %d steps, want at least %.0f%%", 100*acc, trainSteps, 100*trainAccuracy)
			lossL, accL := out.net.evaluate(X, y, true)
			last := out.losses[len(out.losses)-1]
			switch {
			case out.net.symmetric():
				fail(c, what, symmetryHint, report()...)
			case !out.net.finite() || math.IsNaN(last) || math.IsInf(last, 0):
				_, hint := trainStall(out.losses)
				fail(c, what, orHint(hint, "the weights are NaN or infinite: see loss_falls."), report()...)
			case trainStalled(out.losses):
				w, hint := trainStall(out.losses)
				fail(c, what+"; "+w, hint, report()...)
			case math.Abs(last-lossL) < math.Abs(last-lossR) && math.Abs(last-lossL) < 0.1*lossL:
				fail(c, what, fmt.Sprintf("your losses match these weights without the ReLU (loss %s, accuracy %.1f%%): your network is linear, "+
					"and a linear model cannot separate the spiral's arms (about 50%%). Apply ReLU between the layers, in the forward "+
					"pass and in the backward pass (dH = dA where H > 0, else 0).", num(lossL), 100*accL), report()...)
			default:
				fail(c, what, "the loss fell but the accuracy plateaued: use more hidden units (64 is plenty), initialise with He's "+
					"N(0, 2/fan_in), use a larger learning rate or Adam so that the budget of steps suffices, and check that your "+
					"forward pass is ReLU(X·W1 + b1)·W2 + b2, the one the check evaluates.", report()...)
			}
		}},
	}
}

// trainStalled reports whether the loss history shows a stall.
func trainStalled(losses []float64) bool {
	w, _ := trainStall(losses)
	return w != ""
}

func orHint(h, otherwise string) string {
	if h != "" {
		return h
	}
	return otherwise
}

func matZeros(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}
