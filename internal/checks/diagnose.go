package checks

import "math"

// Diagnose matches what a learner's function returned for the given
// arguments against that exercise's known mistakes, as the checks do, and
// returns the hint of the first one it matches, or "" when none does (or
// the function is not one Diagnose knows). It is for callers that run the
// learner's code on inputs of their own — a lesson in "mine" mode — and
// want the checks' diagnosis without the checks' cases.
//
// Known: logistic.Sigmoid (args: z float64; got float64), logistic.BCE
// (p, y []float64; float64), logistic.Grad (z, y []float64; []float64),
// softmax.Softmax (z []float64; []float64).
func Diagnose(exercise, fn string, args []any, got any) string {
	var ms []mistake
	var vals []float64
	t := exactTol
	switch exercise + "." + fn {
	case "logistic.Sigmoid":
		z, ok1 := arg[float64](args, 0)
		g, ok2 := got.(float64)
		if !ok1 || !ok2 {
			return ""
		}
		ms, vals = sigmoidMistakes(z), []float64{g}
	case "logistic.BCE":
		p, ok1 := arg[[]float64](args, 0)
		y, ok2 := arg[[]float64](args, 1)
		g, ok3 := got.(float64)
		if !ok1 || !ok2 || !ok3 || len(p) != len(y) {
			return ""
		}
		ms, vals = bceMistakes(p, y), []float64{g}
		if !finite(g) || !finite(bce(p, y)) {
			return "clamp p into [ε, 1−ε] (ε = 1e-7, as Keras does) before taking logs: log(0) is −Inf and 0·(−Inf) is NaN."
		}
	case "logistic.Grad":
		z, ok1 := arg[[]float64](args, 0)
		y, ok2 := arg[[]float64](args, 1)
		g, ok3 := got.([]float64)
		if !ok1 || !ok2 || !ok3 || len(z) != len(y) {
			return ""
		}
		ms, vals = logisticGradMistakes(z, y), g
	case "softmax.Softmax":
		z, ok1 := arg[[]float64](args, 0)
		g, ok2 := got.([]float64)
		if !ok1 || !ok2 || len(z) == 0 {
			return ""
		}
		ms, vals = softmaxMistakes(z), g
		for _, v := range g {
			if !finite(v) {
				return softmaxNaN
			}
		}
	default:
		return ""
	}
	for _, m := range ms {
		if len(m.vals) != len(vals) {
			continue
		}
		match := true
		for i, v := range vals {
			if !t.ok(v, m.vals[i]) {
				match = false
				break
			}
		}
		if match {
			return m.hint
		}
	}
	return ""
}

func arg[T any](args []any, i int) (T, bool) {
	var zero T
	if i >= len(args) {
		return zero, false
	}
	v, ok := args[i].(T)
	return v, ok
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
