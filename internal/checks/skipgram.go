package checks

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// SkipGramImpl holds the learner's functions of the skipgram exercise:
// the loss of skip-gram with negative sampling (Mikolov et al. 2013) for
// one (centre, context, negatives) triple, and its gradients.
//
// Loss(vc, uo, uNeg) is
//
//	L = −log σ(uo·vc) − Σₖ log σ(−uₖ·vc)
//
// for the centre word's input vector vc, the context word's output vector
// uo and the K negative samples' output vectors uNeg (K×d), all of width
// d; it is finite for scores of any size. Grads(vc, uo, uNeg) returns
// ∂L/∂vc, ∂L/∂uo and ∂L/∂uNeg:
//
//	dvc = (σ(uo·vc) − 1)·uo + Σₖ σ(uₖ·vc)·uₖ
//	duo = (σ(uo·vc) − 1)·vc
//	duₖ = σ(uₖ·vc)·vc
//
// No argument is changed.
type SkipGramImpl struct {
	Loss  func(vc, uo []float64, uNeg [][]float64) float64
	Grads func(vc, uo []float64, uNeg [][]float64) (dvc, duo []float64, duNeg [][]float64)
}

// SkipGram runs the checks of the skipgram exercise as sub-tests of t.
func SkipGram(t *testing.T, impl SkipGramImpl) {
	t.Helper()
	report(t, skipgramCases(impl))
}

// CheckSkipGram runs the same checks as SkipGram and returns the problems
// found; none means impl passes.
func CheckSkipGram(impl SkipGramImpl) []Problem { return collect(skipgramCases(impl)) }

type sgTriple struct {
	vc, uo []float64
	uNeg   [][]float64
}

// logSigmoid is log σ(s), stable for any s.
func logSigmoid(s float64) float64 {
	if s >= 0 {
		return -math.Log1p(math.Exp(-s))
	}
	return s - math.Log1p(math.Exp(s))
}

// sgVariant is a known mistake; the zero value is right.
type sgVariant struct {
	// loss
	negSign, noNeg, flipped, meanNeg bool
	// grads
	dvcNoNeg, posSign, negAsPos, duoNoMinus1, negOneMinus bool
}

var sgLossMistakes = []struct {
	hint string
	v    sgVariant
}{
	{"the negatives enter with a minus inside the sigmoid: −log σ(−uₖ·vc), the log-probability that uₖ is not a context word.", sgVariant{negSign: true}},
	{"add the K negative samples' terms: L = −log σ(uo·vc) − Σₖ log σ(−uₖ·vc).", sgVariant{noNeg: true}},
	{"the loss is the negative log-likelihood: −log σ(uo·vc) − Σₖ log σ(−uₖ·vc), a positive number.", sgVariant{flipped: true}},
	{"sum over the negatives, do not average: Σₖ log σ(−uₖ·vc).", sgVariant{meanNeg: true}},
}

var sgGradMistakes = []struct {
	hint string
	v    sgVariant
}{
	{"dvc gets a term from every negative too: dvc = (σ(uo·vc) − 1)·uo + Σₖ σ(uₖ·vc)·uₖ.", sgVariant{dvcNoNeg: true}},
	{"the sign of the context term: d/ds[−log σ(s)] = σ(s) − 1, which is negative, so dvc and duo hold (σ(uo·vc) − 1), not (1 − σ(uo·vc)).", sgVariant{posSign: true}},
	{"a negative sample pulls the other way: d/ds[−log σ(−s)] = σ(s), so duₖ = σ(uₖ·vc)·vc, not (σ(uₖ·vc) − 1)·vc.", sgVariant{negAsPos: true}},
	{"duo = (σ(uo·vc) − 1)·vc: the derivative of −log σ(s) is σ(s) − 1, not σ(s).", sgVariant{duoNoMinus1: true}},
	{"d/ds[−log σ(−s)] = σ(s) = 1 − σ(−s): for the negatives use σ(uₖ·vc), not σ(−uₖ·vc).", sgVariant{negOneMinus: true}},
}

func (t sgTriple) loss(v sgVariant) float64 {
	L := -logSigmoid(dot(t.uo, t.vc))
	if v.flipped {
		L = -L
	}
	neg := 0.0
	for _, u := range t.uNeg {
		s := -dot(u, t.vc)
		if v.negSign {
			s = -s
		}
		neg -= logSigmoid(s)
	}
	switch {
	case v.noNeg:
		neg = 0
	case v.meanNeg:
		neg /= float64(len(t.uNeg))
	case v.flipped:
		neg = -neg
	}
	return L + neg
}

type sgGrads struct {
	dvc, duo []float64
	duNeg    [][]float64
}

var sgParts = []string{"duo", "duNeg", "dvc"}

func (g sgGrads) flat(part string) []float64 {
	switch part {
	case "duo":
		return g.duo
	case "duNeg":
		return slices.Concat(g.duNeg...)
	}
	return g.dvc
}

func (t sgTriple) grads(v sgVariant) sgGrads {
	d := len(t.vc)
	po := sigmoid(dot(t.uo, t.vc)) - 1
	switch {
	case v.posSign:
		po = -po
	case v.duoNoMinus1:
		po++
	}
	g := sgGrads{dvc: make([]float64, d), duo: make([]float64, d)}
	for i := range d {
		g.duo[i] = po * t.vc[i]
		g.dvc[i] = po * t.uo[i]
	}
	if v.duoNoMinus1 { // only duo has the mistake
		p := sigmoid(dot(t.uo, t.vc)) - 1
		for i := range d {
			g.dvc[i] = p * t.uo[i]
		}
	}
	for _, u := range t.uNeg {
		pk := sigmoid(dot(u, t.vc))
		switch {
		case v.negAsPos:
			pk--
		case v.negOneMinus:
			pk = 1 - pk
		}
		row := make([]float64, d)
		for i := range d {
			row[i] = pk * t.vc[i]
			if !v.dvcNoNeg {
				g.dvc[i] += pk * u[i]
			}
		}
		g.duNeg = append(g.duNeg, row)
	}
	return g
}

func (t sgTriple) given() []string {
	if len(t.vc) > 3 {
		return []string{fmt.Sprintf("a seeded random triple (the same every run): vc %d, uo %d, uNeg %d×%d", len(t.vc), len(t.uo), len(t.uNeg), len(t.vc))}
	}
	return []string{"vc   = " + vecString(t.vc), "uo   = " + vecString(t.uo), "uNeg = " + matString(t.uNeg)}
}

func (t sgTriple) freeze() frozen {
	names, vs := []string{"vc", "uo"}, [][]float64{t.vc, t.uo}
	for i, r := range t.uNeg {
		names, vs = append(names, fmt.Sprintf("uNeg[%d]", i)), append(vs, r)
	}
	return freeze(names, vs...)
}

// sgHand: uo·vc = 0 (σ = ½), u₀·vc = 2 and u₁·vc = −1.
var sgHand = sgTriple{vc: []float64{1, 2}, uo: []float64{2, -1}, uNeg: [][]float64{{0, 1}, {1, -1}}}

// sgLarge has scores of ±800: σ is 0 or 1 to the last bit, log σ is −800
// or −0.
var sgLarge = sgTriple{vc: []float64{20, 20}, uo: []float64{-20, -20}, uNeg: [][]float64{{20, 20}, {-20, -20}}}

const sgStableHint = "compute log σ(s) stably: for s ≥ 0 it is −log1p(e^(−s)), for s < 0 it is s − log1p(e^s) (math.Log1p); log(σ(s)) gives log 0 = −Inf once σ(s) rounds to 0."

func skipgramCases(impl SkipGramImpl) []testCase {
	lossFn := funcOf("skipgram.Loss", impl.Loss)
	gradFn := funcOf("skipgram.Grads", impl.Grads)
	checkLoss := func(c *ctx, t sgTriple) bool {
		keep := t.freeze()
		var got float64
		if !call(c, lossFn, func() { got = impl.Loss(t.vc, t.uo, t.uNeg) }) || !keep.verify(c, lossFn) {
			return false
		}
		var ms []mistake
		for _, m := range sgLossMistakes {
			ms = append(ms, mistake{m.hint, []float64{t.loss(m.v)}})
		}
		return expect{fn: lossFn, what: "Loss(vc, uo, uNeg)", given: t.given(), tol: exactTol, mistakes: ms, nanHint: sgStableHint,
			hint: "L = −log σ(uo·vc) − Σₖ log σ(−uₖ·vc), one number."}.scalar(c, got, t.loss(sgVariant{}))
	}
	checkGrads := func(c *ctx, t sgTriple, want sgGrads, tl tol, right *sgGrads) bool {
		keep := t.freeze()
		var got sgGrads
		if !call(c, gradFn, func() { got.dvc, got.duo, got.duNeg = impl.Grads(t.vc, t.uo, t.uNeg) }) || !keep.verify(c, gradFn) {
			return false
		}
		for _, part := range sgParts {
			var ms []mistake
			what := part
			if right != nil {
				ms = append(ms, mistake{"your Grads is right; it is your Loss whose slopes differ: fix Loss first (Loss_hand_computed).", right.flat(part)})
				what += " (want: the finite differences of your Loss)"
			}
			for _, m := range sgGradMistakes {
				ms = append(ms, mistake{m.hint, t.grads(m.v).flat(part)})
			}
			e := expect{fn: gradFn, what: what, at: part, given: t.given(), tol: tl, mistakes: ms, nanHint: sgStableHint, hint: map[string]string{
				"duo":   "duo = (σ(uo·vc) − 1)·vc.",
				"duNeg": "duₖ = σ(uₖ·vc)·vc, one row per negative sample.",
				"dvc":   "dvc = (σ(uo·vc) − 1)·uo + Σₖ σ(uₖ·vc)·uₖ.",
			}[part]}
			var ok bool
			if part == "duNeg" {
				ok = e.mat(c, got.duNeg, want.duNeg)
			} else {
				ok = e.vec(c, got.flat(part), want.flat(part))
			}
			if !ok {
				return false
			}
		}
		return true
	}
	r := newRand(41)
	random := sgTriple{vc: randVec(r, 8, -1, 1), uo: randVec(r, 8, -1, 1), uNeg: randMat(r, 5, 8, -1, 1)}
	return []testCase{
		{"Loss_hand_computed", func(c *ctx) { checkLoss(c, sgHand) }},
		{"Loss_random", func(c *ctx) { checkLoss(c, random) }},
		{"Loss_large_scores_stay_finite", func(c *ctx) { checkLoss(c, sgLarge) }},
		{"Grads_hand_computed", func(c *ctx) { checkGrads(c, sgHand, sgHand.grads(sgVariant{}), exactTol, nil) }},
		{"Grads_large_scores_stay_finite", func(c *ctx) { checkGrads(c, sgLarge, sgLarge.grads(sgVariant{}), exactTol, nil) }},
		{"Grads_vs_finite_differences_of_your_Loss", func(c *ctx) {
			cp := sgTriple{vc: slices.Clone(random.vc), uo: slices.Clone(random.uo)}
			for _, u := range random.uNeg {
				cp.uNeg = append(cp.uNeg, slices.Clone(u))
			}
			var fd sgGrads
			if !call(c, lossFn, func() {
				f := func() float64 { return impl.Loss(cp.vc, cp.uo, cp.uNeg) }
				fd.dvc, fd.duo = centralDiff(f, cp.vc), centralDiff(f, cp.uo)
				for _, u := range cp.uNeg {
					fd.duNeg = append(fd.duNeg, centralDiff(f, u))
				}
			}) {
				return
			}
			right := random.grads(sgVariant{})
			checkGrads(c, random, fd, fdTol, &right)
		}},
	}
}
