package toolkit

import "math"

// Schedules are the learning-rate schedule choices.
var Schedules = []string{"constant", "step", "cosine"}

// StepGamma and StepEvery define the step schedule: the rate is multiplied
// by StepGamma every total/StepEvery steps.
const (
	StepGamma = 0.2
	StepEvery = 3
)

// rateAt returns the learning rate of step t (counting from 0, as the
// schedule exercise does) of a run of total steps with base rate lr and a
// linear warm-up over warmup steps (0: none):
//
//	warm-up   lr·t/warmup for t < warmup (0 at t = 0)
//	constant  lr
//	step      lr·γ^⌊t/s⌋ with γ = StepGamma and s = ⌈total/StepEvery⌉
//	          (PyTorch's StepLR)
//	cosine    ½·lr·(1 + cos(π·(t − warmup)/(total − warmup))), from lr
//	          down to 0 at t = total (CosineAnnealingLR with η_min = 0,
//	          started where the warm-up ends)
func rateAt(schedule string, lr float64, warmup, total, t int) float64 {
	if t < warmup {
		return lr * float64(t) / float64(warmup)
	}
	switch schedule {
	case "step":
		s := (total + StepEvery - 1) / StepEvery
		return lr * math.Pow(StepGamma, float64(t/s))
	case "cosine":
		if t >= total {
			return 0
		}
		p := float64(t-warmup) / float64(total-warmup)
		return 0.5 * lr * (1 + math.Cos(math.Pi*p))
	}
	return lr
}
