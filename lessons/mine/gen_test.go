package mine

import (
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/textgen"
	"github.com/dlearn/dlearn/lessons/toolkit"
)

// The checks lessons make of their own computations outside the tape:
// toolkit's initialisation scales (weightinit) and rates (schedule),
// textgen's sampler (sample), with the reference solutions and a mutant
// each through real harnesses; they run without -short.

// toolkit with a warm-up and the cosine schedule for one epoch: He's
// scales are checked at the start, every step's rate at its update, and
// the run measures what the engine's does; a cosine over 2π agrees at
// t = 0 and stops the second step's update.
func TestGenToolkit(t *testing.T) {
	l := toolkit.Lesson()
	set := lessons.Settings{"epochs": "1", "schedule": "cosine", "warmup": "10"}
	t.Run("solution", func(t *testing.T) {
		s := open(t, netsDir(t, nil, l.Exercises...), l, 0)
		if !netsHas(s.Exercises, "weightinit", "schedule") {
			t.Fatalf("built %v", s.Exercises)
		}
		r, eng := netsRuns(t, l, s, set)
		start := report(r)
		if start == nil || start.Stopped() || len(start.Checks) != toolkit.Depth || start.Checks[0].Func != "weightinit.HeNormalStd" {
			t.Fatalf("start report %+v", start)
		}
		fns := netsSame(t, r, eng)
		if !slices.Equal(fns, []string{"schedule.WarmupCosine"}) {
			t.Errorf("last step's checks %v", fns)
		}
	})
	t.Run("cosine over 2π", func(t *testing.T) {
		dir := netsDir(t, map[string]func(string) string{
			"schedule": replace(t, "math.Cos(math.Pi*float64(t)/float64(T))", "math.Cos(2*math.Pi*float64(t)/float64(T))"),
		}, l.Exercises...)
		r, _ := netsRuns(t, l, open(t, dir, l, 0), lessons.Settings{"epochs": "1", "schedule": "cosine"})
		r.Advance(lessons.Epoch) // to the start of training
		r.Advance(lessons.End)
		rep := report(r)
		if !rep.Stopped() || rep.Step != 2 || !r.Done() {
			t.Fatalf("report %+v", rep)
		}
		if c := rep.Checks[rep.First]; c.Func != "schedule.Cosine" || !strings.Contains(c.Node, "t=1") {
			t.Errorf("first failure %+v", c)
		}
		t.Log(rep.Message())
	})
}

// textgen: the sample solution draws the untrained model's samples and
// the curve's after 50 steps as the engine does; a Sample that walks the
// indices from the likeliest stops at the first sample.
func TestGenTextgen(t *testing.T) {
	l := textgen.Lesson()
	t.Run("solution", func(t *testing.T) {
		s := seqOpen(t, l, nil)
		if !slices.Contains(s.Exercises, "sample") {
			t.Fatalf("built %v", s.Exercises)
		}
		mine, eng := seqRuns(t, l, s, lessons.Settings{"epochs": "1"})
		start := report(mine)
		if start == nil || start.Stopped() || len(start.Checks) != 4 || start.Checks[1].Used != textgen.SampleLen {
			t.Fatalf("start report %+v", start)
		}
		if got, want := mine.Scene(), eng.Scene(); !sameSamples(got, want) {
			t.Error("the untrained model's samples differ from the engine's")
		}
		seqSteps(t, mine, eng, textgen.CurveEvery)
		rep := report(mine)
		var fns []string
		for _, c := range rep.Checks {
			if strings.HasPrefix(c.Node, "sample after step") && c.OK {
				fns = append(fns, c.Func)
			}
		}
		if strings.Join(fns, " ") != "sample.Probs sample.Sample" {
			t.Errorf("step %d checks %+v", rep.Step, rep.Checks)
		}
		if got, want := mine.Scene(), eng.Scene(); !sameSamples(got, want) {
			t.Error("the samples after 50 steps differ from the engine's")
		}
	})
	t.Run("walk from the likeliest", func(t *testing.T) {
		edit := func(src string) string {
			return withBody(t, src, "Sample", `	p := Probs(logits, temperature, topK)
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
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
	return last`)
		}
		s := seqOpen(t, l, map[string]func(string) string{"sample": edit})
		mine, _ := seqRuns(t, l, s, lessons.Settings{"epochs": "1"})
		rep := report(mine)
		if !rep.Stopped() || !mine.Done() {
			t.Fatalf("report %+v", rep)
		}
		if c := rep.Checks[rep.First]; c.Func != "sample.Sample" || !strings.HasPrefix(c.Node, "the untrained model's sample") || !strings.HasPrefix(c.Index, "char ") {
			t.Errorf("first failure %+v", c)
		}
		if msg := mine.Scene().Status.Message; !strings.HasPrefix(msg, "mine:") {
			t.Errorf("status %q", msg)
		}
		t.Log(rep.Message())
	})
}

// sameSamples reports whether two scenes show the same thing but for
// mine mode's panel and status line (every sample shown, in the panels'
// text), with numbers to 1e-9 relative.
func sameSamples(a, b scene.Scene) bool {
	strip := func(sc scene.Scene) scene.Scene {
		sc.Panels = slices.DeleteFunc(slices.Clone(sc.Panels), func(p scene.Panel) bool { return p.ID == "mine" })
		sc.Status = scene.Status{}
		return sc
	}
	return closeValues(strip(a), strip(b))
}
