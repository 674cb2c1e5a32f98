package gan

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/engine/data"
)

// view is what the narrative templates read: the settings in use, the
// numbers of the current op (the embedded stepVals), the coverage of the
// shown points now, and summaries of the curves.
type view struct {
	stepVals
	N, Batch, Shown, Width, Step, Steps, Epoch, K, OpsPerStep int
	SampleSeed, DivStep                                       int
	LRD, LRG                                                  float64
	NonSat, Finished                                          bool
	// The goal: its text and whether the latest evaluation meets it.
	GoalText string
	GoalMet  bool
	// StepNo is the training step an op belongs to (the header counts
	// completed steps, so mid-step it shows StepNo − 1); BatchNo1 and
	// Batches place the real batch in its epoch, counted from 1;
	// RankedPct is Ranked in percent.
	StepNo, BatchNo1, Batches, BatchEpoch, RankedPct int
	Ln2, TwoLn2, Radius                              float64
	// Arrows is how many of the shown points carry an arrow of G's push
	// (0 while it is hidden), PushMax the length of the longest push.
	Arrows  int
	PushMax float64

	// Coverage of the shown points now.
	Covered, Off, Outside, OnRingPct, MaxPct, MinPct int
	Biggest, Missing, Thin                           string
	// Verdict is "early" (few points on the ring yet), "collapse" (half
	// the modes or fewer covered), "partial" or "full".
	Verdict string

	// The last Window steps of the curves.
	Window                         int
	MeanLD, MinLD, MaxLD           float64
	MeanLG, MinLG, MaxLG           float64
	MeanDReal, MeanDFake           float64
	BestCovered, BestAt, FullFirst int
}

func (m *machine) view(cov coverage) view {
	v := view{
		stepVals: m.cur,
		N:        N, Batch: Batch, Shown: Shown, Width: m.cfg.width, Step: m.step, Steps: m.cfg.steps,
		K: m.k, OpsPerStep: m.OpsPerStep(), SampleSeed: m.cfg.sampleSeed, DivStep: m.divStep,
		LRD: m.optD.LearningRate(), LRG: m.optG.LearningRate(), NonSat: m.cfg.loss != Saturating,
		Finished: m.Done() && !m.diverged,
		Ln2:      math.Ln2, TwoLn2: 2 * math.Ln2, Radius: NearRadius,
		Covered: cov.Covered, Off: cov.Off, Outside: cov.Outside, OnRingPct: pct(cov.OnRing),
	}
	if !m.inStep && m.ops == 0 {
		// Before the first step the next one uses the settings as set.
		v.LRD, v.LRG, v.K, v.OpsPerStep = m.cfg.lrD, m.cfg.lrG, m.cfg.dSteps, 3*m.cfg.dSteps+2
	}
	v.Epoch, _ = m.loader.Pos()
	v.StepNo, v.BatchNo1, v.Batches, v.BatchEpoch = m.step, m.cur.BatchNo+1, m.loader.BatchesPerEpoch(), m.cur.Epoch+1
	v.RankedPct = pct(m.cur.Ranked)
	if m.inStep {
		v.StepNo++
	}
	v.GoalText, v.GoalMet = goal.Text(), goal.Met(float64(m.last.Cov.Covered))
	v.describeModes(cov)
	v.summarise(m.hist)
	return v
}

// earlyOnRing is the share of G's points on the ring below which its
// coverage is "early": there is nothing yet that could collapse.
const earlyOnRing = 0.25

// describeModes names the biggest, missing and thin modes and gives the
// verdict on mode collapse.
func (v *view) describeModes(cov coverage) {
	var missing, thin []string
	big, lo := 0, Shown
	for j, k := range cov.Counts {
		switch {
		case k == 0:
			missing = append(missing, modeName(j))
		case float64(k) < CoveredShare*Shown:
			thin = append(thin, modeName(j))
		}
		if k > cov.Counts[big] {
			big = j
		}
		lo = min(lo, k)
	}
	v.Biggest, v.MaxPct, v.MinPct = modeName(big), pct(float64(cov.Counts[big])/Shown), pct(float64(lo)/Shown)
	v.Missing, v.Thin = strings.Join(missing, ", "), strings.Join(thin, ", ")
	switch {
	case cov.OnRing < earlyOnRing:
		v.Verdict = "early"
	case cov.Covered == data.RingModes:
		v.Verdict = "full"
	case cov.Covered <= data.RingModes/2:
		v.Verdict = "collapse"
	default:
		v.Verdict = "partial"
	}
}

// summarise reads the curves: the range of both losses and the mean
// verdicts over the last steps, the best coverage so far and when all
// eight modes were first covered.
func (v *view) summarise(h history) {
	n := len(h.lossD)
	v.Window = min(n, 200)
	if v.Window > 0 {
		v.MeanLD, v.MinLD, v.MaxLD = stats(h.lossD[n-v.Window:])
		v.MeanLG, v.MinLG, v.MaxLG = stats(h.lossG[n-v.Window:])
		v.MeanDReal, _, _ = stats(h.dReal[n-v.Window:])
		v.MeanDFake, _, _ = stats(h.dFake[n-v.Window:])
	}
	for i, c := range h.covered {
		if int(c) > v.BestCovered {
			v.BestCovered, v.BestAt = int(c), int(h.evalStep[i])
		}
		if int(c) == data.RingModes && v.FullFirst == 0 {
			v.FullFirst = int(h.evalStep[i])
		}
	}
}

// stats returns the mean, minimum and maximum of a non-empty slice.
func stats(s []float64) (mean, lo, hi float64) {
	lo, hi = s[0], s[0]
	for _, x := range s {
		mean += x
		lo, hi = min(lo, x), max(hi, x)
	}
	return mean / float64(len(s)), lo, hi
}

// modeName names mode j by the angle of its centre.
func modeName(j int) string { return fmt.Sprintf("%d°", 360*j/data.RingModes) }

func pct(f float64) int { return int(math.Round(100 * f)) }
