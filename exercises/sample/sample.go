// Package sample is an exercise of the text-generation lesson (textgen):
// turning a language model's scores for the next token into one token, as
// the lesson's sampler does after every character it writes.
//
// The model gives a score (logit) zᵢ to each of the n tokens. Sampling
// draws token i with probability softmax(z)ᵢ; two controls change that:
//
//   - the temperature τ divides the scores before the softmax,
//     pᵢ ∝ e^(zᵢ/τ): τ < 1 sharpens the distribution towards the likeliest
//     tokens, τ > 1 flattens it, and τ → 0 leaves all the probability on
//     the largest score (greedy decoding);
//   - top-k keeps only the k largest scores and renormalises over them, so
//     that the long tail of unlikely tokens is never drawn.
//
// The randomness is given as one uniform number u in [0, 1), so the same
// u gives the same token: lay the kept probabilities end to end in index
// order on [0, 1) — token 0 gets [0, p₀), token 1 [p₀, p₀ + p₁), … — and
// return the token whose interval holds u.
//
// Run `dlearn grade sample` (or `go test ./sample` in this folder) to
// check it.
package sample

// Probs returns the distribution Sample draws from, a new slice as long
// as logits:
//
//   - temperature ≤ 0: greedy, 1 at the largest logit (the lowest index
//     on a tie) and 0 elsewhere;
//   - otherwise, when 1 ≤ topK < len(logits), keep the topK largest logits
//     (on a tie at the boundary the lower indices first: sort the indices
//     by logit, largest first, with a stable sort, and keep the first
//     topK); any other topK (0, negative, len(logits) or more) keeps all;
//   - the kept ones get pᵢ = e^(zᵢ/τ − m) / Σ_kept e^(zⱼ/τ − m), where m is
//     the largest zⱼ/τ among them (subtracting it keeps e^x from
//     overflowing: logits [1000 999] at τ = 1 give [0.731 0.269]); the
//     others get 0.
//
// Example: logits [1 3 2 0.5], τ = 1, topK = 2 keeps indices 1 and 2:
// [0 0.731 0.269 0]. Do not change logits.
func Probs(logits []float64, temperature float64, topK int) []float64 {
	panic("TODO: implement sample.Probs")
}

// Sample returns the index drawn with the uniform number u in [0, 1):
// with p = Probs(logits, temperature, topK), walk i = 0, 1, … adding up
// pᵢ and return the first i whose running sum exceeds u (u < sum, strictly:
// with p = [0.25 0.25 0.25 0.25], u = 0.25 gives 1). If rounding leaves u
// at or above the last sum, return the last index with pᵢ > 0. With
// temperature ≤ 0 this is the argmax, whatever u is. Do not change logits.
func Sample(logits []float64, temperature float64, topK int, u float64) int {
	panic("TODO: implement sample.Sample")
}
