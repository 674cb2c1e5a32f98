package speech

import (
	"github.com/dlearn/dlearn/lessons"
)

// goal: at least 90% of the held-out voices' words heard right at the
// end of the run.
var goal = &lessons.Goal{
	Measure: "test_acc", Label: "accuracy on held-out voices", Unit: "%", Compare: lessons.AtLeast, Target: 90,
	Remedies: map[string]lessons.Remedy{
		lessons.CauseDead: {Control: "lr", Value: "0.03"},
	},
}

// Measures implements lessons.Measurer from what the run has measured
// already: the latest test accuracy in percent, the share of dead ReLU
// channels, the training loss as the mean batch loss between two
// measurements, and the test loss at the end of every epoch.
func (m *machine) Measures() lessons.Measures {
	e := m.lastEval()
	var val []float64
	for _, ev := range m.evals[1:] {
		if ev.Step%m.loop.StepsPerEpoch() == 0 {
			val = append(val, ev.Loss)
		}
	}
	return lessons.Measures{
		Values: map[string]float64{"test_acc": 100 * e.Acc, lessons.SignalDead: e.Dead},
		Loss:   m.lossCurve(),
		Val:    val,
	}
}

func (m *machine) lossCurve() []float64 {
	ls, k := m.loop.Losses, m.evalEvery()
	var out []float64
	for i := 0; i < len(ls); i += k {
		j := min(i+k, len(ls))
		s := 0.0
		for _, l := range ls[i:j] {
			s += l
		}
		out = append(out, s/float64(j-i))
	}
	return out
}
