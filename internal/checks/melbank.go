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
//
// PowerSpectrum(frame) returns |X[k]|², k = 0 … N/2, of the frame
// (length N, a power of two or any N) multiplied by the periodic Hann
// window w[n] = 0.5 − 0.5·cos(2πn/N), with X[k] = Σₙ x[n]·w[n]·e^(−2πi·kn/N)
// (numpy: np.abs(np.fft.rfft(x*w))**2, no scaling).
type MelBankImpl struct {
	MelFilterBank func(nMels, nFFT, sampleRate int, fMin, fMax float64) [][]float64
	PowerSpectrum func(frame []float64) []float64
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
	return append([]testCase{
		// 2 bands over 5 bins (0, 1000, … 4000 Hz): worked in the stub.
		{"hand_computed", func(c *ctx) { compare(c, 2, 8, 8000, 0, 4000) }},
		// The speech lesson's bank: its numbers are the learner's.
		{"lesson_bank", func(c *ctx) { compare(c, 24, 256, 8000, 0, 4000) }},
		{"fmin_and_fmax", func(c *ctx) { compare(c, 10, 512, 16000, 300, 7000) }},
		{"many_bands", func(c *ctx) { _ = compare(c, 40, 1024, 22050, 0, 11025) && compare(c, 80, 400, 16000, 20, 8000) }},
	}, powerCases(impl)...)
}

// powVariant is a known mistake in the power spectrum; the zero value is
// right.
type powVariant struct {
	noWindow  bool // no window (a rectangular one)
	symmetric bool // Hann with N−1: 0.5 − 0.5·cos(2πn/(N−1))
	magnitude bool // |X[k]|, not |X[k]|²
	allBins   bool // all N bins
	scaled    bool // |X[k]|²/N
}

// powRun is the reference power spectrum (or a mistaken variant), by the
// definition of the DFT.
func powRun(v powVariant, x []float64) []float64 {
	n := len(x)
	bins := n/2 + 1
	if v.allBins {
		bins = n
	}
	out := make([]float64, bins)
	for k := range bins {
		re, im := 0.0, 0.0
		for i, s := range x {
			w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
			switch {
			case v.noWindow:
				w = 1
			case v.symmetric:
				w = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1))
			}
			a := -2 * math.Pi * float64(k*i) / float64(n)
			re += s * w * math.Cos(a)
			im += s * w * math.Sin(a)
		}
		p := re*re + im*im
		switch {
		case v.magnitude:
			p = math.Sqrt(p)
		case v.scaled:
			p /= float64(n)
		}
		out[k] = p
	}
	return out
}

var powMistakes = []struct {
	hint string
	v    powVariant
}{
	{"the frame is not windowed: multiply sample n by w[n] = 0.5 − 0.5·cos(2πn/N) before the transform, so the frame's cut edges do not spread energy over every frequency.", powVariant{noWindow: true}},
	{"the window is the periodic Hann window, w[n] = 0.5 − 0.5·cos(2πn/N) with N the frame's length (torch.hann_window's default), not the symmetric one with N−1.", powVariant{symmetric: true}},
	{"that is the magnitude |X[k]|: the power spectrum is its square, |X[k]|² = Re² + Im².", powVariant{magnitude: true}},
	{"no scaling: |X[k]|² itself, not divided by N.", powVariant{scaled: true}},
	// The last is told by the length alone (powerCases).
	{"keep the bins k = 0 … N/2 only, N/2+1 of them: for a real frame X[N−k] is the complex conjugate of X[k], the same power.", powVariant{allBins: true}},
}

func powerCases(impl MelBankImpl) []testCase {
	fn := funcOf("melbank.PowerSpectrum", impl.PowerSpectrum)
	compare := func(c *ctx, x []float64) bool {
		var got []float64
		in := append([]float64(nil), x...)
		if !call(c, fn, func() { got = impl.PowerSpectrum(in) }) {
			return false
		}
		e := expect{fn: fn, what: fmt.Sprintf("PowerSpectrum(a frame of %d samples)", len(x)), at: "p", tol: exactTol,
			given: []string{"frame = " + vecString(x)},
			hint:  "p[k] = |X[k]|², X[k] = Σₙ x[n]·w[n]·e^(−2πi·kn/N), w[n] = 0.5 − 0.5·cos(2πn/N), for k = 0 … N/2."}
		if len(got) == len(x) && len(x) > 2 {
			e.fail(c, fmt.Sprintf("%s has length %d, want %d", e.what, len(x), len(x)/2+1), powMistakes[len(powMistakes)-1].hint)
			return false
		}
		for _, m := range powMistakes[:len(powMistakes)-1] {
			e.mistakes = append(e.mistakes, mistake{m.hint, powRun(m.v, x)})
		}
		if !e.vec(c, got, powRun(powVariant{}, x)) {
			return false
		}
		for i := range x {
			if in[i] != x[i] {
				e.fail(c, fmt.Sprintf("the frame was changed: frame[%d] is %s after the call, was %s", i, num(in[i]), num(x[i])),
					"window a copy: the caller's frame is the waveform's samples.")
				return false
			}
		}
		return true
	}
	wave := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			t := float64(i)
			x[i] = 0.6*math.Sin(0.3*t) + 0.25*math.Cos(1.1*t+0.4) + 0.05*math.Sin(2.9*t)
		}
		return x
	}
	return []testCase{
		// w = [0, 0.5, 1, 0.5], windowed [0, 1, 3, 2]: X = [6, −3+i, 0], p = [36, 10, 0].
		{"power_hand_computed", func(c *ctx) { compare(c, []float64{1, 2, 3, 4}) }},
		{"power_of_a_frame", func(c *ctx) { compare(c, wave(256)) }},
		{"power_other_lengths", func(c *ctx) { _ = compare(c, wave(8)) && compare(c, wave(64)) }},
	}
}
