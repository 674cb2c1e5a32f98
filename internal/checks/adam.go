package checks

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// Stepper is an optimizer that updates weights w in place from their
// gradient g.
type Stepper interface {
	Step(w, g []float64)
}

// AdamImpl holds the learner's constructor of the adam exercise.
//
// New(lr) returns a fresh Adam optimizer with learning rate lr, β1 = 0.9,
// β2 = 0.999 and ε = 1e-8. Each Step(w, g) counts one more step t and
// updates every weight:
//
//	m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
//	m̂ = m/(1−β1ᵗ)              v̂ = v/(1−β2ᵗ)
//	w ← w − lr·m̂/(√v̂ + ε)
//
// with m and v starting at zero. Step changes w only, never g. Two
// optimizers from New share no state.
type AdamImpl struct {
	New func(lr float64) Stepper
}

// Adam runs the checks of the adam exercise as sub-tests of t.
func Adam(t *testing.T, impl AdamImpl) {
	t.Helper()
	report(t, adamCases(impl))
}

// CheckAdam runs the same checks as Adam and returns the problems found;
// none means impl passes.
func CheckAdam(impl AdamImpl) []Problem { return collect(adamCases(impl)) }

// adamVariant is a known mistake in Adam; the zero value is right.
type adamVariant struct {
	noBiasCorrection bool // m̂ = m, v̂ = v
	epsInSqrt        bool // √(v̂ + ε)
	tStuck           bool // t stays 1
	tPerWeight       bool // t counts weights, not steps
	betasSwapped     bool // m with β2, v with β1
	noSqrt           bool // m̂/(v̂ + ε)
	plus             bool // w ← w + …
	lr               float64
}

var adamMistakes = []struct {
	hint string
	v    adamVariant
}{
	{"bias correction is missing: divide m by 1 − β1ᵗ and v by 1 − β2ᵗ; without it the first steps are far too small or too large.",
		adamVariant{noBiasCorrection: true}},
	{"ε goes outside the square root: lr·m̂/(√v̂ + ε), not lr·m̂/√(v̂ + ε).", adamVariant{epsInSqrt: true}},
	{"increment t on every Step: the bias correction uses the number of steps taken so far.", adamVariant{tStuck: true}},
	{"increment t once per Step, not once per weight: every weight of one step shares the same t.", adamVariant{tPerWeight: true}},
	{"the betas are swapped: m (the mean of g) uses β1 = 0.9, v (the mean of g²) uses β2 = 0.999.", adamVariant{betasSwapped: true}},
	{"divide by the square root of v̂: lr·m̂/(√v̂ + ε).", adamVariant{noSqrt: true}},
	{"subtract the update: w ← w − lr·m̂/(√v̂ + ε); adding it climbs the loss.", adamVariant{plus: true}},
	{"use the lr given to New, not a fixed 0.001.", adamVariant{lr: 0.001}},
}

// adamRun returns the weights after each step of a reference Adam (or of
// a mistaken one) started at w0 and fed the gradients gs.
func adamRun(v adamVariant, lr float64, w0 []float64, gs [][]float64) [][]float64 {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	if v.lr != 0 {
		lr = v.lr
	}
	bm, bv := b1, b2
	if v.betasSwapped {
		bm, bv = b2, b1
	}
	w := slices.Clone(w0)
	m, s := make([]float64, len(w)), make([]float64, len(w))
	var out [][]float64
	t := 0
	for _, g := range gs {
		if !v.tPerWeight {
			t++
		}
		for i := range w {
			if v.tPerWeight {
				t++
			}
			m[i] = bm*m[i] + (1-bm)*g[i]
			s[i] = bv*s[i] + (1-bv)*g[i]*g[i]
			tt := float64(t)
			if v.tStuck {
				tt = 1
			}
			mh, vh := m[i]/(1-math.Pow(bm, tt)), s[i]/(1-math.Pow(bv, tt))
			if v.noBiasCorrection {
				mh, vh = m[i], s[i]
			}
			var step float64
			switch {
			case v.epsInSqrt:
				step = lr * mh / math.Sqrt(vh+eps)
			case v.noSqrt:
				step = lr * mh / (vh + eps)
			default:
				step = lr * mh / (math.Sqrt(vh) + eps)
			}
			if v.plus {
				step = -step
			}
			w[i] -= step
		}
		out = append(out, slices.Clone(w))
	}
	return out
}

func adamCases(impl AdamImpl) []testCase {
	newFn := funcOf("adam.New", impl.New)
	// steps runs the learner's Adam over gs and compares w after each step.
	steps := func(c *ctx, lr float64, w0 []float64, gs [][]float64) {
		var opt Stepper
		if !call(c, newFn, func() { opt = impl.New(lr) }) {
			return
		}
		step := methodOf("adam.(*Adam).Step", opt, "Step")
		want := adamRun(adamVariant{}, lr, w0, gs)
		wrong := make([][][]float64, len(adamMistakes))
		for i, am := range adamMistakes {
			wrong[i] = adamRun(am.v, lr, w0, gs)
		}
		w := slices.Clone(w0)
		for k, g := range gs {
			before := slices.Clone(w)
			keep := freeze([]string{"g"}, g)
			if !call(c, step, func() { opt.Step(w, g) }) || !keep.verify(c, step) {
				return
			}
			ms := make([]mistake, len(adamMistakes))
			for i, am := range adamMistakes {
				ms[i] = mistake{am.hint, wrong[i][k]}
			}
			e := expect{fn: step, what: fmt.Sprintf("w after step %d", k+1), at: "w",
				given: []string{fmt.Sprintf("lr = %g", lr), "w before the step = " + vecString(before), "g = " + vecString(g)},
				tol:   exactTol, mistakes: ms,
				hint:    "m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).",
				nanHint: "t must be 1 on the first Step (1 − β⁰ = 0 divides by zero), and ε keeps 0/0 away where g is 0."}
			if !e.vec(c, w, want[k]) {
				return
			}
		}
	}
	r := newRand(4)
	var gs [][]float64
	for range 6 {
		gs = append(gs, randVec(r, 4, -1, 1))
	}
	gs[2][1] = 0 // a weight whose gradient vanishes for a step
	return []testCase{
		{"first_step", func(c *ctx) {
			// One step of Adam moves each weight by about lr·sign(g),
			// whatever the size of g; a zero gradient moves nothing.
			steps(c, 0.01, []float64{1, -2, 0.5, 3}, [][]float64{{0.1, -0.3, 0, 1e-4}})
		}},
		{"several_steps", func(c *ctx) {
			steps(c, 0.05, randVec(newRand(5), 4, -2, 2), gs)
		}},
		{"independent_optimizers", func(c *ctx) {
			// A second optimizer must behave like a fresh one, whatever
			// a first one did before: compare it with a third, fresh one.
			var a, b, fresh Stepper
			if !call(c, newFn, func() { a, b, fresh = impl.New(0.1), impl.New(0.1), impl.New(0.1) }) {
				return
			}
			step := methodOf("adam.(*Adam).Step", b, "Step")
			wa, wb, wf := []float64{1, 2}, []float64{1, 2}, []float64{1, 2}
			if !call(c, step, func() {
				fresh.Step(wf, []float64{-1, 0.2})
				a.Step(wa, []float64{0.5, -0.5})
				a.Step(wa, []float64{0.5, -0.5})
				b.Step(wb, []float64{-1, 0.2})
			}) {
				return
			}
			e := expect{fn: step, what: "w of a second optimizer after its first step", at: "w", tol: exactTol,
				given: []string{"another optimizer took 2 steps first; want: what a fresh optimizer gives"},
				hint:  "keep m, v and t in the Adam value (fields of the struct), not in package-level variables."}
			e.vec(c, wb, wf)
		}},
	}
}
