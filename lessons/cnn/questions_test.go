package cnn

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// flat joins the words of a narrative with single spaces, so checks do
// not depend on where its lines break.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestDefaultsMeetTheGoalAnsweringRight walks the defaults as a learner
// would, answering every question right: five questions, each revealed
// with its answer and explanation, a full score, and a run that meets the
// goal (95.6% on real MNIST with the default seed) and says so.
func TestDefaultsMeetTheGoalAnsweringRight(t *testing.T) {
	w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Right)
	m := mach(w.Run)
	var ids []string
	for _, q := range w.Questions {
		ids = append(ids, q.ID)
		if !q.Answered || !q.Correct || q.Answer == "" || q.Explain == "" {
			t.Errorf("%s answered right: %+v", q.ID, q)
		}
	}
	if want := []string{"acc@25", "a2-size", "relu-zeros", "pool-grad", "goal@250"}; !slices.Equal(ids, want) {
		t.Fatalf("questions %v, want %v", ids, want)
	}
	if s := w.Run.Score(); s.Correct != 5 || s.Wrong != 0 || s.Skipped != 0 {
		t.Fatalf("score %+v", s)
	}
	// The answers are the network's: a2 is 2f maps of 14×14, and the
	// max-pool's backward pass zeroes 3 of every 4 positions.
	if q := w.Questions[1]; q.Answer != "3136" || !strings.Contains(q.Explain, "16×14×14") {
		t.Errorf("a2-size: %s, %s", q.Answer, q.Explain)
	}
	if q := w.Questions[3]; q.Answer != "75" {
		t.Errorf("pool-grad: %s, %s", q.Answer, q.Explain)
	}
	if q := w.Questions[4]; q.Answer != "yes" {
		t.Errorf("goal after the last step: %s, %s", q.Answer, q.Explain)
	}
	sc := w.Final
	v := sc.Goal.Verdict
	e := m.lastEval()
	if v == nil || !v.Success || sc.Status.Level != scene.LevelSuccess || e.Acc < 0.95 || e.Step != m.loop.Step {
		t.Fatalf("defaults: verdict %+v, status %+v, accuracy %v measured at step %d of %d", v, sc.Status, e.Acc, e.Step, m.loop.Step)
	}
	t.Logf("%s digits: test accuracy %.1f%% after %d steps", m.train.Source, 100*e.Acc, m.loop.Step)
	n := flat(sc.Narrative)
	if !strings.Contains(n, "Goal met") || strings.Contains(n, "Goal missed") || !strings.Contains(n, "**filters** 4") {
		t.Fatalf("finished narrative of a met goal:\n%s", sc.Narrative)
	}
	// The measurements spread over steps give the same numbers as
	// measuring at once.
	for _, ev := range m.evals[1 : len(m.evals)-1] {
		if ev.Step%m.evalEvery() != 0 || ev.done != NTest {
			t.Fatalf("measurement at step %d covers %d digits", ev.Step, ev.done)
		}
	}
	if once := m.net.evaluate(m.test, m.loop.Step); once.Acc != e.Acc || math.Abs(once.Loss-e.Loss) > 1e-12 {
		t.Fatalf("final measurement %v/%v, measured at once %v/%v", e.Acc, e.Loss, once.Acc, once.Loss)
	}
	if !strings.Contains(sc.Panels[4].Title, "misread") {
		t.Fatalf("finished: last panel %q", sc.Panels[4].Title)
	}
}

// TestLearningRate10KillsTheReLUs walks lr 10 answering every question
// wrong: each is still revealed, the score counts them wrong, and the run
// ends with the goal missed for dead units, the diagnosis in the finished
// narrative too (review #6), with the learning rate's default as the
// change to try.
func TestLearningRate10KillsTheReLUs(t *testing.T) {
	w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"lr": "10"}, lessontest.Wrong)
	if len(w.Questions) != 5 || w.Questions[4].Answer != "no" {
		t.Fatalf("%d questions", len(w.Questions))
	}
	for _, q := range w.Questions {
		if !q.Answered || q.Correct || q.Answer == "" || q.Explain == "" || q.Given == "" {
			t.Errorf("%s answered wrong: %+v", q.ID, q)
		}
	}
	if s := w.Run.Score(); s.Wrong != 5 || s.Correct != 0 {
		t.Fatalf("score %+v", s)
	}
	sc := w.Final
	v := sc.Goal.Verdict
	if v == nil || v.Success || v.Cause != lessons.CauseDead || v.Control != "lr" || v.Value != "0.03" || sc.Status.Level == scene.LevelSuccess {
		t.Fatalf("lr 10: verdict %+v, status %+v", v, sc.Status)
	}
	if !strings.Contains(sc.Status.Message, "goal missed") || !strings.Contains(sc.Status.Message, "dead units") {
		t.Fatalf("status %q", sc.Status.Message)
	}
	n := flat(sc.Narrative)
	// Every channel of conv2 is dead, so the scores no longer depend on
	// the digit: one class for all, and the accuracy is its share.
	m := mach(w.Run)
	one := m.lastEval().preds[0]
	share := 0
	for _, y := range m.test.Labels {
		if y == one {
			share++
		}
	}
	oneText := fmt.Sprintf("answers **%d** for every one, and %s is simply the share of %ds", one, pct(float64(share)/NTest), one)
	for _, want := range []string{"Goal missed", "dead units", "of conv2's 16", "sends no gradient back", "lower the learning rate from 10 to 0.03", oneText} {
		if !strings.Contains(n, want) {
			t.Errorf("finished narrative lacks %q:\n%s", want, sc.Narrative)
		}
	}
	if strings.Contains(n, "Goal met") {
		t.Error("a missed goal is called met")
	}
	checkDeadIsTheNetworks(t, mach(w.Run))
}

// checkDeadIsTheNetworks recounts the dead channels on the whole test set
// at once, from the network's own layers, and compares them with the
// share the machine reports to the diagnosis.
func checkDeadIsTheNetworks(t *testing.T, m *machine) {
	t.Helper()
	x, _ := m.test.Batch(seq(NTest))
	ls := m.net.layers(autograd.NoGradTape(), autograd.Const("x", x), m.net.frozen())
	dead := 0
	for _, h := range []int{1, 4} {
		v := ls[h].Value
		c, hw := v.Shape[1], v.Shape[2]*v.Shape[3]
		for k := range c {
			alive := false
			for i := range NTest {
				alive = alive || slices.Max(v.Data[(i*c+k)*hw:(i*c+k+1)*hw]) > 0
			}
			if !alive {
				dead++
			}
		}
	}
	got := m.Measures().Values[lessons.SignalDead]
	if want := float64(dead) / float64(3*m.net.f); got != want || got < 0.5 {
		t.Fatalf("dead share reported %v, recounted %v", got, want)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestBadSettingsMissTheGoal: plain SGD at a tiny rate is still
// descending, and the verdict raises its rate (the dead units of a large
// rate are TestLearningRate10KillsTheReLUs).
func TestBadSettingsMissTheGoal(t *testing.T) {
	if testing.Short() {
		t.Skip("a full training")
	}
	for _, c := range []struct {
		set        lessons.Settings
		cause, try string
		narrative  []string
	}{
		{lessons.Settings{"optimizer": "sgd", "lr": "0.001"}, lessons.CauseDescending, "raise the learning rate from 0.001 to 0.03",
			[]string{"still descending", "**optimizer** momentum", "**epochs** 10"}},
	} {
		r := start(t, c.set)
		r.Advance(lessons.End)
		sc := r.Scene()
		v := sc.Goal.Verdict
		if v == nil || v.Success || v.Cause != c.cause || v.Try != c.try || sc.Status.Level != scene.LevelWarning {
			t.Errorf("%v: verdict %+v, status %+v", c.set, v, sc.Status)
			continue
		}
		n := flat(sc.Narrative)
		for _, want := range append(c.narrative, "Goal missed", "The one change to try: "+c.try) {
			if !strings.Contains(n, want) {
				t.Errorf("%v: finished narrative lacks %q:\n%s", c.set, want, sc.Narrative)
			}
		}
		if strings.Contains(n, "Goal met") || strings.Contains(n, "**learning rate** 0.03, the default") {
			t.Errorf("%v: finished narrative:\n%s", c.set, sc.Narrative)
		}
	}
}

// TestMeasuresReadTheLastMeasurement: the goal's value is the latest
// completed test measurement, kept, not a new pass over the test set per
// call — after one step it is still the untrained network's.
func TestMeasuresReadTheLastMeasurement(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	m := mach(r)
	got := m.Measures()
	if got.Values["test_acc"] != 100*m.evals[0].Acc || len(m.evals) != 1 || len(got.Loss) != 1 || got.Val != nil {
		t.Fatalf("after one step: %+v with %d measurements", got, len(m.evals))
	}
	if sc := r.Scene(); sc.Goal == nil || sc.Goal.Text != "test accuracy ≥ 95%" || sc.Goal.Verdict != nil {
		t.Fatalf("goal while training: %+v", sc.Goal)
	}
}

// TestConvWordingAndStepCount: the backward pass through conv2 names the
// input gradient a full cross-correlation with the kernel turned 180°,
// the same as a true convolution (review #10), and the update block
// counts steps the way the header does (review #15).
func TestConvWordingAndStepCount(t *testing.T) {
	r := start(t, nil)
	walk(r, 17)
	if _, b := mach(r).phase(); b != "bwd-a2" {
		t.Fatalf("op 17 is %s", b)
	}
	n := flat(r.Scene().Narrative)
	if !strings.Contains(n, `a "full" cross-correlation of ∂L/∂a2 with the kernel turned by 180° (which is the same as a true convolution with the kernel)`) {
		t.Fatalf("bwd-a2:\n%s", n)
	}
	walk(r, 4)
	sc := r.Scene()
	if n := flat(sc.Narrative); !strings.Contains(n, "## Update · step 1 of 250") || strings.Contains(n, "epoch 1") || sc.Pos.Epoch != 0 {
		t.Fatalf("update of step 1 (header epoch %d):\n%s", sc.Pos.Epoch, n)
	}
}
