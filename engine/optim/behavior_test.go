package optim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

var allNames = []string{"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}

func mustNew(t testing.TB, name string, lr float64) Optimizer {
	t.Helper()
	o, err := New(name, lr)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func param(name string, vals ...float64) *autograd.Var {
	return autograd.NewParam(name, tensor.FromValues(vals, len(vals)))
}

func mustPanic(t *testing.T, want []string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want one mentioning %q", want)
			return
		}
		msg := fmt.Sprint(r)
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("panic %q does not mention %q", msg, w)
			}
		}
	}()
	f()
}

func TestNilGradSkipped(t *testing.T) {
	for _, name := range allNames {
		o := mustNew(t, name, 0.1)
		a, b := param("a", 1, 2), param("b", 3)
		a.Grad = tensor.FromValues([]float64{1, 1}, 2)
		o.Step([]*autograd.Var{a, b})
		if b.Value.Data[0] != 3 || o.LastUpdate(b) != nil {
			t.Errorf("%s: a parameter without gradient was updated", name)
		}
		if got := Lookup(o.State(b), StateT).Item(); got != 0 {
			t.Errorf("%s: skipped parameter has t = %g", name, got)
		}
		if a.Value.Data[0] == 1 {
			t.Errorf("%s: the parameter with a gradient was not updated", name)
		}
	}
}

func TestShapePanics(t *testing.T) {
	for _, name := range allNames {
		o := mustNew(t, name, 0.1)
		w := param("w", 1, 2)
		w.Grad = tensor.New(3)
		op := map[string]string{"sgd": "SGD", "momentum": "Momentum", "nesterov": "Momentum",
			"adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}[name]
		mustPanic(t, []string{"optim: " + op + ".Step", `"w"`, "[2]", "[3]"}, func() { o.Step([]*autograd.Var{w}) })

		w.Grad = tensor.New(2)
		o.Step([]*autograd.Var{w})
		w.Value, w.Grad = tensor.New(2, 2), tensor.New(2, 2)
		mustPanic(t, []string{"optim: " + op + ".Step", "[2 2]", "state has shape [2]"}, func() { o.Step([]*autograd.Var{w}) })
	}
}

func TestNoAllocsAfterFirstStep(t *testing.T) {
	for _, name := range allNames {
		o := mustNew(t, name, 0.01)
		ps := []*autograd.Var{param("a", 1, 2, 3), param("b", 4), param("c", 5)}
		ps[0].Grad = tensor.FromValues([]float64{0.1, -0.2, 0.3}, 3)
		ps[1].Grad = tensor.FromValues([]float64{0.5}, 1)
		o.Step(ps)
		if n := testing.AllocsPerRun(20, func() { o.Step(ps) }); n != 0 {
			t.Errorf("%s: %g allocations per step after the first", name, n)
		}
	}
	ps := []*autograd.Var{param("a", 1, 2)}
	ps[0].Grad = tensor.FromValues([]float64{30, 40}, 2)
	if n := testing.AllocsPerRun(20, func() { ClipGradNorm(ps, 1) }); n != 0 {
		t.Errorf("ClipGradNorm: %g allocations", n)
	}
}

func TestStateBeforeAndAfterFirstStep(t *testing.T) {
	want := map[string][]string{
		"sgd":      {StateT},
		"momentum": {StateVelocity, StateT},
		"nesterov": {StateVelocity, StateT},
		"adagrad":  {StateG, StateT, StateStepSize},
		"rmsprop":  {StateV, StateT, StateStepSize},
		"adam":     {StateM, StateV, StateT, StateBias1, StateBias2, StateMHat, StateVHat, StateStepSize},
	}
	for _, name := range allNames {
		o := mustNew(t, name, 0.1)
		w := param("w", 1, 2)
		before := o.State(w)
		for _, s := range before {
			if s.Help == "" || s.Value == nil {
				t.Errorf("%s: state %q has no help or value", name, s.Name)
			}
			for _, v := range s.Value.Data {
				if v != 0 {
					t.Errorf("%s: state %q before the first step = %v, want zeros", name, s.Name, s.Value)
				}
			}
		}
		w.Grad = tensor.FromValues([]float64{0.5, -0.5}, 2)
		o.Step([]*autograd.Var{w})
		after := o.State(w)
		var names []string
		for _, s := range after {
			names = append(names, s.Name)
		}
		if fmt.Sprint(names) != fmt.Sprint(want[name]) {
			t.Errorf("%s: state names %q, want %q", name, names, want[name])
		}
		// Before the first step: the same entries without the derived ones.
		if got, wantN := len(before), len(want[name])-countDerived(name); got != wantN {
			t.Errorf("%s: %d entries before the first step, want %d", name, got, wantN)
		}
		// State returns copies.
		for _, s := range after {
			s.Value.Data[0] = 1e9
		}
		for _, s := range o.State(w) {
			if s.Value.Data[0] == 1e9 {
				t.Errorf("%s: State(%q) aliases the optimizer's buffer", name, s.Name)
			}
		}
	}
}

func countDerived(name string) int {
	return map[string]int{"adagrad": 1, "rmsprop": 1, "adam": 5}[name]
}

func TestCloneAndReset(t *testing.T) {
	for _, name := range allNames {
		o := mustNew(t, name, 0.05)
		w := param("w", 1, -2)
		grad := func(w *autograd.Var) {
			w.Grad = tensor.FromValues([]float64{w.Value.Data[0] * 3, w.Value.Data[1] - 1}, 2)
		}
		for range 2 {
			grad(w)
			o.Step([]*autograd.Var{w})
		}
		// Same parameters: a snapshot that is not disturbed by later steps.
		snap := o.Clone(nil)
		w2 := autograd.NewParam("w2", w.Value.Clone())
		moved := o.Clone(map[*autograd.Var]*autograd.Var{w: w2})
		for range 3 {
			grad(w)
			o.Step([]*autograd.Var{w})
			grad(w2)
			moved.Step([]*autograd.Var{w2})
		}
		if fmt.Sprint(w.Value.Data) != fmt.Sprint(w2.Value.Data) {
			t.Errorf("%s: clone with remap diverged: %v vs %v", name, w.Value.Data, w2.Value.Data)
		}
		if got := Lookup(snap.State(w), StateT).Item(); got != 2 {
			t.Errorf("%s: snapshot t = %g, want 2", name, got)
		}
		if moved.LastUpdate(w) != nil {
			t.Errorf("%s: remapped clone kept state for the old parameter", name)
		}
		o.Reset()
		if o.LastUpdate(w) != nil || Lookup(o.State(w), StateT).Item() != 0 {
			t.Errorf("%s: Reset kept state", name)
		}
		mustPanic(t, []string{"optim:", "Clone", "[2]", "[3]"}, func() {
			snap.Clone(map[*autograd.Var]*autograd.Var{w: param("big", 1, 2, 3)})
		})
	}
}

// TestReplayProperty: for random shapes, gradients and learning rates, an
// optimizer and its clone, fed the same gradients, produce bit-identical
// parameters, and every LastUpdate is exactly W after − W before.
func TestReplayProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.SampledFrom(allNames).Draw(t, "name")
		lr := rapid.Float64Range(1e-4, 1).Draw(t, "lr")
		n := rapid.IntRange(1, 6).Draw(t, "n")
		vals := rapid.SliceOfN(rapid.Float64Range(-5, 5), n, n).Draw(t, "w")
		o, err := New(name, lr, WithWeightDecay(rapid.Float64Range(0, 0.1).Draw(t, "wd")))
		if err != nil {
			t.Fatal(err)
		}
		w := autograd.NewParam("w", tensor.FromValues(vals, n))
		var c Optimizer
		var wc *autograd.Var
		for step := range 4 {
			if step == 1 {
				wc = autograd.NewParam("wc", w.Value.Clone())
				c = o.Clone(map[*autograd.Var]*autograd.Var{w: wc})
			}
			g := rapid.SliceOfN(rapid.Float64Range(-10, 10), n, n).Draw(t, "g")
			w.Grad = tensor.FromValues(g, n)
			before := w.Value.Clone()
			o.Step([]*autograd.Var{w})
			for i := range g {
				if before.Data[i]+o.LastUpdate(w).Data[i] != w.Value.Data[i] {
					t.Fatalf("step %d: W before + ΔW ≠ W after at %d", step, i)
				}
			}
			if c != nil {
				wc.Grad = tensor.FromValues(g, n)
				c.Step([]*autograd.Var{wc})
				if fmt.Sprint(wc.Value.Data) != fmt.Sprint(w.Value.Data) {
					t.Fatalf("step %d: clone gives %v, original %v", step, wc.Value.Data, w.Value.Data)
				}
			}
		}
	})
}

func TestZeroValueSGD(t *testing.T) {
	o := &SGD{LR: 0.5}
	w := param("w", 1)
	w.Grad = tensor.FromValues([]float64{1}, 1)
	o.Step([]*autograd.Var{w})
	if w.Value.Data[0] != 0.5 {
		t.Errorf("w = %g, want 0.5", w.Value.Data[0])
	}
}

func TestNew(t *testing.T) {
	for _, name := range Names {
		o, err := New(strings.ToUpper(name), 0.1)
		if err != nil {
			t.Fatalf("New(%q): %v", name, err)
		}
		if o.LearningRate() != 0.1 {
			t.Errorf("%s: lr = %g", name, o.LearningRate())
		}
		if want := map[string]string{"gd": "sgd"}[name]; want != "" && o.Name() != want || want == "" && o.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, o.Name())
		}
		o.SetLearningRate(0.2)
		if o.LearningRate() != 0.2 {
			t.Errorf("%s: SetLearningRate(0.2) gives %g", name, o.LearningRate())
		}
		mustPanic(t, []string{"optim:", "SetLearningRate", "-1"}, func() { o.SetLearningRate(-1) })
		if s := fmt.Sprint(o); !strings.Contains(s, "lr=0.2") {
			t.Errorf("%s: String() = %q", name, s)
		}
	}
	errs := []struct {
		name string
		lr   float64
		opts []Option
		want string
	}{
		{"adamax", 0.1, nil, `optim: unknown optimizer "adamax" (want gd, sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw)`},
		{"sgd", -0.1, nil, "optim: learning rate -0.1 must be a finite number ≥ 0"},
		{"sgd", 0.1, []Option{WithBetas(0.9, 0.99)}, "optim: sgd has no betas"},
		{"adam", 0.1, []Option{WithBetas(0.9, 1)}, "optim: β2 1 must be in [0, 1)"},
		{"adam", 0.1, []Option{WithMomentum(0.9)}, "optim: adam has no momentum setting"},
		{"rmsprop", 0.1, []Option{WithEps(0)}, "optim: epsilon 0 must be a finite number > 0"},
		{"sgd", 0.1, []Option{WithAlpha(0.9)}, "optim: sgd has no alpha"},
		{"sgd", 0.1, []Option{WithEps(1e-8)}, "optim: sgd has no epsilon"},
		{"adam", 0.1, []Option{WithWeightDecay(-1)}, "optim: weight decay -1 must be a finite number ≥ 0"},
	}
	for _, e := range errs {
		_, err := New(e.name, e.lr, e.opts...)
		if err == nil || err.Error() != e.want {
			t.Errorf("New(%q, %g): error %v, want %q", e.name, e.lr, err, e.want)
		}
	}
	o, err := New("adam", 0.1, WithBetas(0.8, 0.99), WithEps(1e-6), WithWeightDecay(0.01))
	if a := o.(*Adam); err != nil || a.Beta1 != 0.8 || a.Beta2 != 0.99 || a.Eps != 1e-6 || a.WeightDecay != 0.01 {
		t.Errorf("options not applied: %v %v", o, err)
	}
}

func TestClipEdgeCases(t *testing.T) {
	w := param("w", 0, 0)
	w.Grad = tensor.FromValues([]float64{1e300, 1e300}, 2)
	if n := ClipGradNorm([]*autograd.Var{w}, 1); !closeRel(n, 1.4142135623730951e300, 1e-15) {
		t.Errorf("huge gradients: norm = %g, want 1.414e300 (no overflow)", n)
	}
	w.Grad = tensor.FromValues([]float64{1, nanValue()}, 2)
	if n := ClipGradNorm([]*autograd.Var{w}, 1); n == n || w.Grad.Data[0] != 1 {
		t.Errorf("NaN gradient: norm %g, grad %v; want NaN and the gradients untouched", n, w.Grad)
	}
	if n := ClipGradNorm(nil, 1); n != 0 {
		t.Errorf("no parameters: norm %g", n)
	}
	mustPanic(t, []string{"optim: ClipGradNorm", "0"}, func() { ClipGradNorm(nil, 0) })
}

func nanValue() float64 { z := 0.0; return z / z }
