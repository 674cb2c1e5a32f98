package speech

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Ask implements lessons.Questioner. In the sound walk: where the frame's
// spectrum will peak (once the windowed frame is shown), how many bins
// the highest mel band will span (once the spectrum is shown) and how far
// apart the loudest and quietest band will be after the logarithm (once
// the energies are shown). In training: the first measurement's accuracy
// (before training), the share of a2 that ReLU zeroes (first step, op by
// op) and, before the last step, whether the goal will be met.
func (m *machine) Ask() *lessons.Ask {
	c := &m.loop.Cur
	switch {
	case m.stage == stWindow:
		return m.askPeak()
	case m.stage == stFFT:
		return m.askBandWidth()
	case m.stage == stBands:
		return m.askLogSpread()
	case m.stage < stTrain:
		return nil
	case m.loop.Step == 0 && c.Tape == nil:
		return m.askFirstMeasurement()
	case m.loop.Step == 0 && c.Phase == trainer.Forward && c.Fwd == 4:
		return m.askReLUZeros()
	case c.Phase == trainer.Updated && !m.loop.Diverged && m.loop.Step == m.loop.Epochs*m.loop.StepsPerEpoch()-1:
		return m.askGoal()
	}
	return nil
}

// peakBands are the choices of the spectrum-peak question.
var peakBands = []string{"below 300 Hz", "300 to 1000 Hz", "1000 to 2000 Hz", "2000 Hz or above"}

func peakBand(f float64) int {
	switch {
	case f < 300:
		return 0
	case f < 1000:
		return 1
	case f < 2000:
		return 2
	}
	return 3
}

func (m *machine) askPeak() *lessons.Ask {
	s := m.snd
	return &lessons.Ask{
		ID: fmt.Sprintf("peak-%d-%d", s.word, s.t),
		Prompt: fmt.Sprintf("Frame %d of %q, windowed, is on screen. Its power spectrum |X[k]|² comes next: at which frequency will it be largest?",
			s.t, words[s.word]),
		Kind: scene.QuestionChoice, Choices: peakBands,
		Ahead: lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine).snd
			pk := hz(a.peak)
			why := "A voiced sound's strongest harmonic usually sits in its first formant, a few hundred hertz up."
			if pk >= 2000 {
				why = "Energy this high up is a hiss (an \"s\", \"f\" or \"th\"): noise from air forced through a narrow gap, not the voice's harmonics."
			} else if pk < 300 {
				why = "So low, the peak is the voice's fundamental or its first harmonics."
			}
			return lessons.Resolution{Choice: peakBand(pk), Explain: fmt.Sprintf("The peak is bin %d, %d × 31.25 = %.0f Hz. %s", a.peak, a.peak, pk, why)}
		},
	}
}

func (m *machine) askBandWidth() *lessons.Ask {
	lo, hi := m.snd.bandEdges(0)
	return &lessons.Ask{
		ID: "band-width",
		Prompt: fmt.Sprintf("Next, 24 triangular mel filters over the 129 bins, corners spaced evenly on the mel scale 2595·log10(1 + f/700) from 0 to 4000 Hz. The lowest band gives weight > 0 to %d bins (%d–%d). How many bins will the highest band give weight > 0? (within 2)",
			hi-lo+1, lo, hi),
		Kind: scene.QuestionNumber, Tolerance: 2,
		Ahead: lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine).snd
			l, h := a.bandEdges(H - 1)
			return lessons.Resolution{Value: float64(h - l + 1), Explain: fmt.Sprintf(
				"Bins %d–%d, %d of them (%.0f–%.0f Hz): equal steps in mel are ever wider steps in Hz, so the high bands pool many bins and the low ones a few — about the ear's resolution.",
				l, h, h-l+1, hz(l), hz(h))}
		},
	}
}

func (m *machine) askLogSpread() *lessons.Ask {
	s := m.snd
	hi, lo := 0, 0
	for j, e := range s.bands {
		if e > s.bands[hi] {
			hi = j
		}
		if e < s.bands[lo] {
			lo = j
		}
	}
	return &lessons.Ask{
		ID: fmt.Sprintf("log-spread-%d-%d", s.word, s.t),
		Prompt: fmt.Sprintf("The loudest band (%d) holds energy %s, the quietest (%d) %s: %s times less. After v = ln(energy + 10⁻⁶), how far apart will their two values be? (within 0.5)",
			hi, trainer.Num(s.bands[hi]), lo, trainer.Num(s.bands[lo]), trainer.Num(s.bands[hi]/s.bands[lo])),
		Kind: scene.QuestionNumber, Tolerance: 0.5,
		Ahead: lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine).snd
			d := a.logs[hi] - a.logs[lo]
			return lessons.Resolution{Value: round2(d), Explain: fmt.Sprintf(
				"%s − (%s) = %s ≈ ln(%s): the logarithm turns a ratio of energies into a difference (the 10⁻⁶ matters only near silence).",
				trainer.Num(a.logs[hi]), trainer.Num(a.logs[lo]), trainer.Num(d), trainer.Num(a.bands[hi]/a.bands[lo]))}
		},
	}
}

// accBands are the choices of the question about the first measurement.
var accBands = []string{"below 30%", "30% to 60%", "60% to 90%", "90% or more"}

func accBand(a float64) int {
	switch {
	case a < 0.3:
		return 0
	case a < 0.6:
		return 1
	case a < 0.9:
		return 2
	}
	return 3
}

func (m *machine) askFirstMeasurement() *lessons.Ask {
	n := m.evalEvery()
	acc0 := m.evals[0].Acc
	return &lessons.Ask{
		ID: fmt.Sprintf("acc@%d", n),
		Prompt: fmt.Sprintf("Untrained, the network hears %s of the %d held-out words right. After the first %d training steps (%d words, a quarter of the training set), what will its accuracy on the held-out voices be?",
			pct(acc0), m.c.test.Len(), n, n*m.loop.Batch),
		Kind: scene.QuestionChoice, Choices: accBands,
		Ahead: lessons.Step, AheadN: n,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine)
			if a.loop.Diverged {
				return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf("Below 30%%: at this learning rate the run diverges at step %d.", a.loop.DivStep)}
			}
			e := a.net.evaluate(a.c.test, a.loop.Step)
			return lessons.Resolution{Choice: accBand(e.Acc), Explain: fmt.Sprintf(
				"%s after step %d (untrained: %s), having seen %d of the %d training words once — each said by one voice, at one speed and pitch.",
				pct(e.Acc), a.loop.Step, pct(acc0), a.loop.Step*a.loop.Batch, a.c.train.Len())}
		},
	}
}

func (m *machine) askReLUZeros() *lessons.Ask {
	return &lessons.Ask{
		ID:        "relu-zeros",
		Prompt:    "a2 is on screen (negative values one colour, positive the other). What percentage of a2's values, over the whole batch, will the ReLU h2 = max(0, a2) set to 0? (within 10)",
		Kind:      scene.QuestionNumber,
		Tolerance: 10,
		Ahead:     lessons.Op, AheadN: 1,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			a := mm.(*machine)
			h := a.loop.Cur.Tape.Nodes()[4].Out.Value
			z := share(h.Data, func(x float64) bool { return x == 0 })
			return lessons.Resolution{Value: math.Round(1000*z) / 10, Explain: fmt.Sprintf(
				"%s of the %d values of a2 are ≤ 0 and become 0; the other %s pass. Where a unit outputs 0 it also passes no gradient back.",
				pct(z), len(h.Data), pct(1-z))}
		},
	}
}

func (m *machine) askGoal() *lessons.Ask {
	e := m.lastEval()
	total := m.loop.Epochs * m.loop.StepsPerEpoch()
	return &lessons.Ask{
		ID: fmt.Sprintf("goal@%d", total),
		Prompt: fmt.Sprintf("One step to go. The latest measurement, at step %d, heard %s of the held-out words right. After step %d they are measured again: will the run meet its goal, %s?",
			e.Step, pct(e.Acc), total, goal.Text()),
		Kind: scene.QuestionChoice, Choices: []string{"yes", "no"},
		Ahead: lessons.Step, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine)
			fin := a.lastEval()
			if a.loop.Diverged || fin.Step != total {
				return lessons.Resolution{Choice: 1, Explain: "No: the last step diverged."}
			}
			ans, word := 1, "No"
			if goal.Met(100 * fin.Acc) {
				ans, word = 0, "Yes"
			}
			return lessons.Resolution{Choice: ans, Explain: fmt.Sprintf("%s: %s after step %d, against %s at step %d. Each held-out word is %s of the set.",
				word, pct(fin.Acc), total, pct(e.Acc), e.Step, pct(1/float64(a.c.test.Len())))}
		},
	}
}

func round2(v float64) float64 { return math.Round(100*v) / 100 }
