package course

import (
	"encoding/json"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// sceneText is a scene as JSON, for comparing two runs exactly.
func sceneText(t *testing.T, sc scene.Scene) string {
	t.Helper()
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstContinuing is the lesson's first control that takes effect without
// a restart and has somewhere to go (the learning rate, in most lessons).
func firstContinuing(l *lessons.Lesson) (lessons.Control, bool) {
	for _, c := range l.Controls {
		if !c.Restart && c.Kind != lessons.Choice && len(c.Ladder) > 1 {
			return c, true
		}
	}
	return lessons.Control{}, false
}

// A branch whose setting is unchanged stays identical to its parent,
// whatever the two runs do in lockstep.
func TestEveryLessonBranchesIdentically(t *testing.T) {
	for _, l := range Registry().All() {
		t.Run(l.ID, func(t *testing.T) {
			r, err := lessons.Start(l, lessons.DefaultSeed, nil)
			if err != nil {
				t.Fatal(err)
			}
			for range 7 {
				r.Advance(lessons.Op)
			}
			r.Advance(lessons.Step)
			c := l.Controls[0]
			b, err := lessons.NewBranch(r, c.Name, r.Settings()[c.Name])
			if err != nil {
				t.Fatal(err)
			}
			moves := []lessons.Granularity{lessons.Op, lessons.Op, lessons.Step, lessons.Op, lessons.Step, lessons.Step}
			for i, g := range moves {
				b.Advance(g)
				if i == 3 {
					b.Back()
				}
				if p, q := sceneText(t, b.Parent.Scene()), sceneText(t, b.Branch.Scene()); p != q {
					t.Fatalf("after move %d the unchanged branch differs from its parent", i)
				}
			}
		})
	}
}

// A branch taken at the start with another value of a continuing control
// is the run a learner gets by starting with that value: the same
// positions, panels, goal and verdict.
func TestEveryLessonBranchEqualsAFreshRun(t *testing.T) {
	for _, l := range Registry().All() {
		c, ok := firstContinuing(l)
		if !ok {
			continue
		}
		t.Run(l.ID, func(t *testing.T) {
			r, err := lessons.Start(l, lessons.DefaultSeed, nil)
			if err != nil {
				t.Fatal(err)
			}
			v := c.Next(r.Settings()[c.Name], 1)
			if v == r.Settings()[c.Name] {
				v = c.Next(r.Settings()[c.Name], -1)
			}
			b, err := lessons.NewBranch(r, c.Name, v)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := lessons.Start(l, lessons.DefaultSeed, lessons.Settings{c.Name: v})
			if err != nil {
				t.Fatal(err)
			}
			for i, g := range []lessons.Granularity{lessons.Op, lessons.Op, lessons.Op, lessons.Step, lessons.Step} {
				b.Advance(g)
				fresh.Advance(g)
				got, want := b.Branch.Scene(), fresh.Scene()
				got.Narrative, want.Narrative = "", "" // may mention the change
				if sceneText(t, got) != sceneText(t, want) {
					t.Fatalf("%s %s → %s: after move %d the branch differs from a fresh run with %s = %s", c.Name, b.From, v, i, c.Name, v)
				}
			}
			if b.Parent.Settings()[c.Name] == v {
				t.Fatalf("the parent took the branch's %s", c.Name)
			}
		})
	}
}

// A branch on a control that restarts the lesson is the parent's history
// replayed from the start with the new value.
func TestBranchOnARestartingControlReplaysTheHistory(t *testing.T) {
	for _, l := range Registry().All() {
		var c lessons.Control
		for _, k := range l.Controls {
			if k.Restart && k.Kind == lessons.Choice && len(k.Choices) > 1 {
				c = k
				break
			}
		}
		if c.Name == "" {
			continue
		}
		t.Run(l.ID+"/"+c.Name, func(t *testing.T) {
			r, err := lessons.Start(l, lessons.DefaultSeed, nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Advance(lessons.Step)
			r.Advance(lessons.Op)
			r.Advance(lessons.Step)
			v := c.Choices[0]
			if v == r.Settings()[c.Name] {
				v = c.Choices[1]
			}
			b, err := lessons.NewBranch(r, c.Name, v)
			if err != nil {
				t.Fatal(err)
			}
			if !b.Restarted {
				t.Fatal("a restarting control did not restart the branch")
			}
			fresh, err := lessons.Start(l, lessons.DefaultSeed, lessons.Settings{c.Name: v})
			if err != nil {
				t.Fatal(err)
			}
			fresh.Advance(lessons.Step)
			fresh.Advance(lessons.Op)
			fresh.Advance(lessons.Step)
			if sceneText(t, b.Branch.Scene()) != sceneText(t, fresh.Scene()) {
				t.Fatalf("the branch with %s = %s is not the parent's actions replayed with it", c.Name, v)
			}
			b.Advance(lessons.Step)
			fresh.Advance(lessons.Step)
			if sceneText(t, b.Branch.Scene()) != sceneText(t, fresh.Scene()) {
				t.Fatal("the branch and the replay parted after one more step")
			}
			if cmp := b.Compare(); cmp.Table == nil || len(cmp.Table.Rows) < 2 {
				t.Fatalf("compare table = %+v", cmp.Table)
			}
		})
	}
}
