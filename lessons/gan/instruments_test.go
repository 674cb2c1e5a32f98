package gan

import (
	"errors"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The health gauges are per network, G and D, from the real training:
// each network's gradient norm is the one the lesson shows (‖∇D‖, ‖∇G‖),
// its update-to-weight ratio the update the lesson shows over the
// weights' size before it, and its dead share that of its ReLU units;
// D's gauges take one value per D step, G's one per training step.
func TestHealthPerNetwork(t *testing.T) {
	r := start(t, lessons.Settings{"dsteps": "2"})
	h := lessontest.CheckHealth(t, r, 3, 10)
	m := mach(r)
	want := []struct{ layer, kind string }{
		{"D", trainer.GaugeDead}, {"D", trainer.GaugeGrad}, {"D", trainer.GaugeRatio},
		{"G", trainer.GaugeDead}, {"G", trainer.GaugeGrad}, {"G", trainer.GaugeRatio},
	}
	if len(h.Gauges) != len(want) {
		t.Fatalf("%d gauges, want %d: %+v", len(h.Gauges), len(want), h.Gauges)
	}
	for i, w := range want {
		g := h.Gauges[i]
		n := m.step
		if w.layer == "D" {
			n = 2 * m.step
		}
		if g.Layer != w.layer || g.Kind != w.kind || len(g.Values) != n {
			t.Errorf("gauge %d: %s %s with %d values, want %s %s with %d", i, g.Layer, g.Kind, len(g.Values), w.layer, w.kind, n)
		}
	}
	if v, _ := h.Latest("D", trainer.GaugeGrad); !near(v, m.cur.DGrad, 1e-12) {
		t.Errorf("D ‖dW‖ %g, the lesson's ‖∇D‖ %g", v, m.cur.DGrad)
	}
	if v, _ := h.Latest("G", trainer.GaugeGrad); !near(v, m.cur.GGrad, 1e-12) {
		t.Errorf("G ‖dW‖ %g, the lesson's ‖∇G‖ %g", v, m.cur.GGrad)
	}
	// The ratio: G's update over G's size before it.
	before := 0.0
	for i, p := range m.gParams {
		for k, x := range p.Value.Data {
			d := x - m.optG.LastUpdate(m.gParams[i]).Data[k]
			before += d * d
		}
	}
	if v, _ := h.Latest("G", trainer.GaugeRatio); !near(v*v*before, m.cur.GMove*m.cur.GMove, 1e-9) {
		t.Errorf("G ‖ΔW‖/‖W‖ %g, the lesson's update %g over ‖W‖² %g", v, m.cur.GMove, before)
	}
	if _, err := r.GradCheck(); !errors.Is(err, lessons.ErrNoGradCheck) {
		t.Errorf("gradient check: %v, want ErrNoGradCheck", err)
	}
}

// At a large rate the run stops with the autopsy naming D's last matmul
// (issue 14's check) and the gauges stay beside it, D's update-to-weight
// ratio far above the rule of thumb.
func TestAutopsyAndGaugesAtALargeRate(t *testing.T) {
	r := start(t, lessons.Settings{"lrd": "0.1", "lrg": "0.1"})
	r.Advance(lessons.End)
	sc := r.Scene()
	if a := sc.Autopsy; a == nil || a.Op != "v6 = matmul(v5, D.dense3.W)" || a.Param != "D.dense3.W" || a.Trigger != scene.TriggerJump {
		t.Fatalf("autopsy %+v", sc.Autopsy)
	}
	h := lessons.MachineOf(r).(lessons.Instrumented).Instruments().(lessontest.Gauged).Health()
	if v, ok := h.Latest("D", trainer.GaugeRatio); !ok || !(v > 0.1) {
		t.Errorf("D ‖ΔW‖/‖W‖ %g at a rate of 0.1, want above 0.1", v)
	}
	found := false
	for _, p := range sc.Panels {
		found = found || p.ID == "health"
	}
	if !found {
		t.Error("no health panel beside the autopsy")
	}
}
