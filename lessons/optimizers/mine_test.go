package optimizers

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's optimizers, written here (in this process: the harness is
// tested in lessons/mine).

type adamOpt struct {
	lr, b1, b2 float64
	noBias     bool // without bias correction
	m, v       []float64
	t          int
}

func (a *adamOpt) Step(w, g []float64) {
	if a.m == nil {
		a.m, a.v = make([]float64, len(w)), make([]float64, len(w))
	}
	a.t++
	for i := range w {
		a.m[i] = a.b1*a.m[i] + (1-a.b1)*g[i]
		a.v[i] = a.b2*a.v[i] + (1-a.b2)*g[i]*g[i]
		mh, vh := a.m[i]/(1-math.Pow(a.b1, float64(a.t))), a.v[i]/(1-math.Pow(a.b2, float64(a.t)))
		if a.noBias {
			mh, vh = a.m[i], a.v[i]
		}
		w[i] -= a.lr * mh / (math.Sqrt(vh) + 1e-8)
	}
}

func rightImpls() map[string]any {
	return map[string]any{
		"adam": &checks.AdamImpl{New: func(lr float64) checks.Stepper { return &adamOpt{lr: lr, b1: 0.9, b2: 0.999} }},
		"momentum": &checks.MomentumImpl{
			Momentum: func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
				wn, vn := make([]float64, len(w)), make([]float64, len(w))
				for i := range w {
					vn[i] = mu*v[i] + g[i]
					wn[i] = w[i] - lr*vn[i]
				}
				return wn, vn
			},
			RMSProp: func(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) {
				wn, sn := make([]float64, len(w)), make([]float64, len(w))
				for i := range w {
					sn[i] = a*s[i] + (1-a)*g[i]*g[i]
					wn[i] = w[i] - lr*g[i]/(math.Sqrt(sn[i])+eps)
				}
				return wn, sn
			},
		},
	}
}

func mineRun(t *testing.T, impls map[string]any, set lessons.Settings) *lessons.Run {
	t.Helper()
	r := start(t, set)
	r.SetMine(&lessons.Mine{Impls: impls})
	return r
}

// samePaths fails unless every optimizer of a is where b's is, within
// 1e-12, after as many updates.
func samePaths(t *testing.T, a, b *machine) {
	t.Helper()
	for i, ra := range a.runners {
		rb := b.runners[i]
		if len(ra.xs) != len(rb.xs) || ra.divStep != rb.divStep {
			t.Fatalf("%s: %d positions (diverged at %d), the engine's %d (%d)", ra.name, len(ra.xs), ra.divStep, len(rb.xs), rb.divStep)
		}
		for k := range ra.xs {
			if math.Abs(ra.xs[k]-rb.xs[k]) > 1e-12 || math.Abs(ra.ys[k]-rb.ys[k]) > 1e-12 {
				t.Fatalf("%s at update %d: (%v, %v), the engine's (%v, %v)", ra.name, k, ra.xs[k], ra.ys[k], rb.xs[k], rb.ys[k])
			}
		}
	}
}

func TestMineTrainsLikeTheEngine(t *testing.T) {
	for _, surf := range surfaceIDs {
		set := lessons.Settings{"surface": surf, "steps": "60"}
		r, eng := mineRun(t, rightImpls(), set), start(t, set)
		r.Advance(lessons.Epoch)
		r.Set("lr", "0.05") // Adam is made again at the new rate and fed the gradients so far
		r.Advance(lessons.End)
		eng.Advance(lessons.Epoch)
		eng.Set("lr", "0.05")
		eng.Advance(lessons.End)
		samePaths(t, mach(r), mach(eng))
		rep := mach(r).MineReport()
		if rep.Stopped() || rep.Step != 60 || len(rep.Checks) != 3 {
			t.Fatalf("%s: report %+v", surf, rep)
		}
		for i, want := range []string{"Momentum (x, y) ← momentum update", "RMSProp (x, y) ← rmsprop update", "Adam (x, y) ← adam update"} {
			if c := rep.Checks[i]; c.Node != want || !c.OK || c.Used != 2 || c.Checked != c.Total {
				t.Errorf("%s: check %+v, want %s used", surf, c, want)
			}
		}
		got, want := r.Scene(), eng.Scene()
		if got.Pos != want.Pos || got.Goal.Measure != want.Goal.Measure {
			t.Errorf("%s: mine run at %+v (%s), the engine's at %+v (%s)", surf, got.Pos, got.Goal.Measure, want.Pos, want.Goal.Measure)
		}
		if p := got.Panels[len(got.Panels)-1]; p.ID != "mine" {
			t.Errorf("%s: last panel %q, want the mine report", surf, p.ID)
		}
	}
}

// Stepping back replays from a checkpoint (a clone of the machine): the
// learner's Adam is made again there and the run is the straight one.
func TestMineStepsBack(t *testing.T) {
	set := lessons.Settings{"steps": "40"}
	r, eng := mineRun(t, rightImpls(), set), start(t, set)
	for range 30 {
		r.Advance(lessons.Step)
	}
	for range 12 {
		r.Back()
	}
	r.Advance(lessons.End)
	eng.Advance(lessons.End)
	samePaths(t, mach(r), mach(eng))
	if rep := mach(r).MineReport(); rep.Stopped() || rep.Step != 40 {
		t.Fatalf("report %+v", rep)
	}
}

func TestMineStopsAtTheWrongUpdate(t *testing.T) {
	for _, c := range []struct {
		name  string
		wrong func(map[string]any)
		node  string
		step  int
		says  string
		hint  string // in the diagnosis
	}{
		{"adam without bias correction", func(m map[string]any) {
			m["adam"] = &checks.AdamImpl{New: func(lr float64) checks.Stepper { return &adamOpt{lr: lr, b1: 0.9, b2: 0.999, noBias: true} }}
		}, "Adam (x, y) ← adam update", 1, "w[0]", "bias correction is missing"},
		{"rmsprop alpha swapped", func(m map[string]any) {
			im := m["momentum"].(*checks.MomentumImpl)
			f := im.RMSProp
			im.RMSProp = func(w, s, g []float64, lr, a, eps float64) ([]float64, []float64) { return f(w, s, g, lr, 1-a, eps) }
		}, "RMSProp (x, y) ← rmsprop update", 1, "s[0]", "α and 1 − α are swapped"},
		{"momentum forgets its velocity", func(m map[string]any) {
			im := m["momentum"].(*checks.MomentumImpl)
			f := im.Momentum
			im.Momentum = func(w, v, g []float64, lr, mu float64) ([]float64, []float64) {
				return f(w, make([]float64, len(v)), g, lr, mu)
			}
		}, "Momentum (x, y) ← momentum update", 2, "v[0]", "velocity is not carried"},
		{"adam panics", func(m map[string]any) {
			m["adam"] = &checks.AdamImpl{New: func(float64) checks.Stepper { panic("TODO: implement adam.New") }}
		}, "Adam (x, y) ← adam update", 1, "panic: TODO", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			impls := rightImpls()
			c.wrong(impls)
			r := mineRun(t, impls, nil)
			r.Advance(lessons.End)
			m := mach(r)
			rep := m.MineReport()
			if !rep.Stopped() || rep.Step != c.step || !r.Done() {
				t.Fatalf("report %+v", rep)
			}
			first := rep.Checks[rep.First]
			if first.Node != c.node || !strings.Contains(first.Index+first.Problem, c.says) || !strings.Contains(first.Diagnosis, c.hint) {
				t.Errorf("first failure %+v, want %s at %q", first, c.node, c.says)
			}
			if got := m.runners[m.last].name; !strings.HasPrefix(c.node, labels[got]+" ") {
				t.Errorf("the move revealed is %s's", got)
			}
			sc := r.Scene()
			if sc.Phase == "finished" {
				t.Errorf("phase %q: the run stopped at a move", sc.Phase)
			}
			if sc.Question != nil || !strings.Contains(sc.Status.Message, c.node) {
				t.Errorf("question %v, status %q", sc.Question, sc.Status.Message)
			}
		})
	}
}
