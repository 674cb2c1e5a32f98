package checks

import (
	"math"
	"slices"
)

// Diagnose matches what a learner's function returned for the given
// arguments against that exercise's known mistakes, as the checks do, and
// returns the hint of the first one it matches, or "" when none does (or
// the function is not one Diagnose knows). It is for callers that run the
// learner's code on inputs of their own — a lesson in "mine" mode — and
// want the checks' diagnosis without the checks' cases.
//
// Known: logistic.Sigmoid (args: z float64; got float64), logistic.BCE
// (p, y []float64; float64), logistic.Grad (z, y []float64; []float64),
// softmax.Softmax (z []float64; []float64), mse.Loss (pred, target
// []float64; float64), mse.Grad (pred, target []float64; []float64),
// regularize.L2Grad (w, grad []float64, λ float64; []float64),
// regularize.DropoutBackward (dy, mask []float64; []float64),
// gan.DiscriminatorLoss (real, fake []float64; float64),
// gan.GeneratorLoss (fake []float64; float64),
// gan.DiscriminatorGrad (real, fake []float64; dReal then dFake in one
// []float64), gan.GeneratorGrad (fake []float64; []float64),
// momentum.Momentum and momentum.Nesterov (w, v, g []float64, lr, mu
// float64; the new v then the new w in one []float64) and
// momentum.RMSProp (w, s, g []float64, lr, alpha, eps float64; the new s
// then the new w), adam.New (lr float64, w []float64 before the step, gs
// [][]float64 every gradient the optimizer was fed, this step's last; the
// new w: a step's change depends on the gradients only), dpsgd.Step (w
// []float64, grads [][]float64, C, sigma, lr float64, z []float64; the
// noisy gradient), melbank.MelFilterBank (nMels, nFFT, sampleRate int,
// fMin, fMax float64; [][]float64) and melbank.PowerSpectrum (frame
// []float64; []float64).
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
	case "mse.Loss", "mse.Grad", "regularize.DropoutBackward":
		a, ok1 := arg[[]float64](args, 0)
		b, ok2 := arg[[]float64](args, 1)
		if !ok1 || !ok2 || len(a) != len(b) || len(a) == 0 {
			return ""
		}
		switch fn {
		case "Loss":
			g, ok := got.(float64)
			if !ok {
				return ""
			}
			ms, vals = mseLossMistakes(a, b), []float64{g}
		case "Grad":
			g, ok := got.([]float64)
			if !ok {
				return ""
			}
			ms, vals = mseGradMistakes(a, b), g
		default:
			g, ok := got.([]float64)
			if !ok {
				return ""
			}
			ms, vals = dropoutBackwardMistakes(a, b), g
		}
	case "regularize.L2Grad":
		w, ok1 := arg[[]float64](args, 0)
		g0, ok2 := arg[[]float64](args, 1)
		lambda, ok3 := arg[float64](args, 2)
		g, ok4 := got.([]float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || len(w) != len(g0) {
			return ""
		}
		ms, vals = l2Mistakes(w, g0, lambda), g
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
	case "gan.DiscriminatorLoss", "gan.DiscriminatorGrad":
		real, ok1 := arg[[]float64](args, 0)
		fake, ok2 := arg[[]float64](args, 1)
		if !ok1 || !ok2 || len(real) == 0 || len(fake) == 0 {
			return ""
		}
		if fn == "DiscriminatorLoss" {
			g, ok := got.(float64)
			if !ok {
				return ""
			}
			ms, vals = dLossMistakes(real, fake), []float64{g}
		} else {
			g, ok := got.([]float64)
			if !ok {
				return ""
			}
			ms, vals = dGradMistakes(real, fake), g
		}
	case "gan.GeneratorLoss", "gan.GeneratorGrad":
		fake, ok := arg[[]float64](args, 0)
		if !ok || len(fake) == 0 {
			return ""
		}
		if g, ok := got.(float64); ok && fn == "GeneratorLoss" {
			ms, vals = gLossMistakes(fake), []float64{g}
		} else if g, ok := got.([]float64); ok && fn == "GeneratorGrad" {
			ms, vals = gGradMistakes(fake), g
		} else {
			return ""
		}
	case "adam.New":
		lr, ok1 := arg[float64](args, 0)
		w, ok2 := arg[[]float64](args, 1)
		gs, ok3 := arg[[][]float64](args, 2)
		g, ok4 := got.([]float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || len(gs) == 0 {
			return ""
		}
		for _, gk := range gs {
			if len(gk) != len(w) {
				return ""
			}
		}
		zero := make([]float64, len(w))
		after := func(v adamVariant) []float64 {
			path := adamRun(v, lr, zero, gs)
			from := zero
			if len(path) > 1 {
				from = path[len(path)-2]
			}
			out := make([]float64, len(w))
			for i := range w {
				out[i] = w[i] + path[len(path)-1][i] - from[i]
			}
			return out
		}
		right := after(adamVariant{})
		for _, am := range adamMistakes {
			// A mistake that gives the right weights here (ε where v̂ is
			// large) explains nothing.
			if mv := after(am.v); !slices.EqualFunc(mv, right, t.ok) {
				ms = append(ms, mistake{am.hint, mv})
			}
		}
		vals = g
	case "momentum.Momentum", "momentum.Nesterov", "momentum.RMSProp":
		w, ok1 := arg[[]float64](args, 0)
		v, ok2 := arg[[]float64](args, 1)
		g, ok3 := arg[[]float64](args, 2)
		lr, ok4 := arg[float64](args, 3)
		p, ok5 := arg[float64](args, 4)
		eps, _ := arg[float64](args, 5)
		res, ok6 := got.([]float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || len(v) != len(w) || len(g) != len(w) {
			return ""
		}
		kind, table := optMomentum, momentumMistakes
		switch fn {
		case "Nesterov":
			kind, table = optNesterov, nesterovMistakes
		case "RMSProp":
			kind, table = optRMSProp, rmspropMistakes
		}
		for _, m := range table {
			mw, mv := optStep(kind, m.v, w, v, g, lr, p, eps)
			ms = append(ms, mistake{m.hint, append(mv, mw...)})
		}
		vals = res
	case "dpsgd.Step":
		w, ok1 := arg[[]float64](args, 0)
		grads, ok2 := arg[[][]float64](args, 1)
		C, ok3 := arg[float64](args, 2)
		sigma, ok4 := arg[float64](args, 3)
		lr, ok5 := arg[float64](args, 4)
		z, ok6 := arg[[]float64](args, 5)
		g, ok7 := got.([]float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 || len(z) != len(w) || len(g) != len(w) || len(grads) == 0 {
			return ""
		}
		for _, r := range grads {
			if len(r) != len(w) {
				return ""
			}
		}
		k := dpCase{w: w, grads: grads, C: C, sigma: sigma, lr: lr, z: z}
		right := dpRun(dpVariant{}, k)
		for _, m := range dpMistakes {
			ms = appendWrong(ms, t, m.hint, dpRun(m.v, k), right)
		}
		vals = g
	case "melbank.MelFilterBank":
		nMels, ok1 := arg[int](args, 0)
		nFFT, ok2 := arg[int](args, 1)
		sr, ok3 := arg[int](args, 2)
		fMin, ok4 := arg[float64](args, 3)
		fMax, ok5 := arg[float64](args, 4)
		g, ok6 := got.([][]float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || nMels < 1 || nFFT < 2 {
			return ""
		}
		right := flatten(melRun(melVariant{}, nMels, nFFT, sr, fMin, fMax))
		for _, m := range melMistakes {
			ms = appendWrong(ms, t, m.hint, flatten(melRun(m.v, nMels, nFFT, sr, fMin, fMax)), right)
		}
		vals = flatten(g)
	case "melbank.PowerSpectrum":
		frame, ok1 := arg[[]float64](args, 0)
		g, ok2 := got.([]float64)
		if !ok1 || !ok2 || len(frame) == 0 {
			return ""
		}
		right := powRun(powVariant{}, frame)
		for _, m := range powMistakes {
			ms = appendWrong(ms, t, m.hint, powRun(m.v, frame), right)
		}
		vals = g
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

// appendWrong appends the mistake (hint, vals) to ms unless its values
// are the right ones on these arguments (σ·z is σ·C·z when C = 1): a
// right answer has no diagnosis.
func appendWrong(ms []mistake, t tol, hint string, vals, right []float64) []mistake {
	if slices.EqualFunc(vals, right, t.ok) {
		return ms
	}
	return append(ms, mistake{hint, vals})
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
