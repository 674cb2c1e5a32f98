package checks

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// MomentumImpl holds the learner's functions of the momentum exercise:
// one step of SGD with momentum, of Nesterov momentum and of RMSProp, as
// pure functions that take the optimizer's state and return the new one.
//
// Momentum(w, v, g, lr, mu) returns the weights and velocity after one
// step, in PyTorch's convention (torch.optim.SGD):
//
//	v' = μ·v + g        w' = w − lr·v'
//
// Nesterov(w, v, g, lr, mu) is the same with Nesterov's look-ahead:
//
//	v' = μ·v + g        w' = w − lr·(g + μ·v')
//
// RMSProp(w, s, g, lr, alpha, eps) keeps a running mean s of g²
// (torch.optim.RMSprop):
//
//	s' = α·s + (1−α)·g²  w' = w − lr·g/(√s' + ε)
//
// All vectors have the same length; each function returns two new slices
// and changes none of its arguments. The caller carries the state: the v
// (or s) one step returns is the v (or s) passed to the next, starting
// from zeros. The learning rate may change from one step to the next.
type MomentumImpl struct {
	Momentum func(w, v, g []float64, lr, mu float64) (wNext, vNext []float64)
	Nesterov func(w, v, g []float64, lr, mu float64) (wNext, vNext []float64)
	RMSProp  func(w, s, g []float64, lr, alpha, eps float64) (wNext, sNext []float64)
}

// Momentum runs the checks of the momentum exercise as sub-tests of t.
func Momentum(t *testing.T, impl MomentumImpl) {
	t.Helper()
	report(t, momentumCases(impl))
}

// CheckMomentum runs the same checks as Momentum and returns the problems
// found; none means impl passes.
func CheckMomentum(impl MomentumImpl) []Problem { return collect(momentumCases(impl)) }

// optKind is which of the three optimizers a step is.
type optKind int

const (
	optMomentum optKind = iota
	optNesterov
	optRMSProp
)

// optVariant is a known mistake in one step; the zero value is right.
type optVariant struct {
	lrInV       bool // v' = μ·v − lr·g, w' = w + v' (TensorFlow's convention)
	lrInVPlus   bool // v' = μ·v + lr·g, w' = w − v'
	notCarried  bool // v' = g (or s' = (1−α)·g²): the state passed in is ignored
	plainSGD    bool // w' = w − lr·g, with v' right
	oldV        bool // w' = w − lr·v (the velocity before this step)
	dampening   bool // v' = μ·v + (1−μ)·g
	plus        bool // w' = w + …
	noLookahead bool // Nesterov: w' = w − lr·v'
	epsInSqrt   bool // RMSProp: √(s' + ε)
	alphaSwap   bool // RMSProp: s' = (1−α)·s + α·g²
	noSqrt      bool // RMSProp: lr·g/(s' + ε)
}

// optStep is one reference (or mistaken) step. For RMSProp, mu is α and
// eps is ε; for the momentum methods eps is unused.
func optStep(k optKind, m optVariant, w, v, g []float64, lr, mu, eps float64) (wNext, vNext []float64) {
	n := len(w)
	wNext, vNext = make([]float64, n), make([]float64, n)
	for i := range n {
		if k == optRMSProp {
			a := mu
			s := v[i]
			if m.notCarried {
				s = 0
			}
			if m.alphaSwap {
				vNext[i] = (1-a)*s + a*g[i]*g[i]
			} else {
				vNext[i] = a*s + (1-a)*g[i]*g[i]
			}
			var d float64
			switch {
			case m.epsInSqrt:
				d = math.Sqrt(vNext[i] + eps)
			case m.noSqrt:
				d = vNext[i] + eps
			default:
				d = math.Sqrt(vNext[i]) + eps
			}
			step := lr * g[i] / d
			if m.plus {
				step = -step
			}
			wNext[i] = w[i] - step
			continue
		}
		switch {
		case m.lrInV:
			vNext[i] = mu*v[i] - lr*g[i]
			wNext[i] = w[i] + vNext[i]
			continue
		case m.lrInVPlus:
			vNext[i] = mu*v[i] + lr*g[i]
			wNext[i] = w[i] - vNext[i]
			continue
		case m.notCarried:
			vNext[i] = g[i]
		case m.dampening:
			vNext[i] = mu*v[i] + (1-mu)*g[i]
		default:
			vNext[i] = mu*v[i] + g[i]
		}
		var step float64
		switch {
		case m.plainSGD:
			step = lr * g[i]
		case m.oldV:
			step = lr * v[i]
		case k == optNesterov && m.noLookahead:
			step = lr * vNext[i]
		case k == optNesterov:
			step = lr * (g[i] + mu*vNext[i])
		default:
			step = lr * vNext[i]
		}
		if m.plus {
			step = -step
		}
		wNext[i] = w[i] - step
	}
	return wNext, vNext
}

const lrInVHint = "lr belongs in the weight update, not in v: this exercise uses PyTorch's convention, v ← μ·v + g and " +
	"w ← w − lr·v, so v is a running sum of gradients. Keeping lr inside v (v ← μ·v − lr·g, w ← w + v: TensorFlow's " +
	"and Sutskever's convention) gives the same path only while lr is constant; under a learning-rate schedule the two differ."

var momentumMistakes = []struct {
	hint string
	v    optVariant
}{
	{lrInVHint, optVariant{lrInV: true}},
	{lrInVHint, optVariant{lrInVPlus: true}},
	{"the velocity is not carried: v ← μ·v + g starts from the v passed in (what the previous step returned), not from zero.",
		optVariant{notCarried: true}},
	{"PyTorch's momentum adds g itself, not (1 − μ)·g: v ← μ·v + g (the (1 − μ) is the dampening of an exponential average, which SGD's default leaves out).",
		optVariant{dampening: true}},
	{"the weights move by the velocity, not by the gradient alone: w ← w − lr·v with the new v.", optVariant{plainSGD: true}},
	{"update v first and move w with the new velocity: v ← μ·v + g, then w ← w − lr·v.", optVariant{oldV: true}},
	{"subtract the step: w ← w − lr·v; adding it climbs the loss.", optVariant{plus: true}},
}

var nesterovMistakes = []struct {
	hint string
	v    optVariant
}{
	{"Nesterov's look-ahead is missing: first v ← μ·v + g, then w ← w − lr·(g + μ·v) with that new v. " +
		"w − lr·v' (which is also w − lr·(g + μ·v) with the old v) is plain momentum.",
		optVariant{noLookahead: true}},
	{lrInVHint, optVariant{lrInV: true}},
	{lrInVHint, optVariant{lrInVPlus: true}},
	{"the velocity is not carried: v ← μ·v + g starts from the v passed in (what the previous step returned), not from zero.",
		optVariant{notCarried: true}},
	{"PyTorch's momentum adds g itself, not (1 − μ)·g: v ← μ·v + g.", optVariant{dampening: true}},
	{"the weights move by g + μ·v, not by the gradient alone: w ← w − lr·(g + μ·v).", optVariant{plainSGD: true}},
	{"subtract the step: w ← w − lr·(g + μ·v); adding it climbs the loss.", optVariant{plus: true}},
}

var rmspropMistakes = []struct {
	hint string
	v    optVariant
}{
	{"ε goes outside the square root: w ← w − lr·g/(√s + ε), not lr·g/√(s + ε) (it matters where s is tiny).",
		optVariant{epsInSqrt: true}},
	{"α and 1 − α are swapped: s ← α·s + (1−α)·g², so that with α = 0.99 the old mean keeps 99% of its weight.",
		optVariant{alphaSwap: true}},
	{"the running mean is not carried: s ← α·s + (1−α)·g² starts from the s passed in (what the previous step returned).",
		optVariant{notCarried: true}},
	{"divide by the square root of s: w ← w − lr·g/(√s + ε); s is a mean of squares.", optVariant{noSqrt: true}},
	{"subtract the step: w ← w − lr·g/(√s + ε); adding it climbs the loss.", optVariant{plus: true}},
}

// optSpec is what a case needs to know of one of the three functions.
type optSpec struct {
	kind     optKind
	fn       Func
	state    string // "v" or "s"
	param    string // "mu" or "alpha"
	formula  string
	mistakes []struct {
		hint string
		v    optVariant
	}
	call func(w, v, g []float64, lr, p, eps float64) ([]float64, []float64)
}

func momentumCases(impl MomentumImpl) []testCase {
	specs := []optSpec{
		{optMomentum, funcOf("momentum.Momentum", impl.Momentum), "v", "mu",
			"v ← μ·v + g; w ← w − lr·v", momentumMistakes,
			func(w, v, g []float64, lr, mu, _ float64) ([]float64, []float64) {
				return impl.Momentum(w, v, g, lr, mu)
			}},
		{optNesterov, funcOf("momentum.Nesterov", impl.Nesterov), "v", "mu",
			"v ← μ·v + g; w ← w − lr·(g + μ·v)", nesterovMistakes,
			func(w, v, g []float64, lr, mu, _ float64) ([]float64, []float64) {
				return impl.Nesterov(w, v, g, lr, mu)
			}},
		{optRMSProp, funcOf("momentum.RMSProp", impl.RMSProp), "s", "alpha",
			"s ← α·s + (1−α)·g²; w ← w − lr·g/(√s + ε)", rmspropMistakes,
			func(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) {
				return impl.RMSProp(w, s, g, lr, a, eps)
			}},
	}
	// run feeds the learner's function the gradients gs with the learning
	// rates lrs, from w0 and the state v0, carrying its own results from
	// step to step, and compares the state, then the weights, after each.
	run := func(c *ctx, sp optSpec, p, eps float64, w0, v0 []float64, gs [][]float64, lrs []float64) {
		w, v := slices.Clone(w0), slices.Clone(v0)
		for k, g := range gs {
			lr := lrs[k]
			keep := freeze([]string{"w", sp.state, "g"}, w, v, g)
			var gw, gv []float64
			if !call(c, sp.fn, func() { gw, gv = sp.call(w, v, g, lr, p, eps) }) || !keep.verify(c, sp.fn) {
				return
			}
			ww, wv := optStep(sp.kind, optVariant{}, w, v, g, lr, p, eps)
			given := []string{fmt.Sprintf("lr = %g, %s = %g", lr, sp.param, p)}
			if sp.kind == optRMSProp {
				given[0] += fmt.Sprintf(", eps = %g", eps)
			}
			if len(gs) > 1 {
				given[0] = fmt.Sprintf("step %d of %d: ", k+1, len(gs)) + given[0]
			}
			given = append(given, "w = "+vecString(w), sp.state+" = "+vecString(v), "g = "+vecString(g))
			var sms, wms []mistake
			for _, m := range sp.mistakes {
				mw, mv := optStep(sp.kind, m.v, w, v, g, lr, p, eps)
				sms = append(sms, mistake{m.hint, mv})
				// When the state is right, only the mistakes that get it
				// right too can explain wrong weights.
				if slices.EqualFunc(mv, wv, exactTol.ok) {
					wms = append(wms, mistake{m.hint, mw})
				}
			}
			ret := fmt.Sprintf("%s(w, %s, g, lr, %s", sp.fn.Name[len("momentum."):], sp.state, sp.param)
			if sp.kind == optRMSProp {
				ret += ", eps"
			}
			ret += ")"
			es := expect{fn: sp.fn, what: fmt.Sprintf("the new %s that %s returns (2nd result)", sp.state, ret), at: sp.state,
				given: given, tol: exactTol, mistakes: sms, hint: sp.formula + ", element by element."}
			if k == 0 && slices.ContainsFunc(v, func(x float64) bool { return x != 0 }) {
				es.hint = fmt.Sprintf("%s, starting from the %s passed in (here not zero): the state lives in the arguments "+
					"and results, never in a package-level variable or a copy kept from an earlier call.", sp.formula, sp.state)
			}
			if !es.vec(c, gv, wv) {
				return
			}
			ew := expect{fn: sp.fn, what: fmt.Sprintf("the new w that %s returns (1st result)", ret), at: "w",
				given: given, tol: exactTol, mistakes: wms, hint: sp.formula + ", with the new " + sp.state + "."}
			if !ew.vec(c, gw, ww) {
				return
			}
			w, v = gw, gv
		}
	}
	zeros := func(n int) []float64 { return make([]float64, n) }
	r := newRand(30)
	w0 := randVec(r, 5, -2, 2)
	var gs [][]float64
	for range 6 {
		gs = append(gs, randVec(r, 5, -1, 1))
	}
	gs[3][2] = 0 // a gradient that vanishes for one step: the velocity still moves w
	lrs := []float64{0.1, 0.05, 0.2, 0.02, 0.1, 0.3}
	v0 := randVec(r, 5, -1, 1)
	mom, nes, rms := specs[0], specs[1], specs[2]
	return []testCase{
		{"Momentum_first_step", func(c *ctx) {
			// From v = 0 one step is plain SGD: v = g, w − lr·g.
			run(c, mom, 0.9, 0, []float64{1, -2, 0.5}, zeros(3), [][]float64{{0.5, -1, 2}}, []float64{0.1})
		}},
		{"Momentum_steps_changing_lr", func(c *ctx) { run(c, mom, 0.9, 0, w0, zeros(5), gs, lrs) }},
		{"Momentum_from_given_velocity", func(c *ctx) {
			// The state comes from the arguments, never from anywhere else.
			run(c, mom, 0.8, 0, w0, v0, gs[:3], lrs[:3])
		}},
		{"Nesterov_first_step", func(c *ctx) {
			// From v = 0: v = g, w − lr·(1 + μ)·g.
			run(c, nes, 0.9, 0, []float64{1, -2, 0.5}, zeros(3), [][]float64{{0.5, -1, 2}}, []float64{0.1})
		}},
		{"Nesterov_steps_changing_lr", func(c *ctx) { run(c, nes, 0.9, 0, w0, zeros(5), gs, lrs) }},
		{"Nesterov_from_given_velocity", func(c *ctx) { run(c, nes, 0.8, 0, w0, v0, gs[:3], lrs[:3]) }},
		{"RMSProp_first_step", func(c *ctx) {
			// From s = 0 each weight moves by about lr·sign(g)/√(1−α),
			// except where g is so small that ε counts.
			run(c, rms, 0.99, 1e-8, []float64{1, -2, 0.5, 3}, zeros(4), [][]float64{{0.5, -1, 1e-6, 0}}, []float64{0.01})
		}},
		{"RMSProp_steps_changing_lr", func(c *ctx) {
			gt := slices.Clone(gs)
			gt[1] = slices.Clone(gs[1])
			gt[1][4] = 1e-7 // tiny: ε counts
			run(c, rms, 0.9, 1e-6, w0, zeros(5), gt, lrs)
		}},
		{"RMSProp_from_given_mean", func(c *ctx) {
			s0 := make([]float64, len(v0))
			for i, x := range v0 {
				s0[i] = x * x
			}
			run(c, rms, 0.99, 1e-8, w0, s0, gs[:3], lrs[:3])
		}},
	}
}
