package checks

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// GRUImpl holds the learner's function of the gru exercise: one step of a
// GRU cell in PyTorch's form (torch.nn.GRUCell, and the engine's
// nn.GRUCell), for one example, gates in the order r, z, n:
//
//	r  = σ(x·Wx_r + bx_r + h·Wh_r + bh_r)
//	z  = σ(x·Wx_z + bx_z + h·Wh_z + bh_z)
//	n  = tanh(x·Wx_n + bx_n + r⊙(h·Wh_n + bh_n))
//	h' = (1 − z)⊙n + z⊙h
//
// Step(x, h, Wx, Wh, bx, bh) returns h'. x has length in, h length H, Wx
// is in×3H, Wh H×3H, bx and bh have length 3H; columns 0 … H−1 belong to
// r, H … 2H−1 to z and 2H … 3H−1 to n. No argument is changed.
type GRUImpl struct {
	Step func(x, h []float64, Wx, Wh [][]float64, bx, bh []float64) []float64
}

// GRU runs the checks of the gru exercise as sub-tests of t.
func GRU(t *testing.T, impl GRUImpl) {
	t.Helper()
	report(t, gruCases(impl))
}

// CheckGRU runs the same checks as GRU and returns the problems found;
// none means impl passes.
func CheckGRU(impl GRUImpl) []Problem { return collect(gruCases(impl)) }

type gruStep struct {
	x, h   []float64
	Wx, Wh [][]float64
	bx, bh []float64
}

// gruVariant is a known mistake; the zero value is right.
type gruVariant struct {
	zSwap    bool // h' = z⊙n + (1 − z)⊙h
	orderZRN bool // the first block read as z, the second as r
	rOutside bool // n = tanh(x·Wx_n + bx_n + r⊙(h·Wh_n) + bh_n)
	rOnH     bool // n = tanh(x·Wx_n + bx_n + (r⊙h)·Wh_n + bh_n)
	noR      bool // n = tanh(x·Wx_n + bx_n + h·Wh_n + bh_n)
	noBh     bool // bh left out
	nSigmoid bool // n = σ(…)
	noHInN   bool // n = tanh(x·Wx_n + bx_n)
}

var gruMistakes = []struct {
	hint string
	v    gruVariant
}{
	{"h' = (1 − z)⊙n + z⊙h: in PyTorch's form z keeps the old state h and 1 − z lets the candidate n in, not the other way round.", gruVariant{zSwap: true}},
	{"the gates are in PyTorch's order r, z, n: the reset gate r is the first block of columns (0 … H−1), the update gate z the second.", gruVariant{orderZRN: true}},
	{"r multiplies the whole hidden part of n's input, its bias included: n = tanh(x·Wx_n + bx_n + r⊙(h·Wh_n + bh_n)), so bh_n goes inside the r⊙(…), bx_n outside.", gruVariant{rOutside: true}},
	{"apply r after the product with Wh_n, as PyTorch does: r⊙(h·Wh_n + bh_n), not (r⊙h)·Wh_n + bh_n (that is the original Cho et al. form, Keras's reset_after=False).", gruVariant{rOnH: true}},
	{"the reset gate r gates the hidden part of the candidate: n = tanh(x·Wx_n + bx_n + r⊙(h·Wh_n + bh_n)).", gruVariant{noR: true}},
	{"there are two biases, as in PyTorch: bx is added to x·Wx and bh to h·Wh, for every gate.", gruVariant{noBh: true}},
	{"the candidate n = tanh(…), not σ: its values lie in (−1, 1); only r and z are σ gates.", gruVariant{nSigmoid: true}},
	{"the candidate n depends on h too, through r⊙(h·Wh_n + bh_n).", gruVariant{noHInN: true}},
}

// run returns h' as v computes it.
func (s gruStep) run(v gruVariant) []float64 {
	H := len(s.h)
	mul := func(vec []float64, W [][]float64, j int) float64 {
		a := 0.0
		for k, x := range vec {
			a += x * W[k][j]
		}
		return a
	}
	bh := s.bh
	if v.noBh {
		bh = make([]float64, 3*H)
	}
	br, bz := 0, 1
	if v.orderZRN {
		br, bz = 1, 0
	}
	r, z := make([]float64, H), make([]float64, H)
	for j := range H {
		r[j] = sigmoid(mul(s.x, s.Wx, br*H+j) + s.bx[br*H+j] + mul(s.h, s.Wh, br*H+j) + bh[br*H+j])
		z[j] = sigmoid(mul(s.x, s.Wx, bz*H+j) + s.bx[bz*H+j] + mul(s.h, s.Wh, bz*H+j) + bh[bz*H+j])
	}
	rh := make([]float64, H)
	for k := range H {
		rh[k] = r[k] * s.h[k]
	}
	out := make([]float64, H)
	for j := range H {
		c := 2*H + j
		a := mul(s.x, s.Wx, c) + s.bx[c]
		switch {
		case v.rOutside:
			a += r[j]*mul(s.h, s.Wh, c) + bh[c]
		case v.rOnH:
			a += mul(rh, s.Wh, c) + bh[c]
		case v.noR:
			a += mul(s.h, s.Wh, c) + bh[c]
		case v.noHInN:
		default:
			a += r[j] * (mul(s.h, s.Wh, c) + bh[c])
		}
		n := math.Tanh(a)
		if v.nSigmoid {
			n = sigmoid(a)
		}
		out[j] = (1-z[j])*n + z[j]*s.h[j]
		if v.zSwap {
			out[j] = z[j]*n + (1-z[j])*s.h[j]
		}
	}
	return out
}

// gruOneUnit is the engine's hand case: one input, one unit.
var gruOneUnit = gruStep{x: []float64{1.5}, h: []float64{-0.7},
	Wx: [][]float64{{0.5, -0.3, 0.8}}, Wh: [][]float64{{-0.2, 0.4, 0.6}},
	bx: []float64{0.1, 0.2, -0.1}, bh: []float64{0.05, -0.05, 0.3}}

// gruTorch is the step of the engine's TestGRUAgainstTorch, whose h' was
// computed by torch.nn.GRUCell in float64 (engine/nn/testdata/gru_ref.py).
var gruTorch = gruStep{x: []float64{0.9, -1.3}, h: []float64{0.4, -0.2},
	Wx: [][]float64{{0.3, -0.5, 0.8, 0.1, -0.2, 0.4}, {0.6, 0.2, -0.7, 0.5, 0.9, -0.3}},
	Wh: [][]float64{{-0.4, 0.7, 0.2, -0.6, 0.3, 0.5}, {0.1, -0.8, 0.6, 0.4, -0.5, 0.2}},
	bx: []float64{0.1, -0.2, 0.05, 0.3, -0.1, 0.2}, bh: []float64{-0.05, 0.15, 0.2, -0.3, 0.25, -0.1}}

// gruTorchH is PyTorch's h' for gruTorch.
var gruTorchH = []float64{0.22751657007014514, 0.47218664623459}

func (s gruStep) given() []string {
	if len(s.h) > 2 {
		return []string{fmt.Sprintf("a seeded random step (the same every run): x %d, h %d, Wx %d×%d, Wh %d×%d, bx %d, bh %d",
			len(s.x), len(s.h), len(s.Wx), len(s.bx), len(s.Wh), len(s.bx), len(s.bx), len(s.bh))}
	}
	return []string{"x  = " + vecString(s.x), "h  = " + vecString(s.h), "Wx = " + matString(s.Wx),
		"Wh = " + matString(s.Wh), "bx = " + vecString(s.bx), "bh = " + vecString(s.bh)}
}

func gruCases(impl GRUImpl) []testCase {
	fn := funcOf("gru.Step", impl.Step)
	check := func(c *ctx, s gruStep, want []float64) bool {
		names, vs := []string{"x", "h", "bx", "bh"}, [][]float64{s.x, s.h, s.bx, s.bh}
		for i, r := range s.Wx {
			names, vs = append(names, fmt.Sprintf("Wx[%d]", i)), append(vs, r)
		}
		for i, r := range s.Wh {
			names, vs = append(names, fmt.Sprintf("Wh[%d]", i)), append(vs, r)
		}
		keep := freeze(names, vs...)
		var got []float64
		if !call(c, fn, func() { got = impl.Step(s.x, s.h, s.Wx, s.Wh, s.bx, s.bh) }) || !keep.verify(c, fn) {
			return false
		}
		var ms []mistake
		for _, m := range gruMistakes {
			ms = append(ms, mistake{m.hint, s.run(m.v)})
		}
		return expect{fn: fn, what: "Step(x, h, Wx, Wh, bx, bh)", at: "hNext", given: s.given(), tol: exactTol, mistakes: ms,
			hint: "r = σ(x·Wx_r + bx_r + h·Wh_r + bh_r), z likewise with the second block, n = tanh(x·Wx_n + bx_n + r⊙(h·Wh_n + bh_n)), h' = (1 − z)⊙n + z⊙h."}.
			vec(c, got, want)
	}
	r := newRand(31)
	random := gruStep{x: randVec(r, 4, -1, 1), h: randVec(r, 3, -1, 1), Wx: randMat(r, 4, 9, -1, 1), Wh: randMat(r, 3, 9, -1, 1),
		bx: randVec(r, 9, -0.5, 0.5), bh: randVec(r, 9, -0.5, 0.5)}
	return []testCase{
		{"Step_one_unit", func(c *ctx) { check(c, gruOneUnit, gruOneUnit.run(gruVariant{})) }},
		{"Step_matches_PyTorch_GRUCell", func(c *ctx) { check(c, gruTorch, gruTorchH) }},
		{"Step_random", func(c *ctx) { check(c, random, random.run(gruVariant{})) }},
		{"Step_zero_state", func(c *ctx) {
			// h = 0: h' = (1 − z)⊙tanh(x·Wx_n + bx_n + r⊙bh_n).
			s := random
			s.h = make([]float64, len(random.h))
			check(c, s, s.run(gruVariant{}))
		}},
		{"Step_keeps_state_when_z_is_1", func(c *ctx) {
			// A large bias on z makes z = 1 to the last bit: h' = h.
			s := random
			s.bx = slices.Clone(random.bx)
			for j := len(s.h); j < 2*len(s.h); j++ {
				s.bx[j] = 50
			}
			check(c, s, s.run(gruVariant{}))
		}},
	}
}
