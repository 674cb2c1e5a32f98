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
}

// TargetPerplexity is the goal's bound; MinWordRate is the share of the
// words sampled at the defaults that the lesson's tests require to be
// words of the corpus.
const (
	TargetPerplexity = 6.5
	LossEvery        = 10
	MinWordRate      = 0.6
)

// Measures implements lessons.Measurer: the validation perplexity after
// the last evaluation, the share of real words in its sample, the share
// of dead ReLU units, the validation loss per epoch and the mean training
// batch loss of every LossEvery steps (single batches of 16 windows are
// too noisy for the diagnosis to read a trend from).
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
	ls := m.loop.Losses
	for i := 0; i+LossEvery <= len(ls); i += LossEvery {
		ms.Loss = append(ms.Loss, mean(ls[i:i+LossEvery]))
	}
	return ms
}
