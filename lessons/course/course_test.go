package course

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// The contract every lesson of the course keeps, checked on each one: a
// lesson that a teacher adds to Registry is held to it too.

func TestRegistryIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range Registry().All() {
		if l.ID == "" || l.Title == "" || l.Summary == "" || strings.Contains(l.Summary, "\n") {
			t.Errorf("%q: needs an id, a title and a one-line summary", l.ID)
		}
		if seen[l.ID] {
			t.Errorf("duplicate id %q", l.ID)
		}
		seen[l.ID] = true
		for _, c := range l.Controls {
			if c.Label == "" || c.Help == "" {
				t.Errorf("%s: control %q needs a label and help", l.ID, c.Name)
			}
		}
	}
}

// script is a fixed mix of actions, including control changes and steps
// back, drawn from a seeded source.
func script(l *lessons.Lesson, n int) []func(r *lessons.Run) { return mix(l, n, true) }

// forwardScript is the same mix without steps back.
func forwardScript(l *lessons.Lesson, n int) []func(r *lessons.Run) { return mix(l, n, false) }

func mix(l *lessons.Lesson, n int, back bool) []func(r *lessons.Run) {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []func(r *lessons.Run)
	for range n {
		switch k := rng.IntN(10); {
		case k < 5:
			out = append(out, func(r *lessons.Run) { r.Advance(lessons.Op) })
		case k < 8:
			out = append(out, func(r *lessons.Run) { r.Advance(lessons.Step) })
		case k == 8 && back:
			out = append(out, func(r *lessons.Run) { r.Back() })
		case k == 8:
			out = append(out, func(r *lessons.Run) { r.Advance(lessons.Op) })
		default:
			for _, c := range l.Controls {
				if !c.Restart && c.Kind != lessons.Choice {
					name, dir := c.Name, 1-2*rng.IntN(2)
					out = append(out, func(r *lessons.Run) {
						r.Set(name, c.Next(r.Settings()[name], dir))
					})
					break
				}
			}
		}
	}
	return out
}

func TestEveryLessonIsDeterministicAndRewinds(t *testing.T) {
	for _, l := range Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			a, err := lessons.Start(l, lessons.DefaultSeed, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := lessons.Start(l, lessons.DefaultSeed, nil)
			for i, act := range script(l, 60) {
				act(a)
				act(b)
				sa := a.Scene()
				if !reflect.DeepEqual(sa, b.Scene()) {
					t.Fatalf("action %d: the same seed and actions gave different scenes", i)
				}
				checkScene(t, l, sa)
			}
			// Back to the start, one action at a time: the very first scene
			// comes back.
			first, _ := lessons.Start(l, lessons.DefaultSeed, nil)
			for a.CanBack() {
				a.Back()
			}
			if !reflect.DeepEqual(a.Scene(), first.Scene()) {
				t.Fatal("stepping all the way back does not give the first scene")
			}
		})
	}
}

func TestEveryLessonRunsToTheEnd(t *testing.T) {
	for _, l := range Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			r, _ := lessons.Start(l, lessons.DefaultSeed, nil)
			r.Advance(lessons.End)
			sc := r.Scene()
			if !r.Done() || !(sc.Status.Finished || sc.Status.Diverged) {
				t.Fatalf("after End: done %v, status %+v", r.Done(), sc.Status)
			}
			if r.Advance(lessons.Step) {
				t.Fatal("a finished run advanced")
			}
			if sc.Autopsy != nil {
				t.Errorf("at its defaults the run stopped diverging: %s", sc.Autopsy.Summary)
			}
			checkScene(t, l, sc)
		})
	}
}

// checkScene checks what every scene must hold: identity, a narrative, a
// JSON encoding, and exactly the panel field its kind names.
func checkScene(t *testing.T, l *lessons.Lesson, sc scene.Scene) {
	t.Helper()
	if sc.LessonID != l.ID || sc.Phase == "" || strings.TrimSpace(sc.Narrative) == "" {
		t.Fatalf("scene lacks id, phase or narrative: id %q phase %q", sc.LessonID, sc.Phase)
	}
	if strings.Contains(sc.Narrative, "<no value>") || strings.Contains(sc.Narrative, "%!") {
		t.Fatalf("narrative has a template or format error:\n%s", sc.Narrative)
	}
	if _, err := json.Marshal(sc); err != nil {
		t.Fatalf("scene does not encode as JSON: %v", err)
	}
	if len(sc.Settings) != len(l.Controls) {
		t.Fatalf("%d settings for %d controls", len(sc.Settings), len(l.Controls))
	}
	for i, p := range sc.Panels {
		set := map[scene.Kind]bool{
			scene.KindPlot: p.Plot != nil, scene.KindMatrix: p.Matrix != nil, scene.KindGraph: p.Graph != nil,
			scene.KindImage: p.Image != nil, scene.KindBars: p.Bars != nil, scene.KindTable: p.Table != nil,
		}
		n := 0
		for _, v := range set {
			if v {
				n++
			}
		}
		if !set[p.Kind] || n != 1 {
			t.Fatalf("panel %d (%s %q): the field of its kind must be the only one set", i, p.Kind, p.Title)
		}
		if m := p.Matrix; m != nil && (len(m.Values) != m.Rows*m.Cols || (m.Grads != nil && len(m.Grads) != len(m.Values))) {
			t.Fatalf("panel %q: matrix of %d×%d has %d values, %d grads", p.Title, m.Rows, m.Cols, len(m.Values), len(m.Grads))
		}
		if g := p.Graph; g != nil {
			for k, nd := range g.Nodes {
				for _, in := range nd.Inputs {
					if in < 0 || in >= k {
						t.Fatalf("panel %q: node %d has input %d (not an earlier node)", p.Title, k, in)
					}
				}
			}
			if g.Current >= len(g.Nodes) {
				t.Fatalf("panel %q: current node %d of %d", p.Title, g.Current, len(g.Nodes))
			}
		}
		if pl := p.Plot; pl != nil {
			for _, s := range pl.Series {
				if len(s.X) != len(s.Y) || (s.Classes != nil && len(s.Classes) != len(s.X)) {
					t.Fatalf("panel %q: series %q has %d x, %d y, %d classes", p.Title, s.Name, len(s.X), len(s.Y), len(s.Classes))
				}
			}
		}
	}
}

// TestEveryLessonStepsBackExactly walks each lesson forward through a mix
// of ops, steps and control changes, then back one action at a time: every
// scene on the way back must equal the one seen on the way forward,
// whether the lesson rewinds by replaying, cloning or restoring snapshots.
func TestEveryLessonStepsBackExactly(t *testing.T) {
	for _, l := range Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			r, _ := lessons.Start(l, lessons.DefaultSeed, nil)
			var stack []scene.Scene // the scene before each action in the log
			for _, act := range forwardScript(l, 90) {
				before, n := r.Scene(), r.Actions()
				act(r)
				if r.Actions() == n+1 {
					stack = append(stack, before)
				}
			}
			if len(stack) < 40 {
				t.Fatalf("only %d actions were logged", len(stack))
			}
			for r.CanBack() {
				r.Back()
				want := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if got := r.Scene(); !reflect.DeepEqual(got, want) {
					t.Fatalf("after stepping back to action %d: phase %q %+v, want phase %q %+v", len(stack), got.Phase, got.Pos, want.Phase, want.Pos)
				}
			}
		})
	}
}

// TestEveryLessonTeaches holds every lesson to the learning loop: a goal
// shown from the start, at least three questions met by a learner who walks
// the first step op by op and then steps, each answer computed from the run
// (another seed changes at least one), right and wrong answers scored and
// revealed, and an honest verdict at the end. The wrong answers come from
// a learner who only ever takes whole steps, with the run stopping at
// questions: that learner must meet every question the op-stepper met.
func TestEveryLessonTeaches(t *testing.T) {
	for _, l := range Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			if l.Goal == nil {
				t.Fatal("the lesson declares no goal")
			}
			first, _ := lessons.Start(l, lessons.DefaultSeed, nil)
			if g := first.Scene().Goal; g == nil || g.Text == "" || g.Verdict != nil {
				t.Fatalf("goal at the start: %+v", g)
			}
			if _, ok := lessons.MachineOf(first).(lessons.Progresser); !ok {
				t.Fatal("the machine is not a lessons.Progresser: a learner taking whole steps would pass the questions inside a step")
			}
			right := lessontest.Walk(t, l, lessons.DefaultSeed, nil, lessontest.Right)
			if n := len(right.Questions); n < 3 {
				t.Fatalf("a learner meets %d questions, want at least 3", n)
			}
			answers := map[string]string{}
			for _, q := range right.Questions {
				if _, dup := answers[q.ID]; dup {
					t.Errorf("question %s posed twice", q.ID)
				}
				answers[q.ID] = q.Answer
				if !q.Answered || !q.Correct || q.Answer == "" || strings.TrimSpace(q.Explain) == "" || q.Prompt == "" {
					t.Errorf("question %s answered right: %+v", q.ID, q)
				}
			}
			if s := right.Run.Score(); s.Correct != len(right.Questions) || s.Wrong != 0 {
				t.Errorf("all right: score %+v for %d questions", s, len(right.Questions))
			}

			wrong := stepWalk(t, l, lessons.DefaultSeed, lessontest.Wrong, nil)
			met := map[string]bool{}
			for _, q := range wrong.Questions {
				met[q.ID] = true
				if !q.Answered || q.Correct || q.Given == "" {
					t.Errorf("question %s answered wrong: %+v", q.ID, q)
				}
			}
			if s := wrong.Run.Score(); s.Wrong != len(wrong.Questions) || s.Correct != 0 {
				t.Errorf("all wrong: score %+v for %d questions", s, len(wrong.Questions))
			}
			for id := range answers {
				if !met[id] {
					t.Errorf("question %s, met stepping op by op, is passed over by whole steps", id)
				}
			}

			// Another seed changes at least one answer: walk it until one
			// differs.
			differs := false
			stepWalk(t, l, lessons.DefaultSeed+1, lessontest.Right, func(q *scene.Question) bool {
				if a, ok := answers[q.ID]; ok && a != q.Answer {
					differs = true
				}
				return differs
			})
			if !differs {
				t.Errorf("seeds %d and %d give the same answer to every question: %v", lessons.DefaultSeed, lessons.DefaultSeed+1, answers)
			}

			for _, w := range []lessontest.Walked{right, wrong} {
				sc := w.Final
				v := sc.Goal.Verdict
				if v == nil {
					t.Fatalf("no verdict at the end: status %+v", sc.Status)
				}
				if v.Success != (sc.Status.Level == scene.LevelSuccess) {
					t.Errorf("verdict success %v but status level %s", v.Success, sc.Status.Level)
				}
				if !v.Success && (v.Cause == "" || v.Try == "" || v.Explain == "") {
					t.Errorf("a missed goal without cause, explanation or change to try: %+v", v)
				}
				checkScene(t, l, sc)
			}
		})
	}
}

// stepWalk drives l with whole steps, the run stopping at questions, and
// answers each with answer(q); it stops early when stop(q), called on each
// answered question, says so (nil: walk to the end).
func stepWalk(t *testing.T, l *lessons.Lesson, seed uint64, answer func(*scene.Question) string, stop func(*scene.Question) bool) lessontest.Walked {
	t.Helper()
	r, err := lessons.Start(l, seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.SetStopAtQuestions(true)
	var w lessontest.Walked
	for {
		if q := r.Question(); q != nil && !q.Answered {
			got, err := r.Answer(q.ID, answer(q))
			if err != nil {
				t.Fatalf("answering %s: %v", q.ID, err)
			}
			w.Questions = append(w.Questions, *got)
			if stop != nil && stop(got) {
				break
			}
		}
		if !r.Advance(lessons.Step) {
			break
		}
	}
	w.Run, w.Final = r, r.Scene()
	return w
}

// TestEveryLessonRestoresIntoANewMachine: a checkpoint taken from a run
// and brought into a new machine of the same lesson (what a question's
// look-ahead does) goes on exactly as the run itself — optimizer state
// included. A snapshot is restored into a new machine; a cloning machine
// is cloned. Every lesson must do one or the other, or a look-ahead and a
// step back replay the whole run from the seed.
func TestEveryLessonRestoresIntoANewMachine(t *testing.T) {
	for _, l := range Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			r, _ := lessons.Start(l, lessons.DefaultSeed, nil)
			for range 5 {
				r.Advance(lessons.Step)
			}
			var fresh lessons.Machine
			switch m := lessons.MachineOf(r).(type) {
			case lessons.Cloner:
				fresh = m.Clone()
			case lessons.Snapshotter:
				st, ok := m.Snapshot()
				if !ok {
					t.Fatal("no snapshot between steps")
				}
				fresh = l.New(lessons.DefaultSeed, l.Defaults())
				fresh.(lessons.Snapshotter).Restore(st)
			default:
				if l.ID != "backprop" {
					t.Fatal("the machine neither clones nor snapshots: stepping back and looking ahead replay from the seed")
				}
				// backprop's whole run costs about 0.1 s, so replaying it is
				// cheap: a new machine replays the same steps.
				fresh = l.New(lessons.DefaultSeed, l.Defaults())
				for range 5 {
					fresh.Advance(lessons.Step)
				}
			}
			for range 3 {
				r.Advance(lessons.Step)
				fresh.Advance(lessons.Step)
			}
			got, want := fresh.Scene(), lessons.MachineOf(r).Scene()
			if got.Narrative != want.Narrative || !reflect.DeepEqual(got.Panels, want.Panels) {
				t.Fatalf("three steps after restoring into a new machine the scene differs from the run's (phase %q vs %q)", got.Phase, want.Phase)
			}
		})
	}
}
