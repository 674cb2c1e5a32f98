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

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/internal/stubs"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/attention"
	"github.com/dlearn/dlearn/lessons/cnn"
	"github.com/dlearn/dlearn/lessons/logreg"
	"github.com/dlearn/dlearn/lessons/trainer"
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
	// Sigmoid and BCE forward, Grad backward.
	if rep.Step != got.Pos.Step || len(rep.Checks) != 3 || rep.Checks[0].Checked == 0 {
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
	_, err = Open(context.Background(), dir, &lessons.Lesson{ID: "plain"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no op mine mode can check") {
		t.Errorf("a lesson without exercises: %v", err)
	}
	// A lesson with a checkable exercise whose machine is no Miner.
	plain := *logreg.Lesson()
	plain.New = func(seed uint64, s lessons.Settings) lessons.Machine {
		return struct{ lessons.Machine }{logreg.Lesson().New(seed, s)}
	}
	_, err = Open(context.Background(), dir, &plain, Options{})
	if err == nil || !strings.Contains(err.Error(), "does not run in mine mode yet") {
		t.Errorf("a lesson that is no Miner: %v", err)
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
		more   []string // the optimizer's exercise (its updates are checked: own_test.go)
	}{
		{cnn.Lesson(), "maxpool", "maxpool2d", []string{"momentum", "adam"}},
		{attention.Lesson(), "layernorm", "layernorm", []string{"adam"}},
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

// TestBranchRunsYoursToo: a branch of a run in mine mode calls the
// learner's code as its parent does, whether the changed control takes
// effect from the next step (lr) or restarts the lesson (epochs), and
// stays identical to its parent when the setting is unchanged.
func TestBranchRunsYoursToo(t *testing.T) {
	s := open(t, exercisesWith(t, func(src string) string { return src }), logreg.Lesson(), 0)
	for _, c := range []struct{ name, value string }{{"lr", "0.1"}, {"lr", "0.01"}, {"batch", "16"}} {
		r := runMine(t, s)
		r.Advance(lessons.Step)
		b, err := lessons.NewBranch(r, c.name, c.value)
		if err != nil {
			t.Fatal(err)
		}
		b.Advance(lessons.Step)
		b.Advance(lessons.Step)
		pr, br := report(b.Parent), report(b.Branch)
		if pr == nil || br == nil || pr.Stopped() || br.Stopped() || br.Step != 3 || br.Checks[0].Used == 0 {
			t.Fatalf("%s=%s: parent %+v, branch %+v", c.name, c.value, pr, br)
		}
		ps, bs, _ := b.Scenes()
		if same := reflect.DeepEqual(ps.Panels, bs.Panels); same != (c.value == "0.01") {
			t.Errorf("%s=%s: the branch's panels equal the parent's: %v", c.name, c.value, same)
		}
	}
	// A wrong Sigmoid stops both, and the comparison says why.
	dir := exercisesWith(t, func(src string) string { return withBody(t, src, "Sigmoid", "\treturn 1 / (1 + math.Exp(z))") })
	r := runMine(t, open(t, dir, logreg.Lesson(), 0))
	b, err := lessons.NewBranch(r, "lr", "0.1")
	if err != nil {
		t.Fatal(err)
	}
	b.Advance(lessons.Step)
	cmp := b.Compare()
	var verdict []string
	for _, row := range cmp.Table.Rows {
		if row[0] == "verdict" {
			verdict = row
		}
	}
	if !report(b.Parent).Stopped() || !report(b.Branch).Stopped() || !reflect.DeepEqual(verdict, []string{"verdict", "stopped: your code", "stopped: your code"}) {
		t.Errorf("verdict row %v", verdict)
	}
}

// TestSoftmaxWithoutMaxAutopsy: a learner's softmax that does not
// subtract the row's max gives NaN where a logit passes 709.78; in mine
// mode the run stops there as a divergence, and the autopsy names the
// softmax op, its largest input and the fix.
func TestSoftmaxWithoutMaxAutopsy(t *testing.T) {
	dir := exercisesWith(t, func(src string) string { return src })
	src, err := os.ReadFile("../../solutions/softmax/softmax.go")
	if err != nil {
		t.Skip(err)
	}
	naive := withBody(t, string(src), "Softmax", "\tp := make([]float64, len(z))\n\tsum := 0.0\n\tfor i, v := range z {\n\t\tp[i] = math.Exp(v)\n\t\tsum += p[i]\n\t}\n\tfor i := range p {\n\t\tp[i] /= sum\n\t}\n\treturn p")
	if err := os.MkdirAll(filepath.Join(dir, "softmax"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "softmax", "softmax.go"), []byte(naive), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := grade.OpenHarness(context.Background(), dir, "softmax", grade.HarnessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	impl := &checks.SoftmaxImpl{}
	if err := h.Bind(impl); err != nil {
		t.Fatal(err)
	}
	for _, big := range []float64{3.5, 812.4} {
		logits := tensor.FromValues([]float64{big, 3, -1, 0.5, 1, 2}, 2, 3)
		l := &trainer.Loop{N: 1, Batch: 1, Epochs: 2, NoShuffle: true,
			Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
				return func(tp *autograd.Tape) *autograd.Var {
					z := autograd.NewParam("z", logits)
					return tp.Mean(tp.Square(tp.Softmax(z).Named("s"))).Named("L")
				}, func() {}
			}}
		l.SetMine(&lessons.Mine{Impls: map[string]any{"softmax": impl}, Ready: func(string) { h.Ready() }})
		l.Advance(lessons.End)
		rep := l.MineReport()
		if big < 700 {
			if rep.Stopped() || l.Diverged || l.Step != 2 {
				t.Fatalf("small logits: %+v, diverged %v", rep, l.Diverged)
			}
			continue
		}
		a := l.DivergenceAutopsy()
		if !l.Diverged || !rep.Stopped() || a == nil || a.Op != "s = softmax(z)" || a.Step != 1 {
			t.Fatalf("report %+v, autopsy %+v", rep, a)
		}
		all := strings.Join(a.Findings, "\n")
		if !strings.Contains(a.Summary, "largest input 812.4 → NaN in your softmax.Softmax") || !strings.Contains(all, "subtract") {
			t.Errorf("autopsy %q", all)
		}
		t.Log(all)
	}
}

// Exercises still the kit's stubs are left out (the engine runs their
// ops) and named; with every one of a lesson's exercises a stub, Open
// says so in one line.
func TestStubsAreLeftOut(t *testing.T) {
	dir := exercisesWith(t, func(s string) string { return s })
	writeStub := func(name string) {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		for file, data := range stubs.Files(name) {
			if err := os.WriteFile(filepath.Join(dir, name, file), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	l := cnn.Lesson()
	all := Exercises(l)
	for _, name := range all {
		writeStub(name)
	}
	if _, err := Open(context.Background(), dir, l, Options{}); err == nil || !strings.Contains(err.Error(), "still the stubs") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("every exercise a stub: %v", err)
	}
	src, err := os.ReadFile("../../solutions/maxpool/maxpool.go")
	if err != nil {
		t.Skip(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "maxpool", "maxpool.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, l, 0)
	want := slices.DeleteFunc(slices.Clone(all), func(e string) bool { return e == "maxpool" })
	if !reflect.DeepEqual(s.Exercises, []string{"maxpool"}) || !reflect.DeepEqual(s.Skipped, want) {
		t.Fatalf("built %v, skipped %v", s.Exercises, s.Skipped)
	}
	if note := s.Mine.SkippedNote(); !strings.Contains(note, "are still the stub, so the engine's code runs there") {
		t.Errorf("note %q", note)
	}
	r, _ := lessons.Start(l, lessons.DefaultSeed, nil)
	r.SetMine(s.Mine)
	r.Advance(lessons.Step)
	if rep := report(r); rep == nil || rep.Stopped() || len(rep.Checks) == 0 {
		t.Fatalf("report %+v", rep)
	}
}
