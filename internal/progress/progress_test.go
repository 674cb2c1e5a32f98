package progress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	st, warn, err := s.Load()
	if err != nil || warn != "" || len(st.Lessons) != 0 {
		t.Fatalf("missing file: %v %q %v", st, warn, err)
	}
	st.Lessons["linreg"] = Lesson{Journal: lessons.Journal{Seed: 42, Settings: lessons.Settings{"lr": "0.1"},
		Entries: []lessons.Entry{{G: "step", Count: 3}}}, StepsSeen: 3}
	st.Exercises["mse"] = Exercise{Status: "pass", Passed: 4, Total: 4}
	if err := s.Save(st); err != nil {
		t.Fatal(err)
	}
	got, warn, err := s.Load()
	if err != nil || warn != "" {
		t.Fatal(err, warn)
	}
	if got.Lessons["linreg"].Journal.Entries[0].Count != 3 || got.Exercises["mse"].Status != "pass" {
		t.Fatalf("round trip: %+v", got)
	}
}

func TestCorruptFileIsSetAside(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Path: filepath.Join(dir, "progress.json")}
	for _, bad := range []string{"{not json", `{"version": 0}`, "\x00\x01", `{"version": 1, "lessons": []}`} {
		os.WriteFile(s.Path, []byte(bad), 0o644)
		st, warn, err := s.Load()
		if err != nil || st == nil || !strings.Contains(warn, "corrupt") {
			t.Fatalf("%q: %v %q %v", bad, st, warn, err)
		}
		if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
			t.Fatalf("%q: the corrupt file is still in place", bad)
		}
		matches, _ := filepath.Glob(s.Path + ".corrupt-*")
		if len(matches) == 0 {
			t.Fatalf("%q: the corrupt file was not kept", bad)
		}
		kept, _ := os.ReadFile(matches[0])
		if len(kept) == 0 {
			t.Fatal("kept file is empty")
		}
		for _, m := range matches {
			os.Remove(m)
		}
	}
}

func TestUpdateAndDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DLEARN_HOME", dir)
	s, err := Open()
	if err != nil || s.Path != filepath.Join(dir, "progress.json") {
		t.Fatalf("Open: %v %v", s, err)
	}
	for i := range 3 {
		if _, err := s.Update(func(st *State) {
			e := st.Exercises["mse"]
			e.Passed = i + 1
			st.Exercises["mse"] = e
		}); err != nil {
			t.Fatal(err)
		}
	}
	st, _, _ := s.Load()
	if st.Exercises["mse"].Passed != 3 {
		t.Fatalf("updates lost: %+v", st.Exercises)
	}
}

func TestAnswersAndPrefsRoundTrip(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	var l Lesson
	if !l.RecordAnswer("q1", true) || !l.RecordAnswer("q2", false) {
		t.Fatal("first answers were not recorded")
	}
	if l.RecordAnswer("q1", false) || l.RecordAnswer("", true) {
		t.Fatal("a second answer (or one without an id) was recorded")
	}
	if r, n := l.Score(); r != 1 || n != 2 {
		t.Fatalf("score %d/%d, want 1/2", r, n)
	}
	st := empty()
	st.Lessons["linreg"] = l
	st.Prefs.NoQuestions = true
	if err := s.Save(st); err != nil {
		t.Fatal(err)
	}
	got, warning, err := s.Load()
	if err != nil || warning != "" {
		t.Fatalf("load: %v %q", err, warning)
	}
	if r, n := got.Lessons["linreg"].Score(); r != 1 || n != 2 || !got.Prefs.NoQuestions {
		t.Fatalf("after a round trip: score %d/%d, no questions %v", r, n, got.Prefs.NoQuestions)
	}
}
