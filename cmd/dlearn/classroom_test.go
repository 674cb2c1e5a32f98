package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassroomExport(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the whole kit; runs without -short")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	dst := filepath.Join(t.TempDir(), "handout")
	t.Chdir(root)
	code, out, errs := dl(t, "classroom", "export", dst)
	if code != 0 || !strings.HasPrefix(out, "wrote ") || errs != "" {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dst, "solutions")); err == nil {
		t.Error("the hand-out has solutions/")
	}
	for _, f := range []string{"exercises/mse/mse.go", "exercises/mse/mse_test.go", "internal/checks/mse.go", "cmd/dlearn/main.go", "go.mod",
		".github/workflows/dlearn-grade.yml", ".gitlab-ci.yml"} {
		if _, err := os.Stat(filepath.Join(dst, f)); err != nil {
			t.Errorf("the hand-out lacks %s", f)
		}
	}
	sols, _ := filepath.Glob(filepath.Join(root, "solutions", "*", "*.go"))
	if len(sols) > 0 {
		handout := map[string]bool{}
		filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
				data, _ := os.ReadFile(p)
				handout[string(data)] = true
			}
			return nil
		})
		for _, s := range sols {
			if strings.HasSuffix(s, "_test.go") {
				continue
			}
			if data, _ := os.ReadFile(s); handout[string(data)] {
				t.Errorf("the hand-out contains %s", s)
			}
		}
	}
	wf, _ := os.ReadFile(filepath.Join(dst, ".github", "workflows", "dlearn-grade.yml"))
	if !strings.Contains(string(wf), "grade --dir exercises --junit junit.xml --results results.json") {
		t.Errorf("workflow:\n%s", wf)
	}
	if code, _, errs := dl(t, "classroom", "export", dst); code != 2 || !strings.Contains(errs, "is not empty") {
		t.Errorf("export into a full folder: %d %q", code, errs)
	}
}

// TestClassroomGrade grades a roster of four: one solved, one stub, one
// hostile, one folder that holds no exercises.
func TestClassroomGrade(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three harnesses; runs without -short")
	}
	t.Setenv("DLEARN_HOME", t.TempDir())
	roster := t.TempDir()
	move := func(from, to string) {
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}
	move(miniKit(t, true), filepath.Join(roster, "ada", "exercises")) // a whole repository
	move(miniKit(t, false), filepath.Join(roster, "bob"))             // the exercises folder itself
	eve := miniKit(t, true)
	if err := os.WriteFile(filepath.Join(eve, "mse", "exit.go"), []byte("package mse\n\nimport \"os\"\n\nfunc init() { os.Exit(0) }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	move(eve, filepath.Join(roster, "eve"))
	if err := os.MkdirAll(filepath.Join(roster, "zed", "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "book")
	code, stdout, errs := dl(t, "classroom", "grade", roster, "mse", "--out", out, "--jobs", "2")
	if code != 1 || !strings.Contains(stdout, "graded 3 learners (1 could not be graded)") {
		t.Fatalf("classroom grade: %d %q %q", code, stdout, errs)
	}
	f, err := os.Open(filepath.Join(out, "gradebook.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r
	}
	if strings.Join(rows[0], ",") != "learner,points,max_points,status,exercises_passed,checks_passed,checks,mse,note" {
		t.Errorf("header %v", rows[0])
	}
	for name, want := range map[string]string{
		"ada": "ada,1,1,pass,1,4,4,1,",
		"bob": "bob,0.5,1,fail,0,2,4,0.5,",
		"eve": "eve,0,1,error,0,0,4,0,",
	} {
		if strings.Join(got[name], ",") != want {
			t.Errorf("%s: %v, want %s", name, got[name], want)
		}
	}
	if z := got["zed"]; len(z) == 0 || !strings.Contains(z[len(z)-1], "is not an exercises folder") {
		t.Errorf("zed: %v", z)
	}
	board, _ := os.ReadFile(filepath.Join(out, "eve", "scoreboard.txt"))
	if !strings.Contains(string(board), "os.Exit is called in mse.init") {
		t.Errorf("eve's scoreboard:\n%s", board)
	}
	for _, f := range []string{"report.json", "results.json", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(out, "ada", f)); err != nil {
			t.Errorf("ada has no %s", f)
		}
	}
}
