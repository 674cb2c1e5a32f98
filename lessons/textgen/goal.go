package textgen

import (
	"math"

	"github.com/dlearn/dlearn/lessons"
)

// goal: the validation perplexity — e to the mean cross-entropy per
// character on the held-out tenth of the text — at the end of the run.
var goal = &lessons.Goal{
	Measure: "val_ppl", Label: "validation perplexity",
	Compare: lessons.AtMost, Target: TargetPerplexity,
	Remedies: map[string]lessons.Remedy{
		lessons.CausePlateau: {Control: "lr", Value: "0.01",
			Why: "set the learning rate back to 0.01: Adam's steps at this rate are either too small to get far in the steps the run has or too large to settle into a narrow minimum"},
	},
}

// TargetPerplexity is the goal's bound.
const TargetPerplexity = 6.5

// Measures implements lessons.Measurer: the validation perplexity after
// the last evaluation, the share of real words in its sample, the share
// of dead ReLU units, the validation loss per epoch and the training loss
// per CurveEvery steps.
func (m *machine) Measures() lessons.Measures {
	last := m.evals[len(m.evals)-1]
	ms := lessons.Measures{Values: map[string]float64{
		"val_ppl":          math.Exp(last.Val),
		"word_rate":        last.WordRate,
		lessons.SignalDead: last.Dead,
	}}
	for _, e := range m.evals[1:] {
		ms.Val = append(ms.Val, e.Val)
	}
	for _, p := range m.curve[1:] {
		ms.Loss = append(ms.Loss, p.Train)
	}
	return ms
}
