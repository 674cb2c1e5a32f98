package checks

import (
	"fmt"
	"math"
	"testing"
)

// PosEncImpl holds the learner's function of the posenc exercise.
//
// Encode(T, d) returns the sinusoidal positional encodings of Vaswani et
// al. (2017) for positions 0 … T−1 and an even number d of features, a
// T×d matrix with sine and cosine interleaved (as in the paper and the
// engine's nn.SinusoidalPositions):
//
//	PE[pos][2i]   = sin(pos / 10000^(2i/d))
//	PE[pos][2i+1] = cos(pos / 10000^(2i/d))      i = 0 … d/2−1
type PosEncImpl struct {
	Encode func(T, d int) [][]float64
}

// PosEnc runs the checks of the posenc exercise as sub-tests of t.
func PosEnc(t *testing.T, impl PosEncImpl) {
	t.Helper()
	report(t, posencCases(impl))
}

// CheckPosEnc runs the same checks as PosEnc and returns the problems
// found; none means impl passes.
func CheckPosEnc(impl PosEncImpl) []Problem { return collect(posencCases(impl)) }

// peVariant is a known mistake in the encoding; the zero value is right.
type peVariant struct {
	halfExp    bool    // exponent i/d with i the pair index (2i/d halved)
	colExp     bool    // exponent j/d with j the column, so the cosine of pair i uses (2i+1)/d
	swap       bool    // cos in the even columns, sin in the odd ones
	base       float64 // 0: 10000
	fromOne    bool    // positions 1 … T
	halves     bool    // sines in columns 0 … d/2−1, cosines in d/2 … d−1
	noDivision bool    // sin(pos · 10000^(2i/d))
}

// peRun is the reference encoding (or a mistaken variant).
func peRun(v peVariant, T, d int) [][]float64 {
	base := 10000.0
	if v.base != 0 {
		base = v.base
	}
	pe := make([][]float64, T)
	for pos := range T {
		pe[pos] = make([]float64, d)
		p := float64(pos)
		if v.fromOne {
			p++
		}
		for i := range d / 2 {
			freq := func(col int) float64 {
				e := float64(2*i) / float64(d)
				switch {
				case v.halfExp:
					e = float64(i) / float64(d)
				case v.colExp:
					e = float64(col) / float64(d)
				}
				if v.noDivision {
					return p * math.Pow(base, e)
				}
				return p / math.Pow(base, e)
			}
			sc, cc := 2*i, 2*i+1
			if v.halves {
				sc, cc = i, d/2+i
			}
			s, c := math.Sin(freq(2*i)), math.Cos(freq(2*i+1))
			if v.swap {
				s, c = math.Cos(freq(2*i)), math.Sin(freq(2*i+1))
			}
			pe[pos][sc], pe[pos][cc] = s, c
		}
	}
	return pe
}

// peMistakes are the usual wrong encodings, most telling first.
var peMistakes = []struct {
	hint string
	v    peVariant
}{
	{"sine and cosine are swapped: the even columns 2i hold sin(pos/10000^(2i/d)), the odd columns 2i+1 the cos, so row 0 is 0, 1, 0, 1, ….", peVariant{swap: true}},
	{"the exponent is 2i/d with i the index of the pair (column 2i or 2i+1), not i/d: the frequencies must reach down to 1/10000^((d−2)/d), near 1/10000.", peVariant{halfExp: true}},
	{"both columns of a pair share one frequency: the cosine in column 2i+1 uses 10000^(2i/d), the exponent of its sine's column 2i, not (2i+1)/d.", peVariant{colExp: true}},
	{"the base is 10000, not 1000: PE[pos][2i] = sin(pos/10000^(2i/d)).", peVariant{base: 1000}},
	{"positions count from 0: row 0 is the first position, sin(0) = 0 and cos(0) = 1.", peVariant{fromOne: true}},
	{"interleave sine and cosine (columns 2i and 2i+1, as in the paper), not the sines in the first half and the cosines in the second.", peVariant{halves: true}},
	{"divide the position by 10000^(2i/d): the higher pairs turn more slowly, pos/10000^(2i/d), not pos·10000^(2i/d).", peVariant{noDivision: true}},
}

func posencCases(impl PosEncImpl) []testCase {
	fn := funcOf("posenc.Encode", impl.Encode)
	compare := func(c *ctx, T, d int) bool {
		var got [][]float64
		if !call(c, fn, func() { got = impl.Encode(T, d) }) {
			return false
		}
		var ms []mistake
		for _, m := range peMistakes {
			ms = append(ms, mistake{m.hint, flatten(peRun(m.v, T, d))})
		}
		e := expect{fn: fn, what: fmt.Sprintf("Encode(%d, %d)", T, d), at: "PE", given: []string{fmt.Sprintf("T = %d, d = %d", T, d)},
			tol: exactTol, mistakes: ms,
			hint: "PE[pos][2i] = sin(pos/10000^(2i/d)) and PE[pos][2i+1] = cos(pos/10000^(2i/d)), for pos = 0 … T−1 and i = 0 … d/2−1: a T×d matrix."}
		return e.mat(c, got, peRun(peVariant{}, T, d))
	}
	return []testCase{
		// d = 4: the pairs turn at 1 and 1/100 radian per position.
		{"hand_computed", func(c *ctx) { compare(c, 3, 4) }},
		{"one_pair", func(c *ctx) { compare(c, 4, 2) }},
		{"one_position", func(c *ctx) { compare(c, 1, 6) }},
		{"long_and_wide", func(c *ctx) { _ = compare(c, 50, 16) && compare(c, 7, 64) }},
	}
}
