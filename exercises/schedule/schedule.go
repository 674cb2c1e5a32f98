// Package schedule is an exercise of the optimizers lesson: learning-rate
// schedules, each a pure function of the step t.
//
// Convention: t counts from 0. The first optimizer step is t = 0, the
// next t = 1, and so on (as PyTorch's schedulers count epochs, and as the
// step counter of a training loop `for t := 0; t < steps; t++` does).
// Each function returns the learning rate to use at step t.
//
// Run `dlearn grade schedule` (or `go test ./schedule` in this folder) to
// check it.
package schedule

// StepDecay returns the learning rate at step t of step decay (PyTorch's
// StepLR): the base rate lr multiplied by γ once every stepSize steps,
//
//	lr·γ^⌊t/stepSize⌋
//
// so t = 0 … stepSize−1 get lr, the next stepSize steps lr·γ, and so on.
// stepSize ≥ 1. The exponent is a whole number (⌊·⌋ rounds down); in Go,
// t/stepSize on two ints already does that.
func StepDecay(lr, gamma float64, stepSize, t int) float64 {
	panic("TODO: implement schedule.StepDecay")
}

// Cosine returns the learning rate at step t of cosine annealing
// (PyTorch's CosineAnnealingLR), for 0 ≤ t ≤ T:
//
//	η_min + ½·(lr − η_min)·(1 + cos(π·t/T))
//
// It is lr at t = 0, (lr + η_min)/2 at t = T/2 and etaMin at t = T: half a
// period of the cosine. Mind Go's integer division: t/T on ints is 0 until
// t = T.
func Cosine(lr, etaMin float64, t, T int) float64 {
	panic("TODO: implement schedule.Cosine")
}

// WarmupConstant returns the learning rate at step t of a linear warm-up
// over warmup steps followed by a constant rate:
//
//	lr·t/warmup   for t < warmup   (0 at t = 0, rising by lr/warmup a step)
//	lr            for t ≥ warmup
//
// warmup ≥ 1.
func WarmupConstant(lr float64, warmup, t int) float64 {
	panic("TODO: implement schedule.WarmupConstant")
}

// WarmupCosine returns the learning rate at step t of a linear warm-up
// followed by cosine annealing (the schedule of most transformer
// training runs; Hugging Face's get_cosine_schedule_with_warmup with a
// floor η_min):
//
//	lr·t/warmup                                  for t < warmup
//	η_min + ½·(lr − η_min)·(1 + cos(π·p))         for warmup ≤ t < total,
//	    with p = (t − warmup)/(total − warmup)
//	η_min                                        for t ≥ total
//
// The cosine starts where the warm-up ends (lr at t = warmup) and reaches
// η_min at t = total. 0 ≤ warmup < total; warmup = 0 means no warm-up.
func WarmupCosine(lr, etaMin float64, warmup, total, t int) float64 {
	panic("TODO: implement schedule.WarmupCosine")
}
