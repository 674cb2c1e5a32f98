package lessons

import (
	"crypto/sha256"
	"reflect"
	"testing"
)

// persistCounter is quizCounter whose snapshots can be saved.
type persistCounter struct {
	quizCounter
	version int // the version EncodeState writes (1 unless a test says)
}

func (c *persistCounter) EncodeState(st any, e *Encoder) error {
	s := st.(counter)
	e.Int(max(c.version, 1))
	e.Int(s.ops)
	e.Float(s.total)
	e.Float(s.rate)
	return nil
}

func (c *persistCounter) DecodeState(d *Decoder) (any, error) {
	d.Version("counter", 1)
	s := counter{ops: d.IntIn("ops", 0, 100), total: d.Float(), rate: d.Float()}
	return s, d.Err()
}

func persistLesson(version int) *Lesson {
	l := quizLesson()
	l.ID = "persist"
	l.New = func(seed uint64, s Settings) Machine {
		return &persistCounter{quizCounter: quizCounter{snapCounter{counter: counter{rate: s.Float("rate"), total: float64(seed)}}}, version: version}
	}
	return l
}

// smallCheckpoints takes a checkpoint every two actions for the test.
func smallCheckpoints(t *testing.T) {
	every := checkpointEvery
	checkpointEvery = 2
	t.Cleanup(func() { checkpointEvery = every })
}

// play drives r through ops, steps, answers (right and wrong) and a
// learning rate change, as a learner would.
func play(t *testing.T, r *Run) {
	t.Helper()
	answer := func(v string) {
		if q := r.Question(); q != nil && !q.Answered {
			if _, err := r.Answer(q.ID, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	answer("11") // right: the seed 3, then 4 ops of 2
	r.Advance(Op)
	r.Advance(Op)
	r.Advance(Step)
	for range 4 {
		r.Advance(Op)
	}
	answer("2") // wrong: the total is above 10
	if _, err := r.Set("rate", "5"); err != nil {
		t.Fatal(err)
	}
	r.Advance(Step)
	r.Advance(Epoch)
	r.Advance(Op)
}

func sameRuns(t *testing.T, what string, got, want *Run) {
	t.Helper()
	if !reflect.DeepEqual(got.Scene(), want.Scene()) {
		t.Fatalf("%s: scene %+v, want %+v", what, got.Scene(), want.Scene())
	}
	if !reflect.DeepEqual(got.Journal(), want.Journal()) || got.CanBack() != want.CanBack() || !reflect.DeepEqual(got.Settings(), want.Settings()) {
		t.Fatalf("%s: journal or settings differ", what)
	}
}

func TestResumeFromCheckpointIsReplay(t *testing.T) {
	smallCheckpoints(t)
	l := persistLesson(1)
	r, _ := Start(l, 3, Settings{"rate": "2"})
	play(t, r)
	j := r.Journal()
	sv := r.Checkpoint()
	if sv == nil {
		t.Fatal("no checkpoint to save")
	}
	data, err := sv.Encode()
	if err != nil {
		t.Fatal(err)
	}
	full, err := Resume(l, j)
	if err != nil {
		t.Fatal(err)
	}
	fast, restored, err := ResumeFrom(l, j, data)
	if err != nil || !restored {
		t.Fatalf("ResumeFrom: restored %v, %v", restored, err)
	}
	if n := len(fast.checkpoints); n == 0 || fast.checkpoints[n-1].at != sv.At() {
		t.Fatalf("the saved checkpoint at %d is not the resumed run's latest", sv.At())
	}
	sameRuns(t, "resumed", fast, full)
	sameRuns(t, "resumed vs original", fast, r)
	if s := fast.Score(); s != full.Score() || s.Correct != 1 || s.Wrong != 1 {
		t.Fatalf("score %+v, replay's %+v", s, full.Score())
	}
	// Further actions and stepping back all the way agree.
	for _, run := range []*Run{fast, full} {
		run.Advance(Step)
		run.Advance(Op)
	}
	sameRuns(t, "after two more actions", fast, full)
	for fast.CanBack() {
		fast.Back()
		full.Back()
		sameRuns(t, "stepping back", fast, full)
	}
	if full.CanBack() {
		t.Fatal("replayed run has more to step back over")
	}
}

func TestResumeFromBadCheckpointReplays(t *testing.T) {
	smallCheckpoints(t)
	l := persistLesson(1)
	r, _ := Start(l, 3, Settings{"rate": "2"})
	play(t, r)
	j := r.Journal()
	good, err := r.Checkpoint().Encode()
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Resume(l, j)
	// A file whose checksum is right but whose content is changed.
	resum := func(b []byte) []byte {
		b = b[:len(b)-sha256.Size]
		s := sha256.Sum256(b)
		return append(b, s[:]...)
	}
	other := func(l *Lesson, seed uint64, set Settings, k int) []byte {
		r, _ := Start(l, seed, set)
		play(t, r)
		for range k {
			r.Advance(Op)
		}
		b, err := r.Checkpoint().Encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	foreign := persistLesson(1)
	foreign.ID = "other"
	build := BuildKey
	BuildKey = "another build"
	otherBuild := other(l, 3, Settings{"rate": "2"}, 0)
	BuildKey = build
	flipped := func(i int) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= 0x10
		return b
	}
	cases := map[string][]byte{
		"empty":           {},
		"truncated":       good[:len(good)/2],
		"truncated by 1":  good[:len(good)-1],
		"flipped magic":   flipped(0),
		"flipped middle":  flipped(len(good) / 2),
		"flipped end":     flipped(len(good) - 40),
		"garbage":         []byte("dlearn checkpoint\nnot really, but long enough to have a sum of 32 bytes at the end"),
		"trailing bytes":  resum(append(append([]byte(nil), good...), make([]byte, 40)...)),
		"another lesson":  other(foreign, 3, Settings{"rate": "2"}, 0),
		"another seed":    other(l, 4, Settings{"rate": "2"}, 0),
		"other settings":  other(l, 3, Settings{"rate": "1"}, 0),
		"another build":   otherBuild,
		"another version": other(persistLesson(2), 3, Settings{"rate": "2"}, 0),
		"too large":       append(append([]byte(nil), good...), make([]byte, MaxCheckpointSize)...),
	}
	for name, data := range cases {
		got, restored, err := ResumeFrom(l, j, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if restored {
			t.Fatalf("%s: a bad checkpoint was restored", name)
		}
		sameRuns(t, name, got, full)
	}
	// The same run gone further: its checkpoints follow a longer log, but
	// the older ones still match a prefix of j, and the result is the same.
	ahead := other(l, 3, Settings{"rate": "2"}, 3)
	got, _, err := ResumeFrom(l, j, ahead)
	if err != nil {
		t.Fatal(err)
	}
	sameRuns(t, "checkpoint of a longer run", got, full)
	// A journal that went another way after the checkpoint's prefix.
	r.Back()
	r.Back()
	r.Advance(Step)
	j2 := r.Journal()
	full2, _ := Resume(l, j2)
	got, _, err = ResumeFrom(l, j2, good)
	if err != nil {
		t.Fatal(err)
	}
	sameRuns(t, "a journal that went another way", got, full2)
	// A lesson that does not persist ignores the file.
	q := quizLesson()
	q.ID = l.ID
	got, restored, err := ResumeFrom(q, j, good)
	if err != nil || restored {
		t.Fatalf("non-persisting lesson: restored %v, %v", restored, err)
	}
	want, _ := Resume(q, j)
	sameRuns(t, "a lesson that does not persist", got, want)
}

// totalOf is the total of a quizCounter or a persistCounter.
func totalOf(m Machine) float64 {
	if p, ok := m.(*persistCounter); ok {
		return p.total
	}
	return m.(*quizCounter).total
}
