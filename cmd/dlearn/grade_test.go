package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/progress"
)

// miniKit copies the kit's exercises folder (the stubs) to a temporary
// folder, with the mse exercise solved or wrong as asked, and returns the
// copy.
func miniKit(t *testing.T, pass bool) string {
	t.Helper()
	src := filepath.Join("..", "..", "exercises")
	dir := filepath.Join(t.TempDir(), "exercises")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	body := "package mse\n\nfunc Loss(pred, target []float64) float64 {\n\ts := 0.0\n\tfor i := range pred {\n\t\td := pred[i] - target[i]\n\t\ts += d * d\n\t}\n\treturn s / float64(len(pred))\n}\n\n" +
		"func Grad(pred, target []float64) []float64 {\n\tg := make([]float64, len(pred))\n\tfor i := range pred {\n\t\tg[i] = %s * (pred[i] - target[i]) / float64(len(pred))\n\t}\n\treturn g\n}\n"
	factor := "2"
	if !pass {
		factor = "1"
	}
	if err := os.WriteFile(filepath.Join(dir, "mse", "mse.go"), []byte(fmt.Sprintf(body, factor)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestGradeExitCodesAndProgress(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	kit := miniKit(t, true)
	code, out, errs := dl(t, "grade", "--dir", kit, "mse")
	if code != 0 || !strings.Contains(out, "✓ mse  passed  4/4 checks · 1/1 points") || !strings.HasSuffix(out, "Points 1/1\n") || errs != "" {
		t.Fatalf("passing kit: code %d\n%s\nstderr %q", code, out, errs)
	}
	code, out, _ = dl(t, "grade", "--dir", miniKit(t, false), "mse")
	if code != 1 || !strings.Contains(out, "did you forget the factor 2") || !strings.HasSuffix(out, "Points 0.5/1\n") {
		t.Fatalf("failing kit: code %d\n%s", code, out)
	}
	// Grades of a folder given with --dir are another learner's: they
	// never go into the local progress.
	store, _ := progress.Open()
	st, _, err := store.Load()
	if err != nil || len(st.Exercises) != 0 {
		t.Errorf("progress after grading other folders: %+v %v", st.Exercises, err)
	}
	// Grading one's own kit (found from the current folder) records.
	t.Chdir(filepath.Dir(kit))
	if code, out, _ := dl(t, "grade", "mse"); code != 0 {
		t.Fatalf("own kit: code %d\n%s", code, out)
	}
	st, _, err = store.Load()
	if err != nil || st.Exercises["mse"].Status != "pass" || st.Exercises["mse"].Total != 4 {
		t.Errorf("progress after grading: %+v %v", st.Exercises, err)
	}
}

func TestGradeUserErrors(t *testing.T) {
	kit := miniKit(t, true)
	weights := filepath.Join(t.TempDir(), "weights.json")
	if err := os.WriteFile(weights, []byte(`{"mse": "two"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"grade", "--dir", kit, "nosuch"},
		{"grade", "--dir", t.TempDir()},
		{"grade", "--dir", filepath.Join("..", "..")}, // the kit's root: not an exercises folder
		{"grade", "--dir", filepath.Join(kit, "nosuch")},
		{"grade", "--dir", kit, "--timeout", "0s"},
		{"grade", "--dir", kit, "--overlay", filepath.Join(kit, "missing.json")},
		{"grade", "--dir", kit, "--weights", weights},
		{"grade", "--dir", kit, "--junit", kit},
		{"grade", "--dir", kit, "--results", filepath.Join(kit, "mse", "mse.go", "results.json")},
		{"watch", "--dir", kit, "nosuch"},
	} {
		code, out, errs := dl(t, args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dlearn: grade: ") || out != "" {
			t.Errorf("%v: code %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	_, _, errs := dl(t, "grade", "--dir", kit, "nosuch")
	if !strings.Contains(errs, `no exercise "nosuch"; the exercises are: mse, logistic`) {
		t.Errorf("unknown exercise: %q", errs)
	}
}

func TestGradeReports(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	kit := miniKit(t, false)
	out := t.TempDir()
	results, junit := filepath.Join(out, "results.json"), filepath.Join(out, "sub", "junit.xml")
	code, stdout, errs := dl(t, "grade", "--dir", kit, "--json", "--results", results, "--junit", junit, "mse")
	if code != 1 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	var rep grade.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Status != grade.Fail || rep.Exercises[0].Checks[2].Name != "Grad_hand_computed" {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	var ex struct {
		Version int
		Status  string
		Tests   []struct{ Name, Status, Message, TestCode string }
	}
	data, _ := os.ReadFile(results)
	if err := json.Unmarshal(data, &ex); err != nil || ex.Version != 3 || ex.Status != "fail" || len(ex.Tests) != 4 ||
		ex.Tests[2].Name != "mse: Grad hand computed" || !strings.Contains(ex.Tests[2].Message, "factor 2") {
		t.Errorf("results.json: %v\n%s", err, data)
	}
	data, _ = os.ReadFile(junit)
	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(data, &ju); err != nil || ju.Tests != 4 || ju.Failures != 2 {
		t.Errorf("junit: %v\n%s", err, data)
	}
}
