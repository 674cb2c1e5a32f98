package main

import (
	"encoding/csv"
	"fmt"
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

// TestClassroomGrade grades a roster of 31: ten solved, ten stubs, ten
// hostile (an exit in init, a forged test), and a folder that holds no
// exercises.
func TestClassroomGrade(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a roster of 31; runs without -short")
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
	want := map[string]string{}
	for i := range 10 {
		ada, bob, eve := fmt.Sprintf("ada%02d", i), fmt.Sprintf("bob%02d", i), fmt.Sprintf("eve%02d", i)
		move(miniKit(t, true), filepath.Join(roster, ada, "exercises")) // a whole repository
		want[ada] = ada + ",1,1,pass,1,4,4,1,"
		move(miniKit(t, false), filepath.Join(roster, bob)) // the exercises folder itself
		want[bob] = bob + ",0.5,1,fail,0,2,4,0.5,"
		dir := miniKit(t, true)
		if err := os.WriteFile(filepath.Join(dir, "mse", "exit.go"), []byte("package mse\n\nimport \"os\"\n\nfunc init() { os.Exit(0) }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "mse", "mse_test.go"), []byte("package mse\n\nimport \"testing\"\n\nfunc TestMSE(t *testing.T) {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		move(dir, filepath.Join(roster, eve))
		want[eve] = eve + ",0,1,error,0,0,4,0,"
	}
	if err := os.MkdirAll(filepath.Join(roster, "zed", "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "book")
	code, stdout, errs := dl(t, "classroom", "grade", roster, "mse", "--out", out)
	if code != 1 || !strings.Contains(stdout, "graded 30 learners (1 could not be graded)") {
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
	if strings.Join(rows[0], ",") != "learner,points,max_points,status,exercises_passed,checks_passed,checks,mse,note" || len(rows) != 32 {
		t.Errorf("header %v, %d rows", rows[0], len(rows))
	}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r
	}
	for name, w := range want {
		if strings.Join(got[name], ",") != w {
			t.Errorf("%s: %v, want %s", name, got[name], w)
		}
	}
	if z := got["zed"]; len(z) == 0 || !strings.Contains(z[len(z)-1], "is not an exercises folder") {
		t.Errorf("zed: %v", z)
	}
	board, _ := os.ReadFile(filepath.Join(out, "eve03", "scoreboard.txt"))
	if !strings.Contains(string(board), "os.Exit is called in mse.init") {
		t.Errorf("eve03's scoreboard:\n%s", board)
	}
	for _, f := range []string{"report.json", "results.json", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(out, "ada00", f)); err != nil {
			t.Errorf("ada00 has no %s", f)
		}
	}
}
