// Package gan is an exercise of the GAN lesson (gan): the losses of the
// discriminator and of the generator, and their gradients, written from
// scratch from the discriminator's logits and stable for any logits.
//
// The discriminator D gives each point a logit l; D(x) = σ(l) =
// 1/(1 + e^(−l)) is its probability that the point is real. Real points
// should get label 1, the generator's ("fake") points label 0.
//
// Run `dlearn grade gan` (or `go test ./gan` in this folder) to check it.
package gan

// DiscriminatorLoss returns D's loss: the mean binary cross-entropy of the
// real logits against label 1 plus the mean binary cross-entropy of the
// fake logits against label 0 — the sum of the two means, not their
// average:
//
//	L_D = (1/n_r)·Σᵢ −log σ(realᵢ) + (1/n_f)·Σⱼ −log(1 − σ(fakeⱼ))
//
// n_r = len(realLogits) and n_f = len(fakeLogits) are at least 1 and may
// differ. It must be finite for any finite logits, ±1000 included: σ(−1000)
// is 0 in float64 and log(0) is −Inf. Use the log-sum-exp forms
//
//	−log σ(l) = softplus(−l)    −log(1 − σ(l)) = softplus(l)
//	softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|))
//
// (math.Log1p computes log(1 + y) accurately for small y). Do not change
// the slices.
func DiscriminatorLoss(realLogits, fakeLogits []float64) float64 {
	panic("TODO: implement gan.DiscriminatorLoss")
}

// GeneratorLoss returns G's non-saturating loss on the logits D gave its
// points:
//
//	L_G = (1/n)·Σⱼ −log σ(fakeⱼ) = (1/n)·Σⱼ softplus(−fakeⱼ)
//
// G wants D to call its points real, so this is the cross-entropy with
// label 1 — not the minimax form (1/n)·Σ log(1 − σ(fake)), whose gradient
// vanishes when D rejects G's points with confidence. n = len(fakeLogits)
// ≥ 1. Finite for any finite logits; do not change the slice.
func GeneratorLoss(fakeLogits []float64) float64 {
	panic("TODO: implement gan.GeneratorLoss")
}

// DiscriminatorGrad returns the gradient of DiscriminatorLoss with respect
// to each logit, in two new slices shaped like the arguments:
//
//	dReal[i] = ∂L_D/∂realᵢ = (σ(realᵢ) − 1)/n_r
//	dFake[j] = ∂L_D/∂fakeⱼ = σ(fakeⱼ)/n_f
//
// (the cross-entropy's gradient in the logit is σ(l) − label, divided by
// the batch size of its mean). Compute σ stably: 1/(1 + e^(−l)) for l ≥ 0,
// e^l/(1 + e^l) for l < 0. Do not change the slices.
func DiscriminatorGrad(realLogits, fakeLogits []float64) (dReal, dFake []float64) {
	panic("TODO: implement gan.DiscriminatorGrad")
}

// GeneratorGrad returns the gradient of GeneratorLoss with respect to each
// fake logit, in a new slice of length n:
//
//	∂L_G/∂fakeⱼ = (σ(fakeⱼ) − 1)/n
//
// It is near −1/n where D rejects the point (σ → 0): the generator still
// learns there. Do not change the slice.
func GeneratorGrad(fakeLogits []float64) []float64 {
	panic("TODO: implement gan.GeneratorGrad")
}
