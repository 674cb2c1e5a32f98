package lessons

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

// quizCounter is the counter with a goal (total ≥ 50) and two questions:
// at op 0 "what will the total be after the next step?" (resolved by
// looking ahead one Step) and at op 8 "is the total above 10?" (resolved
// now).
type quizCounter struct{ snapCounter }

func (c *quizCounter) Measures() Measures {
	loss := make([]float64, 0, c.ops)
	for i := range c.ops {
		loss = append(loss, 100/float64(i+1))
	}
	return Measures{Values: map[string]float64{"total": c.total}, Loss: loss}
}

func (c *quizCounter) Ask() *Ask {
	switch c.ops {
	case 0:
		return &Ask{ID: "next-total", Prompt: "total after one step?", Kind: scene.QuestionNumber, Tolerance: 0.01,
			Ahead: Step, AheadN: 1,
			Resolve: func(m Machine) Resolution {
				t := totalOf(m)
				return Resolution{Value: t, Explain: fmt.Sprintf("four ops of %g each", t/4)}
			}}
	case 8:
		return &Ask{ID: "above-10", Prompt: "is the total above 10?", Kind: scene.QuestionChoice, Choices: []string{"yes", "no"},
			Resolve: func(m Machine) Resolution {
				if totalOf(m) > 10 {
					return Resolution{Choice: 0}
				}
				return Resolution{Choice: 1}
			}}
	}
	return nil
}

func quizLesson() *Lesson {
	l := testLessonOf(snapshots)
	l.Goal = &Goal{Measure: "total", Label: "total", Compare: AtLeast, Target: 50}
	l.New = func(seed uint64, s Settings) Machine {
		return &quizCounter{snapCounter{counter: counter{rate: s.Float("rate")}}}
	}
	return l
}

func TestQuestionsAnswersLookAheadAndScore(t *testing.T) {
	r, err := Start(quizLesson(), 1, Settings{"rate": "2"})
	if err != nil {
		t.Fatal(err)
	}
	q := r.Scene().Question
	if q == nil || q.ID != "next-total" || q.Answered || q.Answer != "8" {
		t.Fatalf("question at the start: %+v", q)
	}
	if totalOf(r.m) != 0 {
		t.Fatal("look-ahead moved the run itself")
	}
	if _, err := r.Answer("above-10", "yes"); err == nil {
		t.Fatal("answered a question that is not posed")
	}
	if _, err := r.Answer("next-total", "abc"); err == nil {
		t.Fatal("a non-number answer to a number question was accepted")
	}
	q, err = r.Answer("next-total", "7.995")
	if err != nil || !q.Answered || !q.Correct || q.Given != "7.995" {
		t.Fatalf("answer within tolerance: %+v, %v", q, err)
	}
	if _, err := r.Answer("next-total", "8"); err == nil {
		t.Fatal("answered twice")
	}
	r.Advance(Step)
	if r.Scene().Question != nil {
		t.Fatal("a question posed at op 4")
	}
	r.Advance(Step)
	q, err = r.Answer("above-10", "2")
	if err != nil || q.Correct || q.Answer != "yes" {
		t.Fatalf("wrong answer by number: %+v, %v", q, err)
	}
	if s := r.Score(); s.Correct != 1 || s.Wrong != 1 || s.Skipped != 0 {
		t.Fatalf("score %+v", s)
	}
	// The journal keeps the answers; resuming restores the score.
	j := r.Journal()
	r2, err := Resume(quizLesson(), j)
	if err != nil || r2.Score() != r.Score() {
		t.Fatalf("resume: %v, score %+v want %+v", err, r2.Score(), r.Score())
	}
	// Back undoes the answer, then the steps.
	r.Back()
	if q := r.Scene().Question; q == nil || q.Answered {
		t.Fatalf("after undoing the answer: %+v", q)
	}
	r.Back()
	r.Back()
	if q := r.Scene().Question; q == nil || !q.Answered {
		t.Fatal("stepping back to the first question lost its answer")
	}
	// A different setting changes the answer: it comes from the run.
	r3, _ := Start(quizLesson(), 1, Settings{"rate": "5"})
	if q := r3.Scene().Question; q.Answer != "20" {
		t.Fatalf("rate 5: answer %s, want 20", q.Answer)
	}
	// Skipping counts as skipped.
	r3.Answer("next-total", "")
	if s := r3.Score(); s.Skipped != 1 || s.Answered() != 1 {
		t.Fatalf("skip: %+v", s)
	}
}

func TestGoalVerdictIsHonest(t *testing.T) {
	// rate 1: 100 ops reach total 100 ≥ 50: success.
	r, _ := Start(quizLesson(), 1, nil)
	if g := r.Scene().Goal; g == nil || g.Text != "total ≥ 50" || g.Met || g.Verdict != nil {
		t.Fatalf("goal at the start: %+v", g)
	}
	r.Advance(End)
	sc := r.Scene()
	if !sc.Goal.Verdict.Success || sc.Status.Level != scene.LevelSuccess || !strings.Contains(sc.Status.Message, "goal met") {
		t.Fatalf("rate 1 at the end: %+v %+v", sc.Goal.Verdict, sc.Status)
	}
	// rate 0.25 reaches 25: a miss, never success, with a cause and a try.
	r, _ = Start(quizLesson(), 1, Settings{"rate": "0.25"})
	r.Advance(End)
	sc = r.Scene()
	v := sc.Goal.Verdict
	if v.Success || sc.Status.Level == scene.LevelSuccess || v.Cause == "" || v.Try == "" {
		t.Fatalf("rate 0.25 at the end: %+v %+v", v, sc.Status)
	}
	if !strings.Contains(sc.Status.Message, "goal missed") {
		t.Fatalf("status %q", sc.Status.Message)
	}
	// Restart after the end with a changed control runs again from the start.
	r.Set("rate", "2")
	r.Restart()
	if r.Done() || r.Actions() != 0 || r.Settings()["rate"] != "2" {
		t.Fatal("Restart did not start again with the current settings")
	}
	r.Advance(End)
	if !r.Scene().Goal.Verdict.Success {
		t.Fatal("rate 2 after restart: not success")
	}
}

func TestDiagnoseCauses(t *testing.T) {
	l := quizLesson()
	l.Controls = append(l.Controls, Control{Name: "lr", Label: "learning rate", Kind: Float, Min: 0, Max: 10, Ladder: []float64{0.01, 0.1, 0.3, 1, 3}, Default: "0.1"},
		Control{Name: "epochs", Label: "epochs", Kind: Int, Min: 1, Max: 100, Ladder: []float64{1, 2, 5, 10}, Default: "2"})
	s := Settings{"lr": "0.3", "epochs": "2"}
	ramp := func(n int, f func(i int) float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	cases := []struct {
		name     string
		m        Measures
		diverged bool
		set      Settings
		cause    string
		control  string
		value    string
	}{
		{"nan", Measures{Loss: []float64{1, math.NaN()}}, false, s, CauseDiverged, "lr", "0.1"},
		{"diverged flag", Measures{Loss: []float64{1, 2}}, true, Settings{"lr": "3", "epochs": "2"}, CauseDiverged, "lr", "0.1"},
		{"diverged, near the default", Measures{Loss: []float64{1, 2}}, true, Settings{"lr": "1", "epochs": "2"}, CauseDiverged, "lr", "0.3"},
		{"exploding", Measures{Loss: []float64{1, 5, 50}}, false, s, CauseExploding, "lr", "0.1"},
		{"exploding gradient", Measures{Values: map[string]float64{SignalGrowth: 2410}, Loss: []float64{1, 0.1, 0.1}}, false, s, CauseExploding, "lr", "0.1"},
		{"growing but not exploding", Measures{Values: map[string]float64{SignalGrowth: 9}, Loss: ramp(40, func(int) float64 { return 3 })}, false, s, CausePlateau, "lr", "0.1"},
		{"dead", Measures{Values: map[string]float64{SignalDead: 0.9}, Loss: []float64{2, 2}}, false, s, CauseDead, "lr", "0.1"},
		{"saturated", Measures{Values: map[string]float64{SignalSaturated: 0.7}, Loss: []float64{2, 2}}, false, s, CauseSaturated, "lr", "0.1"},
		{"collapse", Measures{Values: map[string]float64{SignalCollapse: 0.25}, Loss: []float64{2, 2}}, false, s, CauseCollapse, "", ""},
		{"overfit", Measures{Loss: ramp(20, func(i int) float64 { return 1 / float64(i+1) }), Val: []float64{1, 0.5, 0.4, 0.6, 0.9}}, false, s, CauseOverfitting, "", ""},
		// The validation loss rises, but so does the training loss: that is
		// no memorisation.
		{"both rise", Measures{Loss: ramp(20, func(i int) float64 { return 1 + float64(i%5)/100 + float64(i/18) }), Val: []float64{1, 0.5, 0.4, 0.6, 0.9}}, false, s, CausePlateau, "lr", "0.1"},
		{"oscillating", Measures{Loss: ramp(40, func(i int) float64 { return 1 + float64(i%2) })}, false, s, CauseOscillating, "lr", "0.1"},
		{"descending, slow rate", Measures{Loss: ramp(40, func(i int) float64 { return 10 - 0.2*float64(i) })}, false, Settings{"lr": "0.01", "epochs": "2"}, CauseDescending, "lr", "0.1"},
		{"descending, default rate", Measures{Loss: ramp(40, func(i int) float64 { return 10 - 0.2*float64(i) })}, false, Settings{"lr": "0.1", "epochs": "2"}, CauseDescending, "epochs", "5"},
		{"plateau", Measures{Loss: ramp(40, func(int) float64 { return 3 })}, false, s, CausePlateau, "lr", "0.1"},
		{"plateau at the default rate", Measures{Loss: ramp(40, func(int) float64 { return 3 })}, false, Settings{"lr": "0.1", "epochs": "2"}, CausePlateau, "", ""},
		{"descending slowly and steadily", Measures{Loss: ramp(101, func(i int) float64 { return 0.676 - 0.00046*float64(i) })}, false, Settings{"lr": "0.1", "epochs": "2"}, CauseDescending, "epochs", "5"},
		{"plateau after a fast fall", Measures{Loss: ramp(101, func(i int) float64 { return 0.3 + 0.4*math.Exp(-float64(i)/5) + 0.00001*float64(100-i) })}, false, s, CausePlateau, "lr", "0.1"},
		{"slow steady descent", Measures{Loss: ramp(11, func(i int) float64 { return 4 * math.Pow(0.99, float64(i)) })}, false, Settings{"lr": "0.01", "epochs": "2"}, CauseDescending, "lr", "0.1"},
		{"slow noisy descent", Measures{Loss: []float64{5, 4, 3.5, 3.2, 3.1, 3.05, 3.0, 2.98, 2.96, 2.95, 2.955}}, false, s, CausePlateau, "lr", "0.1"},
		{"creeping plateau", Measures{Loss: ramp(40, func(i int) float64 { return 0.25 - 1e-5*float64(i) })}, false, s, CausePlateau, "lr", "0.1"},
	}
	for _, c := range cases {
		v := Diagnose(l, c.m, c.diverged, c.set)
		if v.Success || v.Cause != c.cause || v.Control != c.control || v.Value != c.value || v.Explain == "" || v.Try == "" {
			t.Errorf("%s: %+v, want cause %q try %s=%s", c.name, v, c.cause, c.control, c.value)
		}
	}
	// A lesson counted in steps, not epochs, is told to take more steps.
	ls := quizLesson()
	ls.Controls = append(ls.Controls, Control{Name: "lr", Label: "learning rate", Kind: Float, Min: 0, Max: 10, Ladder: []float64{0.01, 0.1, 0.3}, Default: "0.1"},
		Control{Name: "steps", Label: "steps", Kind: Int, Min: 1, Max: 5000, Ladder: []float64{100, 500, 1000}, Default: "500"})
	if v := Diagnose(ls, Measures{Loss: ramp(40, func(i int) float64 { return 10 - 0.2*float64(i) })}, false, Settings{"lr": "0.1", "steps": "500"}); v.Control != "steps" || v.Value != "1000" {
		t.Errorf("descending, counted in steps: %+v, want steps=1000", v)
	}
	// A lesson's own remedy wins.
	l.Goal.Remedies = map[string]Remedy{CausePlateau: {Why: "widen the network"}}
	if v := Diagnose(l, Measures{Loss: []float64{3, 3}}, false, s); v.Try != "widen the network" {
		t.Errorf("lesson remedy ignored: %+v", v)
	}
	// A cause the lesson names comes before the runtime's own, with the
	// lesson's remedy; a diverged run is still diagnosed as diverged.
	l.Goal.Remedies = map[string]Remedy{"budget": {Control: "lr", Value: "1", Why: "add noise"}}
	own := Measures{Loss: ramp(40, func(int) float64 { return 3 }), Cause: "budget", Explain: "ε is ∞"}
	if v := Diagnose(l, own, false, s); v.Cause != "budget" || v.Explain != "ε is ∞" || v.Try != "add noise" {
		t.Errorf("the lesson's own cause: %+v", v)
	}
	if v := Diagnose(l, own, true, s); v.Cause != CauseDiverged {
		t.Errorf("a diverged run with the lesson's own cause: %+v", v)
	}
	// An override that would change nothing gives way to the default.
	l.Goal.Remedies = map[string]Remedy{CauseDiverged: {Control: "lr", Value: s["lr"]}}
	if v := Diagnose(l, Measures{}, true, s); v.Control != "lr" || v.Value == s["lr"] {
		t.Errorf("a no-op remedy was given as advice: %+v", v)
	}
	// Then the first fallback that changes something; none: the default.
	l.Goal.Fallbacks = map[string][]Remedy{CauseDiverged: {{Control: "epochs", Value: "2"}, {Control: "epochs", Value: "5", Why: "train longer"}}}
	if v := Diagnose(l, Measures{}, true, s); v.Control != "epochs" || v.Value != "5" || v.Try != "train longer" {
		t.Errorf("fallback: %+v, want epochs=5", v)
	}
	l.Goal.Fallbacks = map[string][]Remedy{CauseDiverged: {{Control: "epochs", Value: "2"}}}
	if v := Diagnose(l, Measures{}, true, s); v.Control != "lr" || v.Value == s["lr"] {
		t.Errorf("every fallback a no-op: %+v, want the default (a lower rate)", v)
	}
	l.Goal.Remedies = map[string]Remedy{CauseDiverged: {Control: "epochs", Value: "10"}}
	if v := Diagnose(l, Measures{}, true, s); v.Control != "epochs" || v.Value != "10" {
		t.Errorf("a remedy that changes something must win over the fallbacks: %+v", v)
	}
}

func (c *quizCounter) Progress() (int, int) { return c.ops / 4, c.ops / 12 }

// TestAdvanceStopsAtQuestions: with SetStopAtQuestions, an End advance
// stops at the next unanswered question, as one action that one Back
// undoes and a journal replays; once answered, it goes on to the end.
func TestAdvanceStopsAtQuestions(t *testing.T) {
	r, _ := Start(quizLesson(), 1, nil)
	r.SetStopAtQuestions(true)
	if _, err := r.Answer("next-total", "4"); err != nil {
		t.Fatal(err)
	}
	r.Advance(Step)
	if c := r.m.(*quizCounter); c.ops != 4 {
		t.Fatalf("a Step with no question inside took %d ops, want 4", c.ops)
	}
	r.Advance(End)
	if c := r.m.(*quizCounter); c.ops != 8 || r.Done() {
		t.Fatalf("End stopped at op %d (done %v), want the question at op 8", c.ops, r.Done())
	}
	if q := r.Question(); q == nil || q.ID != "above-10" || q.Answered {
		t.Fatalf("question at the stop: %+v", q)
	}
	j := r.Journal()
	r2, err := Resume(quizLesson(), j)
	if err != nil || r2.m.(*quizCounter).ops != 8 || r2.Actions() != r.Actions() {
		t.Fatalf("resume of a stopped advance: %v, ops %d, actions %d want %d", err, r2.m.(*quizCounter).ops, r2.Actions(), r.Actions())
	}
	r.Back()
	if c := r.m.(*quizCounter); c.ops != 4 {
		t.Fatalf("one Back after the stopped End: op %d, want 4", c.ops)
	}
	r.Advance(End)
	r.Answer("above-10", "")
	r.Advance(End)
	if !r.Done() {
		t.Fatal("End after the last question did not reach the end")
	}
	// Off, an End goes straight to the end.
	r3, _ := Start(quizLesson(), 1, nil)
	r3.Advance(End)
	if !r3.Done() {
		t.Fatal("without SetStopAtQuestions End stopped early")
	}
}

// TestSetAfterTheEndWaitsForRestart: a continuing control changed after
// the run ended does not reach the ended machine (its scenes keep telling
// the run it was), is undone by Back, and is what Restart runs.
func TestSetAfterTheEndWaitsForRestart(t *testing.T) {
	r, _ := Start(quizLesson(), 1, Settings{"rate": "2"})
	r.Advance(End)
	before := r.Scene()
	if _, err := r.Set("rate", "5"); err != nil {
		t.Fatal(err)
	}
	if got := r.m.(*quizCounter).rate; got != 2 {
		t.Fatalf("the ended machine's rate became %g", got)
	}
	if after := r.Scene(); after.Narrative != before.Narrative || after.Goal.Verdict.Success != before.Goal.Verdict.Success {
		t.Fatal("changing a control after the end changed what the ended run says")
	}
	r.Back()
	if r.Settings()["rate"] != "2" {
		t.Fatalf("Back left rate at %s", r.Settings()["rate"])
	}
	r.Set("rate", "5")
	r.Restart()
	r.Advance(Step)
	if got := r.m.(*quizCounter).rate; got != 5 {
		t.Fatalf("after Restart the rate is %g, want 5", got)
	}
}
