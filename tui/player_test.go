package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
)

func openTest(t *testing.T, opts Options) Model {
	t.Helper()
	m := keys(newTestModel(t, 120, 40, opts), "enter")
	if m.screen != screenPlayer || !m.player.hasScene {
		t.Fatalf("enter did not open the lesson (screen %d)", m.screen)
	}
	return m
}

func TestStepAndBack(t *testing.T) {
	m := openTest(t, Options{})
	m = keys(m, "space", "right", "l")
	if got := m.player.sc.Pos.Step; got != 3 {
		t.Fatalf("after three steps at step %d, want 3", got)
	}
	m = keys(m, "o", "space")
	if pos := m.player.sc.Pos; pos.Step != 3 || pos.Op != 1 {
		t.Fatalf("after one op at %+v, want step 3 op 1", pos)
	}
	m = keys(m, "left", "h")
	if got := m.player.sc.Pos.Step; got != 2 {
		t.Fatalf("after two steps back at step %d, want 2", got)
	}
	m = keys(m, "e", "space")
	if got := m.player.sc.Pos.Step; got != 5 {
		t.Fatalf("after one epoch at step %d, want 5", got)
	}
	m = keys(m, "left", "left", "left", "left", "left", "left", "left")
	if m.player.canBack || !strings.Contains(m.player.note, "start") {
		t.Fatalf("at the start canBack=%v note=%q", m.player.canBack, m.player.note)
	}
}

func TestControls(t *testing.T) {
	m := openTest(t, Options{})
	if ctl := m.player.lesson.Controls[m.player.focus]; ctl.Name != "lr" {
		t.Fatalf("focus starts on %s, want the learning rate", ctl.Name)
	}
	m = keys(m, "space", "space", "]")
	if v := settingValue(m.player.sc, "lr", ""); v != "0.3" {
		t.Fatalf("lr = %s after ], want 0.3", v)
	}
	if !strings.Contains(m.player.note, "goes on from here") || m.player.sc.Pos.Step != 2 {
		t.Fatalf("continuing change: note %q at step %d", m.player.note, m.player.sc.Pos.Step)
	}
	m = keys(m, "tab", "[")
	if v := settingValue(m.player.sc, "batch", ""); v != "1" {
		t.Fatalf("batch = %s after [, want 1", v)
	}
	if !strings.Contains(m.player.note, "restarted") || m.player.sc.Pos.Step != 0 {
		t.Fatalf("restarting change: note %q at step %d", m.player.note, m.player.sc.Pos.Step)
	}
	m = keys(m, "[")
	if !strings.Contains(m.player.note, "lowest") {
		t.Fatalf("at the lowest rung the note is %q", m.player.note)
	}
}

func TestRunStopsAtEnd(t *testing.T) {
	m := openTest(t, Options{})
	m = keys(m, "+", "+", "-", "r")
	if !m.player.done || m.player.running || m.player.sc.Pos.Step != testSteps {
		t.Fatalf("after r: done=%v running=%v step %d", m.player.done, m.player.running, m.player.sc.Pos.Step)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "finished") {
		t.Error("the status line does not say the run finished")
	}
	m = keys(m, "space")
	if !strings.Contains(m.player.note, "over") {
		t.Errorf("stepping past the end: note %q", m.player.note)
	}
}

// A key pressed while a job runs is queued, not lost, and the run is not
// touched by two jobs at once.
func TestQueueWhileBusy(t *testing.T) {
	m := openTest(t, Options{})
	next, cmd := m.Update(press("space"))
	m = next.(Model)
	if !m.player.busy || cmd == nil {
		t.Fatal("space did not start a job")
	}
	next, cmd2 := m.Update(press("space"))
	m = next.(Model)
	if cmd2 != nil || len(m.player.queue) != 1 {
		t.Fatalf("a second space while busy: cmd %v queue %d", cmd2 != nil, len(m.player.queue))
	}
	m = send(m, cmd())
	if m.player.sc.Pos.Step != 2 || m.player.busy {
		t.Fatalf("after the queue drained: step %d busy %v", m.player.sc.Pos.Step, m.player.busy)
	}
}

// A job result that comes back after the learner left the lesson is
// dropped.
func TestStaleResultDropped(t *testing.T) {
	m := openTest(t, Options{})
	next, cmd := m.Update(press("space"))
	m = keys(next.(Model), "esc")
	m = send(m, cmd())
	if m.screen != screenHome || m.player.hasScene {
		t.Fatal("a stale job result changed the player")
	}
}

func TestProgressRemembered(t *testing.T) {
	dir := t.TempDir()
	store := &progress.Store{Path: filepath.Join(dir, "progress.json")}
	m := openTest(t, Options{Store: store})
	m = keys(m, "space", "space", "space", "o", "space", "esc")
	if m.screen != screenHome {
		t.Fatal("esc did not go home")
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "3 steps seen") {
		t.Error("home does not show the steps seen")
	}
	st, _, err := store.Load()
	if err != nil || st.Lessons[testLesson].StepsSeen != 3 {
		t.Fatalf("saved progress %+v, %v", st.Lessons[testLesson], err)
	}
	// A new launch resumes there.
	m = openTest(t, Options{Store: store})
	if pos := m.player.sc.Pos; pos.Step != 3 || pos.Op != 1 {
		t.Fatalf("resumed at %+v, want step 3 op 1", pos)
	}
	if !strings.Contains(m.player.note, "resumed") {
		t.Errorf("note %q", m.player.note)
	}
}

func TestQuitSaves(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	m := openTest(t, Options{Store: store})
	m = keys(m, "space", "space")
	_, cmd := m.Update(press("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	send(m, cmd())
	st, _, _ := store.Load()
	if st.Lessons[testLesson].StepsSeen != 2 {
		t.Fatalf("quit saved %+v", st.Lessons[testLesson])
	}
}

func TestResumeMisfitStartsAfresh(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	_, err := store.Update(func(st *progress.State) {
		st.Lessons[testLesson] = progress.Lesson{StepsSeen: 4, Journal: lessons.Journal{
			Settings: lessons.Settings{"nosuch": "1"}, Entries: []lessons.Entry{{G: "step", Count: 4}}}}
	})
	if err != nil {
		t.Fatal(err)
	}
	m := openTest(t, Options{Store: store})
	if m.player.sc.Pos.Step != 0 || !strings.Contains(m.player.note, "started afresh") {
		t.Fatalf("misfit journal: step %d note %q", m.player.sc.Pos.Step, m.player.note)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "started afresh") {
		t.Error("the status line does not say so")
	}
}

func TestCorruptProgressWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, 100, 30, Options{Store: &progress.Store{Path: path}})
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "progress file was unreadable") {
		t.Fatalf("home does not show the warning:\n%s", v)
	}
}

func TestOpenDirectly(t *testing.T) {
	m := New(testRegistry(), Options{Lesson: testLesson, Settings: lessons.Settings{"lr": "0.3"}})
	m.c.tick = newTestModel(t, 1, 1, Options{}).c.tick
	m = send(m, teaSize(120, 40), m.Init()())
	if m.screen != screenPlayer || settingValue(m.player.sc, "lr", "") != "0.3" {
		t.Fatalf("screen %d lr %s", m.screen, settingValue(m.player.sc, "lr", ""))
	}
	m = New(testRegistry(), Options{Lesson: "nosuch"})
	m = send(m, teaSize(120, 40), m.Init()())
	if m.screen != screenHome || !strings.Contains(ansi.Strip(m.View().Content), "unknown lesson") {
		t.Fatal("an unknown lesson id is not reported on the home screen")
	}
}

func TestHomeFilter(t *testing.T) {
	m := newTestModel(t, 100, 30, Options{})
	m = keys(m, "/", "p", "l", "enter")
	if m.screen != screenPlayer || m.player.lesson.ID != "plain" {
		t.Fatal("filter + enter did not open the matching lesson")
	}
	m = keys(m, "esc", "/", "z", "z", "z", "enter")
	if m.screen != screenHome || !strings.Contains(ansi.Strip(m.View().Content), "no lesson matches") {
		t.Fatal("an empty filter result is not shown")
	}
}

// The plain lesson has no controls, panels or exercises.
func TestPlainLesson(t *testing.T) {
	m := keys(newTestModel(t, 80, 24, Options{}), "down", "enter", "]", "tab", "space", "space", "space", "space", "x")
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "no exercises") {
		t.Fatalf("exercises view:\n%s", v)
	}
	m = keys(m, "x")
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "no settings") || !strings.Contains(v, "nothing to show") {
		t.Fatalf("player:\n%s", v)
	}
}

// compareRow is the row named name of the branch's comparison table.
func compareRow(t *testing.T, m Model, name string) []string {
	t.Helper()
	for _, p := range m.player.sc.Panels {
		if p.ID != "branch" || p.Table == nil {
			continue
		}
		for _, r := range p.Table.Rows {
			if r[0] == name {
				return r
			}
		}
	}
	t.Fatalf("no comparison row %q in the scene", name)
	return nil
}

// b branches on the focused control (one rung up) and both runs step
// together; [ ] change the branch's value only; R waits for the branch to
// end; B keeps the branch, b keeps the run.
func TestBranchKeys(t *testing.T) {
	m := openTest(t, Options{NoQuestions: true})
	m = keys(m, "space", "space", "b")
	if m.player.branch == nil || !strings.Contains(m.player.note, "branch: ") {
		t.Fatalf("b made no branch: note %q", m.player.note)
	}
	lr := settingValue(m.player.sc, "lr", "")
	row := compareRow(t, m, "lr")
	if row[1] != lr || row[2] == lr {
		t.Fatalf("compare row %v, want the run's %s and another value", row, lr)
	}
	m = keys(m, "space")
	if st := m.player.sc.Pos.Step; st != 3 {
		t.Fatalf("a branched step left the run at step %d, want 3", st)
	}
	up := row[2]
	m = keys(m, "]")
	if got := compareRow(t, m, "lr"); got[2] == up || got[1] != lr || settingValue(m.player.sc, "lr", "") != lr {
		t.Fatalf("] while branched: row %v, run's lr %s; want only the branch's lr to move from %s", got, settingValue(m.player.sc, "lr", ""), up)
	}
	branchLR := compareRow(t, m, "lr")[2]
	m = keys(m, "R")
	if !strings.Contains(m.player.note, "end the branch first") || m.player.sc.Pos.Step != 3 {
		t.Fatalf("R while branched: note %q at step %d", m.player.note, m.player.sc.Pos.Step)
	}
	m = keys(m, "B")
	if m.player.branch != nil || settingValue(m.player.sc, "lr", "") != branchLR || m.player.sc.Pos.Step != 3 {
		t.Fatalf("B: branch %v, lr %s (want %s), step %d", m.player.branch != nil, settingValue(m.player.sc, "lr", ""), branchLR, m.player.sc.Pos.Step)
	}
	m = keys(m, "b", "space", "b")
	if m.player.branch != nil || settingValue(m.player.sc, "lr", "") != branchLR || m.player.sc.Pos.Step != 4 || !strings.Contains(m.player.note, "as it was") {
		t.Fatalf("b, space, b: branch %v, lr %s, step %d, note %q", m.player.branch != nil, settingValue(m.player.sc, "lr", ""), m.player.sc.Pos.Step, m.player.note)
	}
	m = keys(m, "B")
	if !strings.Contains(m.player.note, "no branch") {
		t.Fatalf("B with no branch: note %q", m.player.note)
	}
}

// The gradient-check key runs the run's check as a job and shows its
// answer in the status line, without moving the run: for the test
// lesson, which trains without the trainer, the reason there is none.
func TestGradCheckKey(t *testing.T) {
	m := openTest(t, Options{})
	m = keys(m, "space")
	before := m.player.sc
	m = keys(m, "g")
	if m.player.note != lessons.ErrNoGradCheck.Error() {
		t.Fatalf("note %q, want %q", m.player.note, lessons.ErrNoGradCheck)
	}
	if m.player.sc.Pos != before.Pos {
		t.Fatalf("the check moved the run: %+v, was %+v", m.player.sc.Pos, before.Pos)
	}
}
