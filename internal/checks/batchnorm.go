package checks

import (
	"fmt"
	"math"
	"testing"
)

// BatchNormImpl holds the learner's functions of the batchnorm exercise:
// batch normalisation of a batch x (n×d, n ≥ 2) with PyTorch's
// conventions, in training and in evaluation mode, and its backward pass
// in training mode.
//
// TrainForward(x, gamma, beta, runMean, runVar, momentum, eps) normalises
// each column (feature) j over the batch with the batch statistics
// μⱼ = (1/n)·Σᵢ x[i][j] and σ²ⱼ = (1/n)·Σᵢ (x[i][j] − μⱼ)²:
// y[i][j] = γⱼ·(x[i][j] − μⱼ)/√(σ²ⱼ + ε) + βⱼ. It also returns the
// updated running statistics, newMean = (1 − m)·runMean + m·μ and
// newVar = (1 − m)·runVar + m·σ²·n/(n − 1) (the unbiased batch variance).
//
// EvalForward(x, gamma, beta, runMean, runVar, eps) normalises with the
// running statistics instead: y = γ·(x − runMean)/√(runVar + ε) + β.
//
// Backward(x, gamma, eps, dy) is the training-mode backward pass, with the
// means over the batch (column j): gⱼ = dy[·][j]·γⱼ,
// dx[·][j] = (gⱼ − mean(gⱼ) − x̂[·][j]·mean(gⱼ ⊙ x̂[·][j]))/√(σ²ⱼ + ε),
// dγⱼ = Σᵢ dy[i][j]·x̂[i][j], dβⱼ = Σᵢ dy[i][j].
//
// No function changes its arguments.
type BatchNormImpl struct {
	TrainForward func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) (y [][]float64, newMean, newVar []float64)
	EvalForward  func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64
	Backward     func(x [][]float64, gamma []float64, eps float64, dy [][]float64) (dx [][]float64, dgamma, dbeta []float64)
}

// BatchNorm runs the checks of the batchnorm exercise as sub-tests of t.
func BatchNorm(t *testing.T, impl BatchNormImpl) {
	t.Helper()
	report(t, batchnormCases(impl))
}

// CheckBatchNorm runs the same checks as BatchNorm and returns the problems
// found; none means impl passes.
func CheckBatchNorm(impl BatchNormImpl) []Problem { return collect(batchnormCases(impl)) }

// bnCase is one batch with the layer's parameters, running statistics and
// upstream gradient.
type bnCase struct {
	rows            [][]float64
	gamma, beta     []float64
	runMean, runVar []float64
	momentum, eps   float64
	dy              [][]float64
	name            string // "" for a small case whose values the messages show
}

// bnVariant is a known mistake; the zero value is right.
type bnVariant struct {
	overFeatures, unbiasedNorm, epsOutside, runningInTrain bool // training y
	noUpdate, reversed, biasedRunning, batchOnly           bool // running statistics
	batchInEval, varAsStd, evalEpsOutside                  bool // evaluation y
	noMeanTerms, noXhatTerm, perRow, dgLastRow, averaged   bool // backward
}

// bnStats returns the batch mean and biased variance of each column.
func bnStats(x [][]float64) (mu, v []float64) {
	n, d := len(x), len(x[0])
	mu, v = make([]float64, d), make([]float64, d)
	for j := range d {
		for i := range n {
			mu[j] += x[i][j] / float64(n)
		}
		for i := range n {
			v[j] += (x[i][j] - mu[j]) * (x[i][j] - mu[j]) / float64(n)
		}
	}
	return mu, v
}

// normalizeWith returns y = γ·(x − mu)/sd + β, column by column.
func (b bnCase) normalizeWith(mu, sd []float64) [][]float64 {
	y := convZeros(len(b.rows), len(b.gamma))
	for i := range y {
		for j := range y[i] {
			y[i][j] = b.gamma[j]*(b.rows[i][j]-mu[j])/sd[j] + b.beta[j]
		}
	}
	return y
}

func sdOf(v []float64, eps float64, outside bool) []float64 {
	sd := make([]float64, len(v))
	for j := range v {
		if outside {
			sd[j] = math.Sqrt(v[j]) + eps
		} else {
			sd[j] = math.Sqrt(v[j] + eps)
		}
	}
	return sd
}

// train returns the training-mode y and running statistics.
func (b bnCase) train(v bnVariant) (y [][]float64, newMean, newVar []float64) {
	n := float64(len(b.rows))
	mu, bv := bnStats(b.rows)
	switch {
	case v.overFeatures:
		// layer norm's statistics: per row, over the features
		y = lnCase{x: b.rows, gamma: b.gamma, beta: b.beta, eps: b.eps}.forward(lnVariant{})
	case v.runningInTrain:
		y = b.normalizeWith(b.runMean, sdOf(b.runVar, b.eps, false))
	case v.unbiasedNorm:
		uv := make([]float64, len(bv))
		for j := range bv {
			uv[j] = bv[j] * n / (n - 1)
		}
		y = b.normalizeWith(mu, sdOf(uv, b.eps, false))
	default:
		y = b.normalizeWith(mu, sdOf(bv, b.eps, v.epsOutside))
	}
	m := b.momentum
	newMean, newVar = make([]float64, len(mu)), make([]float64, len(mu))
	for j := range mu {
		unbiased := bv[j] * n / (n - 1)
		if v.biasedRunning {
			unbiased = bv[j]
		}
		switch {
		case v.noUpdate:
			newMean[j], newVar[j] = b.runMean[j], b.runVar[j]
		case v.reversed:
			newMean[j] = m*b.runMean[j] + (1-m)*mu[j]
			newVar[j] = m*b.runVar[j] + (1-m)*unbiased
		case v.batchOnly:
			newMean[j], newVar[j] = mu[j], unbiased
		default:
			newMean[j] = (1-m)*b.runMean[j] + m*mu[j]
			newVar[j] = (1-m)*b.runVar[j] + m*unbiased
		}
	}
	return y, newMean, newVar
}

// eval returns the evaluation-mode y.
func (b bnCase) eval(v bnVariant) [][]float64 {
	switch {
	case v.batchInEval:
		mu, bv := bnStats(b.rows)
		return b.normalizeWith(mu, sdOf(bv, b.eps, false))
	case v.varAsStd:
		sd := make([]float64, len(b.runVar))
		for j := range sd {
			sd[j] = b.runVar[j] + b.eps
		}
		return b.normalizeWith(b.runMean, sd)
	}
	return b.normalizeWith(b.runMean, sdOf(b.runVar, b.eps, v.evalEpsOutside))
}

// backward returns the training-mode gradients: layer norm's backward
// pass on the transposed batch, with one γ per row of it.
func (b bnCase) backward(v bnVariant) lnGrads {
	n, d := len(b.rows), len(b.gamma)
	if v.perRow {
		return lnCase{x: b.rows, gamma: b.gamma, eps: b.eps, dy: b.dy}.backward(lnVariant{})
	}
	xt := transpose(b.rows)
	xh, inv := lnCase{x: xt, eps: b.eps}.normalize(lnVariant{})
	g := lnGrads{dx: convZeros(n, d), dgamma: make([]float64, d), dbeta: make([]float64, d)}
	for j := range d {
		gj := make([]float64, n)
		mg, mgx := 0.0, 0.0
		for i := range n {
			gj[i] = b.dy[i][j] * b.gamma[j]
			mg += gj[i] / float64(n)
			mgx += gj[i] * xh[j][i] / float64(n)
		}
		for i := range n {
			switch {
			case v.noMeanTerms:
				g.dx[i][j] = inv[j] * gj[i]
			case v.noXhatTerm:
				g.dx[i][j] = inv[j] * (gj[i] - mg)
			default:
				g.dx[i][j] = inv[j] * (gj[i] - mg - xh[j][i]*mgx)
			}
			if v.dgLastRow {
				g.dgamma[j] = b.dy[i][j] * xh[j][i]
			} else {
				g.dgamma[j] += b.dy[i][j] * xh[j][i]
			}
			g.dbeta[j] += b.dy[i][j]
		}
		if v.averaged {
			g.dgamma[j] /= float64(n)
			g.dbeta[j] /= float64(n)
		}
	}
	return g
}

type bnMistake struct {
	hint string
	v    bnVariant
}

var bnTrainMistakes = []bnMistake{
	{"that normalises each row over its features (layer norm): batch norm normalises each column, one feature, over the n examples of the batch.", bnVariant{overFeatures: true}},
	{"in training mode, normalise with the batch's own statistics μ and σ² of this x, not the running ones (those are for evaluation).", bnVariant{runningInTrain: true}},
	{"normalise with the biased batch variance σ² = (1/n)·Σᵢ (x − μ)²; the unbiased n/(n − 1) version only goes into the running variance.", bnVariant{unbiasedNorm: true}},
	{"ε goes inside the square root: x̂ = (x − μ)/√(σ² + ε), not (x − μ)/(√σ² + ε).", bnVariant{epsOutside: true}},
	{"the running statistics are not updated: return newMean = (1 − m)·runMean + m·μ and newVar = (1 − m)·runVar + m·σ²·n/(n − 1); evaluation mode depends on them.", bnVariant{noUpdate: true}},
	{"the momentum is the weight of the new batch, as in PyTorch: running = (1 − m)·running + m·batch, not m·running + (1 − m)·batch.", bnVariant{reversed: true}},
	{"the running variance is updated with the unbiased batch variance σ²·n/(n − 1), as PyTorch does (the normalisation itself uses the biased σ²).", bnVariant{biasedRunning: true}},
	{"the running statistics are an average over many batches: blend, (1 − m)·running + m·batch, rather than replacing them with this batch's.", bnVariant{batchOnly: true}},
}

var bnEvalMistakes = []bnMistake{
	{"evaluation mode uses the running statistics, not the batch's: y = γ·(x − runMean)/√(runVar + ε) + β, so that one example's output does not depend on the others in its batch.", bnVariant{batchInEval: true}},
	{"runVar is a variance: divide by √(runVar + ε), its square root, not by runVar + ε.", bnVariant{varAsStd: true}},
	{"ε goes inside the square root: √(runVar + ε).", bnVariant{evalEpsOutside: true}},
}

var bnBackMistakes = []bnMistake{
	{"that is layer norm's backward pass, with the means over each row: in batch norm the statistics are per column, so the means of dx's terms run over the batch (the rows of column j).", bnVariant{perRow: true}},
	{"dx is missing both mean terms: μⱼ and σ²ⱼ depend on every example of the batch, so dx[·][j] = (gⱼ − mean(gⱼ) − x̂ⱼ·mean(gⱼ ⊙ x̂ⱼ))/√(σ²ⱼ+ε), not gⱼ/√(σ²ⱼ+ε).", bnVariant{noMeanTerms: true}},
	{"dx is missing the variance term −x̂ⱼ·mean(gⱼ ⊙ x̂ⱼ), which comes from σ²ⱼ depending on x.", bnVariant{noXhatTerm: true}},
	{"dγ is one row: sum over the batch, dγⱼ = Σᵢ dy[i][j]·x̂[i][j] (with +=, not =).", bnVariant{dgLastRow: true}},
	{"dγ and dβ are sums over the batch, not means: any 1/n belongs to the loss and is already in dy.", bnVariant{averaged: true}},
}

func (b bnCase) given(what string) []string {
	if b.name != "" {
		return []string{fmt.Sprintf("%s: x %d×%d, momentum = %g, eps = %g", b.name, len(b.rows), len(b.gamma), b.momentum, b.eps)}
	}
	g := []string{"x = " + matString(b.rows), "gamma = " + vecString(b.gamma)}
	switch what {
	case "train":
		g = append(g, "beta = "+vecString(b.beta), "runMean = "+vecString(b.runMean), "runVar = "+vecString(b.runVar),
			fmt.Sprintf("momentum = %g, eps = %g", b.momentum, b.eps))
	case "eval":
		g = append(g, "beta = "+vecString(b.beta), "runMean = "+vecString(b.runMean), "runVar = "+vecString(b.runVar),
			fmt.Sprintf("eps = %g", b.eps))
	default:
		g = append(g, fmt.Sprintf("eps = %g", b.eps), "dy = "+matString(b.dy))
	}
	return g
}

const (
	bnTrainHint = "per column j: μⱼ = (1/n)Σᵢ x[i][j], σ²ⱼ = (1/n)Σᵢ (x[i][j] − μⱼ)², y = γⱼ·(x − μⱼ)/√(σ²ⱼ + ε) + βⱼ."
	bnMeanHint  = "newMean = (1 − momentum)·runMean + momentum·μ, with μ the batch mean of each column."
	bnVarHint   = "newVar = (1 − momentum)·runVar + momentum·σ²·n/(n − 1), with the unbiased batch variance of each column."
	bnEvalHint  = "y = γ·(x − runMean)/√(runVar + ε) + β: the running statistics, the batch's own are not used."
)

var bnBackHints = map[string]string{
	"dbeta":  "dβⱼ = Σᵢ dy[i][j]: β is added to every row.",
	"dgamma": "dγⱼ = Σᵢ dy[i][j]·x̂[i][j], summed over the batch.",
	"dx":     "dx[·][j] = (gⱼ − mean(gⱼ) − x̂ⱼ·mean(gⱼ ⊙ x̂ⱼ))/√(σ²ⱼ+ε) with gⱼ = dy[·][j]·γⱼ and the means over the batch (column j).",
}

// bnHand: four examples of three features, running statistics away from
// PyTorch's start (0 and 1) so that every blend shows, a large ε.
var bnHand = bnCase{
	rows:     [][]float64{{1, 2, -1}, {3, 0, 2}, {-1, 4, 0}, {5, 2, 3}},
	gamma:    []float64{1, -0.5, 2},
	beta:     []float64{0.5, 0, -1},
	runMean:  []float64{0.5, 1, -0.5},
	runVar:   []float64{2, 0.5, 1.5},
	momentum: 0.1, eps: 0.1,
	dy: [][]float64{{1, -1, 0.5}, {0, 2, -1}, {-2, 0.5, 1}, {1, 1, -0.5}},
}

func randomBN(r interface{ Float64() float64 }, n, d int, momentum, eps float64) bnCase {
	m := func(rows, cols int, lo, hi float64) [][]float64 {
		out := convZeros(rows, cols)
		for i := range out {
			for j := range out[i] {
				out[i][j] = lo + (hi-lo)*r.Float64()
			}
		}
		return out
	}
	return bnCase{rows: m(n, d, -2, 3), gamma: m(1, d, 0.5, 1.5)[0], beta: m(1, d, -1, 1)[0],
		runMean: m(1, d, -0.5, 0.5)[0], runVar: m(1, d, 0.5, 1.5)[0], momentum: momentum, eps: eps,
		dy: m(n, d, -1, 1), name: "a seeded random batch (the same every run)"}
}

func batchnormCases(impl BatchNormImpl) []testCase {
	train := funcOf("batchnorm.TrainForward", impl.TrainForward)
	eval := funcOf("batchnorm.EvalForward", impl.EvalForward)
	back := funcOf("batchnorm.Backward", impl.Backward)
	r := newRand(14)
	random := []bnCase{randomBN(r, 2, 5, 0.1, 1e-5), randomBN(r, 8, 3, 0.3, 1e-5), randomBN(r, 5, 5, 0.01, 1e-3)}
	fdCase := randomBN(r, 5, 3, 0.1, 1e-2)
	// Three training steps from PyTorch's start, then evaluation.
	steps := []bnCase{randomBN(r, 6, 4, 0.2, 1e-5), randomBN(r, 6, 4, 0.2, 1e-5), randomBN(r, 6, 4, 0.2, 1e-5)}
	for k := range steps {
		steps[k].name = fmt.Sprintf("training step %d of 3 (seeded random batches, the same every run), from runMean = 0, runVar = 1", k+1)
	}
	evalAfter := randomBN(r, 3, 4, 0.2, 1e-5)

	trainOf := func(c *ctx, b bnCase) (y [][]float64, nm, nv []float64, ok bool) {
		keep := freezeArgs([]string{"x"}, [][][]float64{b.rows}, []string{"gamma", "beta", "runMean", "runVar"},
			b.gamma, b.beta, b.runMean, b.runVar)
		ok = call(c, train, func() { y, nm, nv = impl.TrainForward(b.rows, b.gamma, b.beta, b.runMean, b.runVar, b.momentum, b.eps) }) &&
			keep.verify(c, train)
		return
	}
	// checkTrain compares the three results of TrainForward with the
	// reference step of b.
	checkTrain := func(c *ctx, b bnCase, y [][]float64, nm, nv []float64) bool {
		wy, wm, wv := b.train(bnVariant{})
		ms := map[string][]mistake{}
		for _, m := range bnTrainMistakes {
			my, mm, mv := b.train(m.v)
			ms["y"] = append(ms["y"], mistake{m.hint, convFlat(my)})
			ms["newMean"] = append(ms["newMean"], mistake{m.hint, mm})
			ms["newVar"] = append(ms["newVar"], mistake{m.hint, mv})
		}
		what := "TrainForward(x, gamma, beta, runMean, runVar, momentum, eps)"
		if !(expect{fn: train, what: what + "'s y", at: "y", given: b.given("train"), tol: exactTol,
			mistakes: ms["y"], hint: bnTrainHint}.mat(c, y, wy)) {
			return false
		}
		for _, p := range []struct {
			name      string
			got, want []float64
			hint      string
		}{{"newMean", nm, wm, bnMeanHint}, {"newVar", nv, wv, bnVarHint}} {
			if !(expect{fn: train, what: what + "'s " + p.name, at: p.name, given: b.given("train"), tol: exactTol,
				mistakes: ms[p.name], hint: p.hint}.vec(c, p.got, p.want)) {
				return false
			}
		}
		return true
	}
	trainCheck := func(c *ctx, b bnCase) bool {
		y, nm, nv, ok := trainOf(c, b)
		return ok && checkTrain(c, b, y, nm, nv)
	}
	evalCheck := func(c *ctx, b bnCase) bool {
		keep := freezeArgs([]string{"x"}, [][][]float64{b.rows}, []string{"gamma", "beta", "runMean", "runVar"},
			b.gamma, b.beta, b.runMean, b.runVar)
		var y [][]float64
		if !call(c, eval, func() { y = impl.EvalForward(b.rows, b.gamma, b.beta, b.runMean, b.runVar, b.eps) }) || !keep.verify(c, eval) {
			return false
		}
		var ms []mistake
		for _, m := range bnEvalMistakes {
			ms = append(ms, mistake{m.hint, convFlat(b.eval(m.v))})
		}
		return expect{fn: eval, what: "EvalForward(x, gamma, beta, runMean, runVar, eps)", at: "y", given: b.given("eval"),
			tol: exactTol, mistakes: ms, hint: bnEvalHint}.mat(c, y, b.eval(bnVariant{}))
	}
	backOf := func(c *ctx, b bnCase) (lnGrads, bool) {
		keep := freezeArgs([]string{"x", "dy"}, [][][]float64{b.rows, b.dy}, []string{"gamma"}, b.gamma)
		var g lnGrads
		ok := call(c, back, func() { g.dx, g.dgamma, g.dbeta = impl.Backward(b.rows, b.gamma, b.eps, b.dy) })
		return g, ok && keep.verify(c, back)
	}
	compare := func(c *ctx, b bnCase, got, want lnGrads, t tol, only string, extra []mistake) bool {
		for _, part := range lnParts {
			if only != "" && part != only {
				continue
			}
			ms := extra
			for _, m := range bnBackMistakes {
				ms = append(ms, mistake{m.hint, b.backward(m.v).flat(part)})
			}
			e := expect{fn: back, what: part, at: part, given: b.given("back"), tol: t, mistakes: ms, hint: bnBackHints[part]}
			var ok bool
			if part == "dx" {
				ok = e.mat(c, got.dx, want.dx)
			} else {
				ok = e.vec(c, got.flat(part), want.flat(part))
			}
			if !ok {
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, b bnCase) bool {
		got, ok := backOf(c, b)
		return ok && compare(c, b, got, b.backward(bnVariant{}), exactTol, "", nil)
	}
	// vsSlope compares one part of Backward with the finite-difference
	// slope of L = Σ dy ⊙ y, y from the learner's own TrainForward.
	vsSlope := func(c *ctx, part string) {
		b := fdCase
		got, ok := backOf(c, b)
		if !ok {
			return
		}
		x, gamma, beta := convClone(b.rows), append([]float64(nil), b.gamma...), append([]float64(nil), b.beta...)
		rm, rv := append([]float64(nil), b.runMean...), append([]float64(nil), b.runVar...)
		var y [][]float64
		if !call(c, train, func() { y, _, _ = impl.TrainForward(x, gamma, beta, rm, rv, b.momentum, b.eps) }) {
			return
		}
		if msg := shapeMismatch(y, b.dy); msg != "" {
			expect{fn: train}.fail(c, "the finite-difference check of Backward needs TrainForward, and its y "+msg+".",
				"fix TrainForward first: "+bnTrainHint)
			return
		}
		var fd lnGrads
		if !call(c, train, func() {
			fd = normFiniteDiff(func() [][]float64 {
				y, _, _ := impl.TrainForward(x, gamma, beta, rm, rv, b.momentum, b.eps)
				return y
			}, b.dy, x, gamma, beta, part)
		}) {
			return
		}
		right := mistake{"your Backward is right; it is the slope of your TrainForward's y that is wrong: fix TrainForward first.",
			b.backward(bnVariant{}).flat(part)}
		compare(c, b, got, fd, fdTol, part, []mistake{right})
	}

	cases := []testCase{
		{"TrainForward_hand_computed", func(c *ctx) { trainCheck(c, bnHand) }},
		{"TrainForward_random", func(c *ctx) {
			for _, b := range random {
				if !trainCheck(c, b) {
					return
				}
			}
		}},
		{"TrainForward_running_statistics_over_steps", func(c *ctx) {
			// Each step starts from the running statistics the learner's
			// previous step returned; each is checked against the
			// reference step from those same statistics.
			d := len(steps[0].gamma)
			rm, rv := make([]float64, d), make([]float64, d)
			for j := range rv {
				rv[j] = 1
			}
			for _, b := range steps {
				b.runMean, b.runVar = rm, rv
				y, nm, nv, ok := trainOf(c, b)
				if !ok || !checkTrain(c, b, y, nm, nv) {
					return
				}
				rm, rv = nm, nv
			}
		}},
		{"EvalForward_hand_computed", func(c *ctx) { evalCheck(c, bnHand) }},
		{"EvalForward_after_training", func(c *ctx) {
			// The running statistics of the reference's three steps; the
			// evaluation batch is another one.
			d := len(steps[0].gamma)
			rm, rv := make([]float64, d), make([]float64, d)
			for j := range rv {
				rv[j] = 1
			}
			for _, b := range steps {
				b.runMean, b.runVar = rm, rv
				_, rm, rv = b.train(bnVariant{})
			}
			b := evalAfter
			b.runMean, b.runVar = rm, rv
			b.name = "a seeded random batch after the three training steps of TrainForward_running_statistics_over_steps"
			evalCheck(c, b)
		}},
		{"Backward_hand_computed", func(c *ctx) { backward(c, bnHand) }},
		{"Backward_random", func(c *ctx) {
			for _, b := range random {
				if !backward(c, b) {
					return
				}
			}
		}},
	}
	for _, part := range lnParts {
		cases = append(cases, testCase{"Backward_" + part + "_vs_finite_differences", func(c *ctx) { vsSlope(c, part) }})
	}
	return cases
}
