package grade

import (
	"os"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// The fixtures under testdata/ are real `go test -json` streams of the
// exercises module, recorded with overlays (see testdata/README.md).
const fixtureDir = "/work/main/exercises"

var courseTargets = targetsOf("mse", "logistic", "backprop", "adam")

func targetsOf(names ...string) []Target {
	ts := make([]Target, len(names))
	for i, n := range names {
		ts[i] = Target{Name: n, Package: "github.com/dlearn/dlearn/exercises/" + n}
	}
	return ts
}

func parseFixture(t *testing.T, name string, stderr string, targets []Target) *Report {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Parse(f, stderr, targets, fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func exercise(t *testing.T, r *Report, name string) Exercise {
	t.Helper()
	for _, e := range r.Exercises {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no exercise %s in the report", name)
	return Exercise{}
}

func TestNotImplementedPrefixMatchesChecks(t *testing.T) {
	if notImplementedPrefix != checks.NotImplementedPrefix {
		t.Fatalf("grade's %q differs from checks' %q", notImplementedPrefix, checks.NotImplementedPrefix)
	}
}

func TestParseStubs(t *testing.T) {
	r := parseFixture(t, "stubs.jsonl", "", courseTargets)
	if r.Status != Fail || r.Points != 0 || r.MaxPoints != 4 {
		t.Fatalf("status %s, points %d/%d; want fail, 0/4", r.Status, r.Points, r.MaxPoints)
	}
	wantTotals := map[string]int{"mse": 4, "logistic": 8, "backprop": 6, "adam": 3}
	for _, e := range r.Exercises {
		if e.Status != Todo || e.Passed != 0 || e.Total != wantTotals[e.Name] {
			t.Errorf("%s: %s %d/%d, want todo 0/%d", e.Name, e.Status, e.Passed, e.Total, wantTotals[e.Name])
		}
		for _, c := range e.Checks {
			if c.Status != Todo || !strings.HasPrefix(c.Message, "not implemented yet: "+e.Name+".") {
				t.Errorf("%s %s: %s %q", e.Name, c.Name, c.Status, c.Message)
			}
		}
	}
	c := exercise(t, r, "mse").Checks[0]
	if c.Name != "Loss_hand_computed" || c.Test != "TestMSE/Loss_hand_computed" || c.Title() != "Loss hand computed" {
		t.Errorf("check names: %q %q %q", c.Name, c.Test, c.Title())
	}
	if c.Message != "not implemented yet: mse.Loss (exercises/mse/mse.go:16)" {
		t.Errorf("message %q", c.Message)
	}
}

func TestParseSolutionsPass(t *testing.T) {
	r := parseFixture(t, "solutions.jsonl", "", courseTargets)
	if !r.Passed() || r.Points != 4 {
		t.Fatalf("status %s, points %d/%d; want pass, 4/4", r.Status, r.Points, r.MaxPoints)
	}
	c := exercise(t, r, "backprop").Checks[5]
	if c.Name != "dW1_vs_finite_differences" || c.Attrs["worst_index"] == "" || c.Attrs["max_rel_err"] == "" {
		t.Errorf("attrs of %s: %v", c.Name, c.Attrs)
	}
}

func TestParseWrongValues(t *testing.T) {
	// broken.jsonl: mse has Loss right and Grad without its factor 2.
	e := exercise(t, parseFixture(t, "broken.jsonl", "", courseTargets), "mse")
	if e.Status != Fail || e.Passed != 2 || e.Total != 4 {
		t.Fatalf("mse: %s %d/%d, want fail 2/4", e.Status, e.Passed, e.Total)
	}
	c := e.Checks[2]
	want := "mse.Grad (exercises/mse/mse.go:12): Grad(pred, target) is wrong at 2 of 3 elements.\n" +
		"  [0]: want -0.3333333, got -0.1666667 (off by 0.1666667, 50% relative)\n"
	if c.Status != Fail || !strings.HasPrefix(c.Message, want) || !strings.Contains(c.Message, "\n  hint: did you forget the factor 2") {
		t.Errorf("Grad_hand_computed: %s\n%s", c.Status, c.Message)
	}
	if c.Attrs["max_rel_err"] != "0.5" || c.Attrs["worst_index"] != "[2]" {
		t.Errorf("attrs %v", c.Attrs)
	}
}

func TestParseBuildFailure(t *testing.T) {
	r := parseFixture(t, "broken.jsonl", "", courseTargets)
	e := exercise(t, r, "backprop")
	want := "did not build:\n/tmp/ov/backprop.go:6:24: invalid operation: db2 + n (mismatched types []float64 and int)"
	if e.Status != Error || e.Message != want || len(e.Checks) != 0 {
		t.Errorf("backprop: %s %q %v", e.Status, e.Message, e.Checks)
	}
	if r.Status != Error {
		t.Errorf("report status %s, want error", r.Status)
	}
	v := exercise(t, parseFixture(t, "vet.jsonl", "", targetsOf("mse")), "mse")
	if v.Status != Error || !strings.Contains(v.Message, "fmt.Printf format %d") || !strings.Contains(v.Message, "go vet found this") {
		t.Errorf("vet failure: %s %q", v.Status, v.Message)
	}
}

func TestParseTimeout(t *testing.T) {
	// adam's Step loops forever; go test ran with -timeout 5s.
	e := exercise(t, parseFixture(t, "broken.jsonl", "", courseTargets), "adam")
	want := "timed out after 5s: is there a loop that never ends?\n  in adam.(*Adam).Step (exercises/adam/adam.go:11)"
	if e.Status != Error || e.Message != want {
		t.Errorf("adam: %s %q", e.Status, e.Message)
	}
	if len(e.Checks) != 1 || e.Checks[0].Name != "first_step" || e.Checks[0].Status != Error {
		t.Errorf("checks %+v", e.Checks)
	}
}

func TestParseCrashes(t *testing.T) {
	e := exercise(t, parseFixture(t, "broken.jsonl", "", courseTargets), "logistic")
	if e.Status != Error || !strings.HasPrefix(e.Message, "crashed with a stack overflow") ||
		!strings.HasSuffix(e.Message, "in logistic.Sigmoid (exercises/logistic/logistic.go:5)") {
		t.Errorf("stack overflow: %s %q", e.Status, e.Message)
	}
	r := parseFixture(t, "panic.jsonl", "", courseTargets)
	g := exercise(t, r, "logistic")
	want := "crashed: panic: boom in a goroutine\n  in logistic.Sigmoid.func1 (exercises/logistic/logistic.go:8)"
	if g.Status != Error || g.Message != want {
		t.Errorf("goroutine panic: %s %q", g.Status, g.Message)
	}
	// A panic the check recovered is an ordinary failure with the line.
	m := exercise(t, r, "mse")
	if m.Status != Fail || !strings.HasPrefix(m.Checks[2].Message, "mse.Grad panicked at exercises/mse/mse.go:15: runtime error: index out of range") {
		t.Errorf("recovered panic: %s %q", m.Status, m.Checks[2].Message)
	}
	// Packages the stream never mentions were not run.
	if b := exercise(t, r, "backprop"); b.Status != Error || b.Message != "go test did not run it" {
		t.Errorf("backprop: %s %q", b.Status, b.Message)
	}
}

func TestParseNoiseAndStderr(t *testing.T) {
	stream := "go: downloading something\n" +
		`{"Action":"start","Package":"m/x"}` + "\n" +
		`{"Action":"run","Package":"m/x","Test":"TestX"}` + "\n" +
		`{"Action":"output","Package":"m/x","Test":"TestX","Output":"hello from the learner\n"}` + "\n" +
		`{"Action":"output","Package":"m/x","Test":"TestX","Output":"    x_test.go:7: wrong\n"}` + "\n" +
		`{"Action":"output","Package":"m/x","Test":"TestX","Output":"        second line\n"}` + "\n" +
		`{"Action":"fail","Package":"m/x","Test":"TestX","Elapsed":0.5}` + "\n" +
		`{"Action":"fail","Package":"m/x","Elapsed":0.6}` + "\n"
	r, err := Parse(strings.NewReader(stream), "go: y: no Go files in /k/exercises/y\n",
		[]Target{{"x", "m/x"}, {"y", "m/y"}}, "/k/exercises")
	if err != nil {
		t.Fatal(err)
	}
	x := r.Exercises[0]
	if x.Status != Fail || x.Checks[0].Name != "TestX" || x.Checks[0].Message != "wrong\nsecond line" ||
		x.Checks[0].Output != "hello from the learner" || x.Checks[0].Elapsed != 0.5 {
		t.Errorf("x: %+v", x)
	}
	want := "go test did not run it:\ngo: downloading something\ngo: y: no Go files in exercises/y"
	if y := r.Exercises[1]; y.Status != Error || y.Message != want {
		t.Errorf("y: %s %q", y.Status, y.Message)
	}
}

func TestParseUnexplainedFailure(t *testing.T) {
	// Every test passed, yet the package failed: a crash after the tests.
	stream := `{"Action":"run","Package":"m/x","Test":"TestX"}` + "\n" +
		`{"Action":"pass","Package":"m/x","Test":"TestX"}` + "\n" +
		`{"Action":"output","Package":"m/x","Output":"panic: in TestMain\n"}` + "\n" +
		`{"Action":"fail","Package":"m/x"}` + "\n"
	r, _ := Parse(strings.NewReader(stream), "", []Target{{"x", "m/x"}}, "")
	if e := r.Exercises[0]; e.Status != Error || e.Message != "crashed: panic: in TestMain" {
		t.Errorf("%s %q", e.Status, e.Message)
	}
	// A package without tests is an error, not a pass.
	stream = `{"Action":"output","Package":"m/x","Output":"?   \tm/x\t[no test files]\n"}` + "\n" +
		`{"Action":"skip","Package":"m/x"}` + "\n"
	r, _ = Parse(strings.NewReader(stream), "", []Target{{"x", "m/x"}}, "")
	if e := r.Exercises[0]; e.Status != Error || !strings.Contains(e.Message, "no checks ran") {
		t.Errorf("%s %q", e.Status, e.Message)
	}
}

func TestShortenPaths(t *testing.T) {
	for in, want := range map[string]string{
		"/k/exercises/mse/mse.go:3: x": "exercises/mse/mse.go:3: x",
		"mse/mse.go:6:2: undefined: y": "exercises/mse/mse.go:6:2: undefined: y",
		"./mse/mse.go:6:2: z":          "exercises/mse/mse.go:6:2: z",
		"exercises/mse/mse.go:1":       "exercises/mse/mse.go:1",
		"/tmp/ov/a.go:1:1: w":          "/tmp/ov/a.go:1:1: w",
		"want 1, got 2":                "want 1, got 2",
	} {
		if got := shortenPaths(in, "/k/exercises"); got != want {
			t.Errorf("shortenPaths(%q) = %q, want %q", in, got, want)
		}
	}
}
