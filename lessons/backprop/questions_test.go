package backprop

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// TestVerdicts runs the lesson to the end at its defaults and at bad
// settings: success only at the defaults, and the cause the run shows.
func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		set     lessons.Settings
		success bool
		cause   string
		correct float64
	}{
		{nil, true, "", 4},
		{lessons.Settings{"act": "sigmoid"}, false, lessons.CauseDescending, 2}, // still falling, 1.1% over the last fifth; 1000 epochs solve it
		{lessons.Settings{"lr": "300"}, false, lessons.CauseSaturated, 2},
		{lessons.Settings{"act": "sigmoid", "lr": "100"}, false, lessons.CauseSaturated, 2},
		{lessons.Settings{"hidden": "1"}, false, lessons.CausePlateau, 3},
		{lessons.Settings{"act": "relu", "lr": "10"}, false, lessons.CauseDead, 0},
		{lessons.Settings{"lr": "0.1"}, false, lessons.CauseDescending, 3},
	} {
		r := start(t, c.set)
		r.Advance(lessons.End)
		sc := r.Scene()
		v := sc.Goal.Verdict
		if v == nil || v.Success != c.success || v.Cause != c.cause {
			t.Errorf("%v: verdict %+v, want success %v cause %q", c.set, v, c.success, c.cause)
			continue
		}
		if c.cause == lessons.CauseSaturated && (v.Control != "lr" || v.Value != "3" || !strings.HasPrefix(v.Try, "lower the learning rate")) {
			t.Errorf("%v: saturated, try %+v, want the learning rate lowered to 3", c.set, v)
		}
		if got := mach(r).Measures().Values["correct"]; got != c.correct {
			t.Errorf("%v: %v points right, want %v", c.set, got, c.correct)
		}
		// The finished text agrees with the verdict.
		met := strings.Contains(sc.Narrative, "The goal is met")
		if met != c.success || (!c.success && !strings.Contains(sc.Narrative, "the verdict is **"+c.cause+"**")) {
			t.Errorf("%v: finished text does not agree with the verdict %q:\n%s", c.set, c.cause, sc.Narrative)
		}
		if !c.success && (sc.Status.Level == scene.LevelSuccess || strings.Contains(strings.ToLower(sc.Narrative), "success")) {
			t.Errorf("%v: a missed goal reads as success: %q", c.set, sc.Status.Message)
		}
	}
}

// TestSaturationIsMeasured: at lr 300 (tanh) the output sigmoid and most
// hidden units sit on a flat end on every point; at the defaults none do.
func TestSaturationIsMeasured(t *testing.T) {
	r := start(t, lessons.Settings{"lr": "300"})
	r.Advance(lessons.End)
	m := mach(r)
	if !m.outputSaturated() || len(m.saturatedUnits(m.z1Now())) < 2 {
		t.Fatalf("lr 300: output saturated %v, hidden saturated %v", m.outputSaturated(), m.saturatedUnits(m.z1Now()))
	}
	for _, j := range m.saturatedUnits(m.z1Now()) {
		for i := range N {
			z := m.z1Now().Data[i*m.hidden+j]
			if d := 1 - math.Tanh(z)*math.Tanh(z); d >= 0.01 {
				t.Fatalf("unit h%d counted saturated with tanh′ = %v at point %d", j+1, d, i)
			}
		}
	}
	if f := m.Measures().Values[lessons.SignalSaturated]; f < 0.5 {
		t.Fatalf("lr 300: saturated share %v", f)
	}
	d := start(t, nil)
	d.Advance(lessons.End)
	if f := mach(d).Measures().Values[lessons.SignalSaturated]; f != 0 {
		t.Fatalf("defaults: saturated share %v", f)
	}
	rl := start(t, lessons.Settings{"act": "relu"})
	rl.Advance(lessons.End)
	if f := mach(rl).Measures().Values[lessons.SignalDead]; f != 0.25 {
		t.Fatalf("relu at the defaults: dead share %v, want one unit of four", f)
	}
}

// TestQuestionsRightAndWrong answers every question right, then wrong,
// through the runtime, and checks the reveal and the score.
func TestQuestionsRightAndWrong(t *testing.T) {
	for _, c := range []struct {
		set lessons.Settings
		ids []string
	}{
		{nil, []string{"correct-at-end", "db2-sign", "dz1-value"}},
		{lessons.Settings{"act": "relu"}, []string{"correct-at-end", "dead-at-end", "db2-sign", "dz1-value"}},
	} {
		for _, right := range []bool{true, false} {
			ans := lessontest.Wrong
			if right {
				ans = lessontest.Right
			}
			w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, c.set, ans)
			if len(w.Questions) != len(c.ids) {
				t.Fatalf("%v: %d questions, want %v", c.set, len(w.Questions), c.ids)
			}
			for i, q := range w.Questions {
				if q.ID != c.ids[i] || !q.Answered || q.Correct != right || q.Answer == "" || q.Explain == "" {
					t.Errorf("%v right=%v: question %d: %+v", c.set, right, i, q)
				}
			}
			s := w.Run.Score()
			if right && (s.Correct != len(c.ids) || s.Wrong != 0) || !right && (s.Wrong != len(c.ids) || s.Correct != 0) {
				t.Errorf("%v right=%v: score %+v", c.set, right, s)
			}
		}
	}
}

// TestAnswersComeFromTheRun checks each answer against the run itself.
func TestAnswersComeFromTheRun(t *testing.T) {
	for _, set := range []lessons.Settings{nil, {"act": "sigmoid"}, {"act": "relu"}} {
		w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, set, lessontest.Right)
		end := mach(w.Run)
		// A fresh run, walked by hand to the moments the questions read.
		r := start(t, set)
		ops(r, 18) // the end of step 1's backward pass
		g := mach(r).l2.B.Grad.Data[0]
		for _, q := range w.Questions {
			switch q.ID {
			case "correct-at-end":
				_, n := predictions(end.predict(end.x))
				if q.AnswerIndex != n {
					t.Errorf("%v: %s answered %s, the run ends with %d right", set, q.ID, q.Answer, n)
				}
			case "db2-sign":
				if q.AnswerIndex != lessons.SignIndex(g, 0) || !strings.Contains(q.Explain, num(g)) {
					t.Errorf("%v: %s answered %s (%s), ∂L/∂b2 = %v", set, q.ID, q.Answer, q.Explain, g)
				}
			case "dz1-value":
				st := mach(r).loop.Cur.Steps[6] // through the activation
				m := mach(r)
				want := st.Grads[0].Data[focusPoint*m.hidden+m.focus]
				if q.Answer != lessons.FormatNum(want) {
					t.Errorf("%v: %s answered %s, the run's ∂L/∂z1 is %v", set, q.ID, q.Answer, want)
				}
			case "dead-at-end":
				names, n := deadNames(end.deadUnits(end.z1Now()))
				if n == 1 && q.Answer != names || n == 0 && q.Answer != "none" {
					t.Errorf("%v: %s answered %s, dead at the end: %q", set, q.ID, q.Answer, names)
				}
			}
		}
	}
}

// TestReviewedWording holds the statements the content review corrected.
func TestReviewedWording(t *testing.T) {
	// #8: the squared-error factor is 2σ′(z2) ≤ 0.5 against cross-entropy.
	intro := start(t, nil).Scene().Narrative
	for _, want := range []string{"2(p − y)·σ′(z2)/n", "2σ′(z2), a factor of\nat most 0.5", "(p − y)/n"} {
		if !strings.Contains(intro, want) {
			t.Errorf("intro lacks %q:\n%s", want, intro)
		}
	}
	// #9: the tie rule is stated where the rule p > 0.5 is.
	if !strings.Contains(intro, "At exactly p = 0.5 it has not decided") || !strings.Contains(intro, "counts an undecided point as wrong") {
		t.Errorf("intro does not state the tie rule:\n%s", intro)
	}
	// #7: the sigmoid's own factor is ≤ 1/4; the layer's weights can amplify.
	r := start(t, lessons.Settings{"act": "sigmoid"})
	ops(r, 16) // backward through the activation
	sc := r.Scene()
	if sc.Phase != "backward" || !strings.Contains(sc.Narrative, "at most 1/4") || !strings.Contains(sc.Narrative, "W2ᵀ") ||
		strings.Contains(sc.Narrative, "shrinks the gradient by at least 4") {
		t.Errorf("sigmoid backward text:\n%s", sc.Narrative)
	}
	// #9: a p of exactly 0.5 is undecided and wrong, on screen and in the
	// goal's count: ReLU at lr 10 kills every unit and leaves p = 0.5.
	d := start(t, lessons.Settings{"act": "relu", "lr": "10"})
	d.Advance(lessons.End)
	sc = d.Scene()
	if !strings.Contains(sc.Narrative, "(0,0) → 0.5 ✗ undecided") || sc.Goal.Value != "0 of 4" {
		t.Errorf("ties: goal value %q, narrative:\n%s", sc.Goal.Value, sc.Narrative)
	}
	if right1(0.5, 0) || right1(0.5, 1) {
		t.Error("p = 0.5 counted right")
	}
	if got := pNum(0.50002); got == "0.5" {
		t.Errorf("p = 0.50002 printed as %s", got)
	}
}
