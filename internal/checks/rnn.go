package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// RNNImpl holds the learner's functions of the rnn exercise: one step of a
// vanilla RNN cell and its backward pass, for one example.
//
// Step(x, h, Wx, Wh, b) returns h' = tanh(x·Wx + h·Wh + b), with x of
// length in, h and b of length hidden, Wx in×hidden and Wh hidden×hidden
// (row i of Wh holds the weights from unit i of h).
//
// StepBackward(x, h, hNext, Wx, Wh, dhNext) is given the step's inputs,
// its output hNext = Step(…) and the gradient dhNext = ∂L/∂h' of some loss
// L, and returns ∂L/∂x, ∂L/∂h, ∂L/∂Wx, ∂L/∂Wh and ∂L/∂b:
//
//	da  = dhNext ⊙ (1 − hNext²)
//	dx  = da·Wxᵀ     dh  = da·Whᵀ
//	dWx = xᵀ·da      dWh = hᵀ·da      db = da
//
// Each result has the shape of what it is the gradient of. No argument is
// changed.
type RNNImpl struct {
	Step         func(x, h []float64, Wx, Wh [][]float64, b []float64) []float64
	StepBackward func(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) (dx, dh []float64, dWx, dWh [][]float64, db []float64)
}

// RNN runs the checks of the rnn exercise as sub-tests of t.
func RNN(t *testing.T, impl RNNImpl) {
	t.Helper()
	report(t, rnnCases(impl))
}

// CheckRNN runs the same checks as RNN and returns the problems found;
// none means impl passes.
func CheckRNN(impl RNNImpl) []Problem { return collect(rnnCases(impl)) }

// rnnStep is one cell step with its upstream gradient: the reference
// forward and backward passes of the exercise and its known mistakes.
type rnnStep struct {
	x, h   []float64
	Wx, Wh [][]float64
	b      []float64
	dhNext []float64
}

// rnnGrads are the five results of StepBackward.
type rnnGrads struct {
	dx, dh   []float64
	dWx, dWh [][]float64
	db       []float64
}

// rnnParts are the results of StepBackward in the order they are checked:
// the simplest first, so that a wrong da shows where it is plainest.
var rnnParts = []string{"db", "dWx", "dWh", "dh", "dx"}

func randomRNNStep(r *rand.Rand, in, hidden int) rnnStep {
	return rnnStep{x: randVec(r, in, -1, 1), h: randVec(r, hidden, -1, 1), Wx: randMat(r, in, hidden, -1, 1),
		Wh: randMat(r, hidden, hidden, -1, 1), b: randVec(r, hidden, -0.5, 0.5), dhNext: randVec(r, hidden, -1, 1)}
}

// rnnHand is small enough to work by hand: a = (1, 0), so
// h' = (tanh 1, 0) and da = (1 − tanh²1, 2); Wh is not symmetric.
var rnnHand = rnnStep{
	x: []float64{1, 0}, h: []float64{0, 1},
	Wx: [][]float64{{0.5, -0.5}, {3, 3}}, Wh: [][]float64{{2, 2}, {0.25, 1}},
	b: []float64{0.25, -0.5}, dhNext: []float64{1, 2},
}

// stepVariant is a known mistake in the forward step; the zero value is
// right.
type stepVariant struct {
	noTanh, sigmoid, noRecurrent, noBias, whT bool
}

var stepMistakes = []struct {
	hint string
	v    stepVariant
}{
	{"apply tanh to the sum: h' = tanh(x·Wx + h·Wh + b).", stepVariant{noTanh: true}},
	{"the cell's non-linearity is tanh, not the sigmoid: its values lie in (−1, 1).", stepVariant{sigmoid: true}},
	{"the previous state matters: add h·Wh, the recurrent term, to x·Wx + b.", stepVariant{noRecurrent: true}},
	{"add the bias b before the tanh.", stepVariant{noBias: true}},
	{"h·Wh sums over the rows of Wh: (h·Wh)ⱼ = Σᵢ h[i]·Wh[i][j], not Σᵢ Wh[j][i]·h[i].", stepVariant{whT: true}},
}

// pre returns the pre-activation a = x·Wx + h·Wh + b, as v says.
func (s rnnStep) pre(v stepVariant) []float64 {
	n := len(s.b)
	a := make([]float64, n)
	for j := range n {
		for i, xi := range s.x {
			a[j] += xi * s.Wx[i][j]
		}
		for i, hi := range s.h {
			switch {
			case v.noRecurrent:
			case v.whT:
				a[j] += s.Wh[j][i] * hi
			default:
				a[j] += hi * s.Wh[i][j]
			}
		}
		if !v.noBias {
			a[j] += s.b[j]
		}
	}
	return a
}

// forward returns h', right for the zero variant.
func (s rnnStep) forward(v stepVariant) []float64 {
	a := s.pre(v)
	for j, x := range a {
		switch {
		case v.noTanh:
		case v.sigmoid:
			a[j] = 1 / (1 + math.Exp(-x))
		default:
			a[j] = math.Tanh(x)
		}
	}
	return a
}

// backVariant is a known mistake in the backward step; the zero value is
// right.
type backVariant struct {
	tanhAtPre, tanhAtPrev, noTanh bool // da
	noDh, dhWhT, noDb             bool
	dWhT, dWhOfNext               bool
}

var backMistakes = []struct {
	hint string
	v    backVariant
}{
	{"tanh'(a) = 1 − tanh(a)² = 1 − h'²: use the output hNext, not the pre-activation a.", backVariant{tanhAtPre: true}},
	{"the tanh to go back through is this step's: da = dhNext ⊙ (1 − hNext²), with hNext, not the previous state h.", backVariant{tanhAtPrev: true}},
	{"going back through tanh, multiply by tanh' = 1 − hNext²: da = dhNext ⊙ (1 − hNext²).", backVariant{noTanh: true}},
	{"the previous state gets a gradient too, dh = da·Whᵀ: it is what carries the error back to earlier time steps.", backVariant{noDh: true}},
	{"dh = da·Whᵀ: dh[i] = Σⱼ Wh[i][j]·da[j] (row i of Wh), not Σⱼ Wh[j][i]·da[j].", backVariant{dhWhT: true}},
	{"the bias gets a gradient: db = da, since b is added to a once.", backVariant{noDb: true}},
	{"dWh = hᵀ·da has the shape of Wh: dWh[i][j] = h[i]·da[j], not h[j]·da[i].", backVariant{dWhT: true}},
	{"dWh = hᵀ·da uses h, the state that went into this step, not hNext.", backVariant{dWhOfNext: true}},
}

// backward returns the gradients, right for the zero variant.
func (s rnnStep) backward(v backVariant) rnnGrads {
	hNext := s.forward(stepVariant{})
	a := s.pre(stepVariant{})
	in, n := len(s.x), len(s.b)
	da := make([]float64, n)
	for j := range n {
		switch {
		case v.tanhAtPre:
			da[j] = s.dhNext[j] * (1 - a[j]*a[j])
		case v.tanhAtPrev:
			da[j] = s.dhNext[j] * (1 - s.h[j]*s.h[j])
		case v.noTanh:
			da[j] = s.dhNext[j]
		default:
			da[j] = s.dhNext[j] * (1 - hNext[j]*hNext[j])
		}
	}
	g := rnnGrads{dx: make([]float64, in), dh: make([]float64, n), db: slices.Clone(da),
		dWx: outer(s.x, da), dWh: outer(s.h, da)}
	for i := range in {
		g.dx[i] = dot(s.Wx[i], da)
	}
	for i := range n {
		switch {
		case v.noDh:
		case v.dhWhT:
			for j := range n {
				g.dh[i] += s.Wh[j][i] * da[j]
			}
		default:
			g.dh[i] = dot(s.Wh[i], da)
		}
	}
	switch {
	case v.noDb:
		g.db = make([]float64, n)
	case v.dWhT:
		g.dWh = transpose(g.dWh)
	case v.dWhOfNext:
		g.dWh = outer(hNext, da)
	}
	return g
}

// finiteDifferences returns the gradients of L = Σⱼ dhNextⱼ·h'ⱼ, whose
// ∂L/∂h' is dhNext, by central differences of the reference step.
func (s rnnStep) finiteDifferences() rnnGrads {
	c := rnnStep{x: slices.Clone(s.x), h: slices.Clone(s.h), b: slices.Clone(s.b), dhNext: s.dhNext}
	for _, r := range s.Wx {
		c.Wx = append(c.Wx, slices.Clone(r))
	}
	for _, r := range s.Wh {
		c.Wh = append(c.Wh, slices.Clone(r))
	}
	loss := func() float64 { return dot(c.dhNext, c.forward(stepVariant{})) }
	fdMat := func(m [][]float64) [][]float64 {
		g := make([][]float64, len(m))
		for i := range m {
			g[i] = centralDiff(loss, m[i])
		}
		return g
	}
	return rnnGrads{dx: centralDiff(loss, c.x), dh: centralDiff(loss, c.h),
		dWx: fdMat(c.Wx), dWh: fdMat(c.Wh), db: centralDiff(loss, c.b)}
}

// flat returns the result called part as one slice, rows one after
// another.
func (g rnnGrads) flat(part string) []float64 {
	switch part {
	case "dx":
		return g.dx
	case "dh":
		return g.dh
	case "dWx":
		return slices.Concat(g.dWx...)
	case "dWh":
		return slices.Concat(g.dWh...)
	}
	return g.db
}

func (s rnnStep) given() []string {
	if len(s.x) > 2 {
		return []string{fmt.Sprintf("a seeded random step (the same every run): x %d, h %d, Wx %d×%d, Wh %d×%d, b %d, dhNext %d",
			len(s.x), len(s.h), len(s.Wx), len(s.b), len(s.Wh), len(s.b), len(s.b), len(s.b))}
	}
	return []string{"x  = " + vecString(s.x), "h  = " + vecString(s.h), "Wx = " + matString(s.Wx),
		"Wh = " + matString(s.Wh), "b  = " + vecString(s.b), "dhNext = " + vecString(s.dhNext)}
}

// freeze snapshots every argument, row by row, and hNext.
func (s rnnStep) freeze(hNext []float64) frozen {
	names, vs := []string{"x", "h", "hNext", "b", "dhNext"}, [][]float64{s.x, s.h, hNext, s.b, s.dhNext}
	for i, r := range s.Wx {
		names, vs = append(names, fmt.Sprintf("Wx[%d]", i)), append(vs, r)
	}
	for i, r := range s.Wh {
		names, vs = append(names, fmt.Sprintf("Wh[%d]", i)), append(vs, r)
	}
	return freeze(names, vs...)
}

var rnnHints = map[string]string{
	"hNext": "h' = tanh(x·Wx + h·Wh + b): (x·Wx)ⱼ = Σᵢ x[i]·Wx[i][j], (h·Wh)ⱼ = Σᵢ h[i]·Wh[i][j].",
	"db":    "db = da = dhNext ⊙ (1 − hNext²).",
	"dWx":   "dWx = xᵀ·da: dWx[i][j] = x[i]·da[j], with da = dhNext ⊙ (1 − hNext²).",
	"dWh":   "dWh = hᵀ·da: dWh[i][j] = h[i]·da[j], with da = dhNext ⊙ (1 − hNext²).",
	"dh":    "dh = da·Whᵀ: dh[i] = Σⱼ Wh[i][j]·da[j] — the gradient that BPTT passes to the previous time step.",
	"dx":    "dx = da·Wxᵀ: dx[i] = Σⱼ Wx[i][j]·da[j].",
}

func rnnCases(impl RNNImpl) []testCase {
	step := funcOf("rnn.Step", impl.Step)
	back := funcOf("rnn.StepBackward", impl.StepBackward)
	forward := func(c *ctx, s rnnStep) {
		keep := s.freeze(nil)
		var got []float64
		if !call(c, step, func() { got = impl.Step(s.x, s.h, s.Wx, s.Wh, s.b) }) || !keep.verify(c, step) {
			return
		}
		var mistakes []mistake
		for _, m := range stepMistakes {
			mistakes = append(mistakes, mistake{m.hint, s.forward(m.v)})
		}
		expect{fn: step, what: "Step(x, h, Wx, Wh, b)", given: s.given(), tol: exactTol,
			mistakes: mistakes, hint: rnnHints["hNext"]}.vec(c, got, s.forward(stepVariant{}))
	}
	backward := func(c *ctx, s rnnStep, want rnnGrads, t tol, only string) {
		hNext := s.forward(stepVariant{})
		keep := s.freeze(hNext)
		var got rnnGrads
		if !call(c, back, func() {
			got.dx, got.dh, got.dWx, got.dWh, got.db = impl.StepBackward(s.x, s.h, hNext, s.Wx, s.Wh, s.dhNext)
		}) || !keep.verify(c, back) {
			return
		}
		for _, part := range rnnParts {
			if only != "" && part != only {
				continue
			}
			var mistakes []mistake
			for _, m := range backMistakes {
				mistakes = append(mistakes, mistake{m.hint, s.backward(m.v).flat(part)})
			}
			e := expect{fn: back, what: part, at: part, given: s.given(), tol: t, mistakes: mistakes, hint: rnnHints[part]}
			var ok bool
			switch part {
			case "dWx":
				ok = e.mat(c, got.dWx, want.dWx)
			case "dWh":
				ok = e.mat(c, got.dWh, want.dWh)
			default:
				ok = e.vec(c, got.flat(part), want.flat(part))
			}
			if !ok {
				return
			}
		}
	}
	r := newRand(5)
	random := randomRNNStep(r, 3, 4)
	cases := []testCase{
		{"Step_hand_computed", func(c *ctx) { forward(c, rnnHand) }},
		{"Step_random", func(c *ctx) { forward(c, random) }},
		{"StepBackward_hand_computed", func(c *ctx) { backward(c, rnnHand, rnnHand.backward(backVariant{}), exactTol, "") }},
	}
	fd := random.finiteDifferences()
	for _, part := range rnnParts {
		cases = append(cases, testCase{"StepBackward_" + part + "_vs_finite_differences", func(c *ctx) {
			backward(c, random, fd, fdTol, part)
		}})
	}
	return cases
}

func outer(u, v []float64) [][]float64 {
	m := make([][]float64, len(u))
	for i, ui := range u {
		m[i] = make([]float64, len(v))
		for j, vj := range v {
			m[i][j] = ui * vj
		}
	}
	return m
}

func dot(u, v []float64) float64 {
	s := 0.0
	for i := range u {
		s += u[i] * v[i]
	}
	return s
}
