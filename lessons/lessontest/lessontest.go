// Package lessontest holds helpers for lessons' tests: walking a run as a
// learner would, answering its questions, and reading its verdict.
package lessontest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// OpActions is how many actions Walk takes one op at a time before it
// switches to whole steps: the first training step of every lesson is
// walked op by op, as the lessons invite a learner to.
const OpActions = 80

// Walked is what a walk saw: the run at its end, each question as revealed
// after its answer, in the order posed, and the final scene.
type Walked struct {
	Run       *lessons.Run
	Questions []scene.Question
	Final     scene.Scene
}

// Walk starts l with seed and settings and drives it to the end as a
// learner would: OpActions ops, then whole steps; every question posed on
// the way is answered with answer(q) (return "" to skip).
func Walk(t testing.TB, l *lessons.Lesson, seed uint64, settings lessons.Settings, answer func(q *scene.Question) string) Walked {
	t.Helper()
	r, err := lessons.Start(l, seed, settings)
	if err != nil {
		t.Fatal(err)
	}
	var w Walked
	for i := 0; ; i++ {
		if q := r.Question(); q != nil && !q.Answered {
			got, err := r.Answer(q.ID, answer(q))
			if err != nil {
				t.Fatalf("answering %s: %v", q.ID, err)
			}
			w.Questions = append(w.Questions, *got)
		}
		if r.Done() {
			break
		}
		g := lessons.Step
		if i < OpActions {
			g = lessons.Op
		}
		r.Advance(g)
	}
	w.Run, w.Final = r, r.Scene()
	return w
}

// Right is the right answer to q, as a learner would type it.
func Right(q *scene.Question) string {
	if q.Kind == scene.QuestionNumber {
		return q.Answer
	}
	return strconv.Itoa(q.AnswerIndex + 1)
}

// Wrong is a wrong answer to q.
func Wrong(q *scene.Question) string {
	if q.Kind == scene.QuestionNumber {
		v, _ := strconv.ParseFloat(strings.ReplaceAll(q.Answer, "−", "-"), 64)
		return strconv.FormatFloat(v+10*q.Tolerance+1, 'g', -1, 64)
	}
	return strconv.Itoa((q.AnswerIndex+1)%len(q.Choices) + 1)
}
