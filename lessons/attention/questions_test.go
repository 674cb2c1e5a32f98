package attention

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The run to the end at the defaults and at two bad settings: the verdict
// is success only when the goal is met, a miss names its cause, and the
// finished narrative agrees with the verdict.
func TestVerdicts(t *testing.T) {
	cases := []struct {
		set              lessons.Settings
		success          bool
		cause            string
		control, value   string
		narrative, never string
	}{
		{nil, true, "", "", "", "is met", "missed"},
		// The mask caps the task near 56%: the loss flattens there, and
		// the lesson's cure is the mask itself.
		{lessons.Settings{"causal": "on"}, false, lessons.CausePlateau, "causal", "off", "out of reach with the causal mask", "is met"},
		// Adam's steps of about 0.1 keep the model near guessing; the
		// runtime sends a plateau away from the lesson's rate back to it.
		{lessons.Settings{"lr": "0.1"}, false, lessons.CausePlateau, "lr", "0.01", "Lower the learning rate with **[** to 0.01", "is met"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.set), func(t *testing.T) {
			r, m := start(t, c.set)
			r.Advance(lessons.End)
			sc := r.Scene()
			v := sc.Goal.Verdict
			if v == nil || v.Success != c.success || v.Cause != c.cause || v.Control != c.control || v.Value != c.value {
				t.Fatalf("verdict %+v, want success %v cause %q try %s=%s", v, c.success, c.cause, c.control, c.value)
			}
			acc := 100 * m.evals[len(m.evals)-1].Acc
			if goal.Met(acc) != c.success {
				t.Errorf("accuracy %.1f%% and success %v", acc, c.success)
			}
			if c.success != (sc.Status.Level == scene.LevelSuccess) {
				t.Errorf("status %+v", sc.Status)
			}
			text := flat(sc.Narrative)
			if !strings.Contains(text, c.narrative) || strings.Contains(text, c.never) {
				t.Errorf("finished narrative (want %q, never %q):\n%s", c.narrative, c.never, sc.Narrative)
			}
			// The remedy for the mask is no advice when the mask is off.
			if c.set["causal"] != "on" && strings.Contains(v.Try, "mask") {
				t.Errorf("mask off, try: %q", v.Try)
			}
		})
	}
}

// A learner answering every question right, then every one wrong (on
// another seed), meets the five questions; each reveal carries the
// answer the run computes, and the score counts them.
func TestQuestionsRightAndWrong(t *testing.T) {
	right := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Right)
	byID := map[string]scene.Question{}
	for _, q := range right.Questions {
		byID[q.ID] = q
		if !q.Answered || !q.Correct || q.Answer == "" || q.Explain == "" {
			t.Errorf("%s answered right: %+v", q.ID, q)
		}
	}
	for _, id := range []string{"key-most", "key-weight", "output3", "first-loss", "can-reach"} {
		if _, ok := byID[id]; !ok {
			t.Fatalf("question %s never posed; posed: %v", id, right.Questions)
		}
	}
	if s := right.Run.Score(); s.Correct != len(right.Questions) || s.Wrong != 0 {
		t.Errorf("score %+v for %d right answers", s, len(right.Questions))
	}
	// The answers are the run's: the key with the largest weight, its
	// weight, the mirror position for output 3 (input 4), a loss near
	// ln 8 as the run's first loss says, and a goal within reach without the mask.
	m := lessons.MachineOf(right.Run).(*machine)
	if got, want := byID["key-most"].Answer, words[m.mech.Key]; got != want {
		t.Errorf("key-most: answer %q, the weights say %q", got, want)
	}
	if got, want := byID["key-weight"].Answer, lessons.FormatNum(m.mech.A.Data[Focus*len(words)+m.mech.Key]); got != want {
		t.Errorf("key-weight: answer %s, want %s", got, want)
	}
	if got := byID["output3"].Answer; got != "input 4" {
		t.Errorf("output3: %q (%s)", got, byID["output3"].Explain)
	}
	// The untrained loss, compared with ln 8 by the run's own number.
	if q := byID["first-loss"]; !strings.Contains(q.Explain, "L = "+trainer.Num(m.loop.Losses[0])) {
		t.Errorf("first-loss: %+v; the first step's loss was %g", q, m.loop.Losses[0])
	} else if want := lessons.SignIndex(m.loop.Losses[0]-math.Log(Vocab), 0.05); q.AnswerIndex != want {
		t.Errorf("first-loss: answer %d, want %d", q.AnswerIndex, want)
	}
	if got := byID["can-reach"].Answer; got != "yes" {
		t.Errorf("can-reach without the mask: %q", got)
	}

	wrong := lessontest.Walk(t, Lesson(), lessons.DefaultSeed+1, nil, lessontest.Wrong)
	if s := wrong.Run.Score(); s.Wrong != len(wrong.Questions) || s.Correct != 0 || s.Wrong < 5 {
		t.Errorf("score %+v for %d wrong answers", s, len(wrong.Questions))
	}
	for _, q := range wrong.Questions {
		if !q.Answered || q.Correct || q.Given == q.Answer || q.Explain == "" {
			t.Errorf("%s answered wrong: %+v", q.ID, q)
		}
	}
}

// With the mask on, the questions' answers follow the mask: the focus
// query chooses among the keys it may see, output 3 cannot look at input
// 4, and the goal is out of reach.
func TestQuestionsFollowTheMask(t *testing.T) {
	w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"causal": "on"}, lessontest.Right)
	for _, q := range w.Questions {
		switch q.ID {
		case "key-most":
			if len(q.Choices) != Focus+1 {
				t.Errorf("key-most offers %v with the mask on", q.Choices)
			}
		case "output3":
			if q.AnswerIndex > 2 {
				t.Errorf("output3 with the mask: %q", q.Answer)
			}
		case "can-reach":
			if q.Answer != "no" || !strings.Contains(q.Explain, "56.3%") {
				t.Errorf("can-reach with the mask: %q, %s", q.Answer, q.Explain)
			}
		}
	}
	if len(w.Questions) != 5 {
		t.Errorf("%d questions with the mask on", len(w.Questions))
	}
}

// The scores stage, where the learner is asked which key wins, does not
// give the answer away: no single key is highlighted and the narrative
// works another cell.
func TestScoresStageKeepsTheAnswer(t *testing.T) {
	r, m := start(t, nil)
	for m.stage() != stageScores {
		r.Advance(lessons.Op)
	}
	sc := r.Scene()
	if sc.Question == nil || sc.Question.ID != "key-most" {
		t.Fatalf("question at the scores stage: %+v", sc.Question)
	}
	s := sc.Panels[0].Matrix
	if sc.Panels[0].ID != workedID || s == nil || s.Cols != len(words) || s.Values[0] != m.mech.S.Data[0] {
		t.Fatalf("the main picture at the scores stage is not S: %+v", sc.Panels[0])
	}
	if len(s.Highlight) != len(words) {
		t.Errorf("scores panel highlights %v", s.Highlight)
	}
	if strings.Contains(sc.Narrative, "**"+words[m.mech.Key]+"**") || strings.Contains(sc.Narrative, trainer.Num(m.mech.A.Data[Focus*len(words)+m.mech.Key])) {
		t.Errorf("scores narrative gives the answer away:\n%s", sc.Narrative)
	}
}

// With the run stopping at questions, a step in part one still moves one
// stage, and in part two a step stops at the first step's loss question.
func TestWholeStepsStopAtQuestions(t *testing.T) {
	r, m := start(t, nil)
	r.SetStopAtQuestions(true)
	for want := 1; m.part1(); want++ {
		r.Advance(lessons.Step)
		if m.at != want {
			t.Fatalf("a step in part one moved to stage %d, want %d", m.at, want)
		}
		if q := r.Question(); q != nil && !q.Answered {
			r.Answer(q.ID, "")
		}
	}
	r.Advance(lessons.Step)
	if q := r.Question(); q == nil || q.ID != "first-loss" || m.loop.Step != 0 {
		t.Fatalf("the first step did not stop at the loss question: %+v at step %d", q, m.loop.Step)
	}
}

// Every stage of part one, with the mask off and on, has one main
// picture, the same panel ID throughout: the matrix that stage computes,
// the focus row highlighted. Until the softmax stage no panel holds the
// attention weights, the answer of the questions posed before it.
func TestPartOneMainPicture(t *testing.T) {
	for _, causal := range []string{"off", "on"} {
		r, m := start(t, lessons.Settings{"causal": causal})
		mc := m.mech
		want := map[stage]*tensor.Tensor{
			stageTokens: mc.X, stageQuery: mc.Q, stageKey: mc.K, stageValue: mc.V, stageScores: mc.S,
			stageScale: mc.Scaled, stageMask: mc.Scaled, stageSoftmax: mc.A, stageOutput: mc.O,
		}
		n := len(words)
		weight := mc.A.Data[Focus*n+mc.Key]
		for m.part1() {
			st := m.stage()
			sc := r.Scene()
			var main []scene.Panel
			for _, p := range sc.Panels {
				if p.Priority > 0 {
					main = append(main, p)
				}
			}
			if len(main) != 1 || main[0].ID != workedID || main[0].Matrix == nil {
				t.Fatalf("causal %s, %s: main pictures %+v, want one matrix %q", causal, stageNames[st], main, workedID)
			}
			mx := main[0].Matrix
			if !reflect.DeepEqual(mx.Values, want[st].Data) {
				t.Errorf("causal %s, %s: the main picture is %q, not the stage's matrix", causal, stageNames[st], main[0].Title)
			}
			if len(mx.Highlight) == 0 || mx.Highlight[0].Row != Focus {
				t.Errorf("causal %s, %s: the focus row is not highlighted: %v", causal, stageNames[st], mx.Highlight)
			}
			if st < stageSoftmax {
				for _, p := range sc.Panels {
					if holds(p, weight) {
						t.Errorf("causal %s, %s: panel %q shows the weight %v before the softmax", causal, stageNames[st], p.Title, weight)
					}
				}
			}
			r.Advance(lessons.Op)
			if q := r.Question(); q != nil && !q.Answered {
				r.Answer(q.ID, "")
			}
		}
	}
}

// holds reports whether panel p shows the number v.
func holds(p scene.Panel, v float64) bool {
	var vals []float64
	switch {
	case p.Matrix != nil:
		vals = p.Matrix.Values
	case p.Image != nil:
		for _, t := range p.Image.Tiles {
			vals = append(vals, t...)
		}
	case p.Bars != nil:
		vals = p.Bars.Values
	case p.Table != nil:
		for _, r := range p.Table.Rows {
			for _, c := range r {
				if c == trainer.Num(v) {
					return true
				}
			}
		}
	}
	return slices.Contains(vals, v)
}
