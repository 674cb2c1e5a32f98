package schedule

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement schedule.Cosine"

var right = checks.ScheduleImpl{StepDecay: StepDecay, Cosine: Cosine, WarmupConstant: WarmupConstant, WarmupCosine: WarmupCosine}

func with(f func(*checks.ScheduleImpl)) checks.ScheduleImpl {
	impl := right
	f(&impl)
	return impl
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.ScheduleImpl
	want string
}{
	{"stub", with(func(m *checks.ScheduleImpl) {
		m.Cosine = func(lr, etaMin float64, t, T int) float64 { panic(todo) }
	}), "not implemented yet: schedule.Cosine (solutions/schedule/mutants_test.go:"},
	{"step decay without the floor", with(func(m *checks.ScheduleImpl) {
		m.StepDecay = func(lr, gamma float64, s, t int) float64 { return lr * math.Pow(gamma, float64(t)/float64(s)) }
	}), "the exponent is ⌊t/stepSize⌋, a whole number"},
	{"step decay counting from 1", with(func(m *checks.ScheduleImpl) {
		m.StepDecay = func(lr, gamma float64, s, t int) float64 { return StepDecay(lr, gamma, s, t+1) }
	}), "are you counting steps from 1?"},
	{"step decay every step", with(func(m *checks.ScheduleImpl) {
		m.StepDecay = func(lr, gamma float64, s, t int) float64 { return lr * math.Pow(gamma, float64(t)) }
	}), "not on every step"},
	{"cosine over 2π", with(func(m *checks.ScheduleImpl) {
		m.Cosine = func(lr, etaMin float64, t, T int) float64 {
			return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(2*math.Pi*float64(t)/float64(T)))
		}
	}), "the angle is π·t/T, not 2π·t/T"},
	{"cosine with integer division", with(func(m *checks.ScheduleImpl) {
		m.Cosine = func(lr, etaMin float64, t, T int) float64 {
			return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(math.Pi*float64(t/T)))
		}
	}), "t/T is integer division in Go"},
	{"cosine without η_min", with(func(m *checks.ScheduleImpl) {
		m.Cosine = func(lr, etaMin float64, t, T int) float64 { return Cosine(lr, 0, t, T) }
	}), "η_min is missing"},
	{"cosine counting from 1", with(func(m *checks.ScheduleImpl) {
		m.Cosine = func(lr, etaMin float64, t, T int) float64 { return Cosine(lr, etaMin, t+1, T) }
	}), "are you counting steps from 1?"},
	{"warm-up starting at lr", with(func(m *checks.ScheduleImpl) {
		m.WarmupConstant = func(lr float64, w, t int) float64 { return lr }
	}), "the warm-up is missing"},
	{"warm-up starting at lr/warmup", with(func(m *checks.ScheduleImpl) {
		m.WarmupConstant = func(lr float64, w, t int) float64 { return min(lr, lr*float64(t+1)/float64(w)) }
	}), "the warm-up starts at 0"},
	{"warm-up then cosine from t = 0", with(func(m *checks.ScheduleImpl) {
		m.WarmupCosine = func(lr, etaMin float64, w, total, t int) float64 {
			if t < w {
				return WarmupConstant(lr, w, t)
			}
			return Cosine(lr, etaMin, min(t, total), total)
		}
	}), "the cosine starts where the warm-up ends"},
	{"warm-up then cosine over total", with(func(m *checks.ScheduleImpl) {
		m.WarmupCosine = func(lr, etaMin float64, w, total, t int) float64 {
			if t < w {
				return WarmupConstant(lr, w, t)
			}
			if t >= total {
				return etaMin
			}
			return Cosine(lr, etaMin, t-w, total)
		}
	}), "not (t − warmup)/total"},
	{"warm-up then cosine past the end", with(func(m *checks.ScheduleImpl) {
		m.WarmupCosine = func(lr, etaMin float64, w, total, t int) float64 {
			if t < w {
				return WarmupConstant(lr, w, t)
			}
			return Cosine(lr, etaMin, t-w, total-w)
		}
	}), "from t = total on the lr stays at η_min"},
	{"warm-up dividing by zero", with(func(m *checks.ScheduleImpl) {
		m.WarmupCosine = func(lr, etaMin float64, w, total, t int) float64 {
			if t <= w {
				return lr * float64(t) / float64(w)
			}
			return WarmupCosine(lr, etaMin, w, total, t)
		}
	}), "a warm-up of 0 steps has no warm-up phase"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckSchedule(mu.impl), mu.want)
		})
	}
}
