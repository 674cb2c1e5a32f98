package lessons

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons/scene"
)

// counter is a tiny deterministic machine: every op adds the rate to a
// total; 4 ops make a step, 3 steps an epoch, 2 epochs the run.
type counter struct {
	ops   int
	total float64
	rate  float64
}

func (c *counter) Advance(g Granularity) {
	n := map[Granularity]int{Op: 1, Step: 4 - c.ops%4, Epoch: 12 - c.ops%12, End: 100 - c.ops}[g]
	for range n {
		c.ops++
		c.total += c.rate
	}
}
func (c *counter) Done() bool { return c.ops >= 100 }
func (c *counter) Scene() scene.Scene {
	return scene.Scene{Phase: "p", Pos: scene.Position{Op: c.ops % 4, Step: c.ops / 4, Epoch: c.ops / 12},
		Narrative: fmt.Sprintf("total %g", c.total)}
}
func (c *counter) Set(name, value string) {
	if name == "rate" {
		c.rate = Settings{"rate": value}.Float("rate")
	}
}

// cloningCounter also implements Cloner, so Run keeps checkpoints.
type cloningCounter struct{ counter }

func (c *cloningCounter) Clone() Machine { d := *c; return &d }

// snapCounter implements Snapshotter, and can save a snapshot only between
// steps (every fourth op), like a lesson in the middle of a training step.
type snapCounter struct {
	counter
	restores int
}

func (c *snapCounter) Snapshot() (any, bool) { return c.counter, c.ops%4 == 0 }
func (c *snapCounter) Restore(st any)        { c.counter = st.(counter); c.restores++ }

// kind is how testLesson's machine supports stepping back.
type kind int

const (
	replay kind = iota
	cloning
	snapshots
)

func testLesson(cloner bool) *Lesson {
	return testLessonOf(map[bool]kind{false: replay, true: cloning}[cloner])
}

func testLessonOf(k kind) *Lesson {
	return &Lesson{
		ID: "count", Title: "Counting",
		Controls: []Control{
			{Name: "rate", Label: "rate", Kind: Float, Min: 0, Max: 10, Ladder: []float64{0.5, 1, 2, 5}, Default: "1"},
			{Name: "start", Label: "start", Kind: Int, Min: 0, Max: 3, Default: "0", Restart: true},
			{Name: "mode", Label: "mode", Kind: Choice, Choices: []string{"a", "b", "c"}, Default: "a", Restart: true},
		},
		New: func(seed uint64, s Settings) Machine {
			c := counter{rate: s.Float("rate"), total: float64(s.Int("start")) + float64(seed)}
			switch k {
			case cloning:
				return &cloningCounter{c}
			case snapshots:
				return &snapCounter{counter: c}
			}
			return &c
		},
	}
}

func TestRunAdvanceBackAndReplay(t *testing.T) {
	for _, cloner := range []kind{replay, cloning, snapshots} {
		l := testLessonOf(cloner)
		r, err := Start(l, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var scenes []scene.Scene
		gs := []Granularity{Op, Op, Step, Op, Epoch, Op, Op, Op, Step, Op}
		// 60 actions reach the end (100 ops) and pass several checkpoints.
		for i := range 60 {
			before := r.Scene()
			if i == 5 {
				if _, err := r.Set("rate", "2"); err != nil {
					t.Fatal(err)
				}
				scenes = append(scenes, before)
				continue
			}
			if r.Advance(gs[i%len(gs)]) {
				scenes = append(scenes, before)
			}
		}
		if len(scenes) < 50 {
			t.Fatalf("only %d actions were taken", len(scenes))
		}
		if before := r.Scene(); r.Advance(End) {
			scenes = append(scenes, before)
		}
		if !r.Done() || r.Advance(Op) {
			t.Fatalf("cloner=%v: run not done after End", cloner)
		}
		// Step all the way back, checking each scene against the record.
		restored := false
		for i := len(scenes) - 1; i >= 0; i-- {
			if !r.Back() {
				t.Fatalf("cloner=%v: Back refused at %d", cloner, i)
			}
			if sc, ok := r.m.(*snapCounter); ok && sc.restores > 0 {
				restored = true
			}
			if got := r.Scene(); !reflect.DeepEqual(got.Pos, scenes[i].Pos) || got.Narrative != scenes[i].Narrative {
				t.Fatalf("cloner=%v: after Back to %d: %+v %q, want %+v %q", cloner, i, got.Pos, got.Narrative, scenes[i].Pos, scenes[i].Narrative)
			}
		}
		if r.Back() || r.CanBack() {
			t.Fatal("Back at the start should do nothing")
		}
		if cloner == snapshots && !restored {
			t.Fatal("stepping back never restored a snapshot")
		}
		if r.Settings()["rate"] != "1" {
			t.Fatalf("rate after undoing its change = %s", r.Settings()["rate"])
		}
	}
}

func TestRunSetRestartAndErrors(t *testing.T) {
	r, _ := Start(testLesson(false), 0, nil)
	r.Advance(Step)
	restarted, err := r.Set("start", "2")
	if err != nil || !restarted || r.Scene().Pos.Step != 0 || r.Scene().Narrative != "total 2" {
		t.Fatalf("restart: %v %v %+v %q", restarted, err, r.Scene().Pos, r.Scene().Narrative)
	}
	if r.CanBack() {
		t.Fatal("a restart keeps no history")
	}
	for _, bad := range [][2]string{{"rate", "x"}, {"rate", "11"}, {"start", "1.5"}, {"mode", "z"}, {"nosuch", "1"}} {
		if _, err := r.Set(bad[0], bad[1]); err == nil {
			t.Errorf("Set(%q, %q): no error", bad[0], bad[1])
		}
	}
	if restarted, err := r.Set("mode", "B"); err != nil || !restarted || r.Settings()["mode"] != "b" {
		t.Fatalf("choice is case-insensitive and canonical: %v %v %v", restarted, err, r.Settings())
	}
	sc := r.Scene()
	if sc.LessonID != "count" || sc.Lesson != "Counting" || len(sc.Settings) != 3 || sc.Settings[2].Value != "b" {
		t.Fatalf("scene identity/settings not filled: %+v", sc)
	}
}

func TestJournalResume(t *testing.T) {
	l := testLesson(false)
	r, _ := Start(l, 7, Settings{"start": "1"})
	for _, g := range []Granularity{Op, Op, Op, Step, Step} {
		r.Advance(g)
	}
	r.Set("rate", "5")
	r.Advance(Op)
	j := r.Journal()
	if len(j.Entries) != 4 || j.Entries[0] != (Entry{G: "op", Count: 3}) || j.Entries[2].Name != "rate" {
		t.Fatalf("journal entries: %+v", j.Entries)
	}
	r2, err := Resume(l, j)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Scene(), r2.Scene()) {
		t.Fatal("resumed run differs")
	}
	for _, bad := range []Journal{
		{Settings: Settings{"rate": "nan"}},
		{Settings: Settings{"bogus": "1"}},
		{Entries: []Entry{{G: "leap", Count: 1}}},
		{Entries: []Entry{{G: "op", Count: -1}}},
		{Entries: []Entry{{G: "op", Count: 1 << 40}}},
		{Entries: []Entry{{Name: "rate", Value: "-3"}}},
	} {
		if _, err := Resume(l, bad); err == nil {
			t.Errorf("Resume(%+v): no error", bad)
		}
	}
}

func TestControlNext(t *testing.T) {
	c := Control{Name: "lr", Kind: Float, Min: 0, Max: 10, Ladder: []float64{0.001, 0.01, 0.1, 1}}
	for _, tc := range []struct {
		cur  string
		dir  int
		want string
	}{{"0.01", 1, "0.1"}, {"0.01", -1, "0.001"}, {"0.05", 1, "0.1"}, {"0.05", -1, "0.01"}, {"1", 1, "1"}, {"0.001", -1, "0.001"}, {"abc", 1, "abc"}} {
		if got := c.Next(tc.cur, tc.dir); got != tc.want {
			t.Errorf("Next(%s, %d) = %s, want %s", tc.cur, tc.dir, got, tc.want)
		}
	}
	ch := Control{Kind: Choice, Choices: []string{"a", "b", "c"}}
	if ch.Next("c", 1) != "a" || ch.Next("a", -1) != "c" || ch.Next("b", 1) != "c" {
		t.Error("choices do not cycle")
	}
	in := Control{Kind: Int, Ladder: []float64{1, 8, 32}}
	if in.Next("8", 1) != "32" {
		t.Error("int ladder")
	}
}

func TestParseAssignmentsAndRegistry(t *testing.T) {
	l := testLesson(false)
	s, err := l.ParseAssignments([]string{"rate=2.5", " start = 3"})
	if err != nil || s["rate"] != "2.5" || s["start"] != "3" || s["mode"] != "a" {
		t.Fatalf("ParseAssignments: %v %v", s, err)
	}
	for _, bad := range []string{"rate", "=1", "rate=", "x=1", "start=4"} {
		if _, err := l.ParseAssignments([]string{bad}); err == nil {
			t.Errorf("%q: no error", bad)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is more than one line", bad)
		}
	}
	reg := NewRegistry(l)
	if _, err := reg.Get("nope"); err == nil || !strings.Contains(err.Error(), "count") {
		t.Fatalf("Get unknown: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate id did not panic")
		}
	}()
	reg.Register(testLesson(true))
}

func TestGranularity(t *testing.T) {
	for i, n := range []string{"op", "step", "epoch", "end"} {
		g, err := ParseGranularity(n)
		if err != nil || int(g) != i || g.String() != n {
			t.Fatalf("%s: %v %v", n, g, err)
		}
	}
	if _, err := ParseGranularity("big"); err == nil {
		t.Fatal("bad granularity accepted")
	}
}

// TestCheckpointsAreBoundedAndSpacedByCost: with no budget every action is
// worth a checkpoint, yet no more than maxCheckpoints are kept, the recent
// ones are all there, and stepping back through thinned ones is still
// exact.
func TestCheckpointsAreBoundedAndSpacedByCost(t *testing.T) {
	budget, every, most := checkpointBudget, checkpointEvery, maxCheckpoints
	defer func() { checkpointBudget, checkpointEvery, maxCheckpoints = budget, every, most }()
	checkpointBudget, checkpointEvery, maxCheckpoints = 0, 1<<30, 20
	r, _ := Start(testLessonOf(cloning), 0, nil)
	var scenes []scene.Scene
	for range 90 {
		scenes = append(scenes, r.Scene())
		r.Advance(Op)
		if len(r.checkpoints) > maxCheckpoints {
			t.Fatalf("%d checkpoints kept, at most %d", len(r.checkpoints), maxCheckpoints)
		}
	}
	n := len(r.checkpoints)
	for i := n - recentCheckpoints; i < n; i++ {
		if r.checkpoints[i].at != 90-(n-1-i) {
			t.Fatalf("recent checkpoint %d is at action %d: the recent ones must all be kept", i, r.checkpoints[i].at)
		}
	}
	if r.checkpoints[0].at == 1 {
		t.Fatal("the oldest checkpoints were never thinned")
	}
	for i := len(scenes) - 1; i >= 0; i-- {
		r.Back()
		if got := r.Scene(); !reflect.DeepEqual(got, scenes[i]) {
			t.Fatalf("after Back to %d: %+v, want %+v", i, got.Pos, scenes[i].Pos)
		}
	}
	// With a large budget and no count limit, cheap actions take none.
	checkpointBudget = time.Hour
	r, _ = Start(testLessonOf(cloning), 0, nil)
	for range 50 {
		r.Advance(Op)
	}
	if len(r.checkpoints) != 0 {
		t.Fatalf("%d checkpoints for 50 cheap actions under a one-hour budget", len(r.checkpoints))
	}
}
