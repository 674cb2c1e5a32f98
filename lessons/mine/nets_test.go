package mine

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/backprop"
	"github.com/dlearn/dlearn/lessons/linreg"
	"github.com/dlearn/dlearn/lessons/overfit"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/toolkit"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The network lessons in mine mode with the reference solutions of their
// exercises built into harnesses (seconds each; without -short only), and
// with mutants written into a solution's source.

// netsDir writes an exercises folder holding the reference solutions of
// exercises, each changed by edit[exercise] when there is one. The tests
// pass all of a lesson's exercises: which of them mine mode builds depends
// on the adapters registered (other files add theirs).
func netsDir(t *testing.T, edit map[string]func(string) string, exercises ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds harnesses; runs without -short")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module dlearn-exercises\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ex := range exercises {
		src, err := os.ReadFile("../../solutions/" + ex + "/" + ex + ".go")
		if err != nil {
			t.Skip("no solutions/ (a classroom copy): ", err)
		}
		s := string(src)
		if f := edit[ex]; f != nil {
			s = f(s)
		}
		if err := os.MkdirAll(filepath.Join(dir, ex), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ex, ex+".go"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// replace is an edit replacing old by new, which must be in the source.
func replace(t *testing.T, old, new string) func(string) string {
	return func(src string) string {
		if !strings.Contains(src, old) {
			t.Fatalf("%q is not in the solution", old)
		}
		return strings.Replace(src, old, new, 1)
	}
}

// netsHas reports whether built holds every one of want.
func netsHas(built []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(built, w) {
			return false
		}
	}
	return true
}

// netsRuns starts the lesson with settings twice: in mine mode with s, and
// with the engine alone.
func netsRuns(t *testing.T, l *lessons.Lesson, s *Session, set lessons.Settings) (mine, eng *lessons.Run) {
	t.Helper()
	mine, err := lessons.Start(l, lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	mine.SetMine(s.Mine)
	eng, _ = lessons.Start(l, lessons.DefaultSeed, set)
	return mine, eng
}

// netsSame runs both to the end and compares where they end and what
// they measure (to 1e-9 relative: the learner's values are the engine's
// up to rounding); it returns the functions of the last step's checks.
func netsSame(t *testing.T, r, eng *lessons.Run) []string {
	t.Helper()
	r.Advance(lessons.End)
	eng.Advance(lessons.End)
	rep := report(r)
	got, want := r.Scene(), eng.Scene()
	if rep.Stopped() || got.Pos != want.Pos {
		t.Fatalf("mine run at %+v (%s), engine at %+v", got.Pos, rep.Message(), want.Pos)
	}
	if got.Goal == nil || want.Goal == nil || got.Goal.Value != want.Goal.Value || got.Goal.Met != want.Goal.Met {
		t.Errorf("goal %+v, the engine's %+v", got.Goal, want.Goal)
	}
	netsMeasures(t, r, eng)
	var fns []string
	for _, c := range rep.Checks {
		if !c.OK || c.Checked == 0 || c.Used == 0 {
			t.Errorf("last step's check %+v", c)
		}
		if !slices.Contains(fns, c.Func) {
			fns = append(fns, c.Func)
		}
	}
	return fns
}

// netsMeasures compares what the runs measure, to 1e-9 relative.
func netsMeasures(t *testing.T, r, eng *lessons.Run) {
	t.Helper()
	mm, em := lessons.MachineOf(r).(lessons.Measurer).Measures(), lessons.MachineOf(eng).(lessons.Measurer).Measures()
	for k, v := range em.Values {
		if d := math.Abs(mm.Values[k] - v); d > 1e-9*max(1, math.Abs(v)) || math.IsNaN(mm.Values[k]) {
			t.Errorf("%s: %v, the engine's %v", k, mm.Values[k], v)
		}
	}
	if len(mm.Loss) != len(em.Loss) {
		t.Fatalf("%d losses, the engine's %d", len(mm.Loss), len(em.Loss))
	}
	for i, v := range em.Loss {
		if d := math.Abs(mm.Loss[i] - v); d > 1e-9*max(1, math.Abs(v)) {
			t.Errorf("loss %d: %v, the engine's %v", i, mm.Loss[i], v)
		}
	}
}

// netsFirst runs r one step and returns its first disagreement.
func netsFirst(t *testing.T, r *lessons.Run) lessons.MineCheck {
	t.Helper()
	for i := 0; i < 50 && (report(r) == nil || !report(r).Stopped()) && !r.Done(); i++ {
		r.Advance(lessons.Step)
	}
	rep := report(r)
	if !rep.Stopped() || rep.Step != 1 {
		t.Fatalf("report %+v", rep)
	}
	msg := r.Scene().Status.Message
	if !strings.HasPrefix(msg, "mine:") {
		t.Errorf("status %q", msg)
	}
	t.Log(msg)
	return rep.Checks[rep.First]
}

func TestNetsLinreg(t *testing.T) {
	set := lessons.Settings{"epochs": "3"}
	t.Run("solution", func(t *testing.T) {
		s := open(t, netsDir(t, nil, linreg.Lesson().Exercises...), linreg.Lesson(), 0)
		r, eng := netsRuns(t, linreg.Lesson(), s, set)
		if fns := netsSame(t, r, eng); !netsHas(fns, "mse.Loss", "mse.Grad") {
			t.Errorf("checked %v", fns)
		}
	})
	for _, c := range []struct {
		name, old, new, node, hint string
	}{
		{"grad without the 2", "2 * (pred[i] - target[i])", "(pred[i] - target[i])", "∂ e = sub(ŷ, y)", "forget the factor 2"},
		{"loss without the mean", "return sum / float64(len(pred))", "return sum", "L = mean(e²)", "divide the sum by n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := netsDir(t, map[string]func(string) string{"mse": replace(t, c.old, c.new)}, linreg.Lesson().Exercises...)
			r, _ := netsRuns(t, linreg.Lesson(), open(t, dir, linreg.Lesson(), 0), set)
			if first := netsFirst(t, r); first.Node != c.node || !strings.Contains(first.Diagnosis, c.hint) {
				t.Errorf("first failure %+v, want %s with %q", first, c.node, c.hint)
			}
		})
	}
}

func TestNetsBackprop(t *testing.T) {
	set := lessons.Settings{"epochs": "20"}
	exs := backprop.Lesson().Exercises
	t.Run("solution", func(t *testing.T) {
		s := open(t, netsDir(t, nil, exs...), backprop.Lesson(), 0)
		if !netsHas(s.Exercises, "dense", "autograd", "mse") {
			t.Errorf("built %v", s.Exercises)
		}
		r, eng := netsRuns(t, backprop.Lesson(), s, set)
		if fns := netsSame(t, r, eng); !netsHas(fns, "autograd.Eval", "dense.Forward", "mse.Loss", "mse.Grad", "dense.Backward") {
			t.Errorf("checked %v", fns)
		}
	})
	t.Run("autograd tanh derivative of the input", func(t *testing.T) {
		dir := netsDir(t, map[string]func(string) string{
			"autograd": replace(t, "v.Grad += (1 - t*t) * out.Grad", "v.Grad += (1 - v.Data*v.Data) * out.Grad"),
		}, exs...)
		r, _ := netsRuns(t, backprop.Lesson(), open(t, dir, backprop.Lesson(), 0), set)
		if first := netsFirst(t, r); first.Node != "∂ h = tanh(z1)" || first.Func != "autograd.Eval" {
			t.Errorf("first failure %+v", first)
		}
	})
}

func TestNetsOverfit(t *testing.T) {
	set := lessons.Settings{"epochs": "3", "width": "8", "dropout": "0.2", "l2": "0.01"}
	// overfit lists batchnorm, which has adapters (the toolkit lesson's
	// layers), so it is built too, though overfit has no such layer.
	exs := overfit.Lesson().Exercises
	t.Run("solution", func(t *testing.T) {
		s := open(t, netsDir(t, nil, exs...), overfit.Lesson(), 0)
		if !netsHas(s.Exercises, "regularize", "batchnorm", "dense", "logistic") {
			t.Errorf("built %v", s.Exercises)
		}
		r, eng := netsRuns(t, overfit.Lesson(), s, set)
		if fns := netsSame(t, r, eng); !netsHas(fns, "dense.Forward", "logistic.Grad", "dense.Backward", "regularize.DropoutBackward", "regularize.L2Grad") {
			t.Errorf("checked %v", fns)
		}
	})
	t.Run("dropout backward without the mask", func(t *testing.T) {
		dir := netsDir(t, map[string]func(string) string{
			"regularize": replace(t, "dx[i] = dy[i] * mask[i]", "dx[i] = dy[i]"),
		}, exs...)
		r, _ := netsRuns(t, overfit.Lesson(), open(t, dir, overfit.Lesson(), 0), set)
		if first := netsFirst(t, r); first.Node != "∂ h2~ = dropout(h2, p=0.2)" || !strings.Contains(first.Diagnosis, "multiply by the mask") {
			t.Errorf("first failure %+v", first)
		}
	})
	t.Run("L2 with the square's 2", func(t *testing.T) {
		dir := netsDir(t, map[string]func(string) string{
			"regularize": replace(t, "grad[i] + lambda*w[i]", "grad[i] + 2*lambda*w[i]"),
		}, exs...)
		r, _ := netsRuns(t, overfit.Lesson(), open(t, dir, overfit.Lesson(), 0), set)
		first := netsFirst(t, r)
		if first.Node != "update: weight decay of d1.W, λ=0.01" || r.Scene().Phase != "update" || !strings.Contains(first.Diagnosis, "gradient of λ·‖w‖²") {
			t.Errorf("first failure %+v, phase %s", first, r.Scene().Phase)
		}
	})
}

// The adapters of lessons that do not run in mine mode on this branch
// (toolkit's batch normalisation, rnn's clip) with the reference solutions
// through harnesses, on a trainer.Loop of a dense layer, nn.BatchNorm and
// tanh whose update clips the gradients: three steps agree with the
// engine's and train like it.
func TestNetsBatchNormAndClip(t *testing.T) {
	dir := netsDir(t, nil, "batchnorm", "clip")
	loop := func(s *Session) *trainer.Loop {
		rng := tensor.NewRNG(4)
		fill := func(shape ...int) *tensor.Tensor {
			t := tensor.New(shape...)
			for i := range t.Data {
				t.Data[i] = 2*rng.Float64() - 1
			}
			return t
		}
		x, c := fill(8, 3), fill(8, 5)
		d := nn.NewDense("d", 3, 5, rng)
		bn := nn.NewBatchNorm("bn", 5)
		copy(bn.Gamma.Value.Data, []float64{1.5, 0.5, -1, 2, 1})
		l := &trainer.Loop{N: 1, Batch: 1, Epochs: 3, NoShuffle: true}
		l.Params = append(d.Params(), bn.Gamma, bn.Beta)
		opt := optim.NewSGD(0.3)
		l.Start = func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
					z := bn.Forward(tp, d.Forward(tp, autograd.Const("x", x))).Named("z")
					return tp.Sum(tp.Mul(tp.Tanh(z), autograd.Const("c", c)))
				}, func() {
					if _, ok := l.MineClip(l.Params, 0.05); ok {
						opt.Step(l.Params)
					}
				}
		}
		if s != nil {
			l.SetMine(s.Mine)
		}
		return l
	}
	l := &lessons.Lesson{ID: "bn", Exercises: []string{"batchnorm", "clip"},
		New: func(uint64, lessons.Settings) lessons.Machine { return netsLoopMachine{loop(nil)} }}
	s, err := Open(context.Background(), dir, l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mine, eng := loop(s), loop(nil)
	mine.Advance(lessons.End)
	eng.Advance(lessons.End)
	rep := mine.MineReport()
	if rep.Stopped() || mine.Step != 3 || len(rep.Checks) != 5 {
		t.Fatalf("%s %+v", rep.Message(), rep)
	}
	for _, c := range rep.Checks {
		if !c.OK || c.Used == 0 {
			t.Errorf("%+v", c)
		}
	}
	// The last step's gradients were clipped (to norm 0.05).
	if n := optim.GradNorm(eng.Params); math.Abs(n-0.05) > 1e-6 {
		t.Errorf("the clipped norm is %v", n)
	}
	for k, p := range mine.Params {
		for i, v := range p.Value.Data {
			if e := eng.Params[k].Value.Data[i]; math.Abs(v-e) > 1e-12 {
				t.Errorf("%s[%d] = %v, the engine's %v", p.Name, i, v, e)
			}
		}
	}
}

// netsLoopMachine is a Loop as a lessons.Miner, for Open.
type netsLoopMachine struct{ l *trainer.Loop }

func (m netsLoopMachine) Advance(g lessons.Granularity) { m.l.Advance(g) }
func (m netsLoopMachine) Done() bool                    { return m.l.Done() }
func (m netsLoopMachine) Scene() scene.Scene            { return scene.Scene{} }
func (m netsLoopMachine) Set(string, string)            {}
func (m netsLoopMachine) Mined() lessons.MineChecker    { return m.l }

// toolkit with batch normalisation on: three training steps agree with
// the engine's (the whole run takes long: the adapters are tested at every
// op kind in lessons/trainer), and a Backward without dx's mean terms
// stops at the last layer's μ.
func TestNetsToolkit(t *testing.T) {
	l := toolkit.Lesson()
	set := lessons.Settings{"bn": "on", "epochs": "1"}
	steps := func(r, eng *lessons.Run, n int) {
		for i := 0; i < 200 && (report(r) == nil || report(r).Step < n) && !r.Done(); i++ {
			r.Advance(lessons.Step)
			if eng != nil {
				eng.Advance(lessons.Step)
			}
		}
	}
	t.Run("solution", func(t *testing.T) {
		s := open(t, netsDir(t, nil, l.Exercises...), l, 0)
		if !netsHas(s.Exercises, "batchnorm") {
			t.Fatalf("built %v", s.Exercises)
		}
		r, eng := netsRuns(t, l, s, set)
		steps(r, eng, 3)
		rep := report(r)
		if rep == nil || rep.Stopped() || rep.Step != 3 {
			t.Fatalf("report %+v: %s", rep, rep.Message())
		}
		n := 0
		for _, c := range rep.Checks {
			if c.Func == "batchnorm.Backward" && c.OK && c.Used > 0 {
				n++
			}
		}
		if n != 27 { // dβ, dγ and dx of each of the nine layers
			t.Errorf("%d batchnorm.Backward checks agreeing: %+v", n, rep.Checks)
		}
		// The learner's values are the engine's up to rounding (the plots
		// hold them raw): the position and the measures agree to 1e-9.
		if got, want := r.Scene(), eng.Scene(); got.Pos != want.Pos {
			t.Fatalf("the mine run at %+v, the engine's at %+v", got.Pos, want.Pos)
		}
		netsMeasures(t, r, eng)
	})
	t.Run("dx without its mean terms", func(t *testing.T) {
		dir := netsDir(t, map[string]func(string) string{
			"batchnorm": replace(t, "dx[i][j] = inv * (dy[i][j]*gamma[j] - meanG - xhat[i]*meanGX)", "dx[i][j] = inv * dy[i][j] * gamma[j]"),
		}, l.Exercises...)
		r, _ := netsRuns(t, l, open(t, dir, l, 0), set)
		steps(r, nil, 1)
		rep := report(r)
		if !rep.Stopped() || rep.Step != 1 || rep.Checks[rep.First].Node != "∂ bn9.mean = mean(a9, axis=0, keepdims)" {
			t.Fatalf("report %+v", rep)
		}
		t.Log(rep.Message())
	})
}
