package speech

import (
	"reflect"
	"strings"
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

// A run resumed from its saved checkpoint is the replayed run: mid-epoch,
// after the sound walk op by op, questions answered, the word, the frame
// and the learning rate changed; and at the end of an epoch of a run with
// other settings.
func TestResumeFromCheckpoint(t *testing.T) {
	data := lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		for range stTrain + 25 {
			answer(t, r, lessontest.Right)
			r.Advance(lessons.Op)
		}
		for name, v := range map[string]string{"word": "3", "frame": "20"} {
			if _, err := r.Set(name, v); err != nil {
				t.Fatal(err)
			}
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
		m := mach(r)
		if m.stage != stTrain || m.loop.Epoch != 0 || len(m.evals) < 2 || m.snd.word != 3 || m.snd.t != 20 {
			t.Fatalf("stage %d, epoch %d, %d measurements, word %d frame %d: not the mid-epoch state meant", m.stage, m.loop.Epoch, len(m.evals), m.snd.word, m.snd.t)
		}
	})
	t.Logf("checkpoint file: %d bytes", len(data))
	lessontest.CheckPersist(t, Lesson(), lessons.Settings{"epochs": "2", "batch": "128", "filters": "2", "optimizer": "adam", "lr": "0.003", "word": "0"}, func(r *lessons.Run) {
		r.Advance(lessons.Epoch)
	})
}

// encode saves m's state now as a checkpoint would.
func encode(t *testing.T, m *machine) []byte {
	t.Helper()
	st, ok := m.Snapshot()
	if !ok {
		t.Fatal("no snapshot")
	}
	var e lessons.Encoder
	if err := m.EncodeState(st, &e); err != nil {
		t.Fatal(err)
	}
	return e.Bytes()
}

// A state saved during the sound walk restores that stage of it, one
// saved after an epoch its measurements and what the goal reads, and the
// decoder refuses states that do not fit the machine it is read for:
// another run's settings, a stage before training with training's
// measurements, and a measurement whose accuracy is not its predictions'.
func TestDecodeStateChecksTheMachine(t *testing.T) {
	def := Lesson().Defaults()
	m := newMachine(1, def)
	for range stFFT {
		m.Advance(lessons.Op)
	}
	m.Set("word", "2")
	b := encode(t, m)
	fresh := newMachine(1, def)
	d := lessons.NewDecoder(b)
	st, err := fresh.DecodeState(d)
	if err == nil {
		err = d.End()
	}
	if err != nil {
		t.Fatal(err)
	}
	fresh.Restore(st)
	if fresh.stage != stFFT || !reflect.DeepEqual(fresh.Scene(), m.Scene()) {
		t.Fatalf("restored at stage %d: the scene differs from the saved machine's", fresh.stage)
	}

	refuse := func(what string, b []byte, on *machine, want string) {
		t.Helper()
		_, err := on.DecodeState(lessons.NewDecoder(b))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: error %v, want one saying %q", what, err, want)
		}
	}
	other := def.Clone()
	other["filters"] = "4"
	refuse("another run's filters", b, newMachine(1, other), "elements")

	// A large rate kills channels, so that the share of dead ones (read by
	// the goal, not the scenes) is saved too.
	small := def.Clone()
	small["batch"], small["filters"], small["lr"] = "256", "2", "1"
	trained := newMachine(1, small)
	trained.Advance(lessons.Epoch)
	fresh = newMachine(1, small)
	st, err = fresh.DecodeState(lessons.NewDecoder(encode(t, trained)))
	if err != nil {
		t.Fatal(err)
	}
	fresh.Restore(st)
	if last := trained.lastEval(); last.Dead == 0 || !reflect.DeepEqual(fresh.evals, trained.evals) || !reflect.DeepEqual(fresh.Measures(), trained.Measures()) {
		t.Fatalf("after an epoch (%.2f of channels dead): the restored measurements differ", last.Dead)
	}
	st, _ = trained.Snapshot()
	s := st.(snapshot)
	s.stage = stLog
	var e lessons.Encoder
	if err := trained.EncodeState(s, &e); err != nil {
		t.Fatal(err)
	}
	refuse("trained at a stage of the walk", e.Bytes(), newMachine(1, small), "measurements after training")

	s = st.(snapshot)
	s.stage = stTrain
	s.evals = append([]evaluation(nil), s.evals...)
	s.evals[1].Acc += 0.01
	e = lessons.Encoder{}
	if err := trained.EncodeState(s, &e); err != nil {
		t.Fatal(err)
	}
	refuse("an accuracy not of its predictions", e.Bytes(), newMachine(1, small), "accuracy")

	s = st.(snapshot)
	s.set = s.set.Clone()
	s.set["frame"] = "999"
	e = lessons.Encoder{}
	if err := trained.EncodeState(s, &e); err != nil {
		t.Fatal(err)
	}
	refuse("a frame out of range", e.Bytes(), newMachine(1, small), "frame")
}
