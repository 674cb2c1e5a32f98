package mine

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/attention"
	"github.com/dlearn/dlearn/lessons/cnn"
	"github.com/dlearn/dlearn/lessons/embeddings"
	"github.com/dlearn/dlearn/lessons/rnn"
	"github.com/dlearn/dlearn/lessons/sentiment"
	"github.com/dlearn/dlearn/lessons/textgen"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode in the sequence and image lessons, through real harnesses
// built from the reference solutions (seconds each: without -short).

// seqSlow is the call timeout of these runs: generous, since they test
// agreement, not hangs, and the first call starts the harness process
// (seconds on a loaded machine).
const seqSlow = 30 * time.Second

// seqSolutions writes an exercises folder holding the reference
// solutions of the exercises names, each edited by edits[name] if set.
func seqSolutions(t *testing.T, edits map[string]func(src string) string, names ...string) string {
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

// seqOpen opens mine mode for l on the reference solutions of every
// exercise it builds (Exercises), each edited by edits[name] if set.
func seqOpen(t *testing.T, l *lessons.Lesson, edits map[string]func(src string) string) *Session {
	t.Helper()
	return open(t, seqSolutions(t, edits, Exercises(l)...), l, seqSlow)
}

// seqRuns starts the lesson twice with the same settings, the first
// run in mine mode with s.
func seqRuns(t *testing.T, l *lessons.Lesson, s *Session, settings lessons.Settings) (mine, eng *lessons.Run) {
	t.Helper()
	mine, err := lessons.Start(l, lessons.DefaultSeed, settings)
	if err != nil {
		t.Fatal(err)
	}
	mine.SetMine(s.Mine)
	eng, _ = lessons.Start(l, lessons.DefaultSeed, settings)
	return mine, eng
}

// seqSameEnd runs both to the end and compares where they land and what
// they measure.
func seqSameEnd(t *testing.T, mine, eng *lessons.Run) *lessons.MineReport {
	t.Helper()
	mine.Advance(lessons.End)
	eng.Advance(lessons.End)
	return seqSame(t, mine, eng)
}

// seqSame checks that the mine run was not stopped, is where the
// engine's is, and measures the same within 1e-9 relative (the learner's
// values differ from the engine's by rounding).
func seqSame(t *testing.T, mine, eng *lessons.Run) *lessons.MineReport {
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
	if len(g.Values) != len(e.Values) || len(g.Loss) != len(e.Loss) {
		t.Fatalf("mine measures %+v, engine %+v", g, e)
	}
	for k, v := range e.Values {
		near(k, g.Values[k], v)
	}
	for i, v := range e.Loss {
		near(fmt.Sprintf("loss %d", i), g.Loss[i], v)
	}
	// The batch loss of every step, where the lesson is one trainer.Loop.
	gl, ok1 := loopOf(mine)
	el, ok2 := loopOf(eng)
	steps := 0
	if ok1 && ok2 {
		if len(gl.Losses) != len(el.Losses) {
			t.Fatalf("mine run's %d losses, engine's %d", len(gl.Losses), len(el.Losses))
		}
		for i, v := range el.Losses {
			near(fmt.Sprintf("step %d's loss", i+1), gl.Losses[i], v)
		}
		steps = len(el.Losses)
	}
	if steps == 0 && len(e.Loss) == 0 {
		t.Fatal("no loss to compare")
	}
	if (got.Goal == nil) != (want.Goal == nil) || got.Goal != nil && !reflect.DeepEqual(got.Goal.Verdict, want.Goal.Verdict) {
		t.Errorf("mine run's goal %+v, the engine's %+v", got.Goal, want.Goal)
	}
	return rep
}

// loopOf is the run's trainer.Loop: its MineChecker, or (a lesson that
// checks more than the loop's ops, such as textgen's sampler) its
// Instruments.
func loopOf(r *lessons.Run) (*trainer.Loop, bool) {
	m := lessons.MachineOf(r)
	if l, ok := m.(lessons.Miner).Mined().(*trainer.Loop); ok {
		return l, true
	}
	if in, ok := m.(lessons.Instrumented); ok {
		l, ok := in.Instruments().(*trainer.Loop)
		return l, ok
	}
	return nil, false
}

// seqChecked counts the report's agreeing checks by function.
func seqChecked(rep *lessons.MineReport) map[string]int {
	n := map[string]int{}
	for _, c := range rep.Checks {
		if c.OK && c.Checked > 0 {
			n[c.Func]++
		}
	}
	return n
}

// seqFirst runs r until the learner's code stops it (at most steps
// training steps) and returns the failing check.
func seqFirst(t *testing.T, r *lessons.Run) lessons.MineCheck {
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
func TestSeqCNN(t *testing.T) {
	settings := lessons.Settings{"filters": "2", "batch": "8"}
	t.Run("solution", func(t *testing.T) {
		s := seqOpen(t, cnn.Lesson(), nil)
		mine, eng := seqRuns(t, cnn.Lesson(), s, settings)
		for range 2 {
			mine.Advance(lessons.Step)
			eng.Advance(lessons.Step)
		}
		rep := seqSame(t, mine, eng)
		if n := seqChecked(rep); n["conv2d.Forward"] != 2 || n["conv2d.Backward"] != 2 || n["maxpool.Forward"] != 2 {
			t.Errorf("checks %v", n)
		}
	})
	t.Run("flipped kernel", func(t *testing.T) {
		flip := func(src string) string {
			return strings.Replace(src, "sum += w[f][c][a][bb] * x[c][r][q]", "sum += w[f][c][kh-1-a][kw-1-bb] * x[c][r][q]", 1)
		}
		s := seqOpen(t, cnn.Lesson(), map[string]func(string) string{"conv2d": flip})
		mine, _ := seqRuns(t, cnn.Lesson(), s, settings)
		first := seqFirst(t, mine)
		if !strings.HasPrefix(first.Node, "a1 = conv2d(") || first.Func != "conv2d.Forward" {
			t.Errorf("first failure %+v", first)
		}
	})
}

// rnn: each cell's solution trains like the engine (3 epochs of 10 time
// steps), and a mutant stops at the expected op.
func TestSeqRNN(t *testing.T) {
	settings := func(cell string) lessons.Settings {
		return lessons.Settings{"cell": cell, "length": "5", "epochs": "2"}
	}
	for _, c := range []struct {
		cell  string
		funcs []string
	}{
		{"rnn", []string{"rnn.Step", "rnn.StepBackward"}},
		{"lstm", []string{"lstm.Step", "lstm.StepBackward"}},
		{"gru", []string{"gru.Step"}},
	} {
		t.Run(c.cell, func(t *testing.T) {
			s := seqOpen(t, rnn.Lesson(), nil)
			mine, eng := seqRuns(t, rnn.Lesson(), s, settings(c.cell))
			rep := seqSameEnd(t, mine, eng)
			n := seqChecked(rep)
			for _, f := range c.funcs {
				if n[f] == 0 {
					t.Errorf("no %s checked: %v", f, n)
				}
			}
			for f := range n {
				if cell, _, _ := strings.Cut(f, "."); slices.Contains([]string{"rnn", "lstm", "gru"}, cell) && cell != c.cell {
					t.Errorf("%s checked in a run of the %s cell: %v", f, c.cell, n)
				}
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
			s := seqOpen(t, rnn.Lesson(), map[string]func(string) string{c.ex: edit})
			mine, _ := seqRuns(t, rnn.Lesson(), s, settings(c.cell))
			if first := seqFirst(t, mine); !strings.HasPrefix(first.Node, c.node) || first.Func != c.fun {
				t.Errorf("first failure %+v, want %s in %s", first, c.node, c.fun)
			}
		})
	}
}

// seqSteps advances both runs until the mine run's report is of step
// n (or the run ends) and checks that they are alike.
func seqSteps(t *testing.T, mine, eng *lessons.Run, n int) *lessons.MineReport {
	t.Helper()
	for i := 0; i < 10000 && (report(mine) == nil || report(mine).Step < n) && !mine.Done(); i++ {
		mine.Advance(lessons.Step)
		eng.Advance(lessons.Step)
	}
	return seqSame(t, mine, eng)
}

// attention: with the causal mask and without, the solutions of
// attention, posenc and layernorm train like the engine for three steps;
// attention without the 1/√d scale stops at the first head.
func TestSeqAttention(t *testing.T) {
	for _, causal := range []string{"off", "on"} {
		t.Run("solution causal "+causal, func(t *testing.T) {
			s := seqOpen(t, attention.Lesson(), nil)
			mine, eng := seqRuns(t, attention.Lesson(), s, lessons.Settings{"causal": causal})
			n := seqChecked(seqSteps(t, mine, eng, 3))
			if n["attention.Attention"] != 1 || n["posenc.Encode"] != 1 || n["layernorm.Forward"] != 3 {
				t.Errorf("checks %v", n)
			}
		})
	}
	t.Run("no scale", func(t *testing.T) {
		edit := func(src string) string {
			return strings.Replace(src, "scale := 1 / math.Sqrt(float64(d))", "scale := 1.0", 1)
		}
		s := seqOpen(t, attention.Lesson(), map[string]func(string) string{"attention": edit})
		mine, _ := seqRuns(t, attention.Lesson(), s, nil)
		if first := seqFirst(t, mine); first.Func != "attention.Attention" || !strings.HasPrefix(first.Index, "weights[0]") {
			t.Errorf("first failure %+v", first)
		}
	})
}

// embeddings: the softmax solution's CrossEntropy and Grad on each pair's
// loss train like the engine for three steps; a gradient without the
// one-hot stops at the first step's log_softmax.
func TestSeqEmbeddings(t *testing.T) {
	t.Run("solution", func(t *testing.T) {
		s := seqOpen(t, embeddings.Lesson(), nil)
		mine, eng := seqRuns(t, embeddings.Lesson(), s, nil)
		n := seqChecked(seqSteps(t, mine, eng, 3))
		if n["softmax.CrossEntropy"] != 1 || n["softmax.Grad"] != 1 {
			t.Errorf("checks %v", n)
		}
	})
	t.Run("no one-hot", func(t *testing.T) {
		edit := func(src string) string { return withBody(t, src, "Grad", "\treturn Softmax(z)") }
		s := seqOpen(t, embeddings.Lesson(), map[string]func(string) string{"softmax": edit})
		mine, _ := seqRuns(t, embeddings.Lesson(), s, nil)
		if first := seqFirst(t, mine); first.Func != "softmax.Grad" || !strings.HasPrefix(first.Node, "∂ log p = log_softmax(") {
			t.Errorf("first failure %+v", first)
		}
	})
}

// sentiment: after the bag model's epoch, the attnpool solution pools the
// sequence model's states like the engine for two steps (forward, dw and
// dH); mean pooling in place of the weights stops at the pooling.
func TestSeqSentiment(t *testing.T) {
	if _, ok := sentiment.Lesson().New(lessons.DefaultSeed, sentiment.Lesson().Defaults()).(lessons.Miner); !ok {
		t.Skip("sentiment does not run in mine mode yet (its Mined comes with the lab's opt-in)")
	}
	settings := lessons.Settings{"epochs": "1", "hidden": "4"}
	pooled := func(rep *lessons.MineReport) bool { return rep != nil && seqChecked(rep)["attnpool.Pool"] > 0 }
	t.Run("solution", func(t *testing.T) {
		s := seqOpen(t, sentiment.Lesson(), nil)
		mine, eng := seqRuns(t, sentiment.Lesson(), s, settings)
		for i := 0; i < 10000 && !(pooled(report(mine)) && report(mine).Step >= 2) && !mine.Done(); i++ {
			mine.Advance(lessons.Step)
			eng.Advance(lessons.Step)
		}
		n := seqChecked(seqSame(t, mine, eng))
		if n["attnpool.Pool"] != 1 || n["attnpool.Backward"] != 2 {
			t.Errorf("checks %v", n)
		}
	})
	t.Run("mean pooling", func(t *testing.T) {
		edit := func(src string) string {
			return strings.Replace(src, "pooled[k] += weights[t] * H[t][k]", "pooled[k] += H[t][k] / float64(n)", 1)
		}
		s := seqOpen(t, sentiment.Lesson(), map[string]func(string) string{"attnpool": edit})
		mine, _ := seqRuns(t, sentiment.Lesson(), s, settings)
		if first := seqFirst(t, mine); first.Func != "attnpool.Pool" || !strings.HasPrefix(first.Index, "pooled[0]") {
			t.Errorf("first failure %+v", first)
		}
	})
}

// textgen: the causalmask solution's masked softmax and its backward
// train like the engine for two steps; a mask that hides nothing stops at
// the first attention's softmax.
func TestSeqTextgen(t *testing.T) {
	if _, ok := textgen.Lesson().New(lessons.DefaultSeed, textgen.Lesson().Defaults()).(lessons.Miner); !ok {
		t.Skip("textgen does not run in mine mode yet (its Mined comes with the lab's opt-in)")
	}
	t.Run("solution", func(t *testing.T) {
		s := seqOpen(t, textgen.Lesson(), nil)
		mine, eng := seqRuns(t, textgen.Lesson(), s, lessons.Settings{"epochs": "1"})
		n := seqChecked(seqSteps(t, mine, eng, 2))
		if n["causalmask.MaskedSoftmax"] == 0 || n["causalmask.MaskedSoftmax"] != n["causalmask.MaskedSoftmaxBackward"] {
			t.Errorf("checks %v", n)
		}
	})
	t.Run("no mask", func(t *testing.T) {
		edit := func(src string) string {
			return withBody(t, src, "CausalMask", "\tm := make([][]float64, T)\n\tfor i := range m {\n\t\tm[i] = make([]float64, T)\n\t}\n\treturn m")
		}
		s := seqOpen(t, textgen.Lesson(), map[string]func(string) string{"causalmask": edit})
		mine, _ := seqRuns(t, textgen.Lesson(), s, lessons.Settings{"epochs": "1"})
		if first := seqFirst(t, mine); first.Func != "causalmask.MaskedSoftmax" || !strings.HasPrefix(first.Index, "w[0][0]") {
			t.Errorf("first failure %+v", first)
		}
	})
}
