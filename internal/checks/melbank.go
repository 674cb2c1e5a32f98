package checks

import (
	"fmt"
	"math"
	"testing"
)

// MelBankImpl holds the learner's function of the melbank exercise.
//
// MelFilterBank(nMels, nFFT, sampleRate, fMin, fMax) returns the HTK mel
// filter bank of the speech lesson (and of the kit's spoken-digit
// features, engine/data/speech): nMels triangular filters over the
// nFFT/2+1 bins of a power spectrum, an nMels × (nFFT/2+1) matrix. With
// mel(f) = 2595·log10(1 + f/700) and its inverse, the corners f_0 …
// f_{nMels+1} are nMels+2 points spaced evenly in mel from mel(fMin) to
// mel(fMax), turned back into Hz; bin k sits at f_k = k·sampleRate/nFFT;
//
//	w[j][k] = max(0, min((f_k − f_j)/(f_{j+1} − f_j), (f_{j+2} − f_k)/(f_{j+2} − f_{j+1})))
//
// Triangles peak at 1, not normalised by their area (librosa's
// filters.mel(htk=True, norm=None), torchaudio's melscale_fbanks with
// mel_scale="htk", norm=None).
type MelBankImpl struct {
	MelFilterBank func(nMels, nFFT, sampleRate int, fMin, fMax float64) [][]float64
}

// MelBank runs the checks of the melbank exercise as sub-tests of t.
func MelBank(t *testing.T, impl MelBankImpl) {
	t.Helper()
	report(t, melbankCases(impl))
}

// CheckMelBank runs the same checks as MelBank and returns the problems
// found; none means impl passes.
func CheckMelBank(impl MelBankImpl) []Problem { return collect(melbankCases(impl)) }

// melVariant is a known mistake in the filter bank; the zero value is
// right.
type melVariant struct {
	mixedBase   bool // mel(f) with ln, back to Hz with 10^
	linearHz    bool // corners spaced evenly in Hz
	binShift    bool // bin k at (k+1)·sr/nFFT
	nyquistBins bool // bin k at k·(sr/2)/(nFFT/2+1)
	slaney      bool // each triangle scaled to area 1: × 2/(f_{j+2} − f_j)
	nMelsSteps  bool // corners spaced (max − min)/nMels: the last band reaches past fMax
	roundBins   bool // corners rounded to bins floor((nFFT+1)·f/sr), triangles over bin indices
	noFMin      bool // corners from 0, not from fMin
}

// melRun is the reference filter bank (or a mistaken variant).
func melRun(v melVariant, nMels, nFFT, sr int, fMin, fMax float64) [][]float64 {
	toMel := func(f float64) float64 { return 2595 * math.Log10(1+f/700) }
	if v.mixedBase {
		toMel = func(f float64) float64 { return 2595 * math.Log(1+f/700) }
	}
	toHz := func(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }
	lo := fMin
	if v.noFMin {
		lo = 0
	}
	steps := float64(nMels + 1)
	if v.nMelsSteps {
		steps = float64(nMels)
	}
	f := make([]float64, nMels+2)
	for i := range f {
		if v.linearHz {
			f[i] = lo + (fMax-lo)*float64(i)/steps
		} else {
			f[i] = toHz(toMel(lo) + (toMel(fMax)-toMel(lo))*float64(i)/steps)
		}
	}
	bins := nFFT/2 + 1
	if v.roundBins {
		for i := range f {
			f[i] = math.Floor(float64(nFFT+1) * f[i] / float64(sr))
		}
	}
	w := make([][]float64, nMels)
	for j := range w {
		w[j] = make([]float64, bins)
		for k := range bins {
			fk := float64(k) * float64(sr) / float64(nFFT)
			switch {
			case v.binShift:
				fk = float64(k+1) * float64(sr) / float64(nFFT)
			case v.nyquistBins:
				fk = float64(k) * float64(sr) / 2 / float64(bins)
			case v.roundBins:
				fk = float64(k)
			}
			up := (fk - f[j]) / (f[j+1] - f[j])
			down := (f[j+2] - fk) / (f[j+2] - f[j+1])
			x := max(0, min(up, down))
			if math.IsNaN(x) || math.IsInf(x, 0) {
				x = 0 // two corners on one bin (roundBins)
			}
			if v.slaney {
				x *= 2 / (f[j+2] - f[j])
			}
			w[j][k] = x
		}
	}
	return w
}

// melMistakes are the usual wrong filter banks, most telling first.
var melMistakes = []struct {
	hint string
	v    melVariant
}{
	{"the triangles are scaled: ours peak at 1 (HTK, norm=None). Multiplying each by 2/(f_{j+2} − f_j) to give it area 1 is Slaney's normalisation, librosa's default, not this exercise's.", melVariant{slaney: true}},
	{"each triangle is one bin off: bin k is at frequency k·sampleRate/nFFT, counting from k = 0 (0 Hz), not (k+1)·sampleRate/nFFT.", melVariant{binShift: true}},
	{"bin k is at k·sampleRate/nFFT (bins are sampleRate/nFFT apart), not k·(sampleRate/2)/(nFFT/2+1): the last bin, nFFT/2, is exactly sampleRate/2.", melVariant{nyquistBins: true}},
	{"the mel scale is mixed up: mel(f) = 2595·log10(1 + f/700) with a base-10 logarithm, inverted by 700·(10^(m/2595) − 1). A natural log one way and 10^ the other puts the corners in the wrong places (ln with 1127 and exp would be consistent).", melVariant{mixedBase: true}},
	{"the corners are spaced evenly in Hz: they must be spaced evenly in mel (convert fMin and fMax to mel, space nMels+2 points between them, convert each back to Hz), so the high bands are wider.", melVariant{linearHz: true}},
	{"there are nMels+2 corners from mel(fMin) to mel(fMax), nMels+1 equal steps apart: step = (mel(fMax) − mel(fMin))/(nMels+1), not /nMels (the last triangle would end past fMax).", melVariant{nMelsSteps: true}},
	{"the corners start at mel(fMin), not at 0 Hz.", melVariant{noFMin: true}},
	{"the triangles are evaluated at each bin's exact frequency k·sampleRate/nFFT against the corners in Hz; rounding the corners to whole bins (floor((nFFT+1)·f/sampleRate), as some tutorials do) gives different weights.", melVariant{roundBins: true}},
}

func melbankCases(impl MelBankImpl) []testCase {
	fn := funcOf("melbank.MelFilterBank", impl.MelFilterBank)
	compare := func(c *ctx, nMels, nFFT, sr int, fMin, fMax float64) bool {
		var got [][]float64
		if !call(c, fn, func() { got = impl.MelFilterBank(nMels, nFFT, sr, fMin, fMax) }) {
			return false
		}
		given := []string{fmt.Sprintf("nMels = %d, nFFT = %d, sampleRate = %d, fMin = %s, fMax = %s", nMels, nFFT, sr, num(fMin), num(fMax))}
		e := expect{fn: fn, what: fmt.Sprintf("MelFilterBank(%d, %d, %d, %s, %s)", nMels, nFFT, sr, num(fMin), num(fMax)), at: "w",
			given: given, tol: exactTol,
			hint: "w[j][k] = max(0, min((f_k − f_j)/(f_{j+1} − f_j), (f_{j+2} − f_k)/(f_{j+2} − f_{j+1}))) with f_k = k·sampleRate/nFFT and the corners f_0 … f_{nMels+1} spaced evenly in mel(f) = 2595·log10(1 + f/700) from fMin to fMax."}
		if len(got) == nMels && len(got) > 0 && len(got[0]) == nFFT {
			e.fail(c, fmt.Sprintf("%s has %d columns, want %d", e.what, nFFT, nFFT/2+1),
				"a power spectrum of nFFT samples keeps the bins k = 0 … nFFT/2 (the rest mirror them for a real signal): nFFT/2+1 columns.")
			return false
		}
		for _, m := range melMistakes {
			e.mistakes = append(e.mistakes, mistake{m.hint, flatten(melRun(m.v, nMels, nFFT, sr, fMin, fMax))})
		}
		return e.mat(c, got, melRun(melVariant{}, nMels, nFFT, sr, fMin, fMax))
	}
	return []testCase{
		// 2 bands over 5 bins (0, 1000, … 4000 Hz): worked in the stub.
		{"hand_computed", func(c *ctx) { compare(c, 2, 8, 8000, 0, 4000) }},
		// The speech lesson's bank: its numbers are the learner's.
		{"lesson_bank", func(c *ctx) { compare(c, 24, 256, 8000, 0, 4000) }},
		{"fmin_and_fmax", func(c *ctx) { compare(c, 10, 512, 16000, 300, 7000) }},
		{"many_bands", func(c *ctx) { _ = compare(c, 40, 1024, 22050, 0, 11025) && compare(c, 80, 400, 16000, 20, 8000) }},
	}
}
