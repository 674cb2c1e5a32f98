package textgen

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// probsRight is the sample exercise's Probs as a learner would write it.
func probsRight(z []float64, temp float64, k int) []float64 {
	n := len(z)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return z[order[a]] > z[order[b]] })
	p := make([]float64, n)
	if temp <= 0 {
		p[order[0]] = 1
		return p
	}
	if k >= 1 && k < n {
		order = order[:k]
	}
	m, s := z[order[0]]/temp, 0.0
	for _, i := range order {
		p[i] = math.Exp(z[i]/temp - m)
		s += p[i]
	}
	for _, i := range order {
		p[i] /= s
	}
	return p
}

// sampleWith is Sample drawing from probs, walking the indices in order
// (or from the likeliest, the "sorted" mistake).
func sampleWith(probs func([]float64, float64, int) []float64, sorted bool) func([]float64, float64, int, float64) int {
	return func(z []float64, temp float64, k int, u float64) int {
		p := probs(z, temp, k)
		idx := make([]int, len(p))
		for i := range idx {
			idx[i] = i
		}
		if sorted {
			sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
		}
		sum, last := 0.0, 0
		for _, i := range idx {
			if p[i] == 0 {
				continue
			}
			sum += p[i]
			last = i
			if u < sum {
				return i
			}
		}
		return last
	}
}

func rightSampler() *checks.SampleImpl {
	return &checks.SampleImpl{Probs: probsRight, Sample: sampleWith(probsRight, false)}
}

// mineRun starts the lesson in mine mode with impl as the sample
// exercise (set's settings, one epoch) and one with the engine alone.
func mineRun(t *testing.T, set lessons.Settings, impl *checks.SampleImpl) (mine, eng *lessons.Run) {
	t.Helper()
	s := lessons.Settings{"epochs": "1"}
	for k, v := range set {
		s[k] = v
	}
	mine, err := lessons.Start(Lesson(), lessons.DefaultSeed, s)
	if err != nil {
		t.Fatal(err)
	}
	mine.SetMine(&lessons.Mine{Impls: map[string]any{"sample": impl}})
	eng, _ = lessons.Start(Lesson(), lessons.DefaultSeed, s)
	return mine, eng
}

// The right sampler draws the lesson's samples: the untrained model's
// when mine mode starts, the curve's after CurveEvery steps; every draw
// is checked and the learner's characters are the samples.
func TestMineSamplerRight(t *testing.T) {
	for _, set := range []lessons.Settings{{}, {"temperature": "0"}, {"temperature": "1.5", "topk": "47"}} {
		mine, eng := mineRun(t, set, rightSampler())
		m, e := lessons.MachineOf(mine).(*machine), lessons.MachineOf(eng).(*machine)
		rep := m.MineReport()
		if rep == nil || rep.Stopped() || len(rep.Checks) != 4 {
			t.Fatalf("%v: start report %+v", set, rep)
		}
		v := len(text.alphabet)
		for i, want := range []struct {
			fn             string
			checked, total int
		}{{"sample.Probs", SampleLen * v, SampleLen * v}, {"sample.Sample", SampleLen, SampleLen},
			{"sample.Probs", WordSample * v, WordSample * v}, {"sample.Sample", WordSample, WordSample}} {
			c := rep.Checks[i]
			used := 0
			if want.fn == "sample.Sample" {
				used = want.checked
			}
			if c.Func != want.fn || !c.OK || c.Checked != want.checked || c.Total != want.total || c.Used != used {
				t.Errorf("%v: start check %d: %+v", set, i, c)
			}
		}
		// Train is NaN before training: compare the rest.
		m.settle() // the curve point measured beside training, filed
		e.settle()
		if mp, ep := m.curve[0], e.curve[0]; mp.Sample != ep.Sample || mp.Val != ep.Val || m.evals[0] != e.evals[0] {
			t.Errorf("%v: start %+v %+v, the engine's %+v %+v", set, m.curve[0], m.evals[0], e.curve[0], e.evals[0])
		}
		if len(set) > 0 {
			continue // one run trains: the others check the start only
		}
		for range CurveEvery {
			mine.Advance(lessons.Step)
			eng.Advance(lessons.Step)
		}
		rep = m.MineReport()
		if rep == nil || rep.Stopped() || rep.Step != CurveEvery {
			t.Fatalf("step %d report %+v", m.loop.Step, rep)
		}
		var fns []string
		for _, c := range rep.Checks {
			if strings.HasPrefix(c.Node, "sample after step 50") {
				fns = append(fns, c.Func)
			}
		}
		if strings.Join(fns, " ") != "sample.Probs sample.Sample" {
			t.Errorf("step %d checks %v", CurveEvery, fns)
		}
		m.settle()
		e.settle()
		if len(m.curve) != 2 || m.curve[1] != e.curve[1] {
			t.Errorf("curve %+v, the engine's %+v", m.curve, e.curve)
		}
	}
}

// A wrong sampler stops the run at its first wrong value.
func TestMineSamplerWrong(t *testing.T) {
	timesT := func(z []float64, temp float64, k int) []float64 {
		zz := make([]float64, len(z))
		for i := range z {
			zz[i] = z[i] * temp * temp // z·τ/τ: z/τ becomes z·τ
		}
		return probsRight(zz, temp, k)
	}
	for _, c := range []struct {
		name      string
		impl      *checks.SampleImpl
		fn, index string
	}{
		{"logits times τ", &checks.SampleImpl{Probs: timesT, Sample: sampleWith(timesT, false)}, "sample.Probs", "char 1 ["},
		{"walk from the likeliest", &checks.SampleImpl{Probs: probsRight, Sample: sampleWith(probsRight, true)}, "sample.Sample", "char "},
		{"Probs panics", &checks.SampleImpl{Probs: func([]float64, float64, int) []float64 { panic("TODO: Probs") }, Sample: sampleWith(probsRight, false)}, "sample.Probs", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := mineRun(t, nil, c.impl)
			m := lessons.MachineOf(r).(*machine)
			rep := m.MineReport()
			if !rep.Stopped() || !r.Done() {
				t.Fatalf("report %+v, done %v", rep, r.Done())
			}
			first := rep.Checks[rep.First]
			if first.Func != c.fn || !strings.HasPrefix(first.Node, "the untrained model's sample") || !strings.HasPrefix(first.Index, c.index) {
				t.Errorf("first failure %+v", first)
			}
			if c.index == "" && !strings.Contains(first.Problem, "TODO: Probs") {
				t.Errorf("problem %q", first.Problem)
			}
			// The sample ends before the character that disagreed.
			if got := m.curve[0].Sample; len(got) >= len(Prompt)+SampleLen || !strings.HasPrefix(got, Prompt) {
				t.Errorf("sample %q", got)
			}
			t.Log(r.Scene().Status.Message)
		})
	}
}

// A sampler that goes wrong after the untrained model's samples (here:
// it turns greedy) stops the run at the curve's sample after CurveEvery
// steps, in the step's update.
func TestMineSamplerWrongInTraining(t *testing.T) {
	calls := 0
	right := sampleWith(probsRight, false)
	impl := &checks.SampleImpl{Probs: probsRight, Sample: func(z []float64, temp float64, k int, u float64) int {
		calls++
		if calls > SampleLen+WordSample {
			return right(z, 0, k, u)
		}
		return right(z, temp, k, u)
	}}
	r, _ := mineRun(t, nil, impl)
	m := lessons.MachineOf(r).(*machine)
	for i := 0; i < 2*CurveEvery && !r.Done(); i++ {
		r.Advance(lessons.Step)
	}
	rep := m.MineReport()
	if !rep.Stopped() || rep.Step != CurveEvery || m.loop.Step != CurveEvery-1 || !m.loop.Cur.Halted {
		t.Fatalf("report %+v at step %d", rep, m.loop.Step)
	}
	if first := rep.Checks[rep.First]; first.Func != "sample.Sample" || !strings.HasPrefix(first.Node, "sample after step 50") {
		t.Errorf("first failure %+v", first)
	}
	if err := m.EncodeState(snapshot{stopped: true}, &lessons.Encoder{}); err != errMineStopped {
		t.Errorf("a stopped run's snapshot is saved: %v", err)
	}
}
