package toolkit

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode, beside the loop's checks of batch normalisation (trainer's
// adapters), checks two computations the lesson makes outside the tape:
//
//   - weightinit, at the run's start: for each layer of the deep network
//     drawn by Xavier or He, the scale the lesson draws its weights with
//     (Glorot's uniform limit √(6/(in+out)), He's standard deviation
//     √(2/in), as nn.GlorotUniform and nn.HeNormal compute them) is
//     compared with the learner's XavierUniformLimit(in, out) or
//     HeNormalStd(in, out); where all agree, the weights are drawn again
//     from the same random stream with the learner's scales (the stream
//     does not depend on the scale, so the learner's values draw the
//     lesson's weights). The other starts (zeros, N(0, 0.01²), N(0, 1))
//     compute no scale of the exercise and are not checked; neither is
//     the survey of part one, which is computed once for every run.
//   - schedule, at every step's update: the rate the lesson's SGD steps
//     with (rateAt) is compared with the learner's function for the
//     chosen schedule and warm-up, t counting from 0 as in the exercise:
//     step and no warm-up StepDecay(lr, 0.2, s, t) with s = ⌈total/3⌉;
//     step with a warm-up WarmupConstant(lr, warmup, t) while t < warmup
//     (the lesson's warm-up is that formula), then StepDecay; cosine
//     Cosine(lr, 0, t, total), or WarmupCosine(lr, 0, warmup, total, t)
//     with a warm-up; constant with a warm-up WarmupConstant(lr, warmup,
//     t). A constant rate without warm-up computes nothing and is not
//     checked. Where they agree the step uses the learner's rate; at a
//     disagreement the step stops before the update.
//
// Out of mine mode (or without the exercise) nothing changes.
func init() {
	trainer.RegisterMineOp("toolkit", "lr schedule", "schedule", "StepDecay")
	trainer.RegisterMineOp("toolkit", "lr schedule", "schedule", "Cosine")
	trainer.RegisterMineOp("toolkit", "lr schedule", "schedule", "WarmupConstant")
	trainer.RegisterMineOp("toolkit", "lr schedule", "schedule", "WarmupCosine")
	trainer.RegisterMineOp("toolkit", "init scale", "weightinit", "XavierUniformLimit")
	trainer.RegisterMineOp("toolkit", "init scale", "weightinit", "HeNormalStd")
}

// mineState is the machine's side of mine mode: the checks of the
// initialisation, made before the first step (nil: none).
type mineState struct {
	start *lessons.MineReport
}

// Mined implements lessons.Miner: mine mode checks the ops the learner
// implemented in this lesson's exercises (trainer.MineOps), the rates of
// the schedule and the initialisation's scales.
func (m *machine) Mined() lessons.MineChecker { return m }

// SetMine implements lessons.MineChecker: the loop's checks, and on a
// machine that has not started training the initialisation's.
func (m *machine) SetMine(mine *lessons.Mine) {
	m.loop.SetMine(mine)
	m.mined.start = nil
	if mine == nil || m.loop.Step > 0 || m.loop.InStep() {
		return
	}
	if impl, ok := mine.Impls["weightinit"].(*checks.WeightInitImpl); ok && impl != nil {
		m.mineInit(mine, impl)
	}
}

// MineReport implements lessons.MineChecker: before training, the
// initialisation's checks (a report of step 0); during the first step,
// they come first in its report.
func (m *machine) MineReport() *lessons.MineReport {
	return lessons.WithStart(m.mined.start, m.loop.MineReport())
}

// initScale is the learner's function for the scale of a layer of fans
// in and out drawn by scheme name, and a call of it; ok false for a
// scheme with no exercise function.
func initScale(impl *checks.WeightInitImpl, name string, in, out int) (fn string, call func() float64, ok bool) {
	switch name {
	case "xavier":
		return "XavierUniformLimit", func() float64 { return impl.XavierUniformLimit(in, out) }, true
	case "he":
		return "HeNormalStd", func() float64 { return impl.HeNormalStd(in, out) }, true
	}
	return "", nil, false
}

// engineScale is the scale nn.GlorotUniform (its limit) or nn.HeNormal
// (its standard deviation) draws a layer with: their formulas, as
// engine/nn/init.go writes them.
func engineScale(name string, in, out int) float64 {
	if name == "xavier" {
		return math.Sqrt(6 / float64(in+out))
	}
	return math.Sqrt(2 / float64(in))
}

// mineInit checks the scale of every layer and, when all agree, draws the
// weights again with the learner's scales; at a disagreement the run
// stops before its first step.
func (m *machine) mineInit(mine *lessons.Mine, impl *checks.WeightInitImpl) {
	if _, _, ok := initScale(impl, m.cfg.init, 1, 1); !ok {
		return
	}
	rep := &lessons.MineReport{Step: 0, First: -1} // before training
	var scales, engine []float64
	in := Pixels
	for l := range Depth {
		out := Width
		if l == Depth-1 {
			out = 10
		}
		fn, call, _ := initScale(impl, m.cfg.init, in, out)
		what := "U(−a, a), a"
		if m.cfg.init == "he" {
			what = "N(0, σ²), σ"
		}
		mc := trainer.NewMineCompare(mine, "weightinit", fn,
			fmt.Sprintf("d%d.W ~ %s = %s(%d, %d)", l+1, what, fn, in, out), "init scale")
		mc.Total(1)
		dst := tensor.New(1)
		eng := engineScale(m.cfg.init, in, out)
		var v float64
		if mc.Call(func() { v = call() }) {
			mc.Elem(dst, 0, "", eng, v, nil, nil)
		}
		if !trainer.MineAdd(rep, mc.Check()) {
			m.mined.start, m.loop.MineStopped = rep, true
			return
		}
		scales, engine = append(scales, dst.Data[0]), append(engine, eng)
		in = out
	}
	m.mined.start = rep
	drawn := newNetScaled(m.cfg.init, m.cfg.bn, tensor.NewRNG(m.seed+2), scales)
	for i, d := range m.net.dense {
		copy(d.W.Value.Data, drawn.dense[i].W.Value.Data)
	}
	if !slices.Equal(scales, engine) {
		// The learner's scales round differently: the untrained
		// network's measures are its own, not the cached ones.
		m.hist.trainLoss[0], _, _ = m.net.evaluate(m.trainEval())
		_, m.hist.testAcc[0], m.hist.dead = m.net.evaluate(m.test)
	}
}

// scheduleCall is the learner's function for the rate of step t of the
// lesson's schedule, its arguments as the report shows them, and a call
// of it; ok false where the lesson computes no schedule (a constant rate
// without warm-up).
func scheduleCall(impl *checks.ScheduleImpl, schedule string, lr float64, warmup, total, t int) (fn, args string, call func() float64, ok bool) {
	switch {
	case schedule == "step" && t >= warmup:
		s := (total + StepEvery - 1) / StepEvery
		return "StepDecay", fmt.Sprintf("%g, %g, %d, %d", lr, StepGamma, s, t),
			func() float64 { return impl.StepDecay(lr, StepGamma, s, t) }, true
	case schedule == "cosine" && warmup == 0:
		return "Cosine", fmt.Sprintf("%g, 0, %d, %d", lr, t, total),
			func() float64 { return impl.Cosine(lr, 0, t, total) }, true
	case schedule == "cosine":
		return "WarmupCosine", fmt.Sprintf("%g, 0, %d, %d, %d", lr, warmup, total, t),
			func() float64 { return impl.WarmupCosine(lr, 0, warmup, total, t) }, true
	case warmup > 0:
		// constant, and step while warming up: the same formula.
		return "WarmupConstant", fmt.Sprintf("%g, %d, %d", lr, warmup, t),
			func() float64 { return impl.WarmupConstant(lr, warmup, t) }, true
	}
	return "", "", nil, false
}

// mineRate returns the rate the step's update uses: rate (the lesson's,
// rateAt's) out of mine mode, else the learner's when it agrees. ok is
// false when it does not (or the call failed): the step has stopped
// there and the update must not go on.
func (m *machine) mineRate(rate float64) (float64, bool) {
	mine := m.loop.Mine
	if mine == nil {
		return rate, true
	}
	impl, _ := mine.Impls["schedule"].(*checks.ScheduleImpl)
	if impl == nil {
		return rate, true
	}
	t := m.loop.Step
	fn, args, call, ok := scheduleCall(impl, m.cfg.schedule, m.lr, m.cfg.warmup, m.steps(), t)
	rep := m.loop.MineReport()
	if !ok || rep == nil {
		return rate, true
	}
	mc := trainer.NewMineCompare(mine, "schedule", fn, fmt.Sprintf("update: rate of step t=%d = %s(%s)", t, fn, args), "lr schedule")
	mc.Total(1)
	dst := &tensor.Tensor{Shape: []int{1}, Data: []float64{rate}}
	var v float64
	if mc.Call(func() { v = call() }) {
		mc.Elem(dst, 0, "", rate, v, nil, nil)
	}
	if !trainer.MineAdd(rep, mc.Check()) {
		m.loop.MineStopped, m.loop.Cur.Halted = true, true
		return rate, false
	}
	return dst.Data[0], true
}
