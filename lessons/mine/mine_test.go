package mine

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/attention"
	"github.com/dlearn/dlearn/lessons/cnn"
	"github.com/dlearn/dlearn/lessons/linreg"
	"github.com/dlearn/dlearn/lessons/logreg"
	"github.com/dlearn/dlearn/lessons/translate"
)

// These tests build harnesses from a temporary exercises folder (seconds
// each): they run without -short.

// exercisesWith writes an exercises folder holding the logistic
// exercise's reference solution, with edit applied to its source.
func exercisesWith(t *testing.T, edit func(src string) string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a harness; runs without -short")
	}
	src, err := os.ReadFile("../../solutions/logistic/logistic.go")
	if err != nil {
		t.Skip("no solutions/ (a classroom copy): ", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module dlearn-exercises\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "logistic"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logistic", "logistic.go"), []byte(edit(string(src))), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// withBody replaces the body of function name in src.
func withBody(t *testing.T, src, name, body string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)(func ` + name + `\([^)]*\) [^{]*)\{\n.*?\n\}\n`)
	if !re.MatchString(src) {
		t.Fatalf("no func %s in the solution", name)
	}
	return re.ReplaceAllLiteralString(src, "") + "\n" + strings.TrimSpace(re.FindStringSubmatch(src)[1]) + " {\n" + body + "\n}\n"
}

func open(t *testing.T, dir string, l *lessons.Lesson, timeout time.Duration) *Session {
	t.Helper()
	s, err := Open(context.Background(), dir, l, Options{CallTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func runMine(t *testing.T, s *Session) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(logreg.Lesson(), lessons.DefaultSeed, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.SetMine(s.Mine)
	return r
}

func report(r *lessons.Run) *lessons.MineReport {
	return lessons.MachineOf(r).(lessons.Miner).Mined().MineReport()
}

func TestSolutionTrainsLikeTheEngine(t *testing.T) {
	s := open(t, exercisesWith(t, func(src string) string { return src }), logreg.Lesson(), 0)
	if !reflect.DeepEqual(s.Exercises, []string{"logistic"}) {
		t.Errorf("exercises %v", s.Exercises)
	}
	r := runMine(t, s)
	eng, _ := lessons.Start(logreg.Lesson(), lessons.DefaultSeed, nil)
	r.Advance(lessons.End)
	eng.Advance(lessons.End)
	got, want := r.Scene(), eng.Scene()
	rep := report(r)
	if rep.Stopped() || got.Pos != want.Pos {
		t.Fatalf("mine run at %+v (%s), engine at %+v", got.Pos, rep.Message(), want.Pos)
	}
	if rep.Step != got.Pos.Step || len(rep.Checks) != 2 || rep.Checks[0].Checked == 0 {
		t.Errorf("last report %+v", rep)
	}
	if !reflect.DeepEqual(got.Goal, want.Goal) || got.Status != want.Status {
		t.Errorf("mine run ends with %+v %+v, the engine's with %+v %+v", got.Goal, got.Status, want.Goal, want.Status)
	}
}

func TestMutantsFirstDisagreement(t *testing.T) {
	for _, c := range []struct {
		name, fn, body string
		node, hint     string
	}{
		{"sigmoid sign", "Sigmoid", "\treturn 1 / (1 + math.Exp(z))", "p = sigmoid(s)", "mind the sign"},
		{"bce without 1/n", "BCE", "\ts := 0.0\n\tfor i := range p {\n\t\tq := min(max(p[i], Eps), 1-Eps)\n\t\ts -= y[i]*math.Log(q) + (1-y[i])*math.Log(1-q)\n\t}\n\treturn s",
			"L = bce(p, y)", "divide the sum by n"},
		{"bce panics", "BCE", "\tpanic(\"TODO: implement logistic.BCE\")", "L = bce(p, y)", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := exercisesWith(t, func(src string) string { return withBody(t, src, c.fn, c.body) })
			r := runMine(t, open(t, dir, logreg.Lesson(), 0))
			r.Advance(lessons.End)
			rep := report(r)
			if !rep.Stopped() || rep.Step != 1 {
				t.Fatalf("report %+v", rep)
			}
			first := rep.Checks[rep.First]
			if first.Node != c.node || !strings.Contains(first.Diagnosis, c.hint) {
				t.Errorf("first failure %+v, want %s with %q", first, c.node, c.hint)
			}
			if c.hint == "" && !strings.Contains(first.Problem, "panic") {
				t.Errorf("problem %q, want the learner's panic", first.Problem)
			}
			msg := r.Scene().Status.Message
			if !strings.Contains(msg, c.node) || !strings.HasPrefix(msg, "mine:") {
				t.Errorf("status %q", msg)
			}
			t.Log(msg)
		})
	}
}

func TestHangTimesOut(t *testing.T) {
	dir := exercisesWith(t, func(src string) string { return withBody(t, src, "Sigmoid", "\tfor {\n\t}") })
	s := open(t, dir, logreg.Lesson(), time.Second)
	r := runMine(t, s)
	done := make(chan struct{})
	go func() {
		r.Advance(lessons.Step)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a hanging Sigmoid hangs the run")
	}
	rep := report(r)
	if !rep.Stopped() {
		t.Fatalf("report %+v", rep)
	}
	first := rep.Checks[rep.First]
	if first.Node != "p = sigmoid(s)" || !strings.Contains(first.Problem, "timed out") {
		t.Errorf("first failure %+v", first)
	}
	t.Log(rep.Message())
}

func TestOpenErrors(t *testing.T) {
	dir := exercisesWith(t, func(src string) string { return src + "\nfunc broken() { return 1 }\n" })
	_, err := Open(context.Background(), dir, logreg.Lesson(), Options{})
	if err == nil || !strings.Contains(err.Error(), "did not build") || strings.Contains(err.Error(), "\n") {
		t.Errorf("a build error: %v", err)
	}
	_, err = Open(context.Background(), dir, linreg.Lesson(), Options{})
	if err == nil || !strings.Contains(err.Error(), "no op mine mode can check") {
		t.Errorf("linreg: %v", err)
	}
	_, err = Open(context.Background(), dir, translate.Lesson(), Options{})
	if err == nil || !strings.Contains(err.Error(), "does not run in mine mode yet") {
		t.Errorf("translate: %v", err)
	}
	_, err = Open(context.Background(), t.TempDir(), logreg.Lesson(), Options{})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("an empty folder: %v", err)
	}
}

// cnn (maxpool) and attention (layernorm) with the reference solutions:
// the first steps agree with the engine's and land where the engine's do.
// (The whole runs take long; the adapters are tested at every op kind in
// lessons/trainer.)
func TestOtherLessonsAgree(t *testing.T) {
	for _, c := range []struct {
		lesson *lessons.Lesson
		ex, op string
	}{
		{cnn.Lesson(), "maxpool", "maxpool2d"},
		{attention.Lesson(), "layernorm", "layernorm"},
	} {
		t.Run(c.lesson.ID, func(t *testing.T) {
			// Every exercise mine mode builds for the lesson (seq_test.go).
			dir := seqSolutions(t, nil, Exercises(c.lesson)...)
			s := open(t, dir, c.lesson, 0)
			if !slices.Contains(s.Exercises, c.ex) {
				t.Fatalf("exercises %v", s.Exercises)
			}
			r, _ := lessons.Start(c.lesson, lessons.DefaultSeed, nil)
			eng, _ := lessons.Start(c.lesson, lessons.DefaultSeed, nil)
			r.SetMine(s.Mine)
			// Three training steps (attention first walks its mechanism
			// part, which trains nothing).
			for i := 0; i < 100 && (report(r) == nil || report(r).Step < 3) && !r.Done(); i++ {
				r.Advance(lessons.Step)
				eng.Advance(lessons.Step)
			}
			rep := report(r)
			if rep == nil || rep.Stopped() || rep.Step != 3 {
				t.Fatalf("report %+v: %s", rep, rep.Message())
			}
			n := 0
			for _, ch := range rep.Checks {
				if ch.Op == c.op && ch.OK && ch.Checked > 0 {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no %s op checked: %+v", c.op, rep.Checks)
			}
			// The learner's values (conv2d's, attention's) differ from the
			// engine's by rounding: the runs agree within 1e-9.
			seqSame(t, r, eng)
		})
	}
}
