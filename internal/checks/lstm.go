package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// LSTMImpl holds the learner's functions of the lstm exercise: one step
// of an LSTM cell and its backward pass, for one example, with the gates
// in PyTorch's order i, f, g, o.
//
// Step(x, h, c, Wx, Wh, b) returns h' and c':
//
//	z  = x·Wx + h·Wh + b            4·hidden, blocks [i | f | g | o]
//	i  = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
//	c' = f⊙c + i⊙g
//	h' = o⊙tanh(c')
//
// with x of length in, h and c of length hidden, Wx in×4·hidden, Wh
// hidden×4·hidden and b of length 4·hidden; columns k·hidden …
// (k+1)·hidden−1 of Wx, Wh and b belong to gate k of i, f, g, o.
//
// StepBackward(x, h, c, Wx, Wh, b, dhNext, dcNext) is given the step's
// inputs and the gradients ∂L/∂h' and ∂L/∂c' of some loss L, and returns
// ∂L/∂x, ∂L/∂h, ∂L/∂c, ∂L/∂Wx, ∂L/∂Wh and ∂L/∂b. No argument is changed.
type LSTMImpl struct {
	Step         func(x, h, c []float64, Wx, Wh [][]float64, b []float64) (hNext, cNext []float64)
	StepBackward func(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) (dx, dh, dc []float64, dWx, dWh [][]float64, db []float64)
}

// LSTM runs the checks of the lstm exercise as sub-tests of t.
func LSTM(t *testing.T, impl LSTMImpl) {
	t.Helper()
	report(t, lstmCases(impl))
}

// CheckLSTM runs the same checks as LSTM and returns the problems found;
// none means impl passes.
func CheckLSTM(impl LSTMImpl) []Problem { return collect(lstmCases(impl)) }

// lstmStep is one cell step with its upstream gradients.
type lstmStep struct {
	x, h, c        []float64
	Wx, Wh         [][]float64
	b              []float64
	dhNext, dcNext []float64
}

// lstmGrads are the six results of StepBackward.
type lstmGrads struct {
	dx, dh, dc []float64
	dWx, dWh   [][]float64
	db         []float64
}

// lstmParts are the results of StepBackward in the order they are
// checked: db is dz itself, dc the cell's own path, then the products.
var lstmParts = []string{"db", "dc", "dWx", "dWh", "dh", "dx"}

func (g lstmGrads) flat(part string) []float64 {
	switch part {
	case "dx":
		return g.dx
	case "dh":
		return g.dh
	case "dc":
		return g.dc
	case "dWx":
		return slices.Concat(g.dWx...)
	case "dWh":
		return slices.Concat(g.dWh...)
	}
	return g.db
}

// lstmVariant is a known mistake; the zero value is right.
type lstmVariant struct {
	// forward
	swapIF, swapGO, tanhOld, gSigmoid, noForget, noTanhC bool
	// backward
	noDc, dcNoF, noDcNext, sigmoidPlus, backTanhOld, tanhPrimeOfC, backSwapIF bool
}

var lstmStepMistakes = []struct {
	hint string
	v    lstmVariant
}{
	{"the gates are in PyTorch's order i, f, g, o: the input gate i is the first block of z (columns 0 … hidden−1), the forget gate f the second.", lstmVariant{swapIF: true}},
	{"the gates are in PyTorch's order i, f, g, o: the candidate g is the third block of z, the output gate o the fourth.", lstmVariant{swapGO: true}},
	{"h' = o⊙tanh(c') uses the new cell state c', not the previous c.", lstmVariant{tanhOld: true}},
	{"the candidate g = tanh(z_g), not σ: it proposes values in (−1, 1), while i, f and o are the σ gates in (0, 1).", lstmVariant{gSigmoid: true}},
	{"c' = f⊙c + i⊙g: the previous cell passes through the forget gate f.", lstmVariant{noForget: true}},
	{"h' = o⊙tanh(c'): squash the new cell state with tanh before the output gate.", lstmVariant{noTanhC: true}},
}

var lstmBackMistakes = []struct {
	hint string
	v    lstmVariant
}{
	{"the previous cell state gets a gradient: dc = dc'ₜₒₜ⊙f, with dc'ₜₒₜ = dcNext + dhNext⊙o⊙(1 − tanh²(c')) — the cell's path back through time.", lstmVariant{noDc: true}},
	{"dc = dc'ₜₒₜ⊙f: c reaches c' through f⊙c, so multiply by the forget gate f.", lstmVariant{dcNoF: true}},
	{"add dcNext, the gradient arriving from the next step's cell: dc'ₜₒₜ = dcNext + dhNext⊙o⊙(1 − tanh²(c')).", lstmVariant{noDcNext: true}},
	{"σ'(z) = σ(z)·(1 − σ(z)), not σ(z)·(1 + σ(z)).", lstmVariant{sigmoidPlus: true}},
	{"h' = o⊙tanh(c') with the new cell c': both do = dhNext⊙tanh(c') and the tanh' = 1 − tanh²(c') use c', not the previous c.", lstmVariant{backTanhOld: true}},
	{"the slope of tanh(c') is 1 − tanh²(c'), not 1 − c'².", lstmVariant{tanhPrimeOfC: true}},
	{"the gates are in PyTorch's order i, f, g, o: dz's first block is the input gate's (dc'ₜₒₜ⊙g⊙i(1−i)), its second the forget gate's (dc'ₜₒₜ⊙c⊙f(1−f)).", lstmVariant{backSwapIF: true}},
}

// gates returns i, f, g, o and c' as v's forward pass computes them.
func (s lstmStep) gates(v lstmVariant) (i, f, g, o, cNext []float64) {
	H := len(s.h)
	z := slices.Clone(s.b)
	for j := range z {
		for k, xk := range s.x {
			z[j] += xk * s.Wx[k][j]
		}
		for k, hk := range s.h {
			z[j] += hk * s.Wh[k][j]
		}
	}
	bi, bf, bg, bo := 0, 1, 2, 3
	if v.swapIF {
		bi, bf = 1, 0
	}
	if v.swapGO {
		bg, bo = 3, 2
	}
	i, f, g, o, cNext = make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, H)
	for j := range H {
		i[j], f[j], o[j] = sigmoid(z[bi*H+j]), sigmoid(z[bf*H+j]), sigmoid(z[bo*H+j])
		g[j] = math.Tanh(z[bg*H+j])
		if v.gSigmoid {
			g[j] = sigmoid(z[bg*H+j])
		}
		cNext[j] = f[j]*s.c[j] + i[j]*g[j]
		if v.noForget {
			cNext[j] = s.c[j] + i[j]*g[j]
		}
	}
	return i, f, g, o, cNext
}

// forward returns h' and c'.
func (s lstmStep) forward(v lstmVariant) (hNext, cNext []float64) {
	_, _, _, o, cNext := s.gates(v)
	hNext = make([]float64, len(cNext))
	for j := range hNext {
		switch {
		case v.tanhOld:
			hNext[j] = o[j] * math.Tanh(s.c[j])
		case v.noTanhC:
			hNext[j] = o[j] * cNext[j]
		default:
			hNext[j] = o[j] * math.Tanh(cNext[j])
		}
	}
	return hNext, cNext
}

// backward returns the gradients, right for the zero variant.
func (s lstmStep) backward(v lstmVariant) lstmGrads {
	i, f, g, o, cNext := s.gates(lstmVariant{})
	H := len(s.h)
	dsig := func(y float64) float64 {
		if v.sigmoidPlus {
			return y * (1 + y)
		}
		return y * (1 - y)
	}
	dz := make([]float64, 4*H)
	dc := make([]float64, H)
	for j := range H {
		tc := math.Tanh(cNext[j])
		if v.backTanhOld {
			tc = math.Tanh(s.c[j])
		}
		slope := 1 - tc*tc
		if v.tanhPrimeOfC {
			slope = 1 - cNext[j]*cNext[j]
		}
		dct := s.dhNext[j] * o[j] * slope
		if !v.noDcNext {
			dct += s.dcNext[j]
		}
		bi, bf := 0, 1
		if v.backSwapIF {
			bi, bf = 1, 0
		}
		dz[bi*H+j] = dct * g[j] * dsig(i[j])
		dz[bf*H+j] = dct * s.c[j] * dsig(f[j])
		dz[2*H+j] = dct * i[j] * (1 - g[j]*g[j])
		dz[3*H+j] = s.dhNext[j] * tc * dsig(o[j])
		switch {
		case v.noDc:
		case v.dcNoF:
			dc[j] = dct
		default:
			dc[j] = dct * f[j]
		}
	}
	gr := lstmGrads{dc: dc, db: dz, dWx: outer(s.x, dz), dWh: outer(s.h, dz),
		dx: make([]float64, len(s.x)), dh: make([]float64, H)}
	for k := range s.x {
		gr.dx[k] = dot(s.Wx[k], dz)
	}
	for k := range H {
		gr.dh[k] = dot(s.Wh[k], dz)
	}
	return gr
}

// lstmFD returns the gradients of L = dhNext·h' + dcNext·c' by central
// differences of step (the learner's or the reference forward) on a copy
// of s.
func lstmFD(s lstmStep, step func(x, h, c []float64, Wx, Wh [][]float64, b []float64) ([]float64, []float64)) lstmGrads {
	cp := lstmStep{x: slices.Clone(s.x), h: slices.Clone(s.h), c: slices.Clone(s.c), b: slices.Clone(s.b)}
	for _, r := range s.Wx {
		cp.Wx = append(cp.Wx, slices.Clone(r))
	}
	for _, r := range s.Wh {
		cp.Wh = append(cp.Wh, slices.Clone(r))
	}
	loss := func() float64 {
		hn, cn := step(cp.x, cp.h, cp.c, cp.Wx, cp.Wh, cp.b)
		if len(hn) != len(s.dhNext) || len(cn) != len(s.dcNext) {
			panic(fmt.Sprintf("Step returned h' of length %d and c' of length %d, want %d each", len(hn), len(cn), len(s.dhNext)))
		}
		return dot(s.dhNext, hn) + dot(s.dcNext, cn)
	}
	fdMat := func(m [][]float64) [][]float64 {
		g := make([][]float64, len(m))
		for i := range m {
			g[i] = centralDiff(loss, m[i])
		}
		return g
	}
	return lstmGrads{dx: centralDiff(loss, cp.x), dh: centralDiff(loss, cp.h), dc: centralDiff(loss, cp.c),
		dWx: fdMat(cp.Wx), dWh: fdMat(cp.Wh), db: centralDiff(loss, cp.b)}
}

func randomLSTMStep(r *rand.Rand, in, H int) lstmStep {
	return lstmStep{x: randVec(r, in, -1, 1), h: randVec(r, H, -1, 1), c: randVec(r, H, -1.5, 1.5),
		Wx: randMat(r, in, 4*H, -1, 1), Wh: randMat(r, H, 4*H, -1, 1), b: randVec(r, 4*H, -0.5, 0.5),
		dhNext: randVec(r, H, -1, 1), dcNext: randVec(r, H, -1, 1)}
}

// lstmHand is one input and one unit: z = (1, 0.25, 0.5, −0.5), so
// i = σ(1), f = σ(0.25), g = tanh(0.5), o = σ(−0.5).
var lstmHand = lstmStep{
	x: []float64{1}, h: []float64{0.5}, c: []float64{0.4},
	Wx: [][]float64{{0.5, -0.5, 1, -0.25}}, Wh: [][]float64{{1, 0.5, -1, 0.5}}, b: []float64{0, 0.5, 0, -0.5},
	dhNext: []float64{1}, dcNext: []float64{0.5},
}

func (s lstmStep) given() []string {
	if len(s.h) > 1 {
		return []string{fmt.Sprintf("a seeded random step (the same every run): x %d, h %d, c %d, Wx %d×%d, Wh %d×%d, b %d, dhNext %d, dcNext %d",
			len(s.x), len(s.h), len(s.c), len(s.Wx), len(s.b), len(s.Wh), len(s.b), len(s.b), len(s.h), len(s.h))}
	}
	return []string{"x  = " + vecString(s.x), "h  = " + vecString(s.h), "c  = " + vecString(s.c), "Wx = " + matString(s.Wx),
		"Wh = " + matString(s.Wh), "b  = " + vecString(s.b), "dhNext = " + vecString(s.dhNext), "dcNext = " + vecString(s.dcNext)}
}

func (s lstmStep) freeze() frozen {
	names, vs := []string{"x", "h", "c", "b", "dhNext", "dcNext"}, [][]float64{s.x, s.h, s.c, s.b, s.dhNext, s.dcNext}
	for i, r := range s.Wx {
		names, vs = append(names, fmt.Sprintf("Wx[%d]", i)), append(vs, r)
	}
	for i, r := range s.Wh {
		names, vs = append(names, fmt.Sprintf("Wh[%d]", i)), append(vs, r)
	}
	return freeze(names, vs...)
}

const lstmDct = "dc'ₜₒₜ = dcNext + dhNext⊙o⊙(1 − tanh²(c'))"

var lstmHints = map[string]string{
	"hNext": "h' = o⊙tanh(c') with o = σ(z_o), the fourth block of z = x·Wx + h·Wh + b.",
	"cNext": "c' = f⊙c + i⊙g with i = σ(z_i), f = σ(z_f), g = tanh(z_g), the first three blocks of z = x·Wx + h·Wh + b.",
	"db":    "db = dz, in blocks [i | f | g | o]: dz_i = " + lstmDct + " ⊙g⊙i(1−i), dz_f = dc'ₜₒₜ⊙c⊙f(1−f), dz_g = dc'ₜₒₜ⊙i⊙(1−g²), dz_o = dhNext⊙tanh(c')⊙o(1−o).",
	"dc":    "dc = dc'ₜₒₜ⊙f with " + lstmDct + ".",
	"dWx":   "dWx = xᵀ·dz: dWx[k][j] = x[k]·dz[j].",
	"dWh":   "dWh = hᵀ·dz: dWh[k][j] = h[k]·dz[j].",
	"dh":    "dh = dz·Whᵀ: dh[k] = Σⱼ Wh[k][j]·dz[j] — what goes back to the previous step's h.",
	"dx":    "dx = dz·Wxᵀ: dx[k] = Σⱼ Wx[k][j]·dz[j].",
}

func lstmCases(impl LSTMImpl) []testCase {
	step := funcOf("lstm.Step", impl.Step)
	back := funcOf("lstm.StepBackward", impl.StepBackward)
	forward := func(c *ctx, s lstmStep) {
		keep := s.freeze()
		var hn, cn []float64
		if !call(c, step, func() { hn, cn = impl.Step(s.x, s.h, s.c, s.Wx, s.Wh, s.b) }) || !keep.verify(c, step) {
			return
		}
		wantH, wantC := s.forward(lstmVariant{})
		var hm, cm []mistake
		for _, m := range lstmStepMistakes {
			mh, mc := s.forward(m.v)
			hm, cm = append(hm, mistake{m.hint, mh}), append(cm, mistake{m.hint, mc})
		}
		if !(expect{fn: step, what: "cNext", at: "cNext", given: s.given(), tol: exactTol, mistakes: cm, hint: lstmHints["cNext"]}).vec(c, cn, wantC) {
			return
		}
		expect{fn: step, what: "hNext", at: "hNext", given: s.given(), tol: exactTol, mistakes: hm, hint: lstmHints["hNext"]}.vec(c, hn, wantH)
	}
	backward := func(c *ctx, s lstmStep, want lstmGrads, t tol, only string, right []mistake) {
		keep := s.freeze()
		var got lstmGrads
		if !call(c, back, func() {
			got.dx, got.dh, got.dc, got.dWx, got.dWh, got.db = impl.StepBackward(s.x, s.h, s.c, s.Wx, s.Wh, s.b, s.dhNext, s.dcNext)
		}) || !keep.verify(c, back) {
			return
		}
		for pi, part := range lstmParts {
			if only != "" && part != only {
				continue
			}
			var ms []mistake
			if right != nil {
				ms = append(ms, right[pi])
			}
			for _, m := range lstmBackMistakes {
				ms = append(ms, mistake{m.hint, s.backward(m.v).flat(part)})
			}
			what := part
			if right != nil {
				what += " (want: the finite differences of your Step)"
			}
			e := expect{fn: back, what: what, at: part, given: s.given(), tol: t, mistakes: ms, hint: lstmHints[part]}
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
	random := randomLSTMStep(newRand(21), 3, 2)
	cases := []testCase{
		{"Step_hand_computed", func(c *ctx) { forward(c, lstmHand) }},
		{"Step_random", func(c *ctx) { forward(c, random) }},
		{"StepBackward_hand_computed", func(c *ctx) { backward(c, lstmHand, lstmHand.backward(lstmVariant{}), exactTol, "", nil) }},
	}
	for _, part := range lstmParts {
		cases = append(cases, testCase{"StepBackward_" + part + "_vs_finite_differences_of_your_Step", func(c *ctx) {
			var hn, cn []float64
			if !call(c, step, func() { hn, cn = impl.Step(random.x, random.h, random.c, random.Wx, random.Wh, random.b) }) {
				return
			}
			if len(hn) != len(random.h) || len(cn) != len(random.c) {
				expect{fn: step, given: random.given()}.fail(c, fmt.Sprintf("returned h' of length %d and c' of length %d, want %d each.", len(hn), len(cn), len(random.h)),
					"this check differentiates your Step; fix Step first (Step_random).")
				return
			}
			var fd lstmGrads
			if !call(c, step, func() { fd = lstmFD(random, impl.Step) }) {
				return
			}
			an := random.backward(lstmVariant{})
			right := make([]mistake, len(lstmParts))
			for i, p := range lstmParts {
				right[i] = mistake{"your StepBackward agrees with the right gradients; it is your Step whose slopes differ: fix Step first (Step_hand_computed).", an.flat(p)}
			}
			backward(c, random, fd, fdTol, part, right)
		}})
	}
	return cases
}
