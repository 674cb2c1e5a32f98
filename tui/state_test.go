package tui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
)

// runSeq runs cmd and, when it is a tea.Sequence or tea.Batch, each of
// its commands in order, and returns the messages they produced.
func runSeq(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	v := reflect.ValueOf(msg)
	if msg == nil || v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return []tea.Msg{msg}
	}
	var out []tea.Msg
	for i := range v.Len() {
		out = append(out, runSeq(v.Index(i).Interface().(tea.Cmd))...)
	}
	return out
}

// A signal (SIGTERM, SIGHUP, SIGINT) reaching the app as a message saves
// the open lesson's place, then quits.
func TestSignalSavesThenQuits(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
		m := openTest(t, Options{Store: store})
		m = keys(m, "space", "space", "space")
		// What is saved is the place on screen, whatever autosaves did.
		os.Remove(store.Path)
		_, cmd := m.Update(signalMsg{sig: sig})
		msgs := runSeq(cmd)
		if len(msgs) == 0 {
			t.Fatalf("%v: no command", sig)
		}
		if _, ok := msgs[len(msgs)-1].(tea.QuitMsg); !ok {
			t.Fatalf("%v: the last message is %T, not a quit", sig, msgs[len(msgs)-1])
		}
		st, _, err := store.Load()
		if err != nil || st.Lessons[testLesson].StepsSeen != 3 || len(st.Lessons[testLesson].Journal.Entries) == 0 {
			t.Fatalf("%v: saved %+v (%v)", sig, st.Lessons[testLesson], err)
		}
		// On the home screen there is nothing to save: it just quits.
		home := newTestModel(t, 80, 24, Options{Store: store})
		_, cmd = home.Update(signalMsg{sig: sig})
		if msgs := runSeq(cmd); len(msgs) != 1 {
			t.Fatalf("%v at home: %v", sig, msgs)
		} else if _, ok := msgs[0].(tea.QuitMsg); !ok {
			t.Fatalf("%v at home: %T", sig, msgs[0])
		}
	}
}

func TestSignalErrorExitCodes(t *testing.T) {
	for sig, code := range map[syscall.Signal]int{syscall.SIGTERM: 143, syscall.SIGHUP: 129, syscall.SIGINT: 130} {
		e := &SignalError{Signal: sig}
		if e.ExitCode() != code || !strings.Contains(e.Error(), "SIG") {
			t.Errorf("%v: code %d, message %q", sig, e.ExitCode(), e.Error())
		}
	}
}

// The place is saved a few seconds after it changes, with the lesson
// still open, off the UI goroutine (a command).
func TestAutosaveWhileOpen(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	m := openTest(t, Options{Store: store})
	var asked []time.Duration
	tick := m.c.tick
	m.c.tick = func(d time.Duration, msg tea.Msg) tea.Cmd {
		if _, ok := msg.(autosaveMsg); ok {
			asked = append(asked, d)
		}
		return tick(d, msg)
	}
	m = keys(m, "space", "space")
	if len(asked) == 0 || asked[0] != autosaveEvery {
		t.Fatalf("autosave ticks asked: %v", asked)
	}
	st, _, err := store.Load()
	if err != nil || st.Lessons[testLesson].StepsSeen != 2 {
		t.Fatalf("after two steps with the lesson open, saved %+v (%v)", st.Lessons[testLesson], err)
	}
	if m.screen != screenPlayer {
		t.Fatal("the lesson closed")
	}
	// No change, no save: the tick that comes finds nothing to do.
	_, cmd := m.Update(autosaveMsg{gen: m.player.gen})
	if cmd != nil {
		t.Fatal("an autosave with nothing changed saved")
	}
}

// A progress problem shows in the status line when a lesson is opened
// directly, where the home screen never shows.
func TestProgressWarningShownWhenOpenedDirectly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	os.WriteFile(path, []byte("{not json"), 0o644)
	m := New(testRegistry(), Options{Store: &progress.Store{Path: path}, Lesson: testLesson})
	m.c.tick = newTestModel(t, 1, 1, Options{}).c.tick
	m = send(m, teaSize(120, 40), m.Init()())
	if m.screen != screenPlayer {
		t.Fatal("the lesson did not open")
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "progress file was unreadable") {
		t.Fatalf("the warning is not on screen:\n%s", v)
	}
	// DLEARN_HOME is a file: nothing can be saved, and the lesson says so.
	file := filepath.Join(t.TempDir(), "home")
	os.WriteFile(file, []byte("x"), 0o644)
	m = New(testRegistry(), Options{Store: &progress.Store{Path: filepath.Join(file, "progress.json")}, Lesson: testLesson})
	m.c.tick = newTestModel(t, 1, 1, Options{}).c.tick
	m = send(m, teaSize(120, 40), m.Init()())
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "progress is not saved this time") {
		t.Fatalf("an unusable folder is not on screen:\n%s", v)
	}
}

// A save that fails says so in the status line, and Run's stderr line
// (the problem) keeps it.
func TestSaveFailureShown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	store := &progress.Store{Path: path}
	if _, err := store.Update(func(*progress.State) {}); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o444)
	m := openTest(t, Options{Store: store})
	if !strings.Contains(m.player.note, "read-only") {
		t.Errorf("opening: note %q", m.player.note)
	}
	m = keys(m, "space")
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "could not save progress") || !strings.Contains(m.c.problem, "read-only") {
		t.Fatalf("a failed save is not shown (problem %q):\n%s", m.c.problem, v)
	}
	// Once saving works again, the problem is gone.
	os.Chmod(path, 0o644)
	m = keys(m, "space")
	if m.c.problem != "" {
		t.Fatalf("after a good save the problem is %q", m.c.problem)
	}
}

// Two apps on one progress file, in different lessons, both keep their
// places; an older save of a lesson does not replace a newer one.
func TestTwoAppsKeepBothPlaces(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	a := openTest(t, Options{Store: store})
	b := keys(newTestModel(t, 120, 40, Options{Store: store}), "down", "enter")
	if b.player.lesson.ID != "plain" {
		t.Fatalf("b opened %s", b.player.lesson.ID)
	}
	a = keys(a, "space", "space", "space")
	b = keys(b, "space", "space")
	a = keys(a, "esc")
	b = keys(b, "esc")
	st, _, err := store.Load()
	if err != nil || st.Lessons[testLesson].StepsSeen != 3 || st.Lessons["plain"].StepsSeen == 0 {
		t.Fatalf("saved %+v (%v)", st.Lessons, err)
	}

	defer func(f func() time.Time) { now = f }(now)
	later := time.Now().Add(time.Hour)
	now = func() time.Time { return later }
	newer := saveJob(a.c, testLesson, lessons.Journal{Seed: 9}, nil, 3)
	now = func() time.Time { return later.Add(-time.Minute) }
	older := saveJob(a.c, testLesson, lessons.Journal{Seed: 1}, nil, 3)
	newer()
	older() // finishes last, but is older
	st, _, _ = store.Load()
	if got := st.Lessons[testLesson].Journal.Seed; got != 9 {
		t.Fatalf("the older save replaced the newer place (seed %d)", got)
	}
}
