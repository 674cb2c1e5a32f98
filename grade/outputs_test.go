package grade

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/dlearn/dlearn/internal/progress"
)

// fixtureReport is a report of every kind of result: a pass, a fail with
// the learner's output, a todo, a crash with a check after it, a build
// failure with its checks not run.
func fixtureReport() *Report {
	exs := []Exercise{
		{Name: "mse", Package: "github.com/dlearn/dlearn/exercises/mse", Checks: []Check{
			{Name: "Loss_hand_computed", Test: "TestMSE/Loss_hand_computed", Status: Pass, Attrs: map[string]string{"max_rel_err": "0"}},
			{Name: "Grad_hand_computed", Test: "TestMSE/Grad_hand_computed", Status: Fail, Elapsed: 0.002,
				Message: "mse.Grad (exercises/mse/mse.go:27): Grad(pred, target) is wrong at 1 of 3 elements.\n  [0]: want -0.3333333, got 0\n  hint: did you forget the factor 2 from the square? d/dp (p − t)² = 2·(p − t).",
				Attrs:   map[string]string{"max_rel_err": "1", "worst_index": "[0]"}, Output: "debug: g = [0 0 0]"},
		}},
		{Name: "logistic", Package: "github.com/dlearn/dlearn/exercises/logistic", Checks: []Check{
			{Name: "Sigmoid_values", Test: "TestLogistic/Sigmoid_values", Status: Todo, Message: "not implemented yet: logistic.Sigmoid (exercises/logistic/logistic.go:18)"},
		}},
		{Name: "adam", Package: "github.com/dlearn/dlearn/exercises/adam", Checks: []Check{
			{Name: "first_step", Test: "TestAdam/first_step", Status: Error, Message: "adam.(*Adam).Step exited with code 1: a function must return its result, never end the program (os.Exit, log.Fatal)\n  os.Exit is called in adam.(*Adam).Step (exercises/adam/adam.go:36)"},
			{Name: "several_steps", Test: "TestAdam/several_steps", Status: Pass},
		}},
		{Name: "backprop", Package: "github.com/dlearn/dlearn/exercises/backprop", Status: Error,
			Message: "did not build:\nexercises/backprop/backprop.go:31:9: undefined: dW9", Checks: []Check{
				{Name: "shapes", Test: "TestBackprop/shapes", Status: NotRun, Message: "not run: did not build: exercises/backprop/backprop.go:31:9: undefined: dW9"},
			}},
	}
	r := &Report{Isolation: "no network (namespace), own process namespace, runs as nobody"}
	for _, e := range exs {
		w := 1.0
		if e.Name == "mse" {
			w = 4
		}
		e.finish(w)
		r.Exercises = append(r.Exercises, e)
	}
	r.finish()
	return r
}

func TestFinishCountsAndPoints(t *testing.T) {
	r := fixtureReport()
	var got []string
	for _, e := range r.Exercises {
		got = append(got, e.Name+"="+string(e.Status)+" "+FormatPoints(e.Points)+"/"+FormatPoints(e.Weight))
	}
	if strings.Join(got, ", ") != "mse=fail 2/4, logistic=todo 0/1, adam=error 0.5/1, backprop=error 0/1" {
		t.Errorf("exercises: %s", strings.Join(got, ", "))
	}
	if r.Points != 2.5 || r.MaxPoints != 7 || r.Status != Error || r.PassedCount() != 0 {
		t.Errorf("points %v/%v status %s", r.Points, r.MaxPoints, r.Status)
	}
	if msg := r.Exercises[2].Message; !strings.HasPrefix(msg, "adam.(*Adam).Step exited with code 1") {
		t.Errorf("an exercise in error says %q", msg)
	}
}

func TestScoreboard(t *testing.T) {
	var b bytes.Buffer
	if err := WriteScoreboard(&b, fixtureReport(), false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b[") || !strings.HasSuffix(b.String(), "Points 2.5/7\n") {
		t.Errorf("plain scoreboard:\n%s", b.String())
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestScoreboardColor(t *testing.T) {
	var b bytes.Buffer
	if err := WriteScoreboard(&b, fixtureReport(), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\x1b[") || !strings.Contains(b.String(), "Points 2.5/7\n") {
		t.Errorf("coloured scoreboard:\n%s", b.String())
	}
}

func TestJSONReport(t *testing.T) {
	data, err := json.MarshalIndent(fixtureReport(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, append(data, '\n'))
	var back Report
	if err := json.Unmarshal(data, &back); err != nil || len(back.Exercises) != 4 || back.Exercises[0].Checks[1].Attrs["worst_index"] != "[0]" {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

// TestExercismResults checks results.json against the fields of
// Exercism's test runner interface, version 3.
func TestExercismResults(t *testing.T) {
	data, err := ExercismResults(fixtureReport())
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, data)
	var res map[string]any
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res["version"] != 3.0 || res["status"] != "error" || !strings.Contains(res["message"].(string), "backprop: did not build") {
		t.Errorf("top level: %v %v %v", res["version"], res["status"], res["message"])
	}
	tests := res["tests"].([]any)
	if len(tests) != 6 {
		t.Errorf("%d tests, want 6", len(tests))
	}
	for _, x := range tests {
		tc := x.(map[string]any)
		status, _ := tc["status"].(string)
		if status != "pass" && status != "fail" && status != "error" {
			t.Errorf("%v: status %q", tc["name"], status)
		}
		msg, hasMsg := tc["message"]
		if (status == "pass") == hasMsg {
			t.Errorf("%v: status %s with message %v", tc["name"], status, msg)
		}
		code, _ := tc["test_code"].(string)
		if !strings.HasPrefix(code, "checks.") || !strings.Contains(code, "// check ") || !strings.Contains(code, "func(c *ctx) {") {
			t.Errorf("%v: test_code %q", tc["name"], code)
		}
		if out, _ := tc["output"].(string); len(out) > exercismOutputLimit {
			t.Errorf("%v: output of %d bytes", tc["name"], len(out))
		}
		if id, _ := tc["task_id"].(float64); id < 1 {
			t.Errorf("%v: task_id %v", tc["name"], tc["task_id"])
		}
	}
}

func TestCapString(t *testing.T) {
	s := strings.Repeat("é", 300) // 600 bytes
	got := capString(s, exercismOutputLimit)
	if len(got) > exercismOutputLimit || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("capString gave %d bytes: %q", len(got), got[len(got)-10:])
	}
	if capString("short", 500) != "short" {
		t.Error("capString changed a short string")
	}
}

// TestJUnit checks the XML against what CI systems read (the JUnit
// schema of gotestsum and Jenkins): counts that add up, a message on
// every failure and error, the learner's output as system-out.
func TestJUnit(t *testing.T) {
	data, err := JUnit(fixtureReport())
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, data)
	var back junitSuites
	if err := xml.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	// mse: 1 failure; logistic: 1 failure (todo); adam: 1 error;
	// backprop: 1 error (not run).
	if back.Tests != 6 || back.Failures != 2 || back.Errors != 2 {
		t.Errorf("tests %d failures %d errors %d, want 6 2 2", back.Tests, back.Failures, back.Errors)
	}
	tests, fails, errs := 0, 0, 0
	for _, s := range back.Suites {
		if s.Tests != len(s.Cases) {
			t.Errorf("%s: tests=%d with %d cases", s.Name, s.Tests, len(s.Cases))
		}
		tests += s.Tests
		for _, c := range s.Cases {
			for _, p := range []*junitProblem{c.Failure, c.Error} {
				if p != nil && (p.Message == "" || p.Text == "" || p.Type == "") {
					t.Errorf("%s: a problem without message, text or type: %+v", c.Name, p)
				}
			}
			if c.Failure != nil {
				fails++
			}
			if c.Error != nil {
				errs++
			}
		}
	}
	if tests != back.Tests || fails != back.Failures || errs != back.Errors {
		t.Errorf("the totals do not add up: %d %d %d", tests, fails, errs)
	}
	if !strings.Contains(string(data), "<system-out>debug: g = [0 0 0]</system-out>") {
		t.Error("the learner's output is not in system-out")
	}
}

func TestRecord(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	store, err := progress.Open()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := Record(store, fixtureReport(), now); err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]progress.Exercise{
		"mse": {Status: "fail", Passed: 1, Total: 2, Graded: now,
			Problem: "mse.Grad (exercises/mse/mse.go:27): Grad(pred, target) is wrong at 1 of 3 elements.",
			Hint:    "did you forget the factor 2 from the square? d/dp (p − t)² = 2·(p − t)."},
		"logistic": {Status: "todo", Passed: 0, Total: 1, Graded: now,
			Problem: "not implemented yet: logistic.Sigmoid (exercises/logistic/logistic.go:18)"},
		"adam": {Status: "error", Passed: 1, Total: 2, Graded: now,
			Problem: "adam.(*Adam).Step exited with code 1: a function must return its result, never end the program (os.Exit, log.Fatal)"},
		"backprop": {Status: "error", Passed: 0, Total: 1, Graded: now,
			Problem: "did not build: exercises/backprop/backprop.go:31:9: undefined: dW9"},
	}
	for name, w := range want {
		if got := st.Exercises[name]; got != w {
			t.Errorf("%s: %+v, want %+v", name, got, w)
		}
	}
}

// TestRecordKeepsUnknownFields: a graded exercise's fields this version
// does not know (written by a newer dlearn, or by hand) survive a grade.
func TestRecordKeepsUnknownFields(t *testing.T) {
	home := t.TempDir()
	t.Setenv("DLEARN_HOME", home)
	file := `{"version": 1, "exercises": {"mse": {"status": "pass", "passed": 2, "total": 2, "streak": 3, "note": {"by": "teacher"}}}}`
	if err := os.WriteFile(filepath.Join(home, "progress.json"), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := progress.Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Record(store, fixtureReport(), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(home, "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"streak": 3`, `"by": "teacher"`, `"status": "fail"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the progress file lost %s after a grade:\n%s", want, data)
		}
	}
}
