package progress

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons"
)

// bump adds one to lesson id's StepsSeen as read from the file: a lost
// update between writers shows as a smaller count.
func bump(st *State, id string) {
	l := st.Lessons[id]
	l.StepsSeen++
	l.Journal.Entries = []lessons.Entry{{G: "step", Count: l.StepsSeen}}
	st.Lessons[id] = l
}

// Two stores on one file, writing at once, each on its own lesson: both
// keep every update.
func TestConcurrentStoresKeepEveryUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	const n = 150
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, id := range []string{"linreg", "logreg"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &Store{Path: path} // a store of its own, with its own lock file handle
			for range n {
				if _, err := s.Update(func(st *State) { bump(st, id) }); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, _, err := (&Store{Path: path}).Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"linreg", "logreg"} {
		if got := st.Lessons[id].StepsSeen; got != n {
			t.Errorf("%s: %d of %d updates kept", id, got, n)
		}
	}
}

// The same with two processes: the lock works across processes, not
// only between goroutines.
func TestConcurrentProcessesKeepEveryUpdate(t *testing.T) {
	if id := os.Getenv("DLEARN_PROGRESS_WRITER"); id != "" {
		n, _ := strconv.Atoi(os.Getenv("DLEARN_PROGRESS_N"))
		s := &Store{Path: os.Getenv("DLEARN_PROGRESS_PATH")}
		for range n {
			if _, err := s.Update(func(st *State) { bump(st, id) }); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "progress.json")
	const n = 100
	var cmds []*exec.Cmd
	for _, id := range []string{"linreg", "logreg"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcessesKeepEveryUpdate$")
		cmd.Env = append(os.Environ(), "DLEARN_PROGRESS_WRITER="+id, "DLEARN_PROGRESS_PATH="+path, fmt.Sprint("DLEARN_PROGRESS_N=", n))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	st, _, err := (&Store{Path: path}).Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"linreg", "logreg"} {
		if got := st.Lessons[id].StepsSeen; got != n {
			t.Errorf("%s: %d of %d updates kept", id, got, n)
		}
	}
}

// While another holds the lock, Update waits for it.
func TestUpdateWaitsForTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	holder := &Store{Path: path}
	release, err := holder.lock()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := (&Store{Path: path}).Update(func(st *State) { bump(st, "linreg") })
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Update went on while the lock was held (%v)", err)
	case <-time.After(150 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestSymlinkIsWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "dlearn-progress.json")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "home", "progress.json")
	os.MkdirAll(filepath.Dir(link), 0o755)
	if err := os.Symlink("../dotfiles/dlearn-progress.json", link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	s := &Store{Path: link}
	// The target does not exist yet: the first save creates it.
	for i := range 2 {
		if _, err := s.Update(func(st *State) { bump(st, "linreg") }); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		fi, err := os.Lstat(link)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("update %d: the link was replaced (%v, %v)", i, fi.Mode(), err)
		}
		data, err := os.ReadFile(real)
		if err != nil || !strings.Contains(string(data), fmt.Sprintf(`"steps_seen": %d`, i+1)) {
			t.Fatalf("update %d: the target holds %q (%v)", i, data, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(real))
	if len(entries) != 1 {
		t.Errorf("files beside the target: %v", entries)
	}
}

func TestReadOnlyFileIsNotOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	s := &Store{Path: path}
	if _, err := s.Update(func(st *State) { bump(st, "linreg") }); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	st, warning, err := s.Load()
	if err != nil || st.Lessons["linreg"].StepsSeen != 1 || !strings.Contains(warning, "read-only") {
		t.Fatalf("load of a read-only file: %v %q %v", st, warning, err)
	}
	_, err = s.Update(func(st *State) { bump(st, "linreg") })
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("update of a read-only file: %v", err)
	}
	after, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(after) != string(before) || fi.Mode().Perm() != 0o444 {
		t.Fatalf("the read-only file changed: mode %v", fi.Mode())
	}
}

func TestSaveKeepsThePermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	os.WriteFile(path, []byte(`{"version":1}`), 0o600)
	os.Chmod(path, 0o600)
	if _, err := (&Store{Path: path}).Update(func(st *State) { bump(st, "linreg") }); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v after a save, want 0600", fi.Mode())
	}
}

func TestUnknownFieldsSurvive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	in := `{"version": 1, "future": {"x": [1, 2]},
	  "lessons": {"linreg": {"journal": {"seed": 3, "settings": {"lr": "0.1"}}, "steps_seen": 2, "updated": "2026-01-01T00:00:00Z", "bookmark": "epoch 2"}},
	  "exercises": {"mse": {"status": "pass", "passed": 1, "total": 1, "graded": "2026-01-01T00:00:00Z", "hint_level": 3}},
	  "prefs": {"no_questions": true, "theme": "sepia"}}`
	os.WriteFile(path, []byte(in), 0o644)
	s := &Store{Path: path}
	if _, err := s.Update(func(st *State) { bump(st, "logreg") }); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	lessonsMap := got["lessons"].(map[string]any)
	checks := map[string]any{
		"future":          got["future"],
		"lesson bookmark": lessonsMap["linreg"].(map[string]any)["bookmark"],
		"exercise hint":   got["exercises"].(map[string]any)["mse"].(map[string]any)["hint_level"],
		"prefs theme":     got["prefs"].(map[string]any)["theme"],
	}
	for what, v := range checks {
		if v == nil {
			t.Errorf("%s was dropped:\n%s", what, data)
		}
	}
	st, _, _ := s.Load()
	if !st.Prefs.NoQuestions || st.Lessons["linreg"].StepsSeen != 2 || st.Lessons["logreg"].StepsSeen != 1 {
		t.Fatalf("known fields: %+v", st)
	}
}

func TestStaleTempFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	for i := range 3 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf(".progress.json.tmp-%d", i)), []byte("half"), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "other.tmp-1"), []byte("not ours"), 0o644)
	if _, err := (&Store{Path: path}).Update(func(st *State) { bump(st, "linreg") }); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".progress.json.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.tmp-1")); err != nil {
		t.Error("a file that is not ours was removed")
	}

	// At start, without the lock: only the ones old enough to be stale.
	old := filepath.Join(dir, ".progress.json.tmp-old")
	fresh := filepath.Join(dir, ".progress.json.tmp-fresh")
	os.WriteFile(old, []byte("half"), 0o644)
	os.WriteFile(fresh, []byte("half"), 0o644)
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(old, hourAgo, hourAgo)
	if n := (&Store{Path: path}).RemoveStaleTemps(); n != 1 {
		t.Fatalf("removed %d at start, want 1", n)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary file being written now was removed")
	}
}

// A crafted file cannot make Load (or a resume) do unbounded work: long
// journals are cut, huge files are set aside.
func TestLoadIsBounded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	st := empty()
	entries := make([]lessons.Entry, MaxJournalEntries*3)
	for i := range entries {
		entries[i] = lessons.Entry{Name: "lr", Value: "0.1"}
	}
	st.Lessons["cnn"] = Lesson{Journal: lessons.Journal{Seed: 1, Entries: entries}}
	st.Lessons["linreg"] = Lesson{Journal: lessons.Journal{Seed: 1, Entries: entries[:5]}}
	data, _ := json.Marshal(st)
	os.WriteFile(path, data, 0o644)
	got, warning, err := (&Store{Path: path}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Lessons["cnn"].Journal.Entries); n != MaxJournalEntries {
		t.Errorf("cnn kept %d entries, want %d", n, MaxJournalEntries)
	}
	if n := len(got.Lessons["linreg"].Journal.Entries); n != 5 {
		t.Errorf("linreg kept %d entries, want 5", n)
	}
	if !strings.Contains(warning, "cnn") || !strings.Contains(warning, "kept the first") {
		t.Errorf("warning %q", warning)
	}

	big := make([]byte, MaxFileSize+10)
	copy(big, `{"version":1,"lessons":{}}`)
	for i := 26; i < len(big); i++ {
		big[i] = ' '
	}
	os.WriteFile(path, big, 0o644)
	got, warning, err = (&Store{Path: path}).Load()
	if err != nil || len(got.Lessons) != 0 || !strings.Contains(warning, "larger than") {
		t.Fatalf("a huge file: %v %q %v", got, warning, err)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 1 {
		t.Fatalf("the huge file was not kept aside: %v", aside)
	}
}

// A folder where the file should be, or a file where the folder should
// be, is an error, not an empty state that a save would then lose.
func TestUnusablePathsAreErrors(t *testing.T) {
	dir := t.TempDir()
	asDir := filepath.Join(dir, "progress.json")
	os.Mkdir(asDir, 0o755)
	if _, _, err := (&Store{Path: asDir}).Load(); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("progress.json as a folder: %v", err)
	}
	if _, err := (&Store{Path: asDir}).Update(func(*State) {}); err == nil {
		t.Error("an update into a folder succeeded")
	}
	file := filepath.Join(dir, "home")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := (&Store{Path: filepath.Join(file, "progress.json")}).Update(func(*State) {}); err == nil {
		t.Error("an update under a file succeeded")
	}
}

// A file written by a newer dlearn is neither set aside nor overwritten.
func TestNewerFormatIsLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	for _, in := range []string{`{"version": 99, "lessons": {}}`, `{"version": 2, "lessons": [1, 2]}`} {
		os.WriteFile(path, []byte(in), 0o644)
		s := &Store{Path: path}
		if _, _, err := s.Load(); err == nil || !strings.Contains(err.Error(), "newer dlearn") {
			t.Fatalf("%s: load: %v", in, err)
		}
		if _, err := s.Update(func(st *State) { bump(st, "linreg") }); err == nil {
			t.Fatalf("%s: an update succeeded", in)
		}
		if got, _ := os.ReadFile(path); string(got) != in {
			t.Fatalf("%s: the file changed to %s", in, got)
		}
		if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
			t.Fatalf("%s: set aside as %v", in, aside)
		}
	}
}

// Files of millions of tiny values, each within MaxFileSize, are set
// aside after one streaming pass instead of being decoded.
func TestCraftedShapesAreSetAside(t *testing.T) {
	many := func(n int, item func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = item(i)
		}
		return strings.Join(parts, ",")
	}
	cases := map[string]string{
		"entries": `{"version":1,"lessons":{"cnn":{"journal":{"entries":[` +
			many(maxTotalEntries+1, func(int) string { return "{}" }) + `]}}}}`,
		"entries in many lessons": `{"version":1,"lessons":{` + many(30, func(i int) string {
			return fmt.Sprintf(`"l%d":{"journal":{"entries":[%s]}}`, i, many(maxTotalEntries/29, func(int) string { return "{}" }))
		}) + `}}`,
		"lessons":   `{"version":1,"LESSONS":{` + many(maxLessons+1, func(i int) string { return fmt.Sprintf(`"%d":{}`, i) }) + `}}`,
		"exercises": `{"version":1,"exercises":{` + many(maxExercises+1, func(i int) string { return fmt.Sprintf(`"%d":{}`, i) }) + `}}`,
		"answers":   `{"version":1,"lessons":{"a":{"answers":{` + many(maxAnswers+1, func(i int) string { return fmt.Sprintf(`"%d":true`, i) }) + `}}}}`,
		"deep":      `{"version":1,"x":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + `}`,
	}
	for name, in := range cases {
		path := filepath.Join(t.TempDir(), "progress.json")
		os.WriteFile(path, []byte(in), 0o644)
		st, warning, err := (&Store{Path: path}).Load()
		if err != nil || len(st.Lessons) != 0 || !strings.Contains(warning, "too large to load") {
			t.Errorf("%s: %d lessons, %q, %v", name, len(st.Lessons), warning, err)
		}
	}
	// Right at the limits, a file loads.
	ok := `{"version":1,"lessons":{` + many(maxLessons, func(i int) string {
		if i == 0 {
			return `"a":{"answers":{` + many(maxAnswers, func(i int) string { return fmt.Sprintf(`"%d":true`, i) }) + `}}`
		}
		return fmt.Sprintf(`"%d":{"journal":{"entries":[{"g":"step","n":1}]}}`, i)
	}) + `},"exercises":{"mse":{"status":"pass"}}}`
	path := filepath.Join(t.TempDir(), "progress.json")
	os.WriteFile(path, []byte(ok), 0o644)
	st, warning, err := (&Store{Path: path}).Load()
	if err != nil || warning != "" || len(st.Lessons) != maxLessons || len(st.Lessons["a"].Answers) != maxAnswers {
		t.Fatalf("a file at the limits: %d lessons, %q, %v", len(st.Lessons), warning, err)
	}
}
