package mine

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/cnn"
	"github.com/dlearn/dlearn/lessons/gan"
	"github.com/dlearn/dlearn/lessons/optimizers"
	"github.com/dlearn/dlearn/lessons/trainer"
	"github.com/dlearn/dlearn/lessons/translate"
)

// Each lesson builds the exercises it calls, and only those.
func TestOwnExercises(t *testing.T) {
	for _, c := range []struct {
		l    *lessons.Lesson
		want string
	}{
		{optimizers.Lesson(), "adam momentum"}, // no schedule: the lesson has none
		{gan.Lesson(), "gan"},
		{translate.Lesson(), "attention softmax decode adam"},
	} {
		if got := strings.Join(Exercises(c.l), " "); got != c.want {
			t.Errorf("%s: %s, want %s", c.l.ID, got, c.want)
		}
	}
	for _, e := range []string{"gan", "decode"} {
		if slices.Contains(Exercises(cnn.Lesson()), e) {
			t.Errorf("cnn builds %s", e)
		}
	}
	ops := strings.Join(trainer.MineOps(), "\n")
	for _, op := range []string{"adam update: adam.New", "rmsprop update: momentum.RMSProp", "gan D loss: gan.DiscriminatorLoss", "greedy pick: decode.Greedy"} {
		if !strings.Contains(ops, op) {
			t.Errorf("MineOps has no %q:\n%s", op, ops)
		}
	}
}

// The lessons that check their own values (optimizers, gan, translate)
// with the reference solutions, mutants of them and a hang, through real
// harnesses: they run without -short.

// solutionsFor writes an exercises folder holding the reference
// solutions of every exercise mine mode builds for l, those named in
// edits with their edit applied (a strings.Replacer's old, new pairs).
func solutionsFor(t *testing.T, l *lessons.Lesson, edits map[string][]string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds harnesses; runs without -short")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module dlearn-exercises\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name := range edits {
		if !slices.Contains(Exercises(l), name) {
			t.Fatalf("%s does not check %s", l.ID, name)
		}
	}
	for _, name := range Exercises(l) {
		src, err := os.ReadFile(filepath.Join("../../solutions", name, name+".go"))
		if err != nil {
			t.Skip("no solutions/ (a classroom copy): ", err)
		}
		edit := edits[name]
		out := strings.NewReplacer(edit...).Replace(string(src))
		if len(edit) > 0 && out == string(src) {
			t.Fatalf("the edit of %s changes nothing", name)
		}
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, name+".go"), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// startBoth starts a run of l in mine mode with s and one of the engine's
// alone, with the same settings.
func startBoth(t *testing.T, l *lessons.Lesson, s *Session, set lessons.Settings) (mine, eng *lessons.Run) {
	t.Helper()
	mine, err := lessons.Start(l, lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	mine.SetMine(s.Mine)
	eng, _ = lessons.Start(l, lessons.DefaultSeed, set)
	return mine, eng
}

// sameEnd fails unless the two runs ended at the same place with the
// same goal measure.
func sameEnd(t *testing.T, mine, eng *lessons.Run) {
	t.Helper()
	got, want := mine.Scene(), eng.Scene()
	if rep := report(mine); rep == nil || rep.Stopped() {
		t.Fatalf("mine run stopped: %s", rep.Message())
	}
	if got.Pos != want.Pos || got.Goal == nil || got.Goal.Measure != want.Goal.Measure {
		t.Fatalf("mine run ends at %+v with %+v, the engine's at %+v with %+v", got.Pos, got.Goal, want.Pos, want.Goal)
	}
}

// stopsAt fails unless the run stopped at step with the first failing
// check on node, its index, problem or diagnosis containing says.
func stopsAt(t *testing.T, r *lessons.Run, step int, node, says string) {
	t.Helper()
	rep := report(r)
	if !rep.Stopped() || rep.Step != step || !r.Done() {
		t.Fatalf("report %+v, want a stop at step %d", rep, step)
	}
	first := rep.Checks[rep.First]
	if first.Node != node || !strings.Contains(first.Index+" "+first.Problem+" "+first.Diagnosis, says) {
		t.Errorf("first failure %+v, want %s with %q", first, node, says)
	}
	sc := r.Scene()
	if sc.Question != nil || !strings.Contains(sc.Status.Message, node) || sc.Panels[len(sc.Panels)-1].ID != "mine" {
		t.Errorf("question %v, status %q", sc.Question, sc.Status.Message)
	}
	t.Log(sc.Status.Message)
}

func TestOwnOptimizers(t *testing.T) {
	s := open(t, solutionsFor(t, optimizers.Lesson(), nil), optimizers.Lesson(), 0)
	if strings.Join(s.Exercises, " ") != "adam momentum" {
		t.Fatalf("exercises %v", s.Exercises)
	}
	set := lessons.Settings{"steps": "60", "surface": "rosenbrock"}
	r, eng := startBoth(t, optimizers.Lesson(), s, set)
	for _, run := range []*lessons.Run{r, eng} {
		run.Advance(lessons.Epoch)
		run.Set("lr", "0.05")
		run.Advance(lessons.End)
	}
	sameEnd(t, r, eng)
	if rep := report(r); len(rep.Checks) != 3 || rep.Checks[2].Used != 2 || rep.Checks[2].Func != "adam.New" {
		t.Errorf("last report %+v", rep)
	}
}

func TestOwnOptimizersMutants(t *testing.T) {
	for _, c := range []struct {
		name      string
		edits     map[string][]string
		step      int
		node, say string
	}{
		{"adam without bias correction", map[string][]string{"adam": {"mHat, vHat := a.m[i]/c1, a.v[i]/c2", "mHat, vHat := a.m[i]+0*c1, a.v[i]+0*c2"}},
			1, "Adam (x, y) ← adam update", "bias correction is missing"},
		{"rmsprop with α and 1 − α swapped", map[string][]string{"momentum": {"sNext[i] = alpha*s[i] + (1-alpha)*g[i]*g[i]", "sNext[i] = (1-alpha)*s[i] + alpha*g[i]*g[i]"}},
			1, "RMSProp (x, y) ← rmsprop update", "α and 1 − α are swapped"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := open(t, solutionsFor(t, optimizers.Lesson(), c.edits), optimizers.Lesson(), 0)
			r, _ := startBoth(t, optimizers.Lesson(), s, nil)
			r.Advance(lessons.End)
			stopsAt(t, r, c.step, c.node, c.say)
		})
	}
}

// A learner's Adam whose Step never returns: the call times out, the run
// stops there and the caller is never stuck.
func TestOwnHangTimesOut(t *testing.T) {
	dir := solutionsFor(t, optimizers.Lesson(), map[string][]string{"adam": {"\ta.t++\n", "\tfor {\n\t}\n"}})
	s := open(t, dir, optimizers.Lesson(), time.Second)
	r, _ := startBoth(t, optimizers.Lesson(), s, nil)
	done := make(chan struct{})
	began := time.Now()
	go func() {
		r.Advance(lessons.Step)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a hanging Adam hangs the run")
	}
	if d := time.Since(began); d > 15*time.Second {
		t.Errorf("the step took %v with a call timeout of 1s", d)
	}
	stopsAt(t, r, 1, "Adam (x, y) ← adam update", "timed out")
}

func TestOwnGAN(t *testing.T) {
	s := open(t, solutionsFor(t, gan.Lesson(), nil), gan.Lesson(), 0)
	set := lessons.Settings{"steps": "25", "width": "16"}
	r, eng := startBoth(t, gan.Lesson(), s, set)
	r.Advance(lessons.End)
	eng.Advance(lessons.End)
	sameEnd(t, r, eng)
	if rep := report(r); len(rep.Checks) != 5 || rep.Checks[4].Func != "gan.GeneratorGrad" || rep.Checks[4].Used != gan.Batch {
		t.Errorf("last report %+v", rep)
	}
}

func TestOwnGANMutants(t *testing.T) {
	for _, c := range []struct {
		name      string
		edit      []string
		node, say string
	}{
		{"D's fake gradient without 1/n", []string{"dFake[j] = sigmoid(l) / float64(len(fakeLogits))", "dFake[j] = sigmoid(l)"},
			"∂L_D/∂ D(G(z)) logits", "[0]"},
		{"G's loss saturating", []string{"s += softplus(-l)\n\t}\n\treturn s / float64(len(fakeLogits))", "s -= softplus(l)\n\t}\n\treturn s / float64(len(fakeLogits))"},
			"L_G = bce(D(G(z)), 1)", "saturating loss"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := open(t, solutionsFor(t, gan.Lesson(), map[string][]string{"gan": c.edit}), gan.Lesson(), 0)
			r, _ := startBoth(t, gan.Lesson(), s, lessons.Settings{"width": "16"})
			r.Advance(lessons.End)
			stopsAt(t, r, 1, c.node, c.say)
		})
	}
}

func TestOwnTranslate(t *testing.T) {
	s := open(t, solutionsFor(t, translate.Lesson(), nil), translate.Lesson(), 0)
	if strings.Join(s.Exercises, " ") != "attention softmax decode adam" {
		t.Fatalf("exercises %v", s.Exercises)
	}
	set := lessons.Settings{"hidden": "8"}
	r, eng := startBoth(t, translate.Lesson(), s, set)
	for range 4 { // each step with its attention and the decoding of the example shown
		r.Advance(lessons.Step)
		eng.Advance(lessons.Step)
	}
	rep := report(r)
	got, want := r.Scene(), eng.Scene()
	if rep.Stopped() || got.Pos != want.Pos || got.Pos.Step != 4 || !closeValues(got.Panels[:len(got.Panels)-1], want.Panels) {
		t.Fatalf("mine run at %+v (%s), the engine's at %+v", got.Pos, rep.Message(), want.Pos)
	}
	if n := len(rep.Checks); n < 31 || rep.Checks[n-1].Func != "decode.Greedy" || rep.Checks[10].Func != "adam.New" || rep.Checks[0].Used == 0 {
		t.Errorf("last report %+v", rep)
	}
}

func TestOwnTranslateMutants(t *testing.T) {
	edits := map[string][]string{"attention": {"scale := 1 / math.Sqrt(float64(d))", "scale := 1 / float64(d)"}}
	s := open(t, solutionsFor(t, translate.Lesson(), edits), translate.Lesson(), 0)
	r, _ := startBoth(t, translate.Lesson(), s, lessons.Settings{"hidden": "8"})
	r.Advance(lessons.End)
	stopsAt(t, r, 1, "attention at output 1: softmax(s·Wa·h), Σ a·h", "weights[0][0]")
}

// cnn's updates (its Loop's Opt) with the learner's momentum and Adam:
// the reference ones train three steps like the engine; an Adam whose
// step ignores its learning rate stops at the first update.
func TestOwnLoopUpdates(t *testing.T) {
	for _, opt := range []string{"momentum", "adam"} {
		t.Run(opt, func(t *testing.T) {
			set := lessons.Settings{"optimizer": opt, "lr": "0.01"}
			s := open(t, solutionsFor(t, cnn.Lesson(), nil), cnn.Lesson(), 0)
			r, eng := startBoth(t, cnn.Lesson(), s, set)
			for range 3 {
				r.Advance(lessons.Step)
				eng.Advance(lessons.Step)
			}
			rep := report(r)
			got, want := r.Scene(), eng.Scene()
			if rep.Stopped() || got.Pos != want.Pos || got.Pos.Step != 3 {
				t.Fatalf("mine run at %+v (%s), the engine's at %+v", got.Pos, rep.Message(), want.Pos)
			}
			n := 0
			for _, c := range rep.Checks {
				if c.Op == opt+" update" && c.OK && c.Used > 0 {
					n++
				}
			}
			if n != 6 { // conv1, conv2 and dense: a weight and a bias each
				t.Errorf("%d %s updates checked: %+v", n, opt, rep.Checks)
			}
		})
	}
	t.Run("adam with a fixed rate", func(t *testing.T) {
		s := open(t, solutionsFor(t, cnn.Lesson(), map[string][]string{"adam": {"return &Adam{LR: lr,", "return &Adam{LR: 0.001,"}}), cnn.Lesson(), 0)
		r, _ := startBoth(t, cnn.Lesson(), s, lessons.Settings{"optimizer": "adam", "lr": "0.01"})
		r.Advance(lessons.Step)
		rep := report(r)
		if !rep.Stopped() || rep.Step != 1 || !strings.HasSuffix(rep.Checks[rep.First].Node, "← adam update") ||
			!strings.Contains(rep.Checks[rep.First].Diagnosis, "not a fixed 0.001") {
			t.Fatalf("report %+v", rep)
		}
		t.Log(r.Scene().Status.Message)
	})
}

// closeValues reports whether a and b encode to the same JSON but for
// numbers, which may differ by 1e-9 relative: the learner's values agree
// with the engine's to rounding (an Adam's order of operations), and
// pictures drawn from them may differ in the last bits.
func closeValues(a, b any) bool {
	var x, y any
	for _, v := range []struct {
		in  any
		out *any
	}{{a, &x}, {b, &y}} {
		raw, err := json.Marshal(v.in)
		if err != nil || json.Unmarshal(raw, v.out) != nil {
			return false
		}
	}
	return closeJSON(x, y)
}

func closeJSON(x, y any) bool {
	switch x := x.(type) {
	case float64:
		y, ok := y.(float64)
		return ok && math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !closeJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !closeJSON(v, y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(x, y)
}
