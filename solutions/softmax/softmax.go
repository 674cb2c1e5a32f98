// Package softmax is the reference solution of the softmax exercise: the
// softmax, the cross-entropy of one example from its logits and its
// gradient, as the word-embeddings lesson uses them.
package softmax

import "math"

// Softmax returns e^(zᵢ)/Σⱼ e^(zⱼ) in a new slice, with m = max(z)
// subtracted from every z first so that no exponential overflows and the
// largest is e^0 = 1. z has length n ≥ 1 and is not changed.
func Softmax(z []float64) []float64 {
	m := maxOf(z)
	p := make([]float64, len(z))
	sum := 0.0
	for i, v := range z {
		p[i] = math.Exp(v - m)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// CrossEntropy returns −log softmax(z)[target] = log Σⱼ e^(zⱼ) − z[target],
// with the log-sum-exp computed as m + log Σⱼ e^(zⱼ − m), m = max(z), so
// that it is finite for any finite z. z is not changed.
func CrossEntropy(z []float64, target int) float64 {
	m := maxOf(z)
	sum := 0.0
	for _, v := range z {
		sum += math.Exp(v - m)
	}
	return m + math.Log(sum) - z[target]
}

// Grad returns the gradient of CrossEntropy(z, target) with respect to z,
// softmax(z) − onehot(target), in a new slice. z is not changed.
func Grad(z []float64, target int) []float64 {
	g := Softmax(z)
	g[target]--
	return g
}

// maxOf returns the largest element of z (length ≥ 1).
func maxOf(z []float64) float64 {
	m := z[0]
	for _, v := range z[1:] {
		m = math.Max(m, v)
	}
	return m
}
