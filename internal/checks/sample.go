package checks

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"
)

// SampleImpl holds the learner's functions of the sample exercise: reading
// a language model's next-token scores (logits) out as a token, with a
// temperature and top-k, from a given uniform random number.
//
// Probs(logits, temperature, topK) is the distribution sampled from, a new
// slice as long as logits:
//   - temperature ≤ 0 means greedy: 1 at the largest logit (the lowest
//     index on a tie), 0 elsewhere;
//   - otherwise topK in 1 … n−1 keeps the topK largest logits (on a tie at
//     the boundary the lower indices first), any other topK keeps all n;
//     the kept ones get pᵢ = e^(zᵢ/τ − m) / Σ_kept e^(zⱼ/τ − m) with
//     m = the largest zⱼ/τ, the others 0.
//
// Sample(logits, temperature, topK, u) returns the index drawn with the
// uniform number u in [0, 1): walking i = 0, 1, … n−1 and adding up pᵢ
// (from Probs), the first i whose running sum exceeds u (u < sum); if
// rounding leaves u at or above the last sum, the last index with pᵢ > 0.
// With temperature ≤ 0 that is the argmax, whatever u is. Neither
// function changes logits.
type SampleImpl struct {
	Probs  func(logits []float64, temperature float64, topK int) []float64
	Sample func(logits []float64, temperature float64, topK int, u float64) int
}

// Sample runs the checks of the sample exercise as sub-tests of t.
func Sample(t *testing.T, impl SampleImpl) {
	t.Helper()
	report(t, sampleCases(impl))
}

// CheckSample runs the same checks as Sample and returns the problems
// found; none means impl passes.
func CheckSample(impl SampleImpl) []Problem { return collect(sampleCases(impl)) }

// smpVariant is a known mistake; the zero value is right.
type smpVariant struct {
	afterSoftmax bool // temperature ignored (applied to probabilities, renormalised away)
	timesT       bool // logits multiplied by τ, not divided
	kPlus1       bool // keeps topK+1
	allTies      bool // keeps every logit tied with the k-th largest
	highTie      bool // on a tie at the boundary the higher index is kept
	noRenorm     bool // softmax over all, then zero the dropped ones
	leq          bool // Sample: u ≤ sum
	sorted       bool // Sample: walks the kept indices from the likeliest
	fromEnd      bool // Sample: walks from the last index
	argmax       bool // Sample: ignores u
	noTopK       bool // Sample: draws from the full distribution
}

// smpProbs is the reference distribution (or a mistaken variant).
func smpProbs(v smpVariant, z []float64, temp float64, k int) []float64 {
	n := len(z)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		if z[order[a]] != z[order[b]] {
			return z[order[a]] > z[order[b]]
		}
		if v.highTie {
			return order[a] > order[b]
		}
		return false
	})
	p := make([]float64, n)
	if temp <= 0 {
		p[order[0]] = 1
		return p
	}
	keep := n
	if k >= 1 && k < n {
		keep = k
		if v.kPlus1 {
			keep = k + 1
		}
		if v.allTies {
			for keep < n && z[order[keep]] == z[order[k-1]] {
				keep++
			}
		}
	}
	scale := 1 / temp
	switch {
	case v.afterSoftmax:
		scale = 1
	case v.timesT:
		scale = temp
	}
	kept := order[:keep]
	if v.noRenorm {
		kept = order
	}
	m := math.Inf(-1)
	for _, i := range kept {
		m = math.Max(m, z[i]*scale)
	}
	s := 0.0
	for _, i := range kept {
		p[i] = math.Exp(z[i]*scale - m)
		s += p[i]
	}
	for _, i := range kept {
		p[i] /= s
	}
	if v.noRenorm {
		for _, i := range order[keep:] {
			p[i] = 0
		}
	}
	return p
}

// smpDraw is the reference draw (or a mistaken variant).
func smpDraw(v smpVariant, z []float64, temp float64, k int, u float64) int {
	if v.argmax {
		temp = 0
	}
	if v.noTopK {
		k = 0
	}
	p := smpProbs(v, z, temp, k)
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	switch {
	case v.sorted:
		sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	case v.fromEnd:
		for a, b := 0, len(idx)-1; a < b; a, b = a+1, b-1 {
			idx[a], idx[b] = idx[b], idx[a]
		}
	}
	sum, last := 0.0, -1
	for _, i := range idx {
		if p[i] == 0 {
			continue
		}
		sum += p[i]
		last = i
		if u < sum || v.leq && u <= sum {
			return i
		}
	}
	return last
}

// smpGiven describes a call's inputs.
func smpGiven(z []float64, temp float64, k int) []string {
	return []string{"logits = " + vecString(z), fmt.Sprintf("temperature = %s, topK = %d", num(temp), k)}
}

var smpProbsMistakes = []struct {
	hint string
	v    smpVariant
}{
	{"divide the logits by the temperature before the softmax: pᵢ ∝ e^(zᵢ/τ). Scaling the probabilities afterwards and renormalising undoes itself, so the temperature has no effect.", smpVariant{afterSoftmax: true}},
	{"divide the logits by the temperature, do not multiply: τ < 1 must sharpen the distribution (z/0.5 doubles the gaps between scores).", smpVariant{timesT: true}},
	{"keep exactly topK logits, not topK + 1: sort the indices by logit, largest first, and keep the first topK.", smpVariant{kPlus1: true}},
	{"keep exactly topK logits even when several tie with the topK-th largest: the tie goes to the lower indices.", smpVariant{allTies: true}},
	{"on a tie at the top-k boundary keep the lower index: sort by logit with a stable sort (or break ties by index, lower first).", smpVariant{highTie: true}},
	{"renormalise over the kept logits: take the softmax of the topK kept scores alone, so that their probabilities add up to 1; zeroing the others after a softmax over all of them leaves a sum below 1.", smpVariant{noRenorm: true}},
}

var smpDrawMistakes = []struct {
	hint string
	v    smpVariant
}{
	{"compare with <, not ≤: return the first i with u < p₀ + … + pᵢ; when u equals a running sum exactly, that index's interval [sum before, sum) does not contain u.", smpVariant{leq: true}},
	{"walk the indices in increasing order 0, 1, … n−1 when adding up the probabilities, not from the likeliest: the same u must map to the same index as the convention says.", smpVariant{sorted: true}},
	{"walk the indices from 0 upwards, not from the last one.", smpVariant{fromEnd: true}},
	{"use u: only temperature ≤ 0 is greedy; otherwise u picks the index whose interval of the running sum contains it.", smpVariant{argmax: true}},
	{"draw from the top-k distribution: indices outside the topK largest logits have probability 0 and must never be returned.", smpVariant{noTopK: true}},
}

func sampleCases(impl SampleImpl) []testCase {
	probs := funcOf("sample.Probs", impl.Probs)
	draw := funcOf("sample.Sample", impl.Sample)
	checkProbs := func(c *ctx, z []float64, temp float64, k int) bool {
		keep := freeze([]string{"logits"}, z)
		var got []float64
		if !call(c, probs, func() { got = impl.Probs(z, temp, k) }) || !keep.verify(c, probs) {
			return false
		}
		var ms []mistake
		for _, m := range smpProbsMistakes {
			ms = append(ms, mistake{m.hint, smpProbs(m.v, z, temp, k)})
		}
		return expect{fn: probs, what: fmt.Sprintf("Probs(logits, %s, %d)", num(temp), k), given: smpGiven(z, temp, k), tol: exactTol,
			mistakes: ms,
			hint:     "keep the topK largest logits (all when topK ≤ 0 or ≥ n), pᵢ = e^(zᵢ/τ − m)/Σ_kept e^(zⱼ/τ − m) over the kept ones, 0 for the others; τ ≤ 0: 1 at the argmax.",
			nanHint:  "subtract the largest scaled logit m = max zⱼ/τ before exp: e^(1000) overflows to +Inf and Inf/Inf is NaN. With τ ≤ 0 do not divide at all: return the one-hot argmax."}.
			vec(c, got, smpProbs(smpVariant{}, z, temp, k))
	}
	// checkDraw calls Sample for every u, then reports the first wrong
	// index with the hint of the mistake that gives all the same answers.
	checkDraw := func(c *ctx, z []float64, temp float64, k int, us []float64) bool {
		keep := freeze([]string{"logits"}, z)
		got := make([]int, len(us))
		for n, u := range us {
			if !call(c, draw, func() { got[n] = impl.Sample(z, temp, k, u) }) || !keep.verify(c, draw) {
				return false
			}
		}
		draws := func(v smpVariant) []int {
			out := make([]int, len(us))
			for n, u := range us {
				out[n] = smpDraw(v, z, temp, k, u)
			}
			return out
		}
		want := draws(smpVariant{})
		bad := -1
		for n := range us {
			if got[n] != want[n] {
				bad = n
				break
			}
		}
		if bad < 0 {
			return true
		}
		hint := "walk i = 0 … n−1 adding up Probs(logits, temperature, topK); return the first i with u < sum (the last index with pᵢ > 0 if none)."
		for _, m := range smpDrawMistakes {
			if slices.Equal(draws(m.v), got) {
				hint = m.hint
				break
			}
		}
		p := smpProbs(smpVariant{}, z, temp, k)
		run, sums := 0.0, make([]float64, len(p))
		for i, q := range p {
			run += q
			sums[i] = run
		}
		expect{fn: draw, given: append(smpGiven(z, temp, k), "u = "+num(us[bad]),
			"Probs = "+vecString(p)+", running sums "+vecString(sums))}.
			fail(c, fmt.Sprintf("Sample(logits, %s, %d, u=%s) returned %d, want %d.", num(temp), k, num(us[bad]), got[bad], want[bad]), hint)
		return false
	}
	hand := []float64{1, 3, 2, 0.5}
	ties := []float64{1, 3, 1, 1, 0}
	quarters := []float64{0.5, 0.5, 0.5, 0.5} // p = 1/4 each, exactly
	grid := func(n int) []float64 {
		us := make([]float64, n)
		for i := range us {
			us[i] = (float64(i) + 0.5) / float64(n)
		}
		return us
	}
	return []testCase{
		{"Probs_softmax_at_temperature_1", func(c *ctx) {
			_ = checkProbs(c, hand, 1, 0) && checkProbs(c, []float64{0, math.Log(3), 0}, 1, 0)
		}},
		{"Probs_temperature", func(c *ctx) {
			_ = checkProbs(c, hand, 0.5, 0) && checkProbs(c, hand, 2, 0) && checkProbs(c, hand, 0.1, 0)
		}},
		{"Probs_top_k_renormalised", func(c *ctx) {
			_ = checkProbs(c, hand, 1, 2) && checkProbs(c, hand, 0.7, 3) && checkProbs(c, hand, 1, 1)
		}},
		{"Probs_top_k_ties_to_lower_index", func(c *ctx) {
			_ = checkProbs(c, ties, 1, 2) && checkProbs(c, ties, 1, 3) && checkProbs(c, quarters, 1, 2)
		}},
		{"Probs_top_k_out_of_range_keeps_all", func(c *ctx) {
			_ = checkProbs(c, hand, 1, 0) && checkProbs(c, hand, 1, 4) && checkProbs(c, hand, 1, 9) && checkProbs(c, hand, 1, -1)
		}},
		{"Probs_temperature_0_is_argmax", func(c *ctx) {
			_ = checkProbs(c, hand, 0, 0) && checkProbs(c, ties, 0, 2) && checkProbs(c, []float64{2, 5, 5}, -1, 0)
		}},
		{"Probs_large_logits_do_not_overflow", func(c *ctx) {
			_ = checkProbs(c, []float64{1000, 999, 990}, 1, 0) && checkProbs(c, []float64{10, 9, 2}, 0.01, 2) &&
				checkProbs(c, []float64{-1000, -1001}, 1, 0)
		}},
		{"Probs_random", func(c *ctx) {
			r := newRand(61)
			for _, s := range [][2]float64{{10, 1}, {47, 0.8}, {47, 1.5}} {
				n := int(s[0])
				z := randVec(r, n, -4, 4)
				for _, k := range []int{0, 5, n / 2} {
					if !checkProbs(c, z, s[1], k) {
						return
					}
				}
			}
		}},
		{"Sample_running_sum_with_strict_less", func(c *ctx) {
			// Each index holds exactly a quarter: u = 0.25 lies in index 1's
			// interval [0.25, 0.5), not index 0's.
			_ = checkDraw(c, quarters, 1, 0, []float64{0, 0.1, 0.25, 0.5, 0.75, 0.99}) &&
				checkDraw(c, quarters, 1, 2, []float64{0, 0.49, 0.5, 0.99})
		}},
		{"Sample_hand_computed", func(c *ctx) {
			// p = 0.2, 0.6, 0.2.
			_ = checkDraw(c, []float64{0, math.Log(3), 0}, 1, 0, []float64{0.1, 0.3, 0.79, 0.9})
		}},
		{"Sample_top_k_never_returns_a_dropped_index", func(c *ctx) {
			_ = checkDraw(c, hand, 1, 2, grid(20)) && checkDraw(c, hand, 1, 1, []float64{0, 0.5, 0.999999})
		}},
		{"Sample_temperature_0_ignores_u", func(c *ctx) {
			_ = checkDraw(c, hand, 0, 0, []float64{0, 0.5, 0.999}) && checkDraw(c, ties, 0, 3, []float64{0.3, 0.99})
		}},
		{"Sample_random", func(c *ctx) {
			r := newRand(62)
			z := randVec(r, 12, -3, 3)
			_ = checkDraw(c, z, 0.8, 5, grid(40)) && checkDraw(c, z, 1.5, 0, grid(40))
		}},
	}
}
