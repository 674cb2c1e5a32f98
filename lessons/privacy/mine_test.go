package privacy

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's DP-SGD step, written here (in this process: the harness
// is tested in lessons/mine): right, or with one known mistake.
func learnerStep(noClip, noiseAfterMean bool) func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
	return func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		n := float64(len(grads))
		sum := make([]float64, len(w))
		for _, g := range grads {
			s := 0.0
			for _, x := range g {
				s += x * x
			}
			scale := 1.0
			if nm := math.Sqrt(s); nm > C && !noClip {
				scale = C / nm
			}
			for j, x := range g {
				sum[j] += scale * x
			}
		}
		g, nw := make([]float64, len(w)), make([]float64, len(w))
		for j := range w {
			g[j] = (sum[j] + sigma*C*z[j]) / n
			if noiseAfterMean {
				g[j] = sum[j]/n + sigma*C*z[j]
			}
			nw[j] = w[j] - lr*g[j]
		}
		return nw, g
	}
}

// mineSet is a short run: one epoch of 10 steps.
var mineSet = lessons.Settings{"epochs": "1", "batch": "100"}

func startMine(t *testing.T, step func([]float64, [][]float64, float64, float64, float64, []float64) ([]float64, []float64)) (*lessons.Run, *machine) {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, mineSet)
	if err != nil {
		t.Fatal(err)
	}
	if step != nil {
		r.SetMine(&lessons.Mine{Impls: map[string]any{"dpsgd": &checks.DPSGDImpl{Step: step}}})
	}
	return r, lessons.MachineOf(r).(*machine)
}

// With the right step the private network trains as the engine's does:
// every step checked, the learner's values used, the same weights and
// numbers within MineTol at every step and the same goal at the end.
func TestMineDPSGDTrainsLikeTheEngine(t *testing.T) {
	r, m := startMine(t, learnerStep(false, false))
	e, em := startMine(t, nil)
	for s := range 12 { // the baseline, DP-SGD made ready, 10 steps
		r.Advance(lessons.Step)
		e.Advance(lessons.Step)
		if m.loop.Step != em.loop.Step {
			t.Fatalf("advance %d: step %d, the engine's %d", s, m.loop.Step, em.loop.Step)
		}
		if m.loop.Step == 0 {
			continue
		}
		rep := m.loop.MineReport()
		if rep == nil || rep.Stopped() || rep.Step != m.loop.Step || len(rep.Checks) != 1 {
			t.Fatalf("step %d: report %+v", m.loop.Step, rep)
		}
		c := rep.Checks[0]
		if !c.OK || c.Func != "dpsgd.Step" || c.Op != "dp-sgd step" || c.Checked != c.Total || c.Used != c.Total-2 || c.Total != 2*(m.priv.size()-w1Size+1) {
			t.Fatalf("step %d: check %+v", m.loop.Step, c)
		}
		for i, p := range m.priv.params() {
			q := em.priv.params()[i]
			for j, v := range p.Value.Data {
				if d := math.Abs(v - q.Value.Data[j]); d > 1e-9 {
					t.Fatalf("step %d: %s[%d] = %v, the engine's %v", m.loop.Step, p.Name, j, v, q.Value.Data[j])
				}
			}
		}
		if math.Abs(m.dp.meanNorm-em.dp.meanNorm) > 1e-9*em.dp.meanNorm {
			t.Fatalf("step %d: ‖g̃‖ %v, the engine's %v", m.loop.Step, m.dp.meanNorm, em.dp.meanNorm)
		}
	}
	r.Advance(lessons.End)
	e.Advance(lessons.End)
	got, want := r.Scene(), e.Scene()
	if !r.Done() || got.Pos != want.Pos || got.Goal.Measure != want.Goal.Measure {
		t.Fatalf("mine run at %+v (%s), the engine's at %+v (%s)", got.Pos, got.Goal.Measure, want.Pos, want.Goal.Measure)
	}
}

// A wrong step stops the run at the first update, which is not made.
func TestMineDPSGDStopsAtTheWrongStep(t *testing.T) {
	for _, c := range []struct {
		name                string
		noClip, noiseAfterN bool
		says                string
	}{{"no clipping", true, false, "clip each example's gradient to norm C"}, {"noise after the mean", false, true, "Added after the mean"}} {
		r, m := startMine(t, learnerStep(c.noClip, c.noiseAfterN))
		r.Advance(lessons.Step) // the baseline
		r.Advance(lessons.Step) // DP-SGD ready
		before := append([]float64(nil), m.priv.w1.Value.Data...)
		r.Advance(lessons.End)
		rep := m.loop.MineReport()
		if !r.Done() || !m.loop.MineStopped || rep == nil || !rep.Stopped() || rep.Step != 1 {
			t.Fatalf("%s: done %v, report %+v", c.name, r.Done(), rep)
		}
		f := rep.Checks[rep.First]
		if f.Op != "dp-sgd step" || !strings.HasPrefix(f.Index, "noisyGrad[") || !strings.Contains(f.Diagnosis, c.says) {
			t.Errorf("%s: stopped at %+v", c.name, f)
		}
		for j, v := range m.priv.w1.Value.Data {
			if v != before[j] {
				t.Fatalf("%s: W₁[%d] updated after the stop", c.name, j)
			}
		}
		if m.stage == stFinal {
			t.Errorf("%s: the run went on to the release", c.name)
		}
		if ph := r.Scene().Phase; ph != "update" {
			t.Errorf("%s: phase %q, want update", c.name, ph)
		}
	}
}
