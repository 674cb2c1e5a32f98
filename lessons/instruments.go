package lessons

import (
	"errors"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Instruments is what the runtime reads from a machine's training, the
// same for every lesson that trains through lessons/trainer (its Loop
// provides them): the autopsy of a divergence and the training-health
// gauges, and a gradient check on demand.
type Instruments interface {
	// DivergenceAutopsy returns where the run went wrong once it stopped
	// diverging, nil before (and for a run that did not diverge).
	DivergenceAutopsy() *scene.Autopsy
	// HealthPanel returns the training-health gauges as a secondary panel
	// (a negative Priority), or nil when there are none yet.
	HealthPanel() *scene.Panel
	// GradCheck checks the gradient at the node in focus against finite
	// differences, without changing the run; an error says why it cannot
	// now (outside the backward pass, say).
	GradCheck() (*scene.GradCheck, error)
}

// ErrNoGradCheck is Run.GradCheck's answer for a lesson whose training
// the runtime cannot look into.
var ErrNoGradCheck = errors.New("this lesson has no gradient check: its training does not go through the trainer's tape")

// GradCheck checks the gradient at the node in focus of the run's
// backward pass against central differences (see Instruments). It does
// not change the run and is not an action: nothing is logged.
func (r *Run) GradCheck() (*scene.GradCheck, error) {
	in, ok := r.m.(Instrumented)
	if !ok {
		return nil, ErrNoGradCheck
	}
	return in.Instruments().GradCheck()
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

// PassChecker is implemented by Instruments that can check every node of
// the current step's backward pass at once (trainer.Loop does).
type PassChecker interface {
	// GradCheckPass checks every node of the backward pass whose inputs
	// take a gradient, in backward order, without changing the run; an
	// error says why it cannot now (outside the backward pass, say).
	GradCheckPass() ([]*scene.GradCheck, error)
}

// GradCheckPass checks every node of the backward pass of the run's
// current training step against central differences (see PassChecker).
// It does not change the run and is not an action. A lesson whose
// training the runtime cannot look into answers ErrNoGradCheck, whatever
// the moment.
func (r *Run) GradCheckPass() ([]*scene.GradCheck, error) {
	in, ok := r.m.(Instrumented)
	if !ok {
		return nil, ErrNoGradCheck
	}
	pc, ok := in.Instruments().(PassChecker)
	if !ok {
		return nil, ErrNoGradCheck
	}
	return pc.GradCheckPass()
}
