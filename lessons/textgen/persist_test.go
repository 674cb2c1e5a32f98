package textgen

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// answer answers the question posed now, if any, with f, and returns its
// id ("" for none).
func answer(t *testing.T, r *lessons.Run, f func(*scene.Question) string) string {
	t.Helper()
	q := r.Question()
	if q == nil || q.Answered {
		return ""
	}
	if _, err := r.Answer(q.ID, f(q)); err != nil {
		t.Fatal(err)
	}
	return q.ID
}

// set changes a control of r.
func set(t *testing.T, r *lessons.Run, name, value string) {
	t.Helper()
	if _, err := r.Set(name, value); err != nil {
		t.Fatal(err)
	}
}

// A run resumed from its saved checkpoint is the replayed run: mid-epoch,
// after a step walked op by op with both of its questions answered, the
// sampler's controls, the bars' position and the learning rate changed,
// and past a curve point taken with the changed sampler.
func TestPersistMidEpoch(t *testing.T) {
	data := lessontest.CheckPersist(t, Lesson(), nil, func(r *lessons.Run) {
		asked := map[string]bool{}
		asked[answer(t, r, lessontest.Right)] = true
		for range opsPerStep {
			asked[answer(t, r, lessontest.Wrong)] = true
			r.Advance(lessons.Op)
			if sc := r.Scene(); sc.Pos.OpsPerStep != opsPerStep {
				t.Fatalf("op %d of %d, want %d ops a step", sc.Pos.Op, sc.Pos.OpsPerStep, opsPerStep)
			}
		}
		if sc := r.Scene(); sc.Phase != "update" || sc.Pos.Op != opsPerStep || sc.Pos.OpsPerStep != opsPerStep {
			t.Fatalf("after the first step walked op by op: phase %s, op %d of %d", sc.Phase, sc.Pos.Op, sc.Pos.OpsPerStep)
		}
		if !asked["first-loss"] || !asked["masked-zeros"] {
			t.Fatalf("questions asked in the first step: %v", asked)
		}
		set(t, r, "pos", "7")
		set(t, r, "temperature", "1.5")
		for range 30 {
			r.Advance(lessons.Step)
		}
		set(t, r, "topk", "3")
		set(t, r, "lr", "0.003")
		for range 25 {
			r.Advance(lessons.Step)
		}
		for range 4 {
			r.Advance(lessons.Op)
		}
		m := lessons.MachineOf(r).(*machine)
		m.settle() // the curve point measured beside training, filed
		if len(m.curve) != 2 || m.curve[1].Temperature != 1.5 || m.curve[1].TopK != 3 {
			t.Fatalf("at step %d: %d curve points, want 2 (the second at temperature 1.5, top-3)", m.loop.Step, len(m.curve))
		}
	})
	t.Logf("checkpoint file: %d bytes", len(data))
}

// At the end of an epoch, with its question answered and the temperature
// changed after it, the checkpoint gives the replayed run too. Two
// epochs: the run goes on after the checkpoint.
func TestPersistEpochEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("an epoch of 344 steps, trained four times")
	}
	lessontest.CheckPersist(t, Lesson(), lessons.Settings{"epochs": "2"}, func(r *lessons.Run) {
		r.Advance(lessons.Epoch)
		if id := answer(t, r, lessontest.Right); id != "hotter-words" {
			t.Fatalf("at the end of the first epoch the question is %q, want hotter-words", id)
		}
		set(t, r, "temperature", "0.5")
		if m := lessons.MachineOf(r).(*machine); len(m.evals) != 2 || m.loop.Step != m.loop.StepsPerEpoch() {
			t.Fatalf("at step %d: %d evaluations, want 2", m.loop.Step, len(m.evals))
		}
	})
}

// A saved state that does not fit the machine decoding it, or that is out
// of range anywhere, is an error and never a panic.
func TestPersistDecodeChecks(t *testing.T) {
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, lessons.Settings{"epochs": "1"})
	if err != nil {
		t.Fatal(err)
	}
	for range CurveEvery + 2 {
		r.Advance(lessons.Step)
	}
	m := lessons.MachineOf(r).(*machine)
	st, ok := m.Snapshot()
	if !ok {
		t.Fatal("no snapshot between steps")
	}
	good := st.(snapshot)
	encode := func(s snapshot) []byte {
		t.Helper()
		var e lessons.Encoder
		if err := m.EncodeState(s, &e); err != nil {
			t.Fatal(err)
		}
		return e.Bytes()
	}
	decode := func(m *machine, b []byte) (st any, err error) {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("DecodeState panicked: %v", p)
			}
		}()
		d := lessons.NewDecoder(b)
		st, err = m.DecodeState(d)
		if err == nil {
			err = d.End()
		}
		return st, err
	}
	raw := encode(good)
	back, err := decode(m, raw)
	if err != nil {
		t.Fatalf("the state as saved: %v", err)
	}
	if again := encode(back.(snapshot)); string(again) != string(raw) {
		t.Fatal("decoding and encoding again changes the state")
	}

	// Another machine of the lesson: other epochs, another learning rate.
	for _, set := range []lessons.Settings{{"epochs": "2"}, {"epochs": "1", "lr": "0.03"}} {
		other := lessons.MachineOf(mustStart(t, set)).(*machine)
		if _, err := decode(other, raw); err == nil {
			t.Errorf("a state of a run at %v decodes for one at the defaults", set)
		}
	}

	// Every field out of range.
	bad := map[string]func(s *snapshot){
		"temperature":       func(s *snapshot) { s.cfg.temperature = -1 },
		"top-k":             func(s *snapshot) { s.cfg.topK = 48 },
		"position":          func(s *snapshot) { s.cfg.pos = 0 },
		"no curve":          func(s *snapshot) { s.curve = nil },
		"curve step":        func(s *snapshot) { s.curve[1].Step++ },
		"first train loss":  func(s *snapshot) { s.curve[0].Train = 1 },
		"train loss":        func(s *snapshot) { s.curve[1].Train = math.NaN() },
		"val loss":          func(s *snapshot) { s.curve[1].Val = math.Inf(1) },
		"short sample":      func(s *snapshot) { s.curve[1].Sample = s.curve[1].Sample[:SampleLen] },
		"sample prompt":     func(s *snapshot) { s.curve[1].Sample = "x" + s.curve[1].Sample[1:] },
		"sample byte":       func(s *snapshot) { s.curve[1].Sample = s.curve[1].Sample[:20] + "\x00" + s.curve[1].Sample[21:] },
		"curve temperature": func(s *snapshot) { s.curve[1].Temperature = math.NaN() },
		"curve top-k":       func(s *snapshot) { s.curve[1].TopK = 0 },
		"no evaluation":     func(s *snapshot) { s.evals = []eval{} },
		"evaluation step":   func(s *snapshot) { s.evals[0].Step = 1 },
		"evaluation ahead":  func(s *snapshot) { s.evals = append(s.evals, s.evals[0]); s.evals[1].Step = m.loop.StepsPerEpoch() }, // of the curve's end
		"evaluation loss":   func(s *snapshot) { s.evals[0].Val = -1 },
		"evaluation text":   func(s *snapshot) { s.evals[0].Text = Prompt },
		"word rate":         func(s *snapshot) { s.evals[0].WordRate = 1.5 },
		"words":             func(s *snapshot) { s.evals[0].Words = WordSample + 1 },
		"long words":        func(s *snapshot) { s.evals[0].LongWords = s.evals[0].Words + 1 },
		"long rate":         func(s *snapshot) { s.evals[0].LongRate = math.NaN() },
		"dead":              func(s *snapshot) { s.evals[0].Dead = -0.5 },
	}
	for name, f := range bad {
		s := good
		s.curve, s.evals = append([]point(nil), good.curve...), append([]eval(nil), good.evals...)
		f(&s)
		if _, err := decode(m, encode(s)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}

	// Cut anywhere: an error (every cut in the lesson's own part after the
	// loop's snapshot, and a spread of cuts in the rest).
	var loop lessons.Encoder
	if err := good.loop.Encode(&loop); err != nil {
		t.Fatal(err)
	}
	tail := len(raw) - (len(raw)-len(loop.Bytes()))*2
	t.Logf("%d bytes, %d of them the loop's", len(raw), len(loop.Bytes()))
	for n := 0; n < len(raw); n++ {
		if n < tail && n%997 != 0 {
			continue
		}
		if _, err := decode(m, raw[:n]); err == nil {
			t.Fatalf("cut at %d of %d bytes: decoded", n, len(raw))
		}
	}

	// A diverged run's snapshot is not saved.
	s := good
	s.diverged = true
	var e lessons.Encoder
	if err := m.EncodeState(s, &e); err == nil {
		t.Error("a diverged run's snapshot was encoded")
	}
}

func mustStart(t *testing.T, s lessons.Settings) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
