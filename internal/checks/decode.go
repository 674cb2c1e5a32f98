package checks

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
)

// DecodeImpl holds the learner's functions of the decode exercise: greedy
// decoding and beam search over a bigram model, given as a table of
// log-probabilities logp[prev][next] (V×V, each row a distribution: its
// exponentials sum to 1). Token ids are 0 … V−1.
//
// A decoded sequence leaves out the start token and includes the end
// token when it is produced; its length is its number of tokens, at most
// maxLen.
//
// Greedy(logp, start, end, maxLen) picks, from prev = start, the most
// likely next token (the smallest id on a tie), appends it, and stops
// after the end token or after maxLen tokens.
//
// Beam(logp, start, end, maxLen, k) keeps the k best hypotheses, starting
// from the empty one. At each of at most maxLen steps every unfinished
// hypothesis (one not ending in end) is extended by each of the V tokens,
// adding logp[last][next] (last = start for the empty one) to its total;
// finished hypotheses are carried over unchanged. The candidates are
// ranked by the length-normalised score total/length, higher first, a tie
// going to the lexicographically smaller token sequence, and the first k
// kept. The search stops early when all kept hypotheses are finished. Beam
// returns the first hypothesis and its score total/length (it need not be
// finished when maxLen is reached).
//
// No argument is changed.
type DecodeImpl struct {
	Greedy func(logp [][]float64, start, end, maxLen int) []int
	Beam   func(logp [][]float64, start, end, maxLen, k int) (seq []int, score float64)
}

// Decode runs the checks of the decode exercise as sub-tests of t.
func Decode(t *testing.T, impl DecodeImpl) {
	t.Helper()
	report(t, decodeCases(impl))
}

// CheckDecode runs the same checks as Decode and returns the problems
// found; none means impl passes.
func CheckDecode(impl DecodeImpl) []Problem { return collect(decodeCases(impl)) }

// decVariant is a known mistake in decoding; the zero value is right.
type decVariant struct {
	rawRank    bool // rank by the total, not total/length
	rawScore   bool // return the total as the score
	normAtEnd  bool // rank by the total during the search, pick by total/length at the end
	single     bool // keep one hypothesis (greedy)
	noStop     bool // finished hypotheses are extended too
	probs      bool // add probabilities e^logp, not log-probabilities
	steps      int  // added to maxLen: −1 or +1
	withStart  bool // the start token leads the sequence
	noEnd      bool // the end token is left out
	largestTie bool // greedy: the largest token on a tie
}

type hyp struct {
	seq   []int
	total float64
}

func (h hyp) done(end int) bool { return len(h.seq) > 0 && h.seq[len(h.seq)-1] == end }

func lexLess(a, b []int) bool { return slices.Compare(a, b) < 0 }

// decGreedy is the reference greedy decoder (or a mistaken variant).
func decGreedy(v decVariant, logp [][]float64, start, end, maxLen int) []int {
	seq := []int{}
	prev := start
	for len(seq) < maxLen+v.steps {
		best := 0
		for t := range logp[prev] {
			if logp[prev][t] > logp[prev][best] || (v.largestTie && logp[prev][t] == logp[prev][best]) {
				best = t
			}
		}
		if best == end && v.noEnd {
			break
		}
		seq = append(seq, best)
		prev = best
		if best == end && !v.noStop {
			break
		}
	}
	if v.withStart {
		seq = append([]int{start}, seq...)
	}
	return seq
}

// decBeam is the reference beam search (or a mistaken variant).
func decBeam(v decVariant, logp [][]float64, start, end, maxLen, k int) ([]int, float64) {
	if v.single {
		k = 1
	}
	norm := func(h hyp) float64 { return h.total / float64(len(h.seq)) }
	rank := func(h hyp) float64 {
		if v.rawRank || v.normAtEnd {
			return h.total
		}
		return norm(h)
	}
	order := func(hs []hyp, key func(hyp) float64) {
		sort.SliceStable(hs, func(a, b int) bool {
			ka, kb := key(hs[a]), key(hs[b])
			if ka != kb {
				return ka > kb
			}
			return lexLess(hs[a].seq, hs[b].seq)
		})
	}
	beam := []hyp{{seq: []int{}}}
	for range maxLen + v.steps {
		var cand []hyp
		for _, h := range beam {
			if h.done(end) && !v.noStop {
				cand = append(cand, h)
				continue
			}
			prev := start
			if len(h.seq) > 0 {
				prev = h.seq[len(h.seq)-1]
			}
			for t, lp := range logp[prev] {
				add := lp
				if v.probs {
					add = math.Exp(lp)
				}
				cand = append(cand, hyp{seq: append(slices.Clone(h.seq), t), total: h.total + add})
			}
		}
		order(cand, rank)
		beam = cand[:min(k, len(cand))]
		finished := true
		for _, h := range beam {
			finished = finished && h.done(end)
		}
		if finished {
			break
		}
	}
	if v.normAtEnd {
		order(beam, norm)
	}
	best := beam[0]
	score := norm(best)
	if v.rawScore {
		score = best.total
	}
	seq := best.seq
	if v.withStart {
		seq = append([]int{start}, seq...)
	}
	return seq, score
}

var greedyMistakes = []struct {
	hint string
	v    decVariant
}{
	{"stop at the end token: once it is produced the sequence is finished, with the end token as its last element.", decVariant{noStop: true}},
	{"produce at most maxLen tokens, the end token included: the loop runs while len(seq) < maxLen.", decVariant{steps: -1}},
	{"produce up to maxLen tokens, the end token included: stop when len(seq) reaches maxLen, not one later.", decVariant{steps: 1}},
	{"leave the start token out: the sequence holds only the tokens decoded after it.", decVariant{withStart: true}},
	{"keep the end token: it is the last token of a finished sequence.", decVariant{noEnd: true}},
	{"on a tie take the smallest token id: replace the best only when logp is strictly larger (>, not ≥).", decVariant{largestTie: true}},
}

var beamMistakes = []struct {
	hint string
	v    decVariant
}{
	{"normalise by length: rank the hypotheses by total/length, not by the total, which always prefers shorter sequences (every token adds a negative log-probability); the score returned is total/length too.", decVariant{rawRank: true, rawScore: true}},
	{"the score is the length-normalised total/length, not the total log-probability.", decVariant{rawScore: true}},
	{"normalise by length in every comparison, also when pruning the beam at each step, not only when choosing the best at the end.", decVariant{normAtEnd: true}},
	{"keep k hypotheses at each step, not only the best one: with one, beam search is greedy decoding.", decVariant{single: true}},
	{"a hypothesis that ends in the end token is finished: carry it over unchanged, do not extend it.", decVariant{noStop: true}},
	{"add log-probabilities: the log of a product of probabilities is the sum of their logs; adding the probabilities e^logp themselves is not a likelihood.", decVariant{probs: true}},
	{"run at most maxLen steps: a hypothesis has at most maxLen tokens, the end token included.", decVariant{steps: 1}},
	{"run up to maxLen steps, not maxLen − 1: a hypothesis may have maxLen tokens, the end token included.", decVariant{steps: -1}},
	{"leave the start token out: the sequence holds only the tokens decoded after it.", decVariant{withStart: true}},
}

// logTable turns a table of probabilities into log-probabilities.
func logTable(p [][]float64) [][]float64 {
	l := make([][]float64, len(p))
	for i, r := range p {
		l[i] = make([]float64, len(r))
		for j, x := range r {
			l[i][j] = math.Log(x)
		}
	}
	return l
}

// randomBigram returns a V×V table of log-probabilities whose rows are
// random distributions.
func randomBigram(stream uint64, V int) [][]float64 {
	r := newRand(stream)
	p := randMat(r, V, V, 0.05, 1)
	for _, row := range p {
		s := 0.0
		for _, x := range row {
			s += x
		}
		for j := range row {
			row[j] /= s
		}
	}
	return logTable(p)
}

func seqString(s []int) string {
	if s == nil {
		return "nil"
	}
	parts := make([]string, len(s))
	for i, t := range s {
		parts[i] = fmt.Sprint(t)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func decGiven(logp [][]float64) []string {
	if len(logp) > 4 {
		return []string{fmt.Sprintf("logp = a seeded random %d×%d bigram table (the same every run)", len(logp), len(logp))}
	}
	return []string{"logp = " + matString(logp) + "  (log of the probabilities)"}
}

// Hand-made tables: token 0 is the start, 3 the end. In decHandP greedy
// goes 1 → 3 (0.5 · 0.6 = 0.3), while 2 → 3 (0.4 · 0.9 = 0.36) is better;
// a beam of 2 keeps both after the first step and finds it.
var decHandP = [][]float64{
	{0.05, 0.5, 0.4, 0.05},
	{0.05, 0.2, 0.15, 0.6},
	{0.02, 0.04, 0.04, 0.9},
	{0.25, 0.25, 0.25, 0.25},
}

// decLongP: ending at once (0.3) is the best total, but 1 → 1 → 1 → 3
// has a better average log-probability; greedy first picks 1.
var decLongP = [][]float64{
	{0.1, 0.35, 0.25, 0.3},
	{0.02, 0.9, 0.02, 0.06},
	{0.3, 0.3, 0.1, 0.3},
	{0.25, 0.25, 0.25, 0.25},
}

// decUniform makes every sequence of a length tie.
var decUniform = logTable([][]float64{
	{0.25, 0.25, 0.25, 0.25}, {0.25, 0.25, 0.25, 0.25}, {0.25, 0.25, 0.25, 0.25}, {0.25, 0.25, 0.25, 0.25},
})

func decodeCases(impl DecodeImpl) []testCase {
	greedy := funcOf("decode.Greedy", impl.Greedy)
	beam := funcOf("decode.Beam", impl.Beam)
	keep := func(logp [][]float64) frozen {
		names := make([]string, len(logp))
		for i := range logp {
			names[i] = fmt.Sprintf("logp[%d]", i)
		}
		return freeze(names, logp...)
	}
	// hintOf returns the hint of the first mistake whose result is got.
	hintOf := func(got []int, gotScore float64, want []int, wantScore float64, ms []mistake, seqs [][]int, hint string) string {
		for i, m := range ms {
			if slices.Equal(seqs[i], got) && (len(m.vals) == 0 || exactTol.ok(gotScore, m.vals[0])) &&
				(!slices.Equal(seqs[i], want) || len(m.vals) > 0 && !exactTol.ok(m.vals[0], wantScore)) {
				return m.hint
			}
		}
		return hint
	}
	checkGreedy := func(c *ctx, logp [][]float64, start, end, maxLen int) bool {
		k := keep(logp)
		var got []int
		if !call(c, greedy, func() { got = impl.Greedy(logp, start, end, maxLen) }) || !k.verify(c, greedy) {
			return false
		}
		want := decGreedy(decVariant{}, logp, start, end, maxLen)
		if slices.Equal(got, want) {
			return true
		}
		var ms []mistake
		var seqs [][]int
		for _, m := range greedyMistakes {
			ms, seqs = append(ms, mistake{hint: m.hint}), append(seqs, decGreedy(m.v, logp, start, end, maxLen))
		}
		e := expect{fn: greedy, given: decGiven(logp)}
		e.fail(c, fmt.Sprintf("Greedy(logp, start=%d, end=%d, maxLen=%d) returned %s, want %s.", start, end, maxLen, seqString(got), seqString(want)),
			hintOf(got, 0, want, 0, ms, seqs, "from prev = start, append the token t with the largest logp[prev][t] (the smallest t on a tie), make it prev, and stop after the end token or maxLen tokens."))
		return false
	}
	checkBeam := func(c *ctx, logp [][]float64, start, end, maxLen, k int) bool {
		kp := keep(logp)
		var got []int
		var score float64
		if !call(c, beam, func() { got, score = impl.Beam(logp, start, end, maxLen, k) }) || !kp.verify(c, beam) {
			return false
		}
		want, wantScore := decBeam(decVariant{}, logp, start, end, maxLen, k)
		var ms []mistake
		var seqs [][]int
		for _, m := range beamMistakes {
			s, sc := decBeam(m.v, logp, start, end, maxLen, k)
			ms, seqs = append(ms, mistake{m.hint, []float64{sc}}), append(seqs, s)
		}
		call := fmt.Sprintf("Beam(logp, start=%d, end=%d, maxLen=%d, k=%d)", start, end, maxLen, k)
		hint := "extend every unfinished hypothesis by every token, carry the finished ones over, keep the k best by total/length (a tie to the lexicographically smaller sequence), for at most maxLen steps; return the best and its total/length."
		if !slices.Equal(got, want) {
			expect{fn: beam, given: decGiven(logp)}.fail(c, fmt.Sprintf("%s returned the sequence %s (score %s), want %s (score %s).",
				call, seqString(got), num(score), seqString(want), num(wantScore)), hintOf(got, score, want, wantScore, ms, seqs, hint))
			return false
		}
		var sms []mistake
		for i, m := range ms {
			if slices.Equal(seqs[i], want) {
				sms = append(sms, m)
			}
		}
		return expect{fn: beam, what: "the score of " + call + ", whose sequence " + seqString(want) + " is right,", given: decGiven(logp),
			tol: exactTol, mistakes: sms, hint: "the score is the sequence's total log-probability divided by its length, the end token included."}.
			scalar(c, score, wantScore)
	}
	hand, long := logTable(decHandP), logTable(decLongP)
	return []testCase{
		{"Greedy_hand_computed", func(c *ctx) {
			_ = checkGreedy(c, hand, 0, 3, 5) && checkGreedy(c, long, 0, 3, 5)
		}},
		{"Greedy_maxLen", func(c *ctx) {
			// From 1 the best next token is 1 again: it never ends.
			_ = checkGreedy(c, long, 1, 3, 2) && checkGreedy(c, long, 1, 3, 1) && checkGreedy(c, hand, 0, 3, 2)
		}},
		{"Greedy_ties_to_smallest_token", func(c *ctx) { checkGreedy(c, decUniform, 0, 3, 3) }},
		{"Beam_hand_computed", func(c *ctx) { checkBeam(c, hand, 0, 3, 5, 2) }},
		{"Beam_length_normalised", func(c *ctx) {
			_ = checkBeam(c, long, 0, 3, 6, 3) && checkBeam(c, long, 0, 3, 6, 2)
		}},
		{"Beam_maxLen", func(c *ctx) {
			_ = checkBeam(c, long, 1, 3, 2, 2) && checkBeam(c, hand, 0, 3, 1, 3)
		}},
		{"Beam_ties_to_smaller_sequence", func(c *ctx) { checkBeam(c, decUniform, 0, 3, 3, 2) }},
		{"Beam_prunes_by_normalised_score", func(c *ctx) { checkBeam(c, randomBigram(105, 4), 0, 3, 5, 3) }},
		{"Beam_width_1_is_greedy", func(c *ctx) { checkBeam(c, randomBigram(11, 6), 0, 5, 6, 1) }},
		{"Beam_random", func(c *ctx) {
			for i, s := range [][3]int{{6, 3, 6}, {8, 4, 5}, {5, 5, 8}} { // V, k, maxLen
				if !checkBeam(c, randomBigram(uint64(12+i), s[0]), 0, s[0]-1, s[2], s[1]) {
					return
				}
			}
		}},
	}
}
