package gan

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
)

// A run resumed from its saved checkpoint is the replayed run: with
// questions answered, both learning rates, the D steps and the sample
// seed changed mid-run; and after whole epochs.
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
	data := lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		for range 12 {
			answer(r, true)
			r.Advance(lessons.Op)
		}
		set(r, "dsteps", "2")
		set(r, "samples", "3")
		for range 30 {
			answer(r, false)
			r.Advance(lessons.Step)
		}
		set(r, "lrd", "0.003")
		set(r, "lrg", "0.0003")
		r.Advance(lessons.Epoch)
		for range 20 {
			answer(r, true)
			r.Advance(lessons.Step)
		}
	})
	t.Logf("checkpoint file: %d bytes", len(data))
	lessontest.CheckPersist(t, Lesson(), lessons.Settings{"gloss": Saturating, "width": "16"}, func(r *lessons.Run) {
		for range 3 {
			r.Advance(lessons.Epoch)
		}
	})
}
