package lessontest

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Gauged is the part of a lesson's Instruments that reads its health
// gauges as numbers (trainer.Loop is one).
type Gauged interface {
	Health() *trainer.Health
}

// CheckHealth advances r by whole steps (at most limit) until its
// instruments' health gauges hold at least updates values of every
// layer's gradient norm, then holds them to what the gauges promise: the
// scene shows them as its "health" panel, a row per gauge; every layer
// has both ‖dW‖ and ‖ΔW‖/‖W‖, whose latest values are finite and
// positive (the ratio below 1: no update rewrote a layer); every share of
// dead or saturated units is within [0, 1]. It returns the gauges.
func CheckHealth(t *testing.T, r *lessons.Run, updates, limit int) *trainer.Health {
	t.Helper()
	in, ok := lessons.MachineOf(r).(lessons.Instrumented)
	if !ok {
		t.Fatal("the lesson has no instruments")
	}
	enough := func() (*trainer.Health, bool) {
		g, ok := in.Instruments().(Gauged)
		if !ok {
			t.Fatalf("the instruments %T have no gauges", in.Instruments())
		}
		h := g.Health()
		n := 0
		for _, gg := range h.Gauges {
			if gg.Kind == trainer.GaugeGrad {
				if len(gg.Values) < updates {
					return h, false
				}
				n++
			}
		}
		return h, n > 0
	}
	h, done := enough()
	for i := 0; !done; i++ {
		if i >= limit || !r.Advance(lessons.Step) {
			t.Fatalf("no %d updates of every layer's gauges within %d steps", updates, limit)
		}
		h, done = enough()
	}
	sc := r.Scene()
	var panel *scene.Panel
	for i := range sc.Panels {
		if sc.Panels[i].ID == "health" {
			panel = &sc.Panels[i]
		}
	}
	if panel == nil || panel.Table == nil || len(panel.Table.Rows) != len(h.Gauges) || panel.Priority >= 0 {
		t.Fatalf("the scene has no secondary health panel of %d rows: %+v", len(h.Gauges), panel)
	}
	layers := map[string]map[string]bool{}
	for _, g := range h.Gauges {
		if len(g.Values) == 0 {
			t.Fatalf("gauge %s %s has no value", g.Layer, g.Kind)
		}
		v := g.Values[len(g.Values)-1]
		switch g.Kind {
		case trainer.GaugeGrad, trainer.GaugeRatio:
			if layers[g.Layer] == nil {
				layers[g.Layer] = map[string]bool{}
			}
			layers[g.Layer][g.Kind] = true
			if !(v > 0) || math.IsInf(v, 0) || g.Kind == trainer.GaugeRatio && !(v < 1) {
				t.Errorf("%s %s = %g", g.Layer, g.Kind, v)
			}
		case trainer.GaugeDead, trainer.GaugeSaturated:
			if !(v >= 0 && v <= 1) {
				t.Errorf("%s %s = %g", g.Layer, g.Kind, v)
			}
		default:
			t.Errorf("gauge %s of unknown kind %q", g.Layer, g.Kind)
		}
	}
	for l, kinds := range layers {
		if !kinds[trainer.GaugeGrad] || !kinds[trainer.GaugeRatio] {
			t.Errorf("layer %s lacks a gauge: %v", l, kinds)
		}
	}
	return h
}

// CheckGradCheck advances r op by op (at most limit ops) into the
// backward pass of a training step and runs the gradient check at the
// node in focus at each of its first nodes (at most nodes of them): every
// input checked agrees with central differences to the engine's
// tolerance (relative error below 1e-6), and at least one element is
// checked. It returns the checks.
func CheckGradCheck(t *testing.T, r *lessons.Run, nodes, limit int) []*scene.GradCheck {
	t.Helper()
	var out []*scene.GradCheck
	checked := 0
	for i := 0; len(out) < nodes; i++ {
		gc, err := r.GradCheck()
		switch {
		case err == nil:
			out = append(out, gc)
			for _, in := range gc.Inputs {
				checked += in.Checked
				if in.Checked > 0 && !(in.MaxRelErr < 1e-6) {
					t.Errorf("%s: ∂L/∂%s: relative error %g (analytic %g, numeric %g)", gc.Node, in.Name, in.MaxRelErr, in.Analytic, in.Numeric)
				}
			}
		case len(out) > 0:
			// The backward pass is over.
			nodes = 0
			continue
		case err != trainer.ErrNoBackward:
			t.Fatal(err)
		}
		if i >= limit || !r.Advance(lessons.Op) {
			t.Fatalf("no backward pass within %d ops", limit)
		}
	}
	if checked == 0 {
		t.Fatalf("no element checked at %d nodes", len(out))
	}
	return out
}

// CheckJumpAutopsy runs lesson l at set to its end and holds it to a stop
// at step 2 by the watch's loss-jump rule, with an autopsy of three
// findings naming op, the parameter param whose update grew most, and the
// control to change.
func CheckJumpAutopsy(t *testing.T, l *lessons.Lesson, set lessons.Settings, op, param, control string) {
	t.Helper()
	r, err := lessons.Start(l, lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.End)
	sc := r.Scene()
	a := sc.Autopsy
	if a == nil || !sc.Status.Diverged {
		t.Fatalf("not stopped with an autopsy: %+v", sc.Status)
	}
	if a.Trigger != scene.TriggerJump || a.Step != 2 || a.Op != op || a.Param != param || a.Control != control || len(a.Findings) != 3 {
		t.Fatalf("autopsy %+v", a)
	}
}
