// Package skipgram is an exercise of the word-embeddings lesson
// (embeddings): the loss of skip-gram with negative sampling (Mikolov et
// al. 2013, word2vec) for one (centre, context, negatives) triple, and its
// gradients. Instead of a softmax over the whole vocabulary, the model
// learns to tell the real context word from K sampled "negative" words
// with K + 1 logistic regressions.
//
// Run `dlearn grade skipgram` (or `go test ./skipgram` in this folder) to
// check it.
package skipgram

// Loss returns the negative-sampling loss of one training triple:
//
//	L = −log σ(uo·vc) − Σₖ log σ(−uₖ·vc)
//
// vc is the centre word's input vector (a row of the input embedding
// table), uo the real context word's output vector and uNeg the K
// negative samples' output vectors, one row each (K×d); all have width d.
// σ(s) = 1/(1 + e^(−s)), and σ(−s) = 1 − σ(s) is the probability that a
// word is not a context word. Make it finite for scores of any size:
// compute log σ(s) as −log1p(e^(−s)) for s ≥ 0 and as s − log1p(e^s) for
// s < 0 (math.Log1p), since σ(−800) rounds to 0 and log 0 = −Inf. Do not
// change the arguments.
func Loss(vc, uo []float64, uNeg [][]float64) float64 {
	panic("TODO: implement skipgram.Loss")
}

// Grads returns the gradients of Loss with respect to vc, uo and each row
// of uNeg. With d/ds[−log σ(s)] = σ(s) − 1 and d/ds[−log σ(−s)] = σ(s):
//
//	dvc = (σ(uo·vc) − 1)·uo + Σₖ σ(uₖ·vc)·uₖ      length d
//	duo = (σ(uo·vc) − 1)·vc                      length d
//	duₖ = σ(uₖ·vc)·vc                            row k of duNeg, K×d
//
// The context word is pulled towards vc, the negatives pushed away. The
// check compares them with finite differences of your own Loss. Return
// new slices; do not change the arguments.
func Grads(vc, uo []float64, uNeg [][]float64) (dvc, duo []float64, duNeg [][]float64) {
	panic("TODO: implement skipgram.Grads")
}
