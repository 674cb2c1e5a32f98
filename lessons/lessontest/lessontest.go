// Package lessontest holds helpers for lessons' tests: walking a run as a
// learner would, answering its questions, and reading its verdict.
package lessontest

import (
	"fmt"
	"reflect"
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

// CheckPersist checks a lesson whose machine implements lessons.Persister:
// it plays l with play (any actions: ops, steps, answers, controls), saves
// the run's checkpoint as a front end would, and checks that resuming the
// journal from that checkpoint restores it (rather than replaying) and
// gives exactly the scenes of a full replay — now, after two more steps,
// and stepping back three times — and that the same bytes, truncated or
// with a byte changed, are ignored (a full replay, the same scenes). It
// returns the checkpoint file's bytes.
func CheckPersist(t *testing.T, l *lessons.Lesson, settings lessons.Settings, play func(r *lessons.Run)) []byte {
	t.Helper()
	r, err := lessons.Start(l, lessons.DefaultSeed, settings)
	if err != nil {
		t.Fatal(err)
	}
	play(r)
	j := r.Journal()
	sv := r.Checkpoint()
	if sv == nil {
		t.Fatalf("%s: no checkpoint to save after %d actions", l.ID, r.Actions())
	}
	data, err := sv.Encode()
	if err != nil {
		t.Fatalf("%s: %v", l.ID, err)
	}
	full, err := lessons.Resume(l, j)
	if err != nil {
		t.Fatal(err)
	}
	fast, restored, err := lessons.ResumeFrom(l, j, data)
	if err != nil || !restored {
		t.Fatalf("%s: ResumeFrom restored %v, %v", l.ID, restored, err)
	}
	same := func(what string, got, want *lessons.Run) {
		t.Helper()
		g, w := got.Scene(), want.Scene()
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: %s: the scene from the checkpoint differs from the replay's%s:\n%s\nwant\n%s", l.ID, what, sceneDiff(g, w), g.Narrative, w.Narrative)
		}
		if !reflect.DeepEqual(got.Journal(), want.Journal()) || got.CanBack() != want.CanBack() {
			t.Fatalf("%s: %s: journals differ", l.ID, what)
		}
	}
	same("resumed", fast, full)
	same("resumed vs the original run", fast, r)
	bad := map[string][]byte{
		"truncated": data[:len(data)*2/3],
		"changed":   append([]byte(nil), data...),
	}
	bad["changed"][len(data)/2] ^= 1
	for what, b := range bad {
		got, restored, err := lessons.ResumeFrom(l, j, b)
		if err != nil || restored {
			t.Fatalf("%s: %s checkpoint: restored %v, %v", l.ID, what, restored, err)
		}
		same(what+" checkpoint", got, full)
	}
	for i := range 2 {
		fast.Advance(lessons.Step)
		full.Advance(lessons.Step)
		same(fmt.Sprintf("step %d after resuming", i+1), fast, full)
	}
	for i := range 3 {
		fast.Back()
		full.Back()
		same(fmt.Sprintf("back %d after resuming", i+1), fast, full)
	}
	return data
}

// sceneDiff names the first part of two scenes that differs: a field of
// the scene or a panel by its title.
func sceneDiff(g, w scene.Scene) string {
	if len(g.Panels) != len(w.Panels) {
		return fmt.Sprintf(" (%d panels, want %d)", len(g.Panels), len(w.Panels))
	}
	for i := range g.Panels {
		if !reflect.DeepEqual(g.Panels[i], w.Panels[i]) {
			return fmt.Sprintf(" (in panel %q)", w.Panels[i].Title)
		}
	}
	g.Panels, w.Panels = nil, nil
	gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			return fmt.Sprintf(" (in its %s)", gv.Type().Field(i).Name)
		}
	}
	return ""
}
