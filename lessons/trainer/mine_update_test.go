package trainer

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// Optimizers written here, right and wrong, for the update checks.

type testAdam struct {
	lr, b1    float64
	noBias    bool
	m, v      []float64
	t         int
	callsMade *int
}

func (a *testAdam) Step(w, g []float64) {
	if a.m == nil {
		a.m, a.v = make([]float64, len(w)), make([]float64, len(w))
	}
	a.t++
	*a.callsMade++
	for i := range w {
		a.m[i] = a.b1*a.m[i] + (1-a.b1)*g[i]
		a.v[i] = 0.999*a.v[i] + 0.001*g[i]*g[i]
		mh, vh := a.m[i]/(1-math.Pow(a.b1, float64(a.t))), a.v[i]/(1-math.Pow(0.999, float64(a.t)))
		if a.noBias {
			mh, vh = a.m[i], a.v[i]
		}
		w[i] -= a.lr * mh / (math.Sqrt(vh) + 1e-8)
	}
}

// adamImpl is a right Adam (noBias: without bias correction); news counts
// the optimizers made and steps the Step calls.
func adamImpl(noBias bool, news, steps *int) *checks.AdamImpl {
	return &checks.AdamImpl{New: func(lr float64) checks.Stepper {
		*news++
		return &testAdam{lr: lr, b1: 0.9, noBias: noBias, callsMade: steps}
	}}
}

func momentumStep(nesterov bool) func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
	return func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
		wn, vn := make([]float64, len(w)), make([]float64, len(w))
		for i := range w {
			vn[i] = mu*v[i] + g[i]
			d := vn[i]
			if nesterov {
				d = g[i] + mu*vn[i]
			}
			wn[i] = w[i] - lr*d
		}
		return wn, vn
	}
}

func rmsprop(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) {
	wn, sn := make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		sn[i] = a*s[i] + (1-a)*g[i]*g[i]
		wn[i] = w[i] - lr*g[i]/(math.Sqrt(sn[i])+eps)
	}
	return wn, sn
}

// fitLoop fits y = x·w + b on 8 rows, 2 per step, with opt.
func fitLoop(opt optim.Optimizer) *Loop {
	rng := tensor.NewRNG(11)
	x, y := tensor.RandN(rng, 8, 3), tensor.RandN(rng, 8, 1)
	w := autograd.NewParam("w", tensor.RandN(rng, 3, 1))
	b := autograd.NewParam("b", tensor.New(1))
	l := &Loop{N: 8, Batch: 2, Epochs: 3, ShuffleSeed: 5, Params: []*autograd.Var{w, b}, Opt: opt}
	l.Start = func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
		xb, yb := tensor.New(len(rows), 3), tensor.New(len(rows), 1)
		for i, r := range rows {
			copy(xb.Data[3*i:3*i+3], x.Data[3*r:3*r+3])
			yb.Data[i] = y.Data[r]
		}
		return func(tp *autograd.Tape) *autograd.Var {
				p := tp.Add(tp.MatMul(autograd.Const("x", xb), w), b)
				return tp.Mean(tp.Square(tp.Sub(p, autograd.Const("y", yb)))).Named("L")
			}, func() {
				l.Opt.Step(l.Params)
			}
	}
	return l
}

func paramValues(l *Loop) []float64 {
	var out []float64
	for _, p := range l.Params {
		out = append(out, p.Value.Data...)
	}
	return out
}

func TestMineUpdateTrainsWithYours(t *testing.T) {
	for _, c := range []struct {
		opt  func() optim.Optimizer
		impl func(news, steps *int) map[string]any
		op   string
	}{
		{func() optim.Optimizer { a := optim.NewAdam(0.05); a.WeightDecay = 0.01; return a },
			func(news, steps *int) map[string]any { return map[string]any{"adam": adamImpl(false, news, steps)} }, "adam update"},
		{func() optim.Optimizer { return optim.NewMomentum(0.05, 0.9) },
			func(*int, *int) map[string]any {
				return map[string]any{"momentum": &checks.MomentumImpl{Momentum: momentumStep(false)}}
			}, "momentum update"},
		{func() optim.Optimizer { return optim.NewNesterov(0.05, 0.8) },
			func(*int, *int) map[string]any {
				return map[string]any{"momentum": &checks.MomentumImpl{Nesterov: momentumStep(true)}}
			}, "nesterov update"},
		{func() optim.Optimizer { return optim.NewRMSProp(0.01) },
			func(*int, *int) map[string]any {
				return map[string]any{"momentum": &checks.MomentumImpl{RMSProp: rmsprop}}
			},
			"rmsprop update"},
	} {
		t.Run(c.op, func(t *testing.T) {
			var news, steps int
			eng, mine := fitLoop(c.opt()), fitLoop(c.opt())
			mine.SetMine(&lessons.Mine{Impls: c.impl(&news, &steps)})
			eng.Advance(lessons.End)
			mine.Advance(lessons.End)
			rep := mine.MineReport()
			if rep.Stopped() || mine.Step != eng.Step || mine.Step != 12 {
				t.Fatalf("step %d (engine %d): %s", mine.Step, eng.Step, rep.Message())
			}
			if len(rep.Checks) != 2 || rep.Checks[0].Op != c.op || rep.Checks[0].Node != "w ← "+c.op || rep.Checks[0].Used != 3 {
				t.Fatalf("checks %+v", rep.Checks)
			}
			got, want := paramValues(mine), paramValues(eng)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("params %v, the engine's %v", got, want)
				}
			}
			if c.op == "adam update" && (news != 2 || steps != 24) {
				t.Errorf("%d optimizers made, %d steps: want one per parameter, fed once per update", news, steps)
			}
		})
	}
}

// A stepped-back (restored) or copied run makes the learner's Adam again,
// fed the gradients so far, and goes on exactly as a run that never went
// back; so does a change of learning rate.
func TestMineUpdateAdamRebuilt(t *testing.T) {
	var news, steps int
	impls := map[string]any{"adam": adamImpl(false, &news, &steps)}
	straight := fitLoop(optim.NewAdam(0.05))
	straight.SetMine(&lessons.Mine{Impls: impls})
	for range 3 {
		straight.Advance(lessons.Step)
	}
	straight.Opt.SetLearningRate(0.02)
	straight.Advance(lessons.End)

	l := fitLoop(optim.NewAdam(0.05))
	l.SetMine(&lessons.Mine{Impls: impls})
	l.Advance(lessons.Step)
	snap, ok := l.Snapshot(l.Opt)
	if !ok {
		t.Fatal("no snapshot")
	}
	l.Advance(lessons.Step)
	l.Advance(lessons.Step)
	l.Restore(snap) // back to step 1
	news = 0
	l.Advance(lessons.Step)
	if news != 2 {
		t.Fatalf("%d optimizers made after a restore, want 2 (one per parameter)", news)
	}
	l.Advance(lessons.Step)
	l.Opt.SetLearningRate(0.02)
	l.Advance(lessons.End)
	if rep := l.MineReport(); rep.Stopped() || news != 4 {
		t.Fatalf("%s; %d optimizers made", rep.Message(), news)
	}
	if got, want := paramValues(l), paramValues(straight); !slices.Equal(got, want) {
		t.Fatalf("params %v, a straight run's %v", got, want)
	}
}

func TestMineUpdateStops(t *testing.T) {
	var news, steps int
	for _, c := range []struct {
		name string
		opt  optim.Optimizer
		impl any
		ex   string
		says string
	}{
		{"adam without bias correction", optim.NewAdam(0.05), adamImpl(true, &news, &steps), "adam", "bias correction is missing"},
		{"momentum with dampening", optim.NewMomentum(0.05, 0.9), &checks.MomentumImpl{Momentum: func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
			for i := range g {
				g[i] *= 1 - mu
			}
			return momentumStep(false)(w, v, g, lr, mu)
		}}, "momentum", "v[0]"},
		{"momentum panics", optim.NewMomentum(0.05, 0.9), &checks.MomentumImpl{Momentum: func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
			panic("TODO: implement momentum.Momentum")
		}}, "momentum", "panic: TODO"},
		{"rmsprop short", optim.NewRMSProp(0.01), &checks.MomentumImpl{RMSProp: func(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) {
			wn, sn := rmsprop(w, s, g, lr, a, eps)
			return wn[:1], sn
		}}, "momentum", "returned 1 weights for 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := fitLoop(c.opt)
			l.SetMine(&lessons.Mine{Impls: map[string]any{c.ex: c.impl}})
			l.Advance(lessons.End)
			rep := l.MineReport()
			if !rep.Stopped() || !l.Done() || rep.Step != 1 || l.Step != 1 {
				t.Fatalf("report %+v at step %d", rep, l.Step)
			}
			first := rep.Checks[rep.First]
			if !strings.HasPrefix(first.Node, "w ← ") || !strings.Contains(first.Index+first.Problem+first.Diagnosis, c.says) {
				t.Errorf("first failure %+v, want w saying %q", first, c.says)
			}
		})
	}
}

// Optimizers without an exercise, and Adam with other betas, are not
// checked.
func TestMineUpdateUnchecked(t *testing.T) {
	var news, steps int
	gan, _ := optim.New("adam", 0.01, optim.WithBetas(0.5, 0.999))
	m := &lessons.Mine{Impls: map[string]any{"adam": adamImpl(false, &news, &steps), "momentum": &checks.MomentumImpl{}}}
	for _, opt := range []optim.Optimizer{optim.NewSGD(0.1), optim.NewAdaGrad(0.1), optim.NewAdamW(0.01), gan} {
		if MineOptChecks(m, opt) {
			t.Errorf("%s is checked", opt.Name())
		}
		l := fitLoop(opt)
		l.SetMine(m)
		l.Advance(lessons.Step)
		if rep := l.MineReport(); len(rep.Checks) != 0 || l.Step != 1 {
			t.Errorf("%s: %+v", opt.Name(), rep)
		}
	}
}
