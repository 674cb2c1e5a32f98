package lessons

import "github.com/dlearn/dlearn/lessons/scene"

// Instruments is what the runtime reads from a machine's training, the
// same for every lesson that trains through lessons/trainer (its Loop
// provides them): the autopsy of a divergence and the training-health
// gauges.
type Instruments interface {
	// DivergenceAutopsy returns where the run went wrong once it stopped
	// diverging, nil before (and for a run that did not diverge).
	DivergenceAutopsy() *scene.Autopsy
	// HealthPanel returns the training-health gauges as a secondary panel
	// (a negative Priority), or nil when there are none yet.
	HealthPanel() *scene.Panel
}

// Instrumented is implemented by machines whose training the runtime can
// look into; a machine built on lessons/trainer opts in with one method
// that returns its loop.
type Instrumented interface {
	Instruments() Instruments
}

// autopsy adds the machine's instruments to the scene: the health panel
// after the lesson's own, and the autopsy, with the change to try from the
// lesson's controls.
func (r *Run) autopsy(sc *scene.Scene) {
	in, ok := r.m.(Instrumented)
	if !ok {
		return
	}
	if p := in.Instruments().HealthPanel(); p != nil {
		sc.Panels = append(sc.Panels, *p)
	}
	a := in.Instruments().DivergenceAutopsy()
	if a == nil {
		return
	}
	c := *a
	c.Findings = append([]string(nil), a.Findings...)
	rem := RemedyFor(r.lesson, CauseDiverged, r.settings)
	c.Try, c.Control, c.Value = rem.Why, rem.Control, rem.Value
	sc.Autopsy = &c
	sc.Status.Diverged = true
	if sc.Status.Level == "" {
		sc.Status.Level = scene.LevelError
	}
}
