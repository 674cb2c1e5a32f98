package logreg

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's code in these tests runs in this process (the harness is
// tested in lessons/mine); what is tested here is the comparison.

func rightSigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func rightBCE(p, y []float64) float64 {
	s := 0.0
	for i := range p {
		q := min(max(p[i], 1e-7), 1-1e-7)
		s -= y[i]*math.Log(q) + (1-y[i])*math.Log(1-q)
	}
	return s / float64(len(p))
}

func rightGrad(z, y []float64) []float64 {
	g := make([]float64, len(z))
	for i := range z {
		g[i] = (rightSigmoid(z[i]) - y[i]) / float64(len(z))
	}
	return g
}

func mineRun(t *testing.T, impl *checks.LogisticImpl) *lessons.Run {
	t.Helper()
	r := start(t, nil)
	calls := 0
	r.SetMine(&lessons.Mine{Impls: map[string]any{"logistic": impl}, Ready: func(ex string) {
		if ex != "logistic" {
			t.Errorf("Ready(%q)", ex)
		}
		calls++
	}})
	t.Cleanup(func() {
		if calls == 0 {
			t.Error("the learner's code was never called")
		}
	})
	return r
}

func TestMineRightCodeTrainsLikeTheEngine(t *testing.T) {
	eng := start(t, nil)
	eng.Advance(lessons.End)
	r := mineRun(t, &checks.LogisticImpl{Sigmoid: rightSigmoid, BCE: rightBCE, Grad: rightGrad})
	r.Advance(lessons.End)
	m, e := mach(r), mach(eng)
	if m.loop.MineStopped || m.loop.Step != e.loop.Step {
		t.Fatalf("mine run stopped=%v at step %d, engine ran %d steps: %s", m.loop.MineStopped, m.loop.Step, e.loop.Step, r.Scene().Status.Message)
	}
	// The learner's gradient (σ(s) − y)/n is the engine's two-step
	// (p − y)/(p(1−p))/n · p(1−p) up to rounding: the runs agree to 1e-9.
	near := func(a, b []float64) bool {
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-9*max(1, math.Abs(b[i])) {
				return false
			}
		}
		return len(a) == len(b)
	}
	if !near(m.dense.W.Value.Data, e.dense.W.Value.Data) || !near(m.loop.Losses, e.loop.Losses) {
		t.Errorf("the weights or losses differ from the engine's run")
	}
	rep := m.loop.MineReport()
	// Sigmoid and BCE forward, Grad where the gradient reaches s.
	if rep == nil || rep.Step != m.loop.Step || len(rep.Checks) != 3 || rep.Stopped() {
		t.Fatalf("last step's report: %+v", rep)
	}
	for _, c := range rep.Checks {
		if !c.OK || c.Checked == 0 || c.MaxErr > 1e-12 {
			t.Errorf("%+v", c)
		}
	}
	sc := r.Scene()
	p := sc.Panels[len(sc.Panels)-1]
	if p.ID != "mine" || p.Table == nil || p.Table.Rows[0][0] != "✓" || !strings.Contains(p.Table.Rows[0][1], "sigmoid") ||
		!strings.Contains(p.Table.Rows[1][1], "bce") || p.Table.Rows[2][1] != "∂ p = sigmoid(s)" {
		t.Errorf("mine panel: %+v", p)
	}
	if !strings.Contains(sc.Status.Message, "goal") {
		t.Errorf("status %q: the end of an agreeing run is judged as usual", sc.Status.Message)
	}
}

func TestMineFirstDisagreement(t *testing.T) {
	for _, c := range []struct {
		name      string
		impl      checks.LogisticImpl
		node      string
		diagnosis string
	}{
		{"sigmoid sign", checks.LogisticImpl{Sigmoid: func(z float64) float64 { return 1 / (1 + math.Exp(z)) }, BCE: rightBCE},
			"p = sigmoid(s)", "mind the sign"},
		{"bce sign", checks.LogisticImpl{Sigmoid: rightSigmoid, BCE: func(p, y []float64) float64 { return -rightBCE(p, y) }},
			"L = bce(p, y)", "check the sign"},
		{"bce panics", checks.LogisticImpl{Sigmoid: rightSigmoid, BCE: func(p, y []float64) float64 { panic("TODO: implement logistic.BCE") }},
			"L = bce(p, y)", ""},
		{"grad without 1/n", checks.LogisticImpl{Sigmoid: rightSigmoid, BCE: rightBCE, Grad: func(z, y []float64) []float64 {
			g := rightGrad(z, y)
			for i := range g {
				g[i] *= float64(len(z))
			}
			return g
		}}, "∂ p = sigmoid(s)", "divide by the batch size"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := mineRun(t, &c.impl)
			r.Advance(lessons.Step)
			if !r.Done() {
				t.Fatal("the run goes on after a disagreement")
			}
			m := mach(r)
			rep := m.loop.MineReport()
			if !rep.Stopped() || rep.Step != 1 {
				t.Fatalf("report %+v", rep)
			}
			first := rep.Checks[rep.First]
			if first.Node != c.node || first.Diagnosis != "" && !strings.Contains(first.Diagnosis, c.diagnosis) || c.diagnosis != "" && first.Diagnosis == "" {
				t.Errorf("first failure %+v, want %s with %q", first, c.node, c.diagnosis)
			}
			if c.name == "bce panics" && !strings.Contains(first.Problem, "TODO") {
				t.Errorf("problem %q", first.Problem)
			}
			if first.Problem == "" && first.Engine == first.Yours {
				t.Errorf("both numbers are %v", first.Engine)
			}
			sc := r.Scene()
			if sc.Status.Level != "error" || !strings.Contains(sc.Status.Message, c.node) {
				t.Errorf("status %+v", sc.Status)
			}
			phase, revealed := "forward", m.loop.Cur.Tape.Nodes()[m.loop.Cur.Fwd-1].Label()
			if strings.HasPrefix(c.node, "∂ ") {
				phase, revealed = "backward", "∂ "+m.loop.Cur.Steps[len(m.loop.Cur.Steps)-1].Node.Label()
			}
			if sc.Phase != phase || sc.Goal == nil || sc.Goal.Verdict != nil || sc.Status.Finished {
				t.Errorf("phase %q, goal %+v, status %+v: a run the learner's code stopped is not finished, nor judged", sc.Phase, sc.Goal, sc.Status)
			}
			if revealed != c.node {
				t.Errorf("revealed %q, want the failing op %q", revealed, c.node)
			}
			// Stepping back and forth replays the same check.
			r.Back()
			r.Advance(lessons.Step)
			if rep2 := mach(r).loop.MineReport(); !reflect.DeepEqual(rep2, rep) {
				t.Errorf("after Back and Advance: %+v, want %+v", rep2, rep)
			}
		})
	}
}
