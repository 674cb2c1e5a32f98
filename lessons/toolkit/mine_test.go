package toolkit

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// In-process implementations of the exercises, right (the conventions of
// internal/checks, written as a learner would) and wrong.

func rightInit() *checks.WeightInitImpl {
	return &checks.WeightInitImpl{
		XavierUniformLimit: func(in, out int) float64 { return math.Sqrt(6 / float64(in+out)) },
		XavierNormalStd:    func(in, out int) float64 { return math.Sqrt(2 / float64(in+out)) },
		HeNormalStd:        func(in, _ int) float64 { return math.Sqrt(2 / float64(in)) },
		HeUniformLimit:     func(in, _ int) float64 { return math.Sqrt(6 / float64(in)) },
	}
}

func rightSchedule() *checks.ScheduleImpl {
	cos := func(lr, etaMin float64, t, T int) float64 {
		return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(math.Pi*float64(t)/float64(T)))
	}
	warm := func(lr float64, w, t int) float64 {
		if t < w {
			return lr * float64(t) / float64(w)
		}
		return lr
	}
	return &checks.ScheduleImpl{
		StepDecay:      func(lr, g float64, s, t int) float64 { return lr * math.Pow(g, float64(t/s)) },
		Cosine:         cos,
		WarmupConstant: warm,
		WarmupCosine: func(lr, etaMin float64, w, total, t int) float64 {
			switch {
			case t < w:
				return warm(lr, w, t)
			case t >= total:
				return etaMin
			}
			p := float64(t-w) / float64(total-w)
			return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(math.Pi*p))
		},
	}
}

// mineRuns starts the lesson with set twice, in mine mode with impls and
// with the engine alone, and takes both to the start of training.
func mineRuns(t *testing.T, set lessons.Settings, impls map[string]any) (mine, eng *lessons.Run) {
	t.Helper()
	mine, err := lessons.Start(Lesson(), 42, set)
	if err != nil {
		t.Fatal(err)
	}
	mine.SetMine(&lessons.Mine{Impls: impls})
	eng, _ = lessons.Start(Lesson(), 42, set)
	mine.Advance(lessons.Epoch)
	eng.Advance(lessons.Epoch)
	return mine, eng
}

func mineRep(r *lessons.Run) *lessons.MineReport {
	return lessons.MachineOf(r).(*machine).MineReport()
}

// The right functions: the initialisation's scales are checked before
// the first step (and the weights drawn with them), every step's rate at
// its update; the run is the engine's, bit for bit.
func TestMineRightTrainsLikeTheEngine(t *testing.T) {
	for _, c := range []struct {
		set   lessons.Settings
		init  string // the init check's function ("": none)
		rates []string
	}{
		{lessons.Settings{"init": "he", "schedule": "cosine", "warmup": "10", "epochs": "1"}, "weightinit.HeNormalStd", []string{"WarmupCosine"}},
		{lessons.Settings{"init": "xavier", "schedule": "step", "warmup": "20", "epochs": "1"}, "weightinit.XavierUniformLimit", []string{"WarmupConstant", "StepDecay"}},
		{lessons.Settings{"init": "small", "schedule": "cosine", "epochs": "1"}, "", []string{"Cosine"}},
		{lessons.Settings{"schedule": "constant", "warmup": "10", "epochs": "1"}, "weightinit.HeNormalStd", []string{"WarmupConstant"}},
		{lessons.Settings{"schedule": "constant", "epochs": "1"}, "weightinit.HeNormalStd", nil},
	} {
		mine, eng := mineRuns(t, c.set, map[string]any{"weightinit": rightInit(), "schedule": rightSchedule()})
		m, e := lessons.MachineOf(mine).(*machine), lessons.MachineOf(eng).(*machine)
		first := m.MineReport()
		if c.init != "" {
			if first == nil || first.Stopped() || len(first.Checks) != Depth {
				t.Fatalf("%v: start report %+v", c.set, first)
			}
			for _, ck := range first.Checks {
				if ck.Func != c.init || !ck.OK || ck.Used != 1 || ck.Op != "init scale" {
					t.Errorf("%v: init check %+v", c.set, ck)
				}
			}
		} else if first != nil {
			t.Errorf("%v: init checked: %+v", c.set, first)
		}
		for i := range m.params {
			if !slices.Equal(m.params[i].Value.Data, e.params[i].Value.Data) {
				t.Fatalf("%v: %s drawn differently", c.set, m.params[i].Name)
			}
		}
		var fns []string
		for step := 1; step <= 40 && !mine.Done(); step++ {
			mine.Advance(lessons.Step)
			eng.Advance(lessons.Step)
			rep := m.MineReport()
			if rep == nil || rep.Step != step || rep.Stopped() {
				t.Fatalf("%v: step %d report %+v", c.set, step, rep)
			}
			if step == 1 && c.init != "" && rep.Checks[0].Func != c.init {
				t.Errorf("%v: step 1's report does not start with the init: %+v", c.set, rep.Checks[0])
			}
			for _, ck := range rep.Checks {
				if ck.Op != "lr schedule" {
					continue
				}
				fn := strings.TrimPrefix(ck.Func, "schedule.")
				if !ck.OK || ck.Used != 1 || !strings.Contains(ck.Node, "t="+strconv.Itoa(step-1)) {
					t.Errorf("%v: step %d: %+v", c.set, step, ck)
				}
				if !slices.Contains(fns, fn) {
					fns = append(fns, fn)
				}
			}
		}
		if !slices.Equal(fns, c.rates) {
			t.Errorf("%v: schedule functions %v, want %v", c.set, fns, c.rates)
		}
		// The learner's rates are the lesson's up to rounding (Cosine's
		// π·t/T is rounded otherwise than the lesson's π·(t/T)): the run
		// agrees to 1e-9.
		if !close(m.hist.rates, e.hist.rates, 1e-15) || len(m.hist.rates) != 40 {
			t.Errorf("%v: rates %v, the engine's %v", c.set, m.hist.rates, e.hist.rates)
		}
		for i := range m.params {
			if !close(m.params[i].Value.Data, e.params[i].Value.Data, 1e-9) {
				t.Fatalf("%v: %s trained differently", c.set, m.params[i].Name)
			}
		}
		if mm, em := m.Measures(), e.Measures(); mm.Values["test_acc"] != em.Values["test_acc"] || !close(mm.Loss, em.Loss, 1e-9) {
			t.Errorf("%v: measures %v, the engine's %v", c.set, mm, em)
		}
	}
}

// Wrong functions stop the run where they first disagree.
func TestMineWrongStops(t *testing.T) {
	t.Run("He with the fans swapped", func(t *testing.T) {
		wi := rightInit()
		wi.HeNormalStd = func(_, out int) float64 { return math.Sqrt(2 / float64(out)) }
		r, _ := mineRuns(t, lessons.Settings{"epochs": "1"}, map[string]any{"weightinit": wi, "schedule": rightSchedule()})
		rep := mineRep(r)
		if !rep.Stopped() || rep.First != 0 || !r.Done() || lessons.MachineOf(r).(*machine).loop.Step != 0 {
			t.Fatalf("report %+v, done %v", rep, r.Done())
		}
		c := rep.Checks[0]
		if !strings.HasPrefix(c.Node, "d1.W") || c.Engine != math.Sqrt(2.0/Pixels) || c.Yours != math.Sqrt(2.0/Width) {
			t.Errorf("first failure %+v", c)
		}
		if msg := r.Scene().Status.Message; !strings.Contains(msg, "weightinit.HeNormalStd") {
			t.Errorf("status %q", msg)
		}
	})
	t.Run("Xavier panics", func(t *testing.T) {
		wi := rightInit()
		wi.XavierUniformLimit = func(int, int) float64 { panic("TODO") }
		r, _ := mineRuns(t, lessons.Settings{"init": "xavier", "epochs": "1"}, map[string]any{"weightinit": wi})
		if rep := mineRep(r); !rep.Stopped() || !strings.Contains(rep.Checks[rep.First].Problem, "TODO") {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("cosine over 2π", func(t *testing.T) {
		sc := rightSchedule()
		sc.Cosine = func(lr, etaMin float64, t, T int) float64 {
			return etaMin + 0.5*(lr-etaMin)*(1+math.Cos(2*math.Pi*float64(t)/float64(T)))
		}
		r, eng := mineRuns(t, lessons.Settings{"schedule": "cosine", "epochs": "1"}, map[string]any{"schedule": sc})
		m, e := lessons.MachineOf(r).(*machine), lessons.MachineOf(eng).(*machine)
		for range 5 {
			r.Advance(lessons.Step)
		}
		eng.Advance(lessons.Step) // t=0 agrees: cos 0 = cos 0
		rep := m.MineReport()
		if !rep.Stopped() || rep.Step != 2 || !r.Done() || m.loop.Step != 1 {
			t.Fatalf("report %+v at step %d", rep, m.loop.Step)
		}
		c := rep.Checks[rep.First]
		if c.Func != "schedule.Cosine" || !strings.Contains(c.Node, "t=1") || c.Engine != rateAt("cosine", 0.05, 0, 40, 1) {
			t.Errorf("first failure %+v", c)
		}
		// The update was not applied: the weights are those after step 1.
		for i := range m.params {
			if !slices.Equal(m.params[i].Value.Data, e.params[i].Value.Data) {
				t.Fatalf("%s changed by the stopped update", m.params[i].Name)
			}
		}
	})
	t.Run("warm-up from 1", func(t *testing.T) {
		sc := rightSchedule()
		sc.WarmupConstant = func(lr float64, w, t int) float64 {
			if t < w {
				return lr * float64(t+1) / float64(w)
			}
			return lr
		}
		r, _ := mineRuns(t, lessons.Settings{"schedule": "step", "warmup": "10", "epochs": "1"}, map[string]any{"schedule": sc})
		r.Advance(lessons.Step)
		if rep := mineRep(r); !rep.Stopped() || rep.Step != 1 || rep.Checks[rep.First].Func != "schedule.WarmupConstant" {
			t.Fatalf("report %+v", rep)
		}
	})
}

// close reports whether a and b agree element by element to rel
// (relative, at least absolute for values below 1).
func close(a, b []float64, rel float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > rel*max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}
