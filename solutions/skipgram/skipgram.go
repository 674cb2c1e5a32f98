// Package skipgram is the reference solution of the skipgram exercise:
// the skip-gram negative-sampling loss of one triple and its gradients.
package skipgram

import "math"

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func sigmoid(s float64) float64 { return 1 / (1 + math.Exp(-s)) }

// logSigmoid is log σ(s), finite for any s.
func logSigmoid(s float64) float64 {
	if s >= 0 {
		return -math.Log1p(math.Exp(-s))
	}
	return s - math.Log1p(math.Exp(s))
}

// Loss returns −log σ(uo·vc) − Σₖ log σ(−uₖ·vc).
func Loss(vc, uo []float64, uNeg [][]float64) float64 {
	L := -logSigmoid(dot(uo, vc))
	for _, u := range uNeg {
		L -= logSigmoid(-dot(u, vc))
	}
	return L
}

// Grads returns ∂L/∂vc, ∂L/∂uo and ∂L/∂uNeg.
func Grads(vc, uo []float64, uNeg [][]float64) (dvc, duo []float64, duNeg [][]float64) {
	d := len(vc)
	p := sigmoid(dot(uo, vc)) - 1
	dvc, duo = make([]float64, d), make([]float64, d)
	for i := range d {
		duo[i] = p * vc[i]
		dvc[i] = p * uo[i]
	}
	duNeg = make([][]float64, len(uNeg))
	for k, u := range uNeg {
		q := sigmoid(dot(u, vc))
		duNeg[k] = make([]float64, d)
		for i := range d {
			duNeg[k][i] = q * vc[i]
			dvc[i] += q * u[i]
		}
	}
	return dvc, duo, duNeg
}
