package checks

import (
	"testing"
)

// BackpropImpl holds the learner's function of the backprop exercise.
//
// Backward returns the gradients of the loss of a two-layer network,
//
//	A = x·W1 + b1      n×h   (b1 added to every row)
//	H = tanh(A)        n×h
//	Ŷ = H·W2 + b2      n×k   (b2 added to every row)
//	L = (1/(n·k)) · Σᵢⱼ (Ŷᵢⱼ − yᵢⱼ)²
//
// with respect to W1 (d×h), b1 (h), W2 (h×k) and b2 (k), for a batch x
// (n×d) with targets y (n×k). Each gradient has the shape of its
// parameter; no argument is changed.
type BackpropImpl struct {
	Backward func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64,
		y [][]float64) (dW1 [][]float64, db1 []float64, dW2 [][]float64, db2 []float64)
}

// Backprop runs the checks of the backprop exercise as sub-tests of t.
func Backprop(t *testing.T, impl BackpropImpl) {
	t.Helper()
	report(t, backpropCases(impl))
}

// CheckBackprop runs the same checks as Backprop and returns the problems
// found; none means impl passes.
func CheckBackprop(impl BackpropImpl) []Problem { return collect(backpropCases(impl)) }

// grads are the four gradients of the network.
type grads struct {
	dW1 [][]float64
	db1 []float64
	dW2 [][]float64
	db2 []float64
}

func backpropCases(impl BackpropImpl) []testCase {
	fn := funcOf("backprop.Backward", impl.Backward)
	run := func(c *ctx, m mlp) (grads, bool) {
		keep := m.freeze()
		var g grads
		ok := call(c, fn, func() { g.dW1, g.db1, g.dW2, g.db2 = impl.Backward(m.x, m.W1, m.b1, m.W2, m.b2, m.y) })
		return g, ok && keep.verify(c, fn)
	}
	// expectations of the four gradients in backward order, the order in
	// which a mistake shows up first.
	compare := func(c *ctx, m mlp, got grads, want grads, t tol, which string) {
		mistakes := m.mistakes()
		for _, part := range []string{"db2", "dW2", "db1", "dW1"} {
			if which != "" && part != which {
				continue
			}
			e := expect{fn: fn, what: part, at: part, given: m.given(), tol: t,
				mistakes: pick(mistakes, part), hint: backpropHints[part]}
			var ok bool
			switch part {
			case "dW1":
				ok = e.mat(c, got.dW1, want.dW1)
			case "dW2":
				ok = e.mat(c, got.dW2, want.dW2)
			default:
				ok = e.vec(c, got.flat(part), want.flat(part))
			}
			if !ok {
				return
			}
		}
	}
	batch := randomMLP(newRand(3), 4, 3, 5, 2)
	cases := []testCase{
		{"shapes", func(c *ctx) {
			got, ok := run(c, batch)
			if !ok {
				return
			}
			want := batch.backward(variant{})
			for _, s := range []struct {
				name      string
				got, want [][]float64
			}{{"dW1", got.dW1, want.dW1}, {"db1", [][]float64{got.db1}, [][]float64{want.db1}},
				{"dW2", got.dW2, want.dW2}, {"db2", [][]float64{got.db2}, [][]float64{want.db2}}} {
				if msg := shapeMismatch(s.got, s.want); msg != "" {
					expect{fn: fn, given: batch.given()}.fail(c, s.name+" "+msg+".", backpropShapeHints[s.name])
					return
				}
			}
		}},
		{"one_example_by_hand", func(c *ctx) {
			m := mlp{x: [][]float64{{1}}, W1: [][]float64{{0.5}}, b1: []float64{0},
				W2: [][]float64{{2}}, b2: []float64{0.5}, y: [][]float64{{1}}}
			if got, ok := run(c, m); ok {
				compare(c, m, got, m.backward(variant{}), exactTol, "")
			}
		}},
	}
	fd := batch.finiteDifferences()
	for _, part := range []string{"db2", "dW2", "db1", "dW1"} {
		cases = append(cases, testCase{part + "_vs_finite_differences", func(c *ctx) {
			if got, ok := run(c, batch); ok {
				compare(c, batch, got, fd, fdTol, part)
			}
		}})
	}
	return cases
}

var backpropHints = map[string]string{
	"db2": "db2ⱼ = Σᵢ dŶᵢⱼ with dŶ = 2·(Ŷ − y)/(n·k).",
	"dW2": "dW2 = Hᵀ·dŶ, with H = tanh(x·W1 + b1).",
	"db1": "db1 = Σᵢ dAᵢ with dA = (dŶ·W2ᵀ) ⊙ (1 − H²).",
	"dW1": "dW1 = xᵀ·dA with dA = (dŶ·W2ᵀ) ⊙ (1 − H²).",
}

var backpropShapeHints = map[string]string{
	"dW1": "dW1 = xᵀ·dA has the shape of W1, d×h (inputs × hidden units).",
	"db1": "db1 has one value per hidden unit (h), summed over the batch rows.",
	"dW2": "dW2 = Hᵀ·dŶ has the shape of W2, h×k; dŶᵀ·H would be its transpose.",
	"db2": "db2 has one value per output (k), summed over the batch rows.",
}

// variant is a known mistake in the backward pass; the zero value is right.
type variant struct {
	noTanhGrad  bool // dA = dH
	tanhGradOfA bool // dA = dH ⊙ (1 − A²)
	meanOverN   bool // dŶ divided by n instead of n·k
	noMean      bool // dŶ not divided at all
	noTwo       bool // dŶ without the factor 2
	flipSign    bool // dŶ = 2(y − Ŷ)/(n·k)
	firstRow    bool // db = the first row instead of the sum over rows
	meanRows    bool // db = the mean over rows instead of the sum
	dW2OfA      bool // dW2 = Aᵀ·dŶ
}

var backpropMistakes = []struct {
	hint string
	v    variant
}{
	{"going back through the tanh, multiply by tanh'(A) = 1 − H²: dA = dH ⊙ (1 − H²).", variant{noTanhGrad: true}},
	{"tanh'(a) = 1 − tanh(a)² = 1 − h²: use the activation H, not the pre-activation A.", variant{tanhGradOfA: true}},
	{"L is the mean over all n·k outputs, so dŶ = 2·(Ŷ − y)/(n·k), not /n.", variant{meanOverN: true}},
	{"divide by n·k: L is a mean over all n·k outputs, so dŶ = 2·(Ŷ − y)/(n·k).", variant{noMean: true}},
	{"did you forget the factor 2 from the square? dŶ = 2·(Ŷ − y)/(n·k).", variant{noTwo: true}},
	{"the sign is flipped: dŶ = +2·(Ŷ − y)/(n·k), and every gradient follows from it.", variant{flipSign: true}},
	{"a bias is added to every row, so its gradient sums over all the batch rows, not just the first.", variant{firstRow: true}},
	{"sum the bias gradient over the batch rows, do not average: the 1/(n·k) is already in dŶ.", variant{meanRows: true}},
	{"dW2 = Hᵀ·dŶ uses the activations H = tanh(A), not the pre-activations A.", variant{dW2OfA: true}},
}
