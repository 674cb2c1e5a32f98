package checks

import (
	"fmt"
	"math"
	"testing"
)

// ScheduleImpl holds the learner's functions of the schedule exercise:
// learning-rate schedules as pure functions of the step t, which counts
// from 0 (the first step is t = 0).
//
// StepDecay(lr, gamma, stepSize, t) = lr·γ^⌊t/stepSize⌋ (PyTorch's StepLR).
//
// Cosine(lr, etaMin, t, T) = η_min + ½(lr − η_min)(1 + cos(π·t/T)) for
// 0 ≤ t ≤ T (PyTorch's CosineAnnealingLR): lr at t = 0, η_min at t = T.
//
// WarmupConstant(lr, warmup, t) = lr·t/warmup for t < warmup, then lr:
// 0 at t = 0.
//
// WarmupCosine(lr, etaMin, warmup, total, t) warms up as WarmupConstant
// for t < warmup, then follows the cosine from lr down to η_min over the
// remaining total − warmup steps, η_min + ½(lr − η_min)(1 + cos(π·p)) with
// p = (t − warmup)/(total − warmup), and stays at η_min from t = total on.
type ScheduleImpl struct {
	StepDecay      func(lr, gamma float64, stepSize, t int) float64
	Cosine         func(lr, etaMin float64, t, T int) float64
	WarmupConstant func(lr float64, warmup, t int) float64
	WarmupCosine   func(lr, etaMin float64, warmup, total, t int) float64
}

// Schedule runs the checks of the schedule exercise as sub-tests of t.
func Schedule(t *testing.T, impl ScheduleImpl) {
	t.Helper()
	report(t, scheduleCases(impl))
}

// CheckSchedule runs the same checks as Schedule and returns the problems
// found; none means impl passes.
func CheckSchedule(impl ScheduleImpl) []Problem { return collect(scheduleCases(impl)) }

// schedVariant is a known mistake in a schedule; the zero value is right.
type schedVariant struct {
	shift      int  // t+shift in place of t (counting from 1 is shift −1 … or +1)
	noFloor    bool // StepDecay: γ^(t/s) with a real division
	gammaT     bool // StepDecay: γ^t, stepSize ignored
	twoPi      bool // Cosine: cos(2π·t/T)
	noEtaMin   bool // Cosine: ½·lr·(1 + cos), η_min ignored
	intDiv     bool // Cosine: π·(t/T) with Go's integer division
	noWarmup   bool // warm-up missing: lr from t = 0
	warmupFrom bool // warm-up: lr·(t+1)/warmup, so that it starts above 0
	cosFromT0  bool // WarmupCosine: the cosine's progress is t/total, not (t − warmup)/(total − warmup)
	cosAllT    bool // WarmupCosine: the cosine's progress is (t − warmup)/total
	noClamp    bool // WarmupCosine: the cosine goes on past t = total
}

func stepDecay(v schedVariant, lr, gamma float64, s, t int) float64 {
	t += v.shift
	switch {
	case v.noFloor:
		return lr * math.Pow(gamma, float64(t)/float64(s))
	case v.gammaT:
		return lr * math.Pow(gamma, float64(t))
	}
	return lr * math.Pow(gamma, float64(t/s))
}

// cosineAt is η_min + ½(lr − η_min)(1 + cos(π·p)) with the variant's
// mistakes; p = num/den.
func cosineAt(v schedVariant, lr, etaMin float64, num, den int) float64 {
	p := float64(num) / float64(den)
	if v.intDiv {
		p = float64(num / den)
	}
	angle := math.Pi * p
	if v.twoPi {
		angle *= 2
	}
	if v.noEtaMin {
		return 0.5 * lr * (1 + math.Cos(angle))
	}
	return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(angle))
}

func cosine(v schedVariant, lr, etaMin float64, t, T int) float64 {
	return cosineAt(v, lr, etaMin, t+v.shift, T)
}

func warmupPart(v schedVariant, lr float64, w, t int) float64 {
	switch {
	case v.noWarmup:
		return lr
	case v.warmupFrom:
		return lr * float64(t+1) / float64(w)
	}
	return lr * float64(t+v.shift) / float64(w)
}

func warmupConstant(v schedVariant, lr float64, w, t int) float64 {
	if t < w {
		return warmupPart(v, lr, w, t)
	}
	return lr
}

func warmupCosine(v schedVariant, lr, etaMin float64, w, total, t int) float64 {
	switch {
	case t < w:
		return warmupPart(v, lr, w, t)
	case t >= total && !v.noClamp:
		return etaMin
	case v.cosFromT0:
		return cosineAt(v, lr, etaMin, t, total)
	case v.cosAllT:
		return cosineAt(v, lr, etaMin, t-w, total)
	}
	return cosineAt(v, lr, etaMin, t-w+v.shift, total-w)
}

const (
	schedFrom0Hint = "t counts from 0: the first step is t = 0. Your values are those of the next step (t + 1) — " +
		"are you counting steps from 1?"
	schedFrom1Hint = "t counts from 0: the first step is t = 0. Your values are those of the previous step (t − 1)."
)

var stepDecayMistakes = []struct {
	hint string
	v    schedVariant
}{
	{"the exponent is ⌊t/stepSize⌋, a whole number: the lr drops in steps, every stepSize steps, and is flat in between. " +
		"With t and stepSize ints, t/stepSize in Go already rounds down; do not convert to float64 before dividing.",
		schedVariant{noFloor: true}},
	{"the exponent is ⌊t/stepSize⌋, not t: the lr is multiplied by γ once every stepSize steps, not on every step.",
		schedVariant{gammaT: true}},
	{schedFrom0Hint, schedVariant{shift: 1}},
	{schedFrom1Hint, schedVariant{shift: -1}},
}

var cosineMistakes = []struct {
	hint string
	v    schedVariant
}{
	{"the angle is π·t/T, not 2π·t/T: half a cosine period takes lr down to η_min at t = T; a whole one brings it back up.",
		schedVariant{twoPi: true}},
	{"t/T is integer division in Go (0 until t = T): convert first, float64(t)/float64(T).", schedVariant{intDiv: true}},
	{"η_min is missing: the cosine runs from lr down to η_min, η_min + ½(lr − η_min)(1 + cos(π·t/T)), not from lr down to 0.",
		schedVariant{noEtaMin: true}},
	{schedFrom0Hint, schedVariant{shift: 1}},
	{schedFrom1Hint, schedVariant{shift: -1}},
}

var warmupMistakes = []struct {
	hint string
	v    schedVariant
}{
	{"the warm-up is missing: the lr rises linearly from 0 at t = 0 to lr at t = warmup, lr·t/warmup.",
		schedVariant{noWarmup: true}},
	{"the warm-up starts at 0: lr·t/warmup is 0 at t = 0 (not lr/warmup: t counts from 0, not from 1).",
		schedVariant{warmupFrom: true}},
}

var warmupCosineMistakes = append(append([]struct {
	hint string
	v    schedVariant
}{
	{"the cosine starts where the warm-up ends: its progress is p = (t − warmup)/(total − warmup), which is 0 at t = warmup " +
		"(the full lr) and 1 at t = total (η_min).", schedVariant{cosFromT0: true}},
	{"the cosine spans the steps after the warm-up: p = (t − warmup)/(total − warmup), not (t − warmup)/total, so that it " +
		"reaches η_min exactly at t = total.", schedVariant{cosAllT: true}},
	{"from t = total on the lr stays at η_min: past the end of its half period the cosine would rise again.",
		schedVariant{noClamp: true}},
}, warmupMistakes...), cosineMistakes...)

// schedTable compares a schedule over t = 0 … n−1 with the reference,
// one element per step; lr[t] in messages is the value at step t.
func schedTable(c *ctx, fn Func, what string, given []string, n int, learner func(t int) float64,
	ref func(v schedVariant, t int) float64, ms []struct {
		hint string
		v    schedVariant
	}, hint string) bool {
	got, want := make([]float64, n), make([]float64, n)
	for t := range n {
		if !call(c, fn, func() { got[t] = learner(t) }) {
			return false
		}
		want[t] = ref(schedVariant{}, t)
	}
	var wrong []mistake
	for _, m := range ms {
		vals := make([]float64, n)
		for t := range n {
			vals[t] = ref(m.v, t)
		}
		wrong = append(wrong, mistake{m.hint, vals})
	}
	e := expect{fn: fn, what: fmt.Sprintf("%s for t = 0 … %d (lr[t] is its value at step t)", what, n-1), at: "lr", given: given,
		tol: exactTol, mistakes: wrong, hint: hint,
		nanHint: "a NaN or ±Inf comes from a division by zero: a warm-up of 0 steps has no warm-up phase at all."}
	return e.vec(c, got, want)
}

func scheduleCases(impl ScheduleImpl) []testCase {
	sd := funcOf("schedule.StepDecay", impl.StepDecay)
	co := funcOf("schedule.Cosine", impl.Cosine)
	wc := funcOf("schedule.WarmupConstant", impl.WarmupConstant)
	wco := funcOf("schedule.WarmupCosine", impl.WarmupCosine)
	stepDecayCase := func(c *ctx, lr, gamma float64, s, n int) bool {
		return schedTable(c, sd, fmt.Sprintf("StepDecay(%g, %g, %d, t)", lr, gamma, s),
			[]string{fmt.Sprintf("lr = %g, gamma = %g, stepSize = %d", lr, gamma, s)}, n,
			func(t int) float64 { return impl.StepDecay(lr, gamma, s, t) },
			func(v schedVariant, t int) float64 { return stepDecay(v, lr, gamma, s, t) }, stepDecayMistakes,
			"lr·γ^⌊t/stepSize⌋, with t from 0: the first stepSize steps get the full lr.")
	}
	cosineCase := func(c *ctx, lr, etaMin float64, T int) bool {
		return schedTable(c, co, fmt.Sprintf("Cosine(%g, %g, t, %d)", lr, etaMin, T),
			[]string{fmt.Sprintf("lr = %g, etaMin = %g, T = %d", lr, etaMin, T)}, T+1,
			func(t int) float64 { return impl.Cosine(lr, etaMin, t, T) },
			func(v schedVariant, t int) float64 { return cosine(v, lr, etaMin, t, T) }, cosineMistakes,
			"η_min + ½(lr − η_min)(1 + cos(π·t/T)): lr at t = 0, (lr + η_min)/2 at t = T/2, η_min at t = T.")
	}
	warmupCase := func(c *ctx, lr float64, w, n int) bool {
		return schedTable(c, wc, fmt.Sprintf("WarmupConstant(%g, %d, t)", lr, w),
			[]string{fmt.Sprintf("lr = %g, warmup = %d", lr, w)}, n,
			func(t int) float64 { return impl.WarmupConstant(lr, w, t) },
			func(v schedVariant, t int) float64 { return warmupConstant(v, lr, w, t) }, warmupMistakes,
			"lr·t/warmup for t < warmup (0 at t = 0), then lr.")
	}
	warmupCosineCase := func(c *ctx, lr, etaMin float64, w, total, n int) bool {
		return schedTable(c, wco, fmt.Sprintf("WarmupCosine(%g, %g, %d, %d, t)", lr, etaMin, w, total),
			[]string{fmt.Sprintf("lr = %g, etaMin = %g, warmup = %d, total = %d", lr, etaMin, w, total)}, n,
			func(t int) float64 { return impl.WarmupCosine(lr, etaMin, w, total, t) },
			func(v schedVariant, t int) float64 { return warmupCosine(v, lr, etaMin, w, total, t) }, warmupCosineMistakes,
			"lr·t/warmup for t < warmup; then η_min + ½(lr − η_min)(1 + cos(π·(t − warmup)/(total − warmup))) "+
				"until t = total; η_min from then on.")
	}
	return []testCase{
		{"StepDecay_halving_every_3", func(c *ctx) {
			// 0.1 for t = 0, 1, 2; 0.05 for t = 3, 4, 5; 0.025 …
			stepDecayCase(c, 0.1, 0.5, 3, 11)
		}},
		{"StepDecay_other_settings", func(c *ctx) {
			if stepDecayCase(c, 0.05, 0.1, 4, 13) {
				stepDecayCase(c, 1, 0.9, 1, 5) // stepSize 1: a drop on every step
			}
		}},
		{"Cosine_from_lr_to_etaMin", func(c *ctx) {
			// lr at t = 0, the midpoint 0.0505 at t = 5, η_min at t = 10.
			cosineCase(c, 0.1, 0.001, 10)
		}},
		{"Cosine_odd_T_etaMin_0", func(c *ctx) { cosineCase(c, 0.3, 0, 7) }},
		{"WarmupConstant_from_0", func(c *ctx) {
			// 0, 0.002, 0.004, 0.006, 0.008, then 0.01 from t = 5 on.
			warmupCase(c, 0.01, 5, 9)
		}},
		{"WarmupConstant_one_step", func(c *ctx) { warmupCase(c, 0.5, 1, 3) }},
		{"WarmupCosine_whole_run", func(c *ctx) {
			// Warm-up over t = 0 … 3, the cosine from 0.01 at t = 4 to
			// 1e-4 at t = 20, and 1e-4 after the run's end.
			warmupCosineCase(c, 0.01, 1e-4, 4, 20, 24)
		}},
		{"WarmupCosine_no_warmup", func(c *ctx) {
			// warmup = 0 is the plain cosine over total steps.
			warmupCosineCase(c, 0.2, 0.02, 0, 6, 8)
		}},
	}
}
