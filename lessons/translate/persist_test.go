package translate

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
)

// A run resumed from its saved checkpoint is the replayed run: with
// questions answered, the example and the learning rate changed, stopped
// while an example is being decoded; and after an epoch without attention.
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
	data := lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		for range 2 * opsPerStep {
			answer(r, true)
			r.Advance(lessons.Op)
		}
		if _, err := r.Set("example", "4"); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			answer(r, false)
			r.Advance(lessons.Step)
		}
		if _, err := r.Set("lr", "0.003"); err != nil {
			t.Fatal(err)
		}
		r.Advance(lessons.Epoch)
		for range 5 {
			answer(r, true)
			r.Advance(lessons.Op)
		}
	})
	t.Logf("checkpoint file: %d bytes", len(data))
	lessontest.CheckPersist(t, Lesson(), lessons.Settings{"attention": "off", "epochs": "2"}, func(r *lessons.Run) {
		r.Advance(lessons.Epoch)
	})
}
