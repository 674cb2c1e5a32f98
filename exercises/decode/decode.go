// Package decode is an exercise of the translation lesson (translate):
// turning a model's next-token probabilities into an output sequence, by
// greedy decoding and by beam search. The model here is a bigram table
// (the next token depends only on the previous one), so that the search
// itself is the whole exercise; a translation model's decoder step plays
// the same role.
//
// Run `dlearn grade decode` (or `go test ./decode` in this folder) to
// check it.
package decode

// The model is a table of log-probabilities: logp[prev][next] is
// log P(next | prev), for token ids 0 … V−1 (logp is V×V and the
// exponentials of each row sum to 1). start is the token decoding begins
// from, end the token that finishes a sequence.
//
// A decoded sequence leaves out start and includes end when it is
// produced; its length is its number of tokens, at most maxLen. From
// start with probabilities 0.5 for 1 and then 0.6 for end = 3, the
// sequence is [1 3], of length 2 and total log-probability
// log 0.5 + log 0.6.

// Greedy returns the sequence built by always taking the most likely next
// token: from prev = start, append the token t with the largest
// logp[prev][t] (the smallest t on a tie), make it prev, and stop after
// appending end or once the sequence has maxLen tokens. Do not change
// logp.
func Greedy(logp [][]float64, start, end, maxLen int) []int {
	panic("TODO: implement decode.Greedy")
}

// Beam returns the best sequence found by beam search of width k, and its
// score, the length-normalised log-probability total/length:
//
//	beam = { [] } with total 0
//	repeat at most maxLen times:
//	    candidates = for each hypothesis h in beam:
//	        if h ends in end (finished): h itself, unchanged
//	        else, for each token t = 0 … V−1: h + [t], with total
//	             h.total + logp[last][t]  (last = start for the empty h)
//	    sort the candidates by total/length, highest first; on a tie
//	        (equal scores) the lexicographically smaller sequence first
//	        ([0 2] < [1] < [1 0])
//	    beam = the first k candidates
//	    stop when every hypothesis in beam is finished
//	return beam[0] and its total/length
//
// Add log-probabilities (the log of a product of probabilities), and
// divide by the length in every comparison: the total alone always
// prefers short sequences. If no hypothesis finishes within maxLen steps,
// the best is returned unfinished. Do not change logp.
func Beam(logp [][]float64, start, end, maxLen, k int) (seq []int, score float64) {
	panic("TODO: implement decode.Beam")
}
