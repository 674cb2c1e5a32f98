package mine

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/cnn"
	"github.com/dlearn/dlearn/lessons/rnn"
)

// Mine mode in the sequence and image lessons, through real harnesses
// built from the reference solutions (seconds each: without -short).

// solutionsFolder writes an exercises folder holding the reference
// solutions of the exercises names, each edited by edits[name] if set.
func solutionsFolder(t *testing.T, edits map[string]func(src string) string, names ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds harnesses; runs without -short")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module dlearn-exercises\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join("../../solutions", name, name+".go"))
		if err != nil {
			t.Skip("no solutions/ (a classroom copy): ", err)
		}
		if e := edits[name]; e != nil {
			src = []byte(e(string(src)))
		}
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, name+".go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mineAndEngine starts the lesson twice with the same settings, the first
// run in mine mode with s.
func mineAndEngine(t *testing.T, l *lessons.Lesson, s *Session, settings lessons.Settings) (mine, eng *lessons.Run) {
	t.Helper()
	mine, err := lessons.Start(l, lessons.DefaultSeed, settings)
	if err != nil {
		t.Fatal(err)
	}
	mine.SetMine(s.Mine)
	eng, _ = lessons.Start(l, lessons.DefaultSeed, settings)
	return mine, eng
}

// sameEnd runs both to the end and compares where they land and what
// they measure.
func sameEnd(t *testing.T, mine, eng *lessons.Run) *lessons.MineReport {
	t.Helper()
	mine.Advance(lessons.End)
	eng.Advance(lessons.End)
	return samePlace(t, mine, eng)
}

// samePlace checks that the mine run was not stopped, is where the
// engine's is, and measures the same within 1e-9 relative (the learner's
// values differ from the engine's by rounding).
func samePlace(t *testing.T, mine, eng *lessons.Run) *lessons.MineReport {
	t.Helper()
	got, want := mine.Scene(), eng.Scene()
	rep := report(mine)
	if rep.Stopped() || got.Pos != want.Pos {
		t.Fatalf("mine run at %+v (%s), engine at %+v", got.Pos, rep.Message(), want.Pos)
	}
	near := func(what string, a, b float64) {
		if math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(b)) || math.IsNaN(a) != math.IsNaN(b) {
			t.Errorf("%s: mine %v, engine %v", what, a, b)
		}
	}
	gm, ok1 := lessons.MachineOf(mine).(lessons.Measurer)
	em, ok2 := lessons.MachineOf(eng).(lessons.Measurer)
	if !ok1 || !ok2 {
		t.Fatal("the lesson measures nothing")
	}
	g, e := gm.Measures(), em.Measures()
	if len(g.Values) != len(e.Values) || len(g.Loss) != len(e.Loss) || len(e.Loss) == 0 {
		t.Fatalf("mine measures %+v, engine %+v", g, e)
	}
	for k, v := range e.Values {
		near(k, g.Values[k], v)
	}
	for i, v := range e.Loss {
		near(fmt.Sprintf("loss %d", i), g.Loss[i], v)
	}
	if (got.Goal == nil) != (want.Goal == nil) || got.Goal != nil && !reflect.DeepEqual(got.Goal.Verdict, want.Goal.Verdict) {
		t.Errorf("mine run's goal %+v, the engine's %+v", got.Goal, want.Goal)
	}
	return rep
}

// checkedFuncs counts the report's agreeing checks by function.
func checkedFuncs(rep *lessons.MineReport) map[string]int {
	n := map[string]int{}
	for _, c := range rep.Checks {
		if c.OK && c.Checked > 0 {
			n[c.Func]++
		}
	}
	return n
}

// firstFailure runs r until the learner's code stops it (at most steps
// training steps) and returns the failing check.
func firstFailure(t *testing.T, r *lessons.Run) lessons.MineCheck {
	t.Helper()
	r.Advance(lessons.End)
	rep := report(r)
	if !rep.Stopped() {
		t.Fatalf("the run was not stopped: %+v", rep)
	}
	msg := r.Scene().Status.Message
	if !strings.HasPrefix(msg, "mine:") {
		t.Errorf("status %q", msg)
	}
	t.Log(msg)
	return rep.Checks[rep.First]
}

// cnn: the conv2d solution trains like the engine (two steps of a batch of
// 8 with 2 filters), and a kernel turned 180° (a true convolution) stops
// the first step at the first convolution.
func TestCNNConv2D(t *testing.T) {
	settings := lessons.Settings{"filters": "2", "batch": "8"}
	t.Run("solution", func(t *testing.T) {
		s := open(t, solutionsFolder(t, nil, "conv2d", "maxpool"), cnn.Lesson(), 0)
		mine, eng := mineAndEngine(t, cnn.Lesson(), s, settings)
		for range 2 {
			mine.Advance(lessons.Step)
			eng.Advance(lessons.Step)
		}
		rep := samePlace(t, mine, eng)
		if n := checkedFuncs(rep); n["conv2d.Forward"] != 2 || n["conv2d.Backward"] != 2 || n["maxpool.Forward"] != 2 {
			t.Errorf("checks %v", n)
		}
	})
	t.Run("flipped kernel", func(t *testing.T) {
		flip := func(src string) string {
			return strings.Replace(src, "sum += w[f][c][a][bb] * x[c][r][q]", "sum += w[f][c][kh-1-a][kw-1-bb] * x[c][r][q]", 1)
		}
		s := open(t, solutionsFolder(t, map[string]func(string) string{"conv2d": flip}, "conv2d", "maxpool"), cnn.Lesson(), 0)
		mine, _ := mineAndEngine(t, cnn.Lesson(), s, settings)
		first := firstFailure(t, mine)
		if !strings.HasPrefix(first.Node, "a1 = conv2d(") || first.Func != "conv2d.Forward" {
			t.Errorf("first failure %+v", first)
		}
	})
}

// rnn: each cell's solution trains like the engine (3 epochs of 10 time
// steps), and a mutant stops at the expected op.
func TestRNNCells(t *testing.T) {
	settings := func(cell string) lessons.Settings {
		return lessons.Settings{"cell": cell, "length": "5", "epochs": "2"}
	}
	for _, c := range []struct {
		cell  string
		funcs []string
	}{
		{"rnn", []string{"rnn.Step", "rnn.StepBackward"}},
		{"lstm", []string{"lstm.Step"}},
		{"gru", []string{"gru.Step"}},
	} {
		t.Run(c.cell, func(t *testing.T) {
			s := open(t, solutionsFolder(t, nil, "rnn", "lstm", "gru"), rnn.Lesson(), 0)
			mine, eng := mineAndEngine(t, rnn.Lesson(), s, settings(c.cell))
			rep := sameEnd(t, mine, eng)
			n := checkedFuncs(rep)
			for _, f := range c.funcs {
				if n[f] == 0 {
					t.Errorf("no %s checked: %v", f, n)
				}
			}
			if len(n) != len(c.funcs) {
				t.Errorf("checks %v, want only %v", n, c.funcs)
			}
		})
	}
	for _, c := range []struct {
		name, ex, cell, fn, body string
		node, fun                string
	}{
		{"rnn without the bias", "rnn", "rnn", "Step",
			"\thNext = make([]float64, len(b))\n\tfor j := range hNext {\n\t\ta := 0.0\n\t\tfor i, xi := range x {\n\t\t\ta += xi * Wx[i][j]\n\t\t}\n\t\tfor i, hi := range h {\n\t\t\ta += hi * Wh[i][j]\n\t\t}\n\t\thNext[j] = math.Tanh(a)\n\t}\n\treturn hNext",
			"h1 = tanh(", "rnn.Step"},
		{"rnn backward without tanh'", "rnn", "rnn", "StepBackward",
			"\tn := len(hNext)\n\tdb = make([]float64, n)\n\tcopy(db, dhNext)\n\tdx, dWx = backThrough(x, Wx, db)\n\tdh, dWh = backThrough(h, Wh, db)\n\treturn dx, dh, dWx, dWh, db",
			"∂ h5 = tanh(", "rnn.StepBackward"},
	} {
		t.Run(c.name, func(t *testing.T) {
			edit := func(src string) string { return withBody(t, src, c.fn, c.body) }
			s := open(t, solutionsFolder(t, map[string]func(string) string{c.ex: edit}, "rnn", "lstm", "gru"), rnn.Lesson(), 0)
			mine, _ := mineAndEngine(t, rnn.Lesson(), s, settings(c.cell))
			if first := firstFailure(t, mine); !strings.HasPrefix(first.Node, c.node) || first.Func != c.fun {
				t.Errorf("first failure %+v, want %s in %s", first, c.node, c.fun)
			}
		})
	}
}
