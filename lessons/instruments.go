package lessons

import "github.com/dlearn/dlearn/lessons/scene"

// Instruments is what the runtime reads from a machine's training, the
// same for every lesson that trains through lessons/trainer (its Loop
// provides them): the autopsy of a divergence.
type Instruments interface {
	// DivergenceAutopsy returns where the run went wrong once it stopped
	// diverging, nil before (and for a run that did not diverge).
	DivergenceAutopsy() *scene.Autopsy
}

// Instrumented is implemented by machines whose training the runtime can
// look into; a machine built on lessons/trainer opts in with one method
// that returns its loop.
type Instrumented interface {
	Instruments() Instruments
}

// autopsy fills in the scene's autopsy from the machine's instruments,
// with the change to try from the lesson's controls.
func (r *Run) autopsy(sc *scene.Scene) {
	in, ok := r.m.(Instrumented)
	if !ok {
		return
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
