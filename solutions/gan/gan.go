// Package gan is the reference solution of the gan exercise: the losses
// of a generative adversarial network and their gradients, from the
// discriminator's logits.
package gan

import "math"

// softplus returns log(1 + eˣ). The exponent −|x| is never positive, so
// e^(−|x|) cannot overflow and log1p never sees 0: the result is finite
// and accurate for any finite x.
func softplus(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

// sigmoid returns σ(l) = 1/(1 + e^(−l)), taking e^(±l) only of a
// non-positive number.
func sigmoid(l float64) float64 {
	if l >= 0 {
		return 1 / (1 + math.Exp(-l))
	}
	e := math.Exp(l)
	return e / (1 + e)
}

// DiscriminatorLoss returns the discriminator's loss: the mean binary
// cross-entropy of the real logits against label 1 plus that of the fake
// logits against label 0,
//
//	L_D = (1/n_r)·Σᵢ −log σ(realᵢ) + (1/n_f)·Σⱼ −log(1 − σ(fakeⱼ))
//
// with −log σ(l) = softplus(−l) and −log(1 − σ(l)) = softplus(l). Both
// slices have at least one element; neither is changed.
func DiscriminatorLoss(realLogits, fakeLogits []float64) float64 {
	r, f := 0.0, 0.0
	for _, l := range realLogits {
		r += softplus(-l)
	}
	for _, l := range fakeLogits {
		f += softplus(l)
	}
	return r/float64(len(realLogits)) + f/float64(len(fakeLogits))
}

// GeneratorLoss returns the non-saturating generator loss
//
//	L_G = (1/n)·Σⱼ −log σ(fakeⱼ) = (1/n)·Σⱼ softplus(−fakeⱼ).
//
// fakeLogits has at least one element and is not changed.
func GeneratorLoss(fakeLogits []float64) float64 {
	s := 0.0
	for _, l := range fakeLogits {
		s += softplus(-l)
	}
	return s / float64(len(fakeLogits))
}

// DiscriminatorGrad returns the gradient of DiscriminatorLoss with respect
// to the real and the fake logits, in new slices:
//
//	∂L_D/∂realᵢ = (σ(realᵢ) − 1)/n_r    ∂L_D/∂fakeⱼ = σ(fakeⱼ)/n_f
//
// Neither argument is changed.
func DiscriminatorGrad(realLogits, fakeLogits []float64) (dReal, dFake []float64) {
	dReal = make([]float64, len(realLogits))
	for i, l := range realLogits {
		dReal[i] = (sigmoid(l) - 1) / float64(len(realLogits))
	}
	dFake = make([]float64, len(fakeLogits))
	for j, l := range fakeLogits {
		dFake[j] = sigmoid(l) / float64(len(fakeLogits))
	}
	return dReal, dFake
}

// GeneratorGrad returns the gradient of GeneratorLoss with respect to the
// fake logits, in a new slice: ∂L_G/∂fakeⱼ = (σ(fakeⱼ) − 1)/n. fakeLogits
// is not changed.
func GeneratorGrad(fakeLogits []float64) []float64 {
	g := make([]float64, len(fakeLogits))
	for j, l := range fakeLogits {
		g[j] = (sigmoid(l) - 1) / float64(len(fakeLogits))
	}
	return g
}
