package explain

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
)

// A run resumed from its saved checkpoint is the replayed run: during
// training, with questions answered and the digit changed; and after
// training, in the explanation's stages, with the target and steps
// changed (the report is made again from the restored weights).
func TestResumeFromCheckpoint(t *testing.T) {
	answer := func(r *lessons.Run, right bool) {
		if q := r.Question(); q != nil && !q.Answered {
			f := lessontest.Wrong
			if right {
				f = lessontest.Right
			}
			if _, err := r.Answer(q.ID, f(q)); err != nil {
				t.Fatal(err)
			}
		}
	}
	set := func(r *lessons.Run, name, value string) {
		if _, err := r.Set(name, value); err != nil {
			t.Fatal(err)
		}
	}
	lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		for range 30 {
			answer(r, true)
			r.Advance(lessons.Op)
		}
		set(r, "digit", "5")
		for range 20 {
			answer(r, false)
			r.Advance(lessons.Step)
		}
	})
	data := lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		r.Advance(lessons.Epoch)
		answer(r, true)
		set(r, "target", "3")
		for range 4 {
			answer(r, false)
			r.Advance(lessons.Step)
		}
		set(r, "steps", "16")
		answer(r, true)
		r.Advance(lessons.End)
	})
	t.Logf("checkpoint file: %d bytes", len(data))
}
