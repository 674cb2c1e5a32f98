package tui

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/translate"
)

// Leaving a lesson that persists its checkpoints writes the latest beside
// the progress file; reopening restores it (the scene is the one left);
// a restart removes the file, which would be stale.
func TestReopenFromSavedCheckpoint(t *testing.T) {
	store := &progress.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	l := translate.Lesson()
	open := func() Model {
		m := New(lessons.NewRegistry(l), Options{Store: store, Seed: lessons.DefaultSeed, NoQuestions: true})
		m.c.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
		return keys(send(m, teaSize(120, 40)), "enter")
	}
	m := keys(open(), "e", "space", "space")
	want := m.player.sc
	if want.Pos.Epoch != 2 {
		t.Fatalf("two epochs: at epoch %d", want.Pos.Epoch)
	}
	keys(m, "esc")
	data := store.ReadCheckpoint(l.ID)
	if data == nil {
		t.Fatal("no checkpoint file after leaving the lesson")
	}
	st, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, restored, err := lessons.ResumeFrom(l, st.Lessons[l.ID].Journal, data); err != nil || !restored {
		t.Fatalf("the saved checkpoint does not fit the saved journal: restored %v, %v", restored, err)
	}
	m = open()
	if !reflect.DeepEqual(m.player.sc, want) {
		t.Fatalf("reopened at %+v, left at %+v", m.player.sc.Pos, want.Pos)
	}
	if m.player.note != "resumed where you left off" {
		t.Fatalf("note %q", m.player.note)
	}
	// While a branch runs beside the run, the run's checkpoints are saved
	// with its journal.
	m = keys(m, "s", "b", "space")
	if m.player.branch == nil {
		t.Fatalf("b made no branch: note %q", m.player.note)
	}
	keys(m, "esc")
	st, _, err = store.Load()
	if err != nil {
		t.Fatal(err)
	}
	j := st.Lessons[l.ID].Journal
	full, err := lessons.Resume(l, j)
	if err != nil {
		t.Fatal(err)
	}
	r, restored, err := lessons.ResumeFrom(l, j, store.ReadCheckpoint(l.ID))
	if err != nil || !restored || !reflect.DeepEqual(r.Scene(), full.Scene()) {
		t.Fatalf("saved while branched: restored %v, %v, or another scene than the replay's", restored, err)
	}
	m = open()
	keys(m, "R", "esc")
	if _, err := os.Stat(store.CheckpointPath(l.ID)); !os.IsNotExist(err) {
		t.Fatalf("after a restart the stale checkpoint file is still there (%v)", err)
	}
}
