package textgen

import (
	"math"
	"sort"
	"strings"

	"github.com/dlearn/dlearn/engine/data/opticks"
)

// Sample draws one index from logits with temperature and top-k, using the
// uniform number u in [0, 1) as its randomness, with the conventions of the
// course's "sample" exercise:
//
//   - temperature ≤ 0 means greedy: the index of the largest logit (the
//     lowest such index on a tie), whatever u is;
//   - otherwise the logits are divided by the temperature;
//   - topK in 1 … len(logits)−1 keeps the topK largest (on a tie at the
//     boundary the lower indices first); any other topK keeps them all;
//   - the kept ones are turned into probabilities by a softmax over them
//     alone (their largest logit subtracted first, so nothing overflows);
//   - walking the kept indices in increasing order and adding up their
//     probabilities, the first index whose running sum exceeds u (u < sum)
//     is returned; if rounding leaves u at or above the last sum, the last
//     kept index is.
func Sample(logits []float64, temperature float64, topK int, u float64) int {
	p := Distribution(logits, temperature, topK)
	sum, last := 0.0, 0
	for i, q := range p {
		if q == 0 {
			continue
		}
		sum += q
		last = i
		if u < sum {
			return i
		}
	}
	return last
}

// Distribution is the distribution Sample draws from: probabilities over
// all indices, zero for those top-k leaves out (a one-hot at the argmax
// when temperature ≤ 0).
func Distribution(logits []float64, temperature float64, topK int) []float64 {
	n := len(logits)
	p := make([]float64, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return logits[order[a]] > logits[order[b]] })
	if temperature <= 0 {
		p[order[0]] = 1
		return p
	}
	k := n
	if topK >= 1 && topK < n {
		k = topK
	}
	top := logits[order[0]] / temperature
	sum := 0.0
	for _, i := range order[:k] {
		p[i] = math.Exp(logits[i]/temperature - top)
		sum += p[i]
	}
	for _, i := range order[:k] {
		p[i] /= sum
	}
	return p
}

// WordRate is the share of the space- or newline-separated words of s
// (punctuation trimmed from their ends, as opticks.Trim does; empty ones
// skipped) that are in vocab; the last word is left out unless s ends in
// a space or newline, since it may have been cut. It returns the rate and
// the number of words counted (0 and 0 for none).
func WordRate(s string, vocab map[string]bool) (rate float64, words int) {
	return WordRateMin(s, vocab, 1)
}

// WordRateMin is WordRate counting only the words of at least minLen
// characters (after trimming).
func WordRateMin(s string, vocab map[string]bool, minLen int) (rate float64, words int) {
	fields := strings.Fields(s)
	if len(fields) > 0 && !strings.HasSuffix(s, " ") && !strings.HasSuffix(s, "\n") {
		fields = fields[:len(fields)-1]
	}
	real := 0
	for _, w := range fields {
		if w = opticks.Trim(w); len(w) < max(1, minLen) {
			continue
		}
		words++
		if vocab[w] {
			real++
		}
	}
	if words == 0 {
		return 0, 0
	}
	return float64(real) / float64(words), words
}
