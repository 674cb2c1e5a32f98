package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/progress"
)

// miniKit writes a course kit in miniature, exercises/ with one exercise
// ("double") whose check passes or fails as asked, and returns the
// exercises folder.
func miniKit(t *testing.T, pass bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exercises")
	body := "return 2 * x"
	if !pass {
		body = "return x"
	}
	files := map[string]string{
		"go.mod":                "module example.com/kit/exercises\n\ngo 1.26\n",
		"double/double.go":      "package double\n\nfunc Double(x int) int { " + body + " }\n",
		"double/double_test.go": "package double\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tt.Run(\"three\", func(t *testing.T) {\n\t\tif Double(3) != 6 {\n\t\t\tt.Errorf(\"Double(3) = %d, want 6\", Double(3))\n\t\t}\n\t})\n}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGradeExitCodesAndProgress(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	code, out, errs := dl(t, "grade", "--dir", miniKit(t, true))
	if code != 0 || !strings.Contains(out, "✓ double  passed  1/1 checks") || !strings.HasSuffix(out, "Points 1/1\n") || errs != "" {
		t.Fatalf("passing kit: code %d\n%s\nstderr %q", code, out, errs)
	}
	code, out, _ = dl(t, "grade", "--dir", miniKit(t, false), "double")
	if code != 1 || !strings.Contains(out, "Double(3) = 3, want 6") || !strings.HasSuffix(out, "Points 0/1\n") {
		t.Fatalf("failing kit: code %d\n%s", code, out)
	}
	store, _ := progress.Open()
	st, _, err := store.Load()
	if err != nil || st.Exercises["double"].Status != "fail" || st.Exercises["double"].Total != 1 {
		t.Errorf("progress after grading: %+v %v", st.Exercises, err)
	}
}

func TestGradeUserErrors(t *testing.T) {
	kit := miniKit(t, true)
	for _, args := range [][]string{
		{"grade", "--dir", kit, "nosuch"},
		{"grade", "--dir", t.TempDir()},
		{"grade", "--dir", kit, "--timeout", "0s"},
		{"grade", "--dir", kit, "--overlay", filepath.Join(kit, "missing.json")},
		{"watch", "--dir", kit, "nosuch"},
	} {
		code, out, errs := dl(t, args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dlearn: grade: ") || out != "" {
			t.Errorf("%v: code %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	_, _, errs := dl(t, "grade", "--dir", kit, "nosuch")
	if !strings.Contains(errs, `no exercise "nosuch"; the exercises are: double`) {
		t.Errorf("unknown exercise: %q", errs)
	}
}

func TestGradeReports(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	kit := miniKit(t, false)
	out := t.TempDir()
	results, junit := filepath.Join(out, "results.json"), filepath.Join(out, "sub", "junit.xml")
	code, stdout, errs := dl(t, "grade", "--dir", kit, "--json", "--results", results, "--junit", junit)
	if code != 1 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	var rep grade.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Status != grade.Fail || rep.Exercises[0].Checks[0].Name != "three" {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	var ex struct {
		Version int
		Status  string
		Tests   []struct{ Name, Status, Message, TestCode string }
	}
	data, _ := os.ReadFile(results)
	if err := json.Unmarshal(data, &ex); err != nil || ex.Version != 3 || ex.Status != "fail" || len(ex.Tests) != 1 ||
		ex.Tests[0].Name != "double: three" || !strings.Contains(ex.Tests[0].Message, "want 6") {
		t.Errorf("results.json: %v\n%s", err, data)
	}
	data, _ = os.ReadFile(junit)
	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(data, &ju); err != nil || ju.Tests != 1 || ju.Failures != 1 {
		t.Errorf("junit: %v\n%s", err, data)
	}
}
