// Package schedule is the reference solution of the schedule exercise:
// learning-rate schedules as pure functions of the step t (from 0).
package schedule

import "math"

// StepDecay returns lr·γ^⌊t/stepSize⌋ (PyTorch's StepLR).
func StepDecay(lr, gamma float64, stepSize, t int) float64 {
	return lr * math.Pow(gamma, float64(t/stepSize))
}

// Cosine returns η_min + ½(lr − η_min)(1 + cos(π·t/T)) for 0 ≤ t ≤ T
// (PyTorch's CosineAnnealingLR).
func Cosine(lr, etaMin float64, t, T int) float64 {
	return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(math.Pi*float64(t)/float64(T)))
}

// WarmupConstant returns lr·t/warmup for t < warmup, then lr.
func WarmupConstant(lr float64, warmup, t int) float64 {
	if t < warmup {
		return lr * float64(t) / float64(warmup)
	}
	return lr
}

// WarmupCosine warms up linearly for warmup steps, then anneals from lr
// to η_min by a cosine over the remaining total − warmup steps, and stays
// at η_min from t = total on.
func WarmupCosine(lr, etaMin float64, warmup, total, t int) float64 {
	switch {
	case t < warmup:
		return lr * float64(t) / float64(warmup)
	case t >= total:
		return etaMin
	}
	p := float64(t-warmup) / float64(total-warmup)
	return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(math.Pi*p))
}
