package plain

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

func writeString(t *testing.T, sc scene.Scene) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, sc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteGoalAndQuestion(t *testing.T) {
	sc := scene.Scene{Lesson: "L", Phase: "ready", Narrative: "Text.",
		Goal: &scene.Goal{Text: "acc ≥ 95%", Measure: "acc", Value: "50%"},
		Question: &scene.Question{ID: "q", Prompt: "Which way?", Kind: scene.QuestionChoice,
			Choices: []string{"up", "down"}, Answer: "down", AnswerIndex: 1, Explain: "Because."}}
	out := writeString(t, sc)
	for _, want := range []string{"you are done when: acc ≥ 95% · now 50%\n", "Text.\n\nQuestion: Which way?\n  1. up\n  2. down\nAnswer: down — Because.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Your answer") {
		t.Error("an unanswered question shows an answer of the learner's")
	}

	sc.Question = &scene.Question{ID: "n", Prompt: "W after?", Kind: scene.QuestionNumber, Tolerance: 0.001,
		Answer: "−0.5433", AnswerIndex: -1, Answered: true, Given: "9"}
	if out := writeString(t, sc); !strings.Contains(out, "Question: W after?\n  (a number; right within 0.001)\nYour answer: 9 — wrong.\nAnswer: −0.5433\n") {
		t.Errorf("number question:\n%s", out)
	}
	sc.Question.Correct, sc.Question.Given = true, "-0.5433"
	if out := writeString(t, sc); !strings.Contains(out, "Your answer: -0.5433 — right.") {
		t.Errorf("right answer:\n%s", out)
	}
	sc.Question.Correct, sc.Question.Given, sc.Question.Skipped = false, "", true
	if out := writeString(t, sc); !strings.Contains(out, "Your answer: skipped.\nAnswer: −0.5433") {
		t.Errorf("skipped:\n%s", out)
	}
}

func TestWriteVerdict(t *testing.T) {
	sc := scene.Scene{Lesson: "L", Phase: "finished",
		Status: scene.Status{Level: scene.LevelWarning, Finished: true, Message: "goal missed: …"},
		Goal: &scene.Goal{Text: "acc ≥ 95%", Measure: "acc", Value: "50%",
			Verdict: &scene.Verdict{Cause: "diverged", Explain: "the loss overflowed", Try: "lower the learning rate from 3 to 0.1"}}}
	out := writeString(t, sc)
	want := "Verdict: goal missed — acc = 50% (goal: acc ≥ 95%)\n  cause: diverged — the loss overflowed\n  try: lower the learning rate from 3 to 0.1\n"
	if !strings.Contains(out, want) || strings.Contains(out, "you are done when") {
		t.Errorf("missed verdict:\n%s", out)
	}
	sc.Goal.Verdict = &scene.Verdict{Success: true}
	sc.Goal.Value, sc.Goal.Met = "96%", true
	if out := writeString(t, sc); !strings.Contains(out, "Verdict: goal met — acc = 96% (goal: acc ≥ 95%)\n") || strings.Contains(out, "cause:") {
		t.Errorf("met verdict:\n%s", out)
	}
}
