// Package decode is the reference solution of the decode exercise: greedy
// decoding and length-normalised beam search over a bigram table of
// log-probabilities.
package decode

import (
	"slices"
	"sort"
)

// Greedy returns the sequence built by always taking the most likely next
// token (the smallest on a tie), from start, up to and including end, of
// at most maxLen tokens.
func Greedy(logp [][]float64, start, end, maxLen int) []int {
	seq := []int{}
	prev := start
	for len(seq) < maxLen {
		best := 0
		for t, lp := range logp[prev] {
			if lp > logp[prev][best] {
				best = t
			}
		}
		seq = append(seq, best)
		if best == end {
			break
		}
		prev = best
	}
	return seq
}

type hypothesis struct {
	seq   []int
	total float64
}

func (h hypothesis) score() float64 { return h.total / float64(len(h.seq)) }

// Beam returns the best sequence of a beam search of width k ranked by
// total/length (ties to the lexicographically smaller sequence), and its
// score total/length.
func Beam(logp [][]float64, start, end, maxLen, k int) (seq []int, score float64) {
	finished := func(h hypothesis) bool { return len(h.seq) > 0 && h.seq[len(h.seq)-1] == end }
	beam := []hypothesis{{seq: []int{}}}
	for range maxLen {
		var cand []hypothesis
		for _, h := range beam {
			if finished(h) {
				cand = append(cand, h)
				continue
			}
			last := start
			if len(h.seq) > 0 {
				last = h.seq[len(h.seq)-1]
			}
			for t, lp := range logp[last] {
				cand = append(cand, hypothesis{append(slices.Clone(h.seq), t), h.total + lp})
			}
		}
		sort.Slice(cand, func(a, b int) bool {
			if sa, sb := cand[a].score(), cand[b].score(); sa != sb {
				return sa > sb
			}
			return slices.Compare(cand[a].seq, cand[b].seq) < 0
		})
		beam = cand[:min(k, len(cand))]
		if !slices.ContainsFunc(beam, func(h hypothesis) bool { return !finished(h) }) {
			break
		}
	}
	return beam[0].seq, beam[0].score()
}
