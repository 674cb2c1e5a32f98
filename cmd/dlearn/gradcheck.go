package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// gradCheckTol is the relative error below which --gradcheck says the
// analytic gradient agrees with central differences: the tolerance of the
// engine's own gradient checks, |a − n| / max(1, |a|, |n|) < 1e-6.
const gradCheckTol = 1e-6

// gradCheckMaxOps bounds the ops a fork of the run advances to reach a
// backward pass.
const gradCheckMaxOps = 1 << 20

// passCheck is the --gradcheck result: every node of one training step's
// backward pass checked, and the worst relative error among them. As
// JSON it is the line {"gradcheck": …} after the scenes.
type passCheck struct {
	// Step is the training step whose backward pass was checked (1-based,
	// as the scenes count it), Tolerance the relative error below which
	// it agrees.
	Step      int     `json:"step"`
	Tolerance float64 `json:"tolerance"`
	// Nodes are the checks, one per node whose inputs take a gradient,
	// in the order the backward pass visits them.
	Nodes []*scene.GradCheck `json:"nodes"`
	// Checked elements over all nodes and inputs, Kinks left out.
	Checked int `json:"checked"`
	Kinks   int `json:"kinks"`
	// MaxRelErr is the largest relative error, at node WorstNode, input
	// WorstInput.
	MaxRelErr  float64 `json:"max_rel_err"`
	WorstNode  string  `json:"worst_node"`
	WorstInput string  `json:"worst_input"`
	Agrees     bool    `json:"agrees"`
}

// canGradCheck reports, before anything is printed, whether the run's
// lesson can be checked at all.
func canGradCheck(r *lessons.Run, id string) error {
	if _, err := r.GradCheckPass(); errors.Is(err, lessons.ErrNoGradCheck) {
		return fmt.Errorf("--gradcheck: lesson %s has no gradient check: its training does not go through the trainer's tape", id)
	}
	return nil
}

// checkPass checks the backward pass of the training step in progress in
// r, or of the next one if r is between steps or before its first: on a
// fork of r, so that r is not changed.
func checkPass(r *lessons.Run) (*passCheck, error) {
	f := r.Fork()
	for range gradCheckMaxOps {
		gcs, err := f.GradCheckPass()
		switch {
		case err == nil:
			// The scenes count the steps taken; this one is in progress.
			return summarizePass(gcs, f.Scene().Pos.Step+1), nil
		case !errors.Is(err, trainer.ErrNoBackward):
			return nil, fmt.Errorf("--gradcheck: %v", err)
		}
		if !f.Advance(lessons.Op) {
			return nil, fmt.Errorf("--gradcheck: the run has ended, no backward pass is left to check: give fewer --steps")
		}
	}
	return nil, fmt.Errorf("--gradcheck: no backward pass within %d ops", gradCheckMaxOps)
}

func summarizePass(gcs []*scene.GradCheck, step int) *passCheck {
	pc := &passCheck{Step: step, Tolerance: gradCheckTol, Nodes: gcs, Agrees: true}
	for _, gc := range gcs {
		for _, in := range gc.Inputs {
			pc.Checked += in.Checked
			pc.Kinks += in.Kinks
			if in.Checked == 0 {
				continue
			}
			if !(in.MaxRelErr < gradCheckTol) {
				pc.Agrees = false
			}
			if pc.WorstNode == "" || in.MaxRelErr > pc.MaxRelErr || math.IsNaN(in.MaxRelErr) {
				pc.MaxRelErr, pc.WorstNode, pc.WorstInput = in.MaxRelErr, gc.Node, in.Name
			}
		}
	}
	if pc.Checked == 0 {
		pc.Agrees = false
	}
	return pc
}

// verdict is the check's last line.
func (pc *passCheck) verdict() string {
	if pc.Checked == 0 {
		return "no element could be checked"
	}
	s := fmt.Sprintf("worst relative error %s at %s, ∂L/∂%s · %d nodes, %d elements checked",
		lessons.FormatNum(pc.MaxRelErr), pc.WorstNode, pc.WorstInput, len(pc.Nodes), pc.Checked)
	if pc.Kinks > 0 {
		s += fmt.Sprintf(", %d at a kink left out", pc.Kinks)
	}
	if pc.Agrees {
		return s + fmt.Sprintf(" · agrees (every error below %s)", lessons.FormatNum(pc.Tolerance))
	}
	return s + fmt.Sprintf(" · DISAGREES (an error at or above %s)", lessons.FormatNum(pc.Tolerance))
}

// writePassCheck prints pc after a transcript: as plain text a block with
// one line per node, or as JSON one line {"gradcheck": pc}.
func writePassCheck(w io.Writer, pc *passCheck, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(struct {
			GradCheck *passCheck `json:"gradcheck"`
		}{pc})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "── gradient check · every node of step %d's backward pass, central differences h = %s\n",
		pc.Step, lessons.FormatNum(trainer.GradCheckStep))
	b.WriteString("   relative error |analytic − numeric| / max(1, |analytic|, |numeric|), on up to 8 elements of each input\n")
	for _, gc := range pc.Nodes {
		parts := make([]string, len(gc.Inputs))
		for k, in := range gc.Inputs {
			parts[k] = fmt.Sprintf("∂L/∂%s %s over %d", in.Name, lessons.FormatNum(in.MaxRelErr), in.Checked)
			if in.Checked == 0 {
				parts[k] = fmt.Sprintf("∂L/∂%s none checked", in.Name)
			}
			if in.Kinks > 0 {
				parts[k] += fmt.Sprintf(" (%d at a kink left out)", in.Kinks)
			}
		}
		fmt.Fprintf(&b, "   %s: %s\n", gc.Node, strings.Join(parts, "; "))
	}
	fmt.Fprintf(&b, "   %s\n", pc.verdict())
	_, err := io.WriteString(w, b.String())
	return err
}
