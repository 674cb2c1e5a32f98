package linreg

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// TestHealthGaugesByHand: after each of the first steps the trainer's
// gauges for the one layer equal the values computed by hand from the
// batch: ∂L/∂W = (2/n)·Σ eᵢxᵢ, ∂L/∂b = (2/n)·Σ eᵢ with eᵢ = W·xᵢ + b − yᵢ,
// ‖dW‖ = √(∂W² + ∂b²), and SGD's update-to-weight ratio lr·‖dW‖/‖(W, b)‖.
func TestHealthGaugesByHand(t *testing.T) {
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, nil)
	if err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= 3; step++ {
		r.Advance(lessons.Step)
		m := lessons.MachineOf(r).(*machine)
		w, b := m.wUsed(), m.bUsed()
		var gw, gb float64
		n := float64(len(m.loop.Rows))
		for i, x := range m.xb.Data {
			e := w*x + b - m.yb.Data[i]
			gw += 2 * e * x / n
			gb += 2 * e / n
		}
		grad := math.Hypot(gw, gb)
		ratio := m.opt.LR * grad / math.Hypot(w, b)
		h := m.loop.Watch.Health()
		if got, _ := h.Latest("dense", trainer.GaugeGrad); math.Abs(got-grad) > 1e-12*grad {
			t.Errorf("step %d: ‖dW‖ = %.15g, by hand %.15g", step, got, grad)
		}
		if got, _ := h.Latest("dense", trainer.GaugeRatio); math.Abs(got-ratio) > 1e-12*ratio {
			t.Errorf("step %d: ‖ΔW‖/‖W‖ = %.15g, by hand %.15g", step, got, ratio)
		}
		if len(h.Gauges) != 2 || len(h.Gauges[0].Values) != step {
			t.Errorf("step %d: gauges %+v, want ‖dW‖ and the ratio with %d values each", step, h.Gauges, step)
		}
		// The scene carries them as the last, secondary panel.
		sc := r.Scene()
		p := sc.Panels[len(sc.Panels)-1]
		if p.ID != "health" || p.Priority >= 0 || p.Table.Rows[0][3] != trainer.Num(grad) {
			t.Errorf("step %d: last panel %q priority %d rows %v", step, p.ID, p.Priority, p.Table)
		}
	}
}
