package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

// linreg asks three questions in its first training step: at the start
// (will the run reach the goal?), at the end of the forward pass (the sign
// of ∂L/∂W) and at the end of the backward pass (W after the update).

func TestPlainAnswers(t *testing.T) {
	code, out, errs := dl(t, "lesson", "linreg", "--plain", "--granularity", "op", "--steps", "11", "--answers", "2,negative,-0.54")
	if code != 0 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	for _, want := range []string{
		"you are done when: ŷ(0.5) within 0.1 of 2 · now −0.2872",
		"Question: Before we start: trained for 100 epochs at learning rate 0.01, will ŷ(0.5) end within 0.1 of 2?\n  1. yes\n  2. no\nYour answer: no — wrong.\nAnswer: yes — Yes: it ends at ŷ(0.5) = 2.057.",
		"Question: The forward pass is done. What sign will ∂L/∂W have?",
		"  3. positive\nYour answer: negative — right.\nAnswer: negative — ∂L/∂W = (2/n)·Σ eᵢxᵢ = -3.114",
		"(a number; right within 0.001)\nYour answer: -0.54 — wrong.\nAnswer: −0.5433 — W − lr·∂L/∂W",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if n := strings.Count(out, "Question: "); n != 3 {
		t.Errorf("%d questions printed, want 3 (each once, when posed)", n)
	}
}

func TestPlainQuestionsWithoutAnswers(t *testing.T) {
	code, out, _ := dl(t, "lesson", "linreg", "--plain", "--granularity", "op", "--steps", "11", "--answers", "1")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	if !strings.Contains(out, "Your answer: yes — right.") {
		t.Error("the scripted answer is missing")
	}
	// Past the list the questions are printed answered by the run.
	if strings.Count(out, "Your answer:") != 1 || !strings.Contains(out, "2. zero\n  3. positive\nAnswer: negative") {
		t.Errorf("questions past the list are not printed with their answer:\n%s", out)
	}
	code, out, _ = dl(t, "lesson", "linreg", "--plain", "--granularity", "op", "--steps", "11", "--answers", ",")
	if code != 0 || strings.Count(out, "Your answer: skipped.") != 2 {
		t.Errorf("empty answers do not skip: code %d", code)
	}
}

func TestPlainNoQuestions(t *testing.T) {
	code, out, _ := dl(t, "lesson", "linreg", "--plain", "--granularity", "op", "--steps", "11", "--no-questions")
	if code != 0 || strings.Contains(out, "Question:") {
		t.Fatalf("--no-questions: code %d, questions printed %v", code, strings.Contains(out, "Question:"))
	}
	_, js, _ := dl(t, "lesson", "linreg", "--json", "--steps", "1", "--no-questions")
	if strings.Contains(js, `"question"`) {
		t.Error("--json --no-questions carries the question")
	}
}

func TestPlainVerdict(t *testing.T) {
	_, out, _ := dl(t, "lesson", "linreg", "--plain")
	if !strings.Contains(out, "Verdict: goal met — ŷ(0.5) = 2.057 (goal: ŷ(0.5) within 0.1 of 2)") {
		t.Error("the default run does not end with the goal met")
	}
	_, out, _ = dl(t, "lesson", "linreg", "--plain", "--set", "lr=0.5")
	for _, want := range []string{"Verdict: goal missed — ŷ(0.5) = 1.774", "\n  cause: oscillating — ", "\n  try: lower the learning rate from 0.5 to 0.01"} {
		if !strings.Contains(out, want) {
			t.Errorf("lr 0.5 transcript lacks %q", want)
		}
	}
	if strings.Contains(out, "goal met") {
		t.Error("a missed goal says met")
	}
}

func TestJSONAnswers(t *testing.T) {
	code, out, _ := dl(t, "lesson", "linreg", "--json", "--granularity", "op", "--steps", "5", "--answers", "yes,positive")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first, last scene.Scene
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if first.Goal == nil || first.Goal.Text != "ŷ(0.5) within 0.1 of 2" {
		t.Errorf("first scene's goal %+v", first.Goal)
	}
	if q := first.Question; q == nil || !q.Answered || q.Given != "yes" || !q.Correct || first.Score.Correct != 1 {
		t.Errorf("first scene's question %+v score %+v", q, first.Score)
	}
	if q := last.Question; q == nil || q.ID != "dW-sign" || q.Given != "positive" || q.Correct || last.Score.Wrong != 1 {
		t.Errorf("last scene's question %+v score %+v", q, last.Score)
	}
}

func TestAnswersUserErrors(t *testing.T) {
	for _, args := range [][]string{
		{"lesson", "linreg", "--plain", "--answers", "maybe"},
		{"lesson", "linreg", "--plain", "--answers", "3"},
		{"lesson", "linreg", "--json", "--answers", "1", "--no-questions"},
	} {
		code, out, errs := dl(t, args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dlearn: ") || out != "" {
			t.Errorf("%v: code %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	// A bad answer to a later question stops the transcript there.
	code, _, errs := dl(t, "lesson", "linreg", "--plain", "--granularity", "op", "--steps", "11", "--answers", "1,sideways")
	if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `answer "sideways"`) {
		t.Errorf("bad second answer: code %d, stderr %q", code, errs)
	}
	// Answers left over are reported, not an error. One step stops at the
	// question inside it: two questions are posed.
	code, _, errs = dl(t, "lesson", "linreg", "--plain", "--steps", "1", "--answers", "1,2,3")
	if code != 0 || !strings.Contains(errs, "1 of 3 answers were not used") {
		t.Errorf("unused answers: code %d, stderr %q", code, errs)
	}
}

func TestNoQuestionsFlagOnRoot(t *testing.T) {
	// Without a terminal dlearn lists the lessons; the flag is accepted.
	code, out, errs := dl(t, "--no-questions")
	if code != 0 || !strings.Contains(out, "linreg") || errs != "" {
		t.Fatalf("dlearn --no-questions: code %d, stderr %q", code, errs)
	}
}
