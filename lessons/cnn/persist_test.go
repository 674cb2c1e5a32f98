package cnn

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// answer answers the question posed now, if any, with f.
func answer(t *testing.T, r *lessons.Run, f func(*scene.Question) string) {
	t.Helper()
	if q := r.Question(); q != nil && !q.Answered {
		if _, err := r.Answer(q.ID, f(q)); err != nil {
			t.Fatal(err)
		}
	}
}

// A run resumed from its saved checkpoint is the replayed run: mid-epoch
// with a measurement of the test set in progress, questions answered and
// two controls changed; and at the end of an epoch of a longer run.
func TestResumeFromCheckpoint(t *testing.T) {
	data := lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		for range 25 {
			answer(t, r, lessontest.Right)
			r.Advance(lessons.Op)
		}
		if _, err := r.Set("digit", "3"); err != nil {
			t.Fatal(err)
		}
		for range 12 {
			answer(t, r, lessontest.Wrong)
			r.Advance(lessons.Step)
		}
		if _, err := r.Set("lr", "0.1"); err != nil {
			t.Fatal(err)
		}
		for range 13 {
			answer(t, r, lessontest.Right)
			r.Advance(lessons.Step)
		}
		if m := lessons.MachineOf(r).(*machine); m.pending == nil {
			t.Fatalf("at step %d no measurement is in progress", m.loop.Step)
		}
	})
	t.Logf("checkpoint file: %d bytes", len(data))
	lessontest.CheckPersist(t, Lesson(), lessons.Settings{"epochs": "2", "batch": "256", "filters": "4", "optimizer": "adam", "lr": "0.003"}, func(r *lessons.Run) {
		r.Advance(lessons.Epoch)
	})
}
