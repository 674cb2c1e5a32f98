package optimizers

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// TestVerdicts runs the lesson to the end at its defaults and at bad
// settings: success only when the followed optimizer ends within the
// goal, and the cause the run shows.
func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		set            lessons.Settings
		success        bool
		cause          string
		control, value string
	}{
		{nil, true, "", "", ""},
		{lessons.Settings{"surface": "saddle"}, true, "", "", ""},
		// GD at 0.12 diverges across the valley (2/18 ≈ 0.111) while
		// momentum survives.
		{lessons.Settings{"lr": "0.12", "focus": "gd"}, false, lessons.CauseDiverged, "lr", "0.1"},
		// AdaGrad's step only shrinks: it is still on its way at the end.
		{lessons.Settings{"focus": "adagrad"}, false, lessons.CauseDescending, "steps", "1000"},
		// SGD's noise keeps it jittering around the minimum.
		{lessons.Settings{"focus": "sgd"}, false, lessons.CauseOscillating, "lr", "0.05"},
		{lessons.Settings{"surface": "rosenbrock"}, false, lessons.CauseDescending, "steps", "1000"},
	} {
		r := start(t, c.set)
		r.Advance(lessons.End)
		sc := r.Scene()
		v := sc.Goal.Verdict
		if v == nil || v.Success != c.success || v.Cause != c.cause || v.Control != c.control || v.Value != c.value {
			t.Errorf("%v: verdict %+v, want success %v cause %q try %s=%s", c.set, v, c.success, c.cause, c.control, c.value)
			continue
		}
		met := strings.Contains(sc.Narrative, "**Goal met**")
		if met != c.success || (!c.success && !strings.Contains(sc.Narrative, "**Goal missed**")) {
			t.Errorf("%v: finished text does not agree with the verdict:\n%s", c.set, sc.Narrative)
		}
		if !c.success && c.cause != lessons.CauseDiverged && !strings.Contains(sc.Narrative, "the verdict is **"+c.cause+"**") {
			t.Errorf("%v: finished text does not name the cause %q:\n%s", c.set, c.cause, sc.Narrative)
		}
		if !c.success && sc.Status.Level == scene.LevelSuccess {
			t.Errorf("%v: a missed goal with status %+v", c.set, sc.Status)
		}
	}
	// At 0.12 momentum survives where GD diverges.
	r := start(t, lessons.Settings{"lr": "0.12", "focus": "momentum"})
	r.Advance(lessons.End)
	if v := r.Scene().Goal.Verdict; !v.Success {
		t.Errorf("momentum at 0.12: %+v", v)
	}
	// Every optimizer gone: the run ends diverged.
	all := start(t, lessons.Settings{"lr": "10", "surface": "rosenbrock"})
	all.Advance(lessons.End)
	if sc := all.Scene(); len(mach(all).view().Ranking) == 0 && (sc.Goal.Verdict.Cause != lessons.CauseDiverged || sc.Status.Level != scene.LevelError) {
		t.Errorf("all diverged: %+v %+v", sc.Goal.Verdict, sc.Status)
	}
}

// TestGoalFollowsTheFocus: the measure is the followed optimizer's
// distance, and a change of focus changes it.
func TestGoalFollowsTheFocus(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	m := mach(r)
	for _, n := range names {
		m.focus = n
		x, y := m.runner(n).pos()
		if got := m.Measures().Values["dist"]; got != m.surf.dist(x, y) {
			t.Errorf("focus %s: dist %v, want %v", n, got, m.surf.dist(x, y))
		}
		if l := m.Measures().Loss; len(l) != 501 || l[0] != m.runner(n).fs[0] {
			t.Errorf("focus %s: %d losses", n, len(l))
		}
	}
	d := start(t, lessons.Settings{"lr": "0.12", "focus": "gd"})
	d.Advance(lessons.End)
	if ms := mach(d).Measures(); !math.IsInf(ms.Values["dist"], 1) || !math.IsInf(ms.Loss[len(ms.Loss)-1], 1) {
		t.Errorf("diverged GD: %v, last loss %v", ms.Values, ms.Loss[len(ms.Loss)-1])
	}
}

// TestQuestionsRightAndWrong answers every question right, then wrong,
// through the runtime, and checks the reveal and the score.
func TestQuestionsRightAndWrong(t *testing.T) {
	ids := []string{"gd-diverges", "sgd-dx", "closest-at-end", "adam-dx"}
	for _, right := range []bool{true, false} {
		ans := lessontest.Wrong
		if right {
			ans = lessontest.Right
		}
		w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, ans)
		if len(w.Questions) != len(ids) {
			t.Fatalf("%d questions, want %v", len(w.Questions), ids)
		}
		for i, q := range w.Questions {
			if q.ID != ids[i] || !q.Answered || q.Correct != right || q.Answer == "" || q.Explain == "" {
				t.Errorf("right=%v: question %d: %+v", right, i, q)
			}
		}
		s := w.Run.Score()
		if right && (s.Correct != len(ids) || s.Wrong != 0) || !right && (s.Wrong != len(ids) || s.Correct != 0) {
			t.Errorf("right=%v: score %+v", right, s)
		}
	}
}

// TestAnswersComeFromTheRun checks each answer against the run itself, at
// two settings.
func TestAnswersComeFromTheRun(t *testing.T) {
	for _, c := range []struct {
		set      lessons.Settings
		diverges string
		closest  string
	}{
		{nil, "no", "RMSProp"},
		{lessons.Settings{"lr": "0.12"}, "yes", "Momentum"},
	} {
		w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, c.set, lessontest.Right)
		end := mach(w.Run).view()
		// A fresh run, moved by hand to the moments the questions read.
		r := start(t, c.set)
		advance(r, lessons.Op, 2) // GD and SGD have moved
		sgd := mach(r).optView(mach(r).runner("sgd"))
		advance(r, lessons.Op, 10) // step 2: Adam has moved
		adam := mach(r).optView(mach(r).runner("adam"))
		for _, q := range w.Questions {
			var ok bool
			switch q.ID {
			case "gd-diverges":
				ok = q.Answer == c.diverges && (q.Answer == "yes") == end.ByName["gd"].Diverged
			case "closest-at-end":
				ok = q.Answer == c.closest && q.Answer == end.Best.Label
			case "sgd-dx":
				want := -sgd.LR * (sgd.Exact[0] + sgd.Noise[0])
				ok = q.Answer == lessons.FormatNum(sgd.Delta[0]) && math.Abs(sgd.Delta[0]-want) < 1e-12
			case "adam-dx":
				ok = adam.T == 2 && q.Answer == lessons.FormatNum(adam.Delta[0]) && strings.Contains(q.Explain, trainer.Num(adam.MHat[0]))
			}
			if !ok {
				t.Errorf("%v: %s answered %q: %s", c.set, q.ID, q.Answer, q.Explain)
			}
		}
	}
}

// TestAdaptiveRatesWording holds review item 4: AdaGrad sums all past
// squared gradients, so its step only shrinks, and the text says so with
// the run's numbers; adaptive rates are not claimed to be all upside.
func TestAdaptiveRatesWording(t *testing.T) {
	intro := start(t, nil).Scene().Narrative
	if strings.Contains(intro, "that is all it does") || strings.Contains(intro, "own recent gradients") {
		t.Errorf("intro keeps the reviewed claim:\n%s", intro)
	}
	for _, want := range []string{"sum of\n**all** its squared gradients", "step size only shrinks", "Wilson et al., 2017",
		"lr/|g| = (0.1111, 0.00463)"} {
		if !strings.Contains(intro, want) {
			t.Errorf("intro lacks %q:\n%s", want, intro)
		}
	}
	r := start(t, nil)
	r.Advance(lessons.End)
	v := mach(r).view()
	a := v.ByName["adagrad"]
	if v.Worst.Name != "adagrad" || a.Size[0] >= a.FirstSize[0] || a.Size[1] >= a.FirstSize[1] {
		t.Fatalf("AdaGrad: last %v, step size %v after update 1, %v at the end", v.Worst.Name, a.FirstSize, a.Size)
	}
	n := r.Scene().Narrative
	for _, want := range []string{"AdaGrad ended in place\n6", "sum of all 500 squared gradients", trainer.Num(a.Dist),
		"(" + trainer.Num(a.FirstSize[0]) + ", " + trainer.Num(a.FirstSize[1]) + ") after update 1 to (" + trainer.Num(a.Size[0]),
		trainer.Num(a.FirstSize[0] / a.Size[0]), "crawls where the\nothers arrived"} {
		if !strings.Contains(n, want) {
			t.Errorf("finished text lacks %q:\n%s", want, n)
		}
	}
	// On Rosenbrock nobody arrives: AdaGrad is last, but no one is said to
	// have arrived.
	rb := start(t, lessons.Settings{"surface": "rosenbrock"})
	rb.Advance(lessons.End)
	if n := rb.Scene().Narrative; strings.Contains(n, "others arrived") {
		t.Errorf("rosenbrock: 'the others arrived' while none did:\n%s", n)
	}
}

// TestSGDSpread checks the stationary spread the finished text quotes
// against a long run: over 5000 steps SGD's spread around the valley's
// minimum matches lr·σ/√(1 − (1 − lr·h)²) per coordinate within 15%.
func TestSGDSpread(t *testing.T) {
	r := start(t, lessons.Settings{"steps": "5000"})
	r.Advance(lessons.End)
	m := mach(r)
	sd, ok := sgdSpread(m.lr, m.surf.sigma, m.surf.curv)
	if !ok {
		t.Fatal("no spread at lr 0.1 on the valley")
	}
	sg := m.runner("sgd")
	var sx, sy float64
	n := len(sg.xs)
	for i := n / 4; i < n; i++ {
		sx += sg.xs[i] * sg.xs[i]
		sy += sg.ys[i] * sg.ys[i]
	}
	k := float64(n - n/4)
	for i, got := range []float64{math.Sqrt(sx / k), math.Sqrt(sy / k)} {
		if math.Abs(got-sd[i]) > 0.15*sd[i] {
			t.Errorf("coordinate %d: spread %v, predicted %v", i, got, sd[i])
		}
	}
	if _, ok := sgdSpread(0.12, 0.2, []float64{0.2, 18}); ok {
		t.Error("a spread at a rate where GD diverges")
	}
}
