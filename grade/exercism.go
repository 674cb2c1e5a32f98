package grade

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// exercismResults is the results.json of Exercism's test runners,
// version 3: https://exercism.org/docs/building/tooling/test-runners/interface
type exercismResults struct {
	Version int            `json:"version"`
	Status  string         `json:"status"` // pass, fail or error
	Message string         `json:"message,omitempty"`
	Tests   []exercismTest `json:"tests"`
}

type exercismTest struct {
	Name     string `json:"name"`
	TestCode string `json:"test_code"`
	Status   string `json:"status"` // pass, fail or error
	Message  string `json:"message,omitempty"`
	Output   string `json:"output,omitempty"`
	TaskID   int    `json:"task_id"`
}

// exercismOutputLimit is the most of a test's output results.json keeps.
const exercismOutputLimit = 500

// ExercismResults returns the report as Exercism's results.json v3: one
// test per check, in the report's order, with each exercise as a task
// (task_id counts exercises from 1). test_code is the exercise's test
// function, read from its _test.go files in dir. An exercise that could
// not be graded makes the whole status "error", with its message.
func ExercismResults(r *Report, dir string) ([]byte, error) {
	out := exercismResults{Version: 3, Status: string(r.Status), Tests: []exercismTest{}}
	var errs []string
	for i, e := range r.Exercises {
		if e.Status == Error && e.Message != "" {
			errs = append(errs, e.Name+": "+e.Message)
		}
		code := testCode(filepath.Join(dir, e.Name))
		for _, c := range e.Checks {
			t := exercismTest{Name: e.Name + ": " + c.Title(), Status: string(c.Status), TaskID: i + 1,
				Message: c.Message, Output: capString(c.Output, exercismOutputLimit)}
			top, sub, isSub := strings.Cut(c.Test, "/")
			t.TestCode = code[top]
			if isSub && t.TestCode != "" {
				t.TestCode += "\n// check: " + sub
			}
			switch c.Status {
			case Pass:
				t.Message = ""
			case Todo:
				t.Status = string(Fail)
			}
			out.Tests = append(out.Tests, t)
		}
	}
	if out.Status == string(Error) {
		out.Message = strings.Join(errs, "\n\n")
	}
	data, err := json.MarshalIndent(out, "", "  ")
	return append(data, '\n'), err
}

// testCode returns the source of each Test function's body in the
// _test.go files of dir, by name; files that do not parse are skipped.
func testCode(dir string) map[string]string {
	code := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") {
				continue
			}
			body := src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset]
			code[fn.Name.Name] = dedent(string(body))
		}
	}
	return code
}

// dedent trims blank edges and the common leading tabs of a body.
func dedent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// capString keeps at most n bytes of s, cut at a rune boundary, marking
// the cut.
func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const more = "…"
	cut := n - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}
