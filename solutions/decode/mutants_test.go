package decode

import (
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement decode."

// opts are the places where decoding commonly goes wrong.
type opts struct {
	rawRank, rawScore bool // the total instead of total/length
	normAtEnd         bool // prune by the total, choose by total/length
	width1            bool
	noStop            bool
	probs             bool
	extra             int // steps beyond maxLen
	withStart         bool
	// Greedy only.
	greedyNoStop, greedyLargest, greedyNoEnd bool
	greedyExtra                              int
}

// wrongBeam is Beam with the mistakes of o.
func wrongBeam(f func(*opts)) checks.DecodeImpl {
	var o opts
	f(&o)
	return checks.DecodeImpl{Greedy: Greedy, Beam: func(logp [][]float64, start, end, maxLen, k int) ([]int, float64) {
		if o.width1 {
			k = 1
		}
		finished := func(h hypothesis) bool { return len(h.seq) > 0 && h.seq[len(h.seq)-1] == end }
		key := func(h hypothesis) float64 {
			if o.rawRank || o.normAtEnd {
				return h.total
			}
			return h.score()
		}
		order := func(c []hypothesis, key func(hypothesis) float64) {
			sort.Slice(c, func(a, b int) bool {
				if sa, sb := key(c[a]), key(c[b]); sa != sb {
					return sa > sb
				}
				return slices.Compare(c[a].seq, c[b].seq) < 0
			})
		}
		beam := []hypothesis{{seq: []int{}}}
		for range maxLen + o.extra {
			var cand []hypothesis
			for _, h := range beam {
				if finished(h) && !o.noStop {
					cand = append(cand, h)
					continue
				}
				last := start
				if len(h.seq) > 0 {
					last = h.seq[len(h.seq)-1]
				}
				for t, lp := range logp[last] {
					if o.probs {
						lp = math.Exp(lp)
					}
					cand = append(cand, hypothesis{append(slices.Clone(h.seq), t), h.total + lp})
				}
			}
			order(cand, key)
			beam = cand[:min(k, len(cand))]
			if !slices.ContainsFunc(beam, func(h hypothesis) bool { return !finished(h) }) {
				break
			}
		}
		if o.normAtEnd {
			order(beam, hypothesis.score)
		}
		best := beam[0]
		score := best.score()
		if o.rawScore {
			score = best.total
		}
		if o.withStart {
			return append([]int{start}, best.seq...), score
		}
		return best.seq, score
	}}
}

// wrongGreedy is Greedy with the mistakes of o.
func wrongGreedy(f func(*opts)) checks.DecodeImpl {
	var o opts
	f(&o)
	return checks.DecodeImpl{Beam: Beam, Greedy: func(logp [][]float64, start, end, maxLen int) []int {
		seq := []int{}
		if o.withStart {
			seq = append(seq, start)
		}
		prev := start
		for n := 0; n < maxLen+o.greedyExtra; n++ {
			best := 0
			for t, lp := range logp[prev] {
				if lp > logp[prev][best] || o.greedyLargest && lp == logp[prev][best] {
					best = t
				}
			}
			if best == end && o.greedyNoEnd {
				break
			}
			seq = append(seq, best)
			if best == end && !o.greedyNoStop {
				break
			}
			prev = best
		}
		return seq
	}}
}

var mutants = []struct {
	name string
	impl checks.DecodeImpl
	want string
}{
	{"Greedy stub", checks.DecodeImpl{Greedy: func(logp [][]float64, start, end, maxLen int) []int { panic(todo + "Greedy") }, Beam: Beam},
		"not implemented yet: decode.Greedy"},
	{"Beam stub", checks.DecodeImpl{Greedy: Greedy, Beam: func(logp [][]float64, start, end, maxLen, k int) ([]int, float64) {
		panic(todo + "Beam")
	}}, "not implemented yet: decode.Beam"},
	{"Greedy does not stop at end", wrongGreedy(func(o *opts) { o.greedyNoStop = true }), "stop at the end token"},
	{"Greedy one token short of maxLen", wrongGreedy(func(o *opts) { o.greedyExtra = -1 }), "the loop runs while len(seq) < maxLen"},
	{"Greedy one token past maxLen", wrongGreedy(func(o *opts) { o.greedyExtra = 1 }), "not one later"},
	{"Greedy with the start token", wrongGreedy(func(o *opts) { o.withStart = true }), "leave the start token out"},
	{"Greedy without the end token", wrongGreedy(func(o *opts) { o.greedyNoEnd = true }), "keep the end token"},
	{"Greedy ties to the largest token", wrongGreedy(func(o *opts) { o.greedyLargest = true }), "on a tie take the smallest token id"},
	{"Beam without length normalisation", wrongBeam(func(o *opts) { o.rawRank, o.rawScore = true, true }), "normalise by length: rank the hypotheses by total/length"},
	{"Beam returns the total", wrongBeam(func(o *opts) { o.rawScore = true }), "not the total log-probability"},
	{"Beam prunes by the total", wrongBeam(func(o *opts) { o.rawRank = true }), "normalise by length: rank the hypotheses by total/length"},
	{"Beam normalises only at the end", wrongBeam(func(o *opts) { o.normAtEnd = true }), "also when pruning the beam"},
	{"Beam keeps one hypothesis", wrongBeam(func(o *opts) { o.width1 = true }), "with one, beam search is greedy decoding"},
	{"Beam extends finished hypotheses", wrongBeam(func(o *opts) { o.noStop = true }), "carry it over unchanged"},
	{"Beam adds probabilities", wrongBeam(func(o *opts) { o.probs = true }), "add log-probabilities"},
	{"Beam one step too many", wrongBeam(func(o *opts) { o.extra = 1 }), "run at most maxLen steps"},
	{"Beam one step short", wrongBeam(func(o *opts) { o.extra = -1 }), "not maxLen − 1"},
	{"Beam with the start token", wrongBeam(func(o *opts) { o.withStart = true }), "leave the start token out"},
	{"Beam changes logp", checks.DecodeImpl{Greedy: Greedy, Beam: func(logp [][]float64, start, end, maxLen, k int) ([]int, float64) {
		logp[start][end] = 0
		return Beam(logp, start, end, maxLen, k)
	}}, "changed its argument logp[0][3]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckDecode(m.impl), m.want)
		})
	}
}
