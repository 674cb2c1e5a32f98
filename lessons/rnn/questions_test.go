package rnn

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// TestVerdicts runs the lesson to the end at its defaults and at two bad
// settings: the defaults meet the goal; W_hh scale 3 misses it with an
// exploding gradient through time (and the change to try is the scale,
// not the learning rate); learning rate 0.001 misses it still
// descending.
func TestVerdicts(t *testing.T) {
	cases := []struct {
		set            lessons.Settings
		success        bool
		cause, control string
		value          string
	}{
		{nil, true, "", "", ""},
		{lessons.Settings{"scale": "3"}, false, lessons.CauseExploding, "scale", "1"},
		{lessons.Settings{"lr": "0.001"}, false, lessons.CauseDescending, "lr", "0.01"},
	}
	for _, c := range cases {
		r := start(t, c.set)
		r.Advance(lessons.End)
		sc := r.Scene()
		v := sc.Goal.Verdict
		mse := mach(r).Measures().Values["mse"]
		if v == nil || v.Success != c.success || v.Cause != c.cause || v.Control != c.control || v.Value != c.value {
			t.Errorf("%v: MSE %g, verdict %+v; want success %v, cause %q, try %s=%s", c.set, mse, v, c.success, c.cause, c.control, c.value)
			continue
		}
		// The finished narrative agrees with the verdict.
		met, missed := strings.Contains(sc.Narrative, "That meets the goal"), strings.Contains(sc.Narrative, "That misses the goal")
		if met != c.success || missed == c.success {
			t.Errorf("%v: verdict success %v, narrative says met %v, missed %v", c.set, c.success, met, missed)
		}
		// The explanation follows the gradient through time: fading at
		// the defaults, exploding at scale 3.
		fades, explodes := strings.Contains(sc.Narrative, "The fading over"), strings.Contains(sc.Narrative, "or, as here, explodes")
		if wantExplode := c.cause == lessons.CauseExploding; fades == wantExplode || explodes != wantExplode {
			t.Errorf("%v: narrative says fading %v, exploding %v", c.set, fades, explodes)
		}
		if c.success && (sc.Status.Level != scene.LevelSuccess || mse > goal.Target) {
			t.Errorf("defaults: MSE %g, status %+v", mse, sc.Status)
		}
		if !c.success && sc.Status.Level == scene.LevelSuccess {
			t.Errorf("%v: a missed goal with status %+v", c.set, sc.Status)
		}
	}
}

// TestFinishedAdviceFromTheRun: the finished text explains why the LSTM
// will not fit better (the task needs only a step or two back, with the
// run's own numbers), qualifies the survey's claim with the run's ratio,
// and the two claims it makes about the cells hold when run: at the
// defaults the LSTM fits no better, at W_hh scale 3 it fits far better.
func TestFinishedAdviceFromTheRun(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	v := mach(r).view()
	n := r.Scene().Narrative
	for _, want := range []string{
		"× " + trainer.Num(v.Back1) + " of its size", "× " + trainer.Num(v.Back2),
		"\"can handle long-term\ndependencies\"", "at h₁ with × " + trainer.Num(v.Ratio),
		"do not expect a better fit", "starts at × " + trainer.Num(v.OtherRatio),
		trainer.Num(v.Persist),
	} {
		if !strings.Contains(n, want) {
			t.Errorf("finished narrative lacks %q:\n%s", want, n)
		}
	}
	if v.Back2 < 0.1 || v.Ratio > 1e-2 {
		t.Errorf("the narrative says the error reaches two steps back but fades over %d: two back %g, at h₁ %g", v.T, v.Back2, v.Ratio)
	}
	if testing.Short() {
		t.Skip("the LSTM runs take seconds")
	}
	final := func(set lessons.Settings) float64 {
		r := start(t, set)
		r.Advance(lessons.End)
		return mach(r).Measures().Values["mse"]
	}
	rnn, lstm := mach(r).Measures().Values["mse"], final(lessons.Settings{"cell": "lstm"})
	if lstm < rnn {
		t.Errorf("defaults: the LSTM fits better (%g) than the RNN (%g); the narrative says not to expect it", lstm, rnn)
	}
	rnn3, lstm3 := final(lessons.Settings{"scale": "3"}), final(lessons.Settings{"cell": "lstm", "scale": "3"})
	if lstm3 > rnn3/5 {
		t.Errorf("scale 3: LSTM %g, RNN %g; the narrative says the LSTM keeps learning where the RNN stalls", lstm3, rnn3)
	}
}

// TestQuestions answers every question right and then wrong through the
// runtime, checks the reveal against the run and the score, and that the
// answers come from the run: scale 3 turns the ratio's answer to "grows",
// clipping adds a question whose answer is the next step's own.
func TestQuestions(t *testing.T) {
	right := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Right)
	ids := map[string]scene.Question{}
	for _, q := range right.Questions {
		ids[q.ID] = q
		if !q.Correct || q.Explain == "" {
			t.Errorf("%s answered right: %+v", q.ID, q)
		}
	}
	for _, id := range []string{"sine-next", "ratio-order", "adam-step"} {
		if _, ok := ids[id]; !ok {
			t.Fatalf("question %s not met; met %v", id, right.Questions)
		}
	}
	m := mach(start(t, nil))
	if x3 := m.seq.Data[2]; ids["sine-next"].Answer != lessons.FormatNum(x3) || math.Abs(2*math.Cos(0.1)*m.seq.Data[1]-m.seq.Data[0]-x3) > 1e-12 {
		t.Errorf("sine-next: answer %s, data x₃ %g", ids["sine-next"].Answer, x3)
	}
	if q := ids["ratio-order"]; q.AnswerIndex != ratioIndex(m.probe().ratio()) || !strings.Contains(q.Explain, trainer.Num(m.probe().ratio())) {
		t.Errorf("ratio-order: %+v, ratio %g", q, m.probe().ratio())
	}
	if q := ids["adam-step"]; math.Abs(mustFloat(t, q.Answer)-0.01) > 1e-6 {
		t.Errorf("adam-step: Adam's first step should move the largest weight by lr = 0.01, answer %s", q.Answer)
	}
	if s := right.Run.Score(); s.Correct != len(right.Questions) || s.Wrong != 0 {
		t.Errorf("all right: %+v", s)
	}
	wrong := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Wrong)
	for _, q := range wrong.Questions {
		if q.Correct || !q.Answered || q.Answer != ids[q.ID].Answer {
			t.Errorf("%s answered wrong: %+v", q.ID, q)
		}
	}
	if s := wrong.Run.Score(); s.Wrong != len(wrong.Questions) || s.Correct != 0 {
		t.Errorf("all wrong: %+v", s)
	}

	// The LSTM is asked the same questions, its ratio from its own
	// gradient through time.
	lstm := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"cell": "lstm", "length": "25", "epochs": "10"}, lessontest.Right)
	lm := mach(start(t, lessons.Settings{"cell": "lstm", "length": "25", "epochs": "10"}))
	seen := 0
	for _, q := range lstm.Questions {
		if q.ID == "ratio-order" {
			seen++
			if q.AnswerIndex != ratioIndex(lm.probe().ratio()) || !strings.Contains(q.Prompt, "forget gate") || !strings.Contains(q.Explain, "vanilla RNN") {
				t.Errorf("LSTM ratio-order: %+v, ratio %g", q, lm.probe().ratio())
			}
		}
	}
	if seen != 1 || len(lstm.Questions) != 3 {
		t.Errorf("LSTM: %d questions, ratio-order %d times", len(lstm.Questions), seen)
	}

	big := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"scale": "3", "clip": "1", "epochs": "10"}, lessontest.Right)
	var clip *scene.Question
	for i, q := range big.Questions {
		if q.ID == "ratio-order" && q.Answer != ratioChoices[0] {
			t.Errorf("scale 3: ratio-order answered %q, want %q", q.Answer, ratioChoices[0])
		}
		if q.ID == "clip-next" {
			clip = &big.Questions[i]
		}
	}
	if clip == nil {
		t.Fatal("clipping on: no clip-next question")
	}
	bm := mach(big.Run)
	if want := ratioYes(bm.after[2] < bm.before[2]); clip.Answer != want {
		t.Errorf("clip-next: answer %s, step 3 norms %g → %g", clip.Answer, bm.before[2], bm.after[2])
	}
}

func ratioYes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "−", "-"), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
