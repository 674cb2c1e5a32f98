package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BPTTImpl holds the learner's functions of the bptt exercise:
// backpropagation through time over a whole sequence of a vanilla RNN, for
// one example.
//
// Forward(xs, h0, Wx, Wh, b) returns hs, T×hidden, with hs[t] = h_{t+1} =
// tanh(xs[t]·Wx + h_t·Wh + b), h_0 = h0: xs is T×in, Wx in×hidden, Wh
// hidden×hidden (row i holds the weights from unit i of h), b hidden.
//
// The loss is L = Σ_t dhs[t]·hs[t]: dhs (T×hidden) are given per-step
// gradients dL/dh_t, as the per-step losses of a sequence model hand them
// down (∂ℓ_t/∂h_t), so that dhs[t] is the gradient h_t receives directly.
// Backward(xs, h0, Wx, Wh, b, dhs) returns dWx, dWh, db, dh0 = ∂L/∂h0, and
// norms (length T) with norms[t] = ‖∂L/∂hs[t]‖, the Euclidean norm of the
// total gradient reaching hs[t] (its own dhs[t] plus what comes back from
// later steps). Going from t = T−1 down to 0, with carry = 0 at the start:
//
//	g     = dhs[t] + carry         norms[t] = ‖g‖
//	da    = g ⊙ (1 − hs[t]²)
//	dWx  += xs[t]ᵀ·da    dWh += h_prevᵀ·da  (h_prev = hs[t−1], or h0 at t = 0)
//	db   += da           carry = da·Whᵀ
//
// and dh0 is the last carry. No function changes its arguments.
type BPTTImpl struct {
	Forward  func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) [][]float64
	Backward func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) (dWx, dWh [][]float64, db, dh0, norms []float64)
}

// BPTT runs the checks of the bptt exercise as sub-tests of t.
func BPTT(t *testing.T, impl BPTTImpl) {
	t.Helper()
	report(t, bpttCases(impl))
}

// CheckBPTT runs the same checks as BPTT and returns the problems found;
// none means impl passes.
func CheckBPTT(impl BPTTImpl) []Problem { return collect(bpttCases(impl)) }

// bpttSeq is one sequence with the network's weights and the per-step
// gradients.
type bpttSeq struct {
	xs     [][]float64
	h0     []float64
	Wx, Wh [][]float64
	b      []float64
	dhs    [][]float64
	name   string // "" for a small case whose values the messages show
}

// bpttVariant is a known mistake; the zero value is right.
type bpttVariant struct {
	noRecurrent bool // forward: h_{t−1}·Wh left out
	whT         bool // forward: h·Whᵀ
	lastOnly    bool // backward: only the last step's dhs
	ownOnly     bool // backward: the carried gradient dropped
	preact      bool // tanh′ = 1 − a², a the pre-activation
	whNotT      bool // carry = da·Wh, not da·Whᵀ
	overwrite   bool // dWx, dWh, db = the step's, not +=
	dWhOff      bool // dWh += h_tᵀ·da_t, not h_{t−1}ᵀ·da_t
	noDh0       bool
	normOwn     bool // norms of dhs[t] alone
	normDa      bool // norms of da
	normRev     bool // norms listed from the last step
}

// bpttGrads are Backward's five results.
type bpttGrads struct {
	dWx, dWh       [][]float64
	db, dh0, norms []float64
}

var bpttParts = []string{"db", "dWx", "dWh", "dh0", "norms"}

func (g bpttGrads) flat(part string) []float64 {
	switch part {
	case "dWx":
		return convFlat(g.dWx)
	case "dWh":
		return convFlat(g.dWh)
	case "dh0":
		return g.dh0
	case "norms":
		return g.norms
	}
	return g.db
}

func (q bpttSeq) forward(v bpttVariant) (hs, as [][]float64) {
	h := q.h0
	for _, x := range q.xs {
		a := make([]float64, len(q.b))
		for j := range a {
			a[j] = q.b[j]
			for i := range x {
				a[j] += x[i] * q.Wx[i][j]
			}
			if v.noRecurrent {
				continue
			}
			for i := range h {
				if v.whT {
					a[j] += h[i] * q.Wh[j][i]
				} else {
					a[j] += h[i] * q.Wh[i][j]
				}
			}
		}
		next := make([]float64, len(a))
		for j := range a {
			next[j] = math.Tanh(a[j])
		}
		hs, as = append(hs, next), append(as, a)
		h = next
	}
	return hs, as
}

func bpttNorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func (q bpttSeq) backward(v bpttVariant) bpttGrads {
	hs, as := q.forward(bpttVariant{})
	T, in, H := len(q.xs), len(q.Wx), len(q.b)
	g := bpttGrads{dWx: convZeros(in, H), dWh: convZeros(H, H), db: make([]float64, H), norms: make([]float64, T)}
	carry := make([]float64, H)
	for t := T - 1; t >= 0; t-- {
		dh := make([]float64, H)
		for j := range dh {
			if !v.lastOnly || t == T-1 {
				dh[j] = q.dhs[t][j]
			}
			if !v.ownOnly {
				dh[j] += carry[j]
			}
		}
		da := make([]float64, H)
		for j := range da {
			d := 1 - hs[t][j]*hs[t][j]
			if v.preact {
				d = 1 - as[t][j]*as[t][j]
			}
			da[j] = dh[j] * d
		}
		switch {
		case v.normOwn:
			g.norms[t] = bpttNorm(q.dhs[t])
		case v.normDa:
			g.norms[t] = bpttNorm(da)
		default:
			g.norms[t] = bpttNorm(dh)
		}
		prev := q.h0
		if t > 0 {
			prev = hs[t-1]
		}
		if v.dWhOff {
			prev = hs[t]
		}
		add := func(dst *float64, x float64) {
			if v.overwrite {
				*dst = x
			} else {
				*dst += x
			}
		}
		for j := range da {
			add(&g.db[j], da[j])
			for i := range in {
				add(&g.dWx[i][j], q.xs[t][i]*da[j])
			}
			for i := range H {
				add(&g.dWh[i][j], prev[i]*da[j])
			}
		}
		carry = make([]float64, H)
		for i := range carry {
			for j := range da {
				if v.whNotT {
					carry[i] += q.Wh[j][i] * da[j]
				} else {
					carry[i] += q.Wh[i][j] * da[j]
				}
			}
		}
	}
	g.dh0 = carry
	if v.noDh0 {
		g.dh0 = make([]float64, H)
	}
	if v.normRev {
		for i, j := 0, T-1; i < j; i, j = i+1, j-1 {
			g.norms[i], g.norms[j] = g.norms[j], g.norms[i]
		}
	}
	return g
}

const (
	bpttForwardHint = "hs[t] = tanh(xs[t]·Wx + h_prev·Wh + b) with h_prev = hs[t−1] (h0 at t = 0): " +
		"a[j] = b[j] + Σ_i xs[t][i]·Wx[i][j] + Σ_i h_prev[i]·Wh[i][j]; hs is T×hidden."
	bpttBackHint = "from t = T−1 down to 0: g = dhs[t] + carry, norms[t] = ‖g‖, da = g ⊙ (1 − hs[t]²), " +
		"dWx += xs[t]ᵀ·da, dWh += h_prevᵀ·da, db += da, carry = da·Whᵀ; dh0 is the last carry."
)

var bpttForwardMistakes = []struct {
	hint string
	v    bpttVariant
}{
	{"the recurrence is missing: each step adds h_prev·Wh, with h_prev the previous step's output (h0 at the first).",
		bpttVariant{noRecurrent: true}},
	{"Wh is read transposed: row i of Wh holds the weights from unit i of h, a[j] += h_prev[i]·Wh[i][j].",
		bpttVariant{whT: true}},
}

func (q bpttSeq) backMistakes() []struct {
	hint string
	g    bpttGrads
} {
	type m = struct {
		hint string
		g    bpttGrads
	}
	// The norms' mistakes first: where only norms is wrong, norms of dhs[t]
	// alone are those of a backward that drops the carry too.
	return []m{
		{"norms[t] is the norm of dhs[t] alone: it is the norm of the total gradient reaching hs[t], " +
			"g = dhs[t] + carry.", q.backward(bpttVariant{normOwn: true})},
		{"norms[t] is the norm of da, after tanh′: it is the norm of g = dhs[t] + carry, the gradient with respect " +
			"to hs[t] itself.", q.backward(bpttVariant{normDa: true})},
		{"norms is listed from the last step: norms[t] belongs to hs[t], norms[0] to the first step.",
			q.backward(bpttVariant{normRev: true})},
		{"only the last step's loss reaches the weights: every step has its own gradient dhs[t], added to the one " +
			"carried back from later steps, g = dhs[t] + carry.", q.backward(bpttVariant{lastOnly: true})},
		{"the gradient carried back from later steps is dropped: h_t also fed every later step, so " +
			"g = dhs[t] + carry with carry = da_{t+1}·Whᵀ (backpropagation through time, not one step at a time).",
			q.backward(bpttVariant{ownOnly: true})},
		{"tanh′ is taken of the pre-activation: tanh′(a) = 1 − tanh(a)² = 1 − hs[t]², so da = g ⊙ (1 − hs[t]²), " +
			"not 1 − a².", q.backward(bpttVariant{preact: true})},
		{"Wh is not transposed on the way back: a[j] used h_prev[i]·Wh[i][j], so carry[i] = Σ_j Wh[i][j]·da[j] = da·Whᵀ.",
			q.backward(bpttVariant{whNotT: true})},
		{"the weights' gradients are not summed over time: the same Wx, Wh and b act at every step, so " +
			"dWx, dWh and db add (+=) every step's share.", q.backward(bpttVariant{overwrite: true})},
		{"dWh pairs da_t with h_t, the step's output: Wh multiplied the step's input h_prev (hs[t−1], or h0 at t = 0), " +
			"so dWh += h_prevᵀ·da.", q.backward(bpttVariant{dWhOff: true})},
		{"dh0 is missing: h0 fed the first step, so dh0 is the carry left after step 0, da_0·Whᵀ.",
			q.backward(bpttVariant{noDh0: true})},
	}
}

func (q bpttSeq) given(withDhs bool) []string {
	T, in, H := len(q.xs), len(q.Wx), len(q.b)
	if q.name != "" {
		return []string{fmt.Sprintf("%s: T = %d, in = %d, hidden = %d", q.name, T, in, H)}
	}
	g := []string{"xs = " + matString(q.xs), "h0 = " + vecString(q.h0), "Wx = " + matString(q.Wx),
		"Wh = " + matString(q.Wh), "b = " + vecString(q.b)}
	if withDhs {
		g = append(g, "dhs = "+matString(q.dhs))
	}
	return g
}

func randomBPTT(r *rand.Rand, T, in, H int, name string) bpttSeq {
	return bpttSeq{xs: randMat(r, T, in, -1, 1), h0: randVec(r, H, -0.5, 0.5), Wx: randMat(r, in, H, -1, 1),
		Wh: randMat(r, H, H, -0.9, 0.9), b: randVec(r, H, -0.5, 0.5), dhs: randMat(r, T, H, -1, 1), name: name}
}

func (q bpttSeq) clone() bpttSeq {
	c := q
	c.xs, c.Wx, c.Wh, c.dhs = convClone(q.xs), convClone(q.Wx), convClone(q.Wh), convClone(q.dhs)
	c.h0, c.b = append([]float64(nil), q.h0...), append([]float64(nil), q.b...)
	return c
}

func (q bpttSeq) freeze(withDhs bool) frozen {
	mats, names := [][][]float64{q.xs, q.Wx, q.Wh}, []string{"xs", "Wx", "Wh"}
	if withDhs {
		mats, names = append(mats, q.dhs), append(names, "dhs")
	}
	return freezeArgs(names, mats, []string{"h0", "b"}, q.h0, q.b)
}

var (
	// bpttHand: T = 3, in = 1, hidden = 2; Wh not symmetric, every step
	// with its own gradient.
	bpttHand = bpttSeq{
		xs: [][]float64{{1}, {-0.5}, {0.25}}, h0: []float64{0.5, -0.25},
		Wx: [][]float64{{0.5, -1}}, Wh: [][]float64{{0.5, 1}, {-0.25, 0.75}}, b: []float64{0.1, -0.2},
		dhs: [][]float64{{1, -0.5}, {0.25, 0.5}, {-1, 2}},
	}
	// bpttLastLoss: the lesson's setting, a loss on the last step only;
	// norms[t] is then ‖∂ℓ_T/∂h_t‖ and shrinks going back.
	bpttLastLoss = bpttSeq{
		xs: [][]float64{{1, 0}, {0, 1}, {1, 1}, {-1, 0.5}, {0.5, -0.5}}, h0: []float64{0, 0, 0},
		Wx: [][]float64{{0.5, -0.3, 0.2}, {0.1, 0.4, -0.6}}, Wh: [][]float64{{0.6, -0.4, 0.2}, {0.3, 0.5, -0.1}, {-0.2, 0.1, 0.7}},
		b:   []float64{0, 0.1, -0.1},
		dhs: [][]float64{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, -1, 0.5}},
	}
)

func bpttCases(impl BPTTImpl) []testCase {
	fwd := funcOf("bptt.Forward", impl.Forward)
	back := funcOf("bptt.Backward", impl.Backward)
	r := newRand(14)
	const seeded = "a seeded random sequence (the same every run)"
	var random []bpttSeq
	for _, d := range [][3]int{{1, 2, 3}, {4, 3, 2}, {6, 2, 4}, {8, 1, 3}} {
		random = append(random, randomBPTT(r, d[0], d[1], d[2], seeded))
	}
	fdSeq := randomBPTT(r, 5, 3, 4, seeded)

	forward := func(c *ctx, q bpttSeq) bool {
		keep := q.freeze(false)
		var got [][]float64
		if !call(c, fwd, func() { got = impl.Forward(q.xs, q.h0, q.Wx, q.Wh, q.b) }) || !keep.verify(c, fwd) {
			return false
		}
		want, _ := q.forward(bpttVariant{})
		e := expect{fn: fwd, what: "Forward(xs, h0, Wx, Wh, b)", at: "hs", given: q.given(false), tol: exactTol,
			hint: bpttForwardHint}
		for _, m := range bpttForwardMistakes {
			hs, _ := q.forward(m.v)
			e.mistakes = append(e.mistakes, mistake{m.hint, convFlat(hs)})
		}
		return e.mat(c, got, want)
	}
	backOf := func(c *ctx, q bpttSeq) (bpttGrads, bool) {
		keep := q.freeze(true)
		var g bpttGrads
		ok := call(c, back, func() { g.dWx, g.dWh, g.db, g.dh0, g.norms = impl.Backward(q.xs, q.h0, q.Wx, q.Wh, q.b, q.dhs) })
		return g, ok && keep.verify(c, back)
	}
	hints := map[string]string{
		"db":    "db = Σ_t da_t, with da_t = (dhs[t] + carry) ⊙ (1 − hs[t]²): b is added at every step. " + bpttBackHint,
		"dWx":   "dWx = Σ_t xs[t]ᵀ·da_t (dWx[i][j] = Σ_t xs[t][i]·da_t[j]). " + bpttBackHint,
		"dWh":   "dWh = Σ_t h_prevᵀ·da_t, h_prev = hs[t−1] (h0 at t = 0). " + bpttBackHint,
		"dh0":   "dh0 = da_0·Whᵀ, the carry left after the first step: dh0[i] = Σ_j Wh[i][j]·da_0[j]. " + bpttBackHint,
		"norms": "norms[t] = ‖dhs[t] + carry‖, the norm of the whole gradient reaching hs[t]. " + bpttBackHint,
	}
	compare := func(c *ctx, q bpttSeq, got, want bpttGrads, t tol, only string, extra []mistake) bool {
		for _, part := range bpttParts {
			if only != "" && part != only {
				continue
			}
			var ms []mistake
			for _, m := range q.backMistakes() {
				ms = append(ms, mistake{m.hint, m.g.flat(part)})
			}
			e := expect{fn: back, what: part, at: part, given: q.given(true), tol: t,
				mistakes: append(extra, ms...), hint: hints[part]}
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
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, q bpttSeq) bool {
		got, ok := backOf(c, q)
		return ok && compare(c, q, got, q.backward(bpttVariant{}), exactTol, "", nil)
	}
	// lossOf is L = Σ_t dhs[t]·Forward(xs, h0, Wx, Wh, b)[t] with the
	// learner's Forward.
	lossOf := func(q bpttSeq, xs [][]float64, h0 []float64, dhs [][]float64) float64 {
		hs := impl.Forward(xs, h0, q.Wx, q.Wh, q.b)
		s := 0.0
		for t := range dhs {
			for j := range dhs[t] {
				s += dhs[t][j] * hs[t][j]
			}
		}
		return s
	}
	forwardFits := func(c *ctx, q bpttSeq) bool {
		var hs [][]float64
		if !call(c, fwd, func() { hs = impl.Forward(q.xs, q.h0, q.Wx, q.Wh, q.b) }) {
			return false
		}
		if msg := shapeMismatch(hs, q.dhs); msg != "" {
			expect{fn: fwd}.fail(c, "the finite-difference check of Backward needs Forward, and Forward(xs, h0, Wx, Wh, b) "+
				msg+".", "fix Forward first: "+bpttForwardHint)
			return false
		}
		return true
	}
	right := func(q bpttSeq, part string) mistake {
		return mistake{"your Backward is right; it is the slope of your Forward that is wrong: fix Forward first.",
			q.backward(bpttVariant{}).flat(part)}
	}
	// vsSlope compares one gradient of Backward with the finite-difference
	// slope of L computed with the learner's own Forward.
	vsSlope := func(c *ctx, part string) {
		q := fdSeq.clone()
		got, ok := backOf(c, fdSeq)
		if !ok || !forwardFits(c, q) {
			return
		}
		loss := func() float64 { return lossOf(q, q.xs, q.h0, q.dhs) }
		var fd bpttGrads
		if !call(c, fwd, func() {
			switch part {
			case "dWx":
				for _, row := range q.Wx {
					fd.dWx = append(fd.dWx, centralDiff(loss, row))
				}
			case "dWh":
				for _, row := range q.Wh {
					fd.dWh = append(fd.dWh, centralDiff(loss, row))
				}
			case "dh0":
				fd.dh0 = centralDiff(loss, q.h0)
			default:
				fd.db = centralDiff(loss, q.b)
			}
		}) {
			return
		}
		compare(c, fdSeq, got, fd, fdTol, part, []mistake{right(fdSeq, part)})
	}
	// normsVsSlope: ∂L/∂hs[t] is dhs[t] plus the slope, in its starting
	// state, of the rest of the loss: Forward run on xs[t+1:] from hs[t].
	normsVsSlope := func(c *ctx, q bpttSeq) {
		got, ok := backOf(c, q)
		if !ok || !forwardFits(c, q) {
			return
		}
		var fd bpttGrads
		if !call(c, fwd, func() {
			hs := impl.Forward(q.xs, q.h0, q.Wx, q.Wh, q.b)
			for t := range hs {
				g := append([]float64(nil), q.dhs[t]...)
				if t+1 < len(hs) {
					h := append([]float64(nil), hs[t]...)
					rest := centralDiff(func() float64 { return lossOf(q, q.xs[t+1:], h, q.dhs[t+1:]) }, h)
					for j := range g {
						g[j] += rest[j]
					}
				}
				fd.norms = append(fd.norms, bpttNorm(g))
			}
		}) {
			return
		}
		compare(c, q, got, fd, fdTol, "norms", []mistake{right(q, "norms")})
	}
	cases := []testCase{
		{"Forward_hand_sequence", func(c *ctx) { _ = forward(c, bpttHand) && forward(c, bpttLastLoss) }},
		{"Forward_random_sequences", func(c *ctx) {
			for _, q := range random {
				if !forward(c, q) {
					return
				}
			}
		}},
		{"Backward_hand_sequence", func(c *ctx) { backward(c, bpttHand) }},
		{"Backward_loss_on_the_last_step_only", func(c *ctx) { backward(c, bpttLastLoss) }},
		{"Backward_random_sequences", func(c *ctx) {
			for _, q := range random {
				if !backward(c, q) {
					return
				}
			}
		}},
	}
	for _, part := range []string{"db", "dWx", "dWh", "dh0"} {
		cases = append(cases, testCase{"Backward_" + part + "_vs_finite_differences", func(c *ctx) { vsSlope(c, part) }})
	}
	cases = append(cases, testCase{"Backward_norms_vs_finite_differences", func(c *ctx) { normsVsSlope(c, fdSeq) }})
	return cases
}
