package rnn

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// TestGRUDirectPathIsTheUpdateGate checks the narrative's BPTT equation
// for the GRU by hand from the recorded values: the gradient h_t sends
// straight back to h_t−1 is ∂L/∂h_t ⊙ z_t, and the scene shows the GRU's
// update gates and equations.
func TestGRUDirectPathIsTheUpdateGate(t *testing.T) {
	const T = 10
	r := start(t, lessons.Settings{"cell": "gru", "length": "10"})
	if sc := r.Scene(); !strings.Contains(sc.Narrative, "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_t−1") {
		t.Fatalf("the intro does not give the GRU's equations:\n%s", sc.Narrative)
	}
	// The forward pass, the loss both ways, then BPTT down to t = 5.
	for range T + 2 + (T - 4) {
		r.Advance(lessons.Op)
	}
	m := mach(r)
	v := m.view()
	if !v.GRU || v.Tt != 5 {
		t.Fatalf("at BPTT step %d (GRU %v), want 5", v.Tt, v.GRU)
	}
	g, z := m.rec.hs[4].Grad.Data, m.rec.update[4].Value.Data
	want := 0.0
	for i := range g {
		want += (g[i] * z[i]) * (g[i] * z[i])
	}
	if want = math.Sqrt(want); math.Abs(v.GDirect-want) > 1e-12*want || want == 0 {
		t.Fatalf("sent to h₄ along z₅: %g, by hand ‖∂L/∂h₅ ⊙ z₅‖ = %g", v.GDirect, want)
	}
	sc := r.Scene()
	if !strings.Contains(sc.Narrative, "z₅ (mean "+trainer.Num(v.MeanZ)+"): norm "+trainer.Num(v.GDirect)) {
		t.Errorf("the BPTT narrative does not give the direct path's numbers:\n%s", sc.Narrative)
	}
	panel(t, sc, "update gates z_t")
	if p := panel(t, sc, "gradient through time"); len(p.Plot.Series) == 0 || len(p.Plot.Series[0].X) != T {
		t.Errorf("the gradient-through-time panel has %d series for the GRU, want its %d steps", len(p.Plot.Series), T)
	}
	// The GRU compares itself with the vanilla RNN of the same seed.
	if rnn := mach(start(t, lessons.Settings{"length": "10"})).view(); v.OtherRatio != rnn.InitRatio || v.Other != "vanilla RNN" {
		t.Errorf("the GRU's comparison: %s %g, the RNN's own %g", v.Other, v.OtherRatio, rnn.InitRatio)
	}
}

// TestGRUAtDefaults runs the GRU to its end at the lesson's other
// defaults: its honest verdict on the goal, and the finished narrative's
// GRU experiments.
func TestGRUAtDefaults(t *testing.T) {
	r := start(t, lessons.Settings{"cell": "gru"})
	for !r.Done() {
		r.Advance(lessons.Epoch)
	}
	m := mach(r)
	v := m.view()
	sc := r.Scene()
	t.Logf("GRU at defaults: MSE %g (start %g, goal ≤ %g, copying %g), ratio %g (init %g), mean z %g; status %q",
		v.Loss, v.StartMSE, v.Target, v.Persist, v.Ratio, v.InitRatio, v.MeanZAll, sc.Status.Message)
	if !v.Met || !goal.Met(m.rec.loss.Item()) {
		t.Errorf("the GRU misses the goal at defaults: MSE %g > %g", m.rec.loss.Item(), v.Target)
	}
	if !strings.Contains(sc.Narrative, "this GRU's at") || !strings.Contains(sc.Narrative, "multiplies by z_t") {
		t.Errorf("the finished narrative is not the GRU's:\n%s", sc.Narrative)
	}
}
