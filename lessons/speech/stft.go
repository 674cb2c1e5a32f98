package speech

import (
	"math"

	"github.com/dlearn/dlearn/engine/data/speech"
)

// The stages of the sound walk before training, one Op or Step each.
const (
	stWave   = iota // the waveform (the lesson's start)
	stFrame         // frame t: 256 samples
	stWindow        // × the Hann window
	stFFT           // |FFT|², the power spectrum
	stMel           // the mel filter bank over it
	stBands         // the band energies
	stLog           // ln(energy + floor): one column
	stGram          // every frame: the spectrogram
	stTrain         // training (the loop's steps)
)

var stageNames = []string{"waveform", "frame", "window", "fft", "mel", "bands", "log", "spectrogram", "train"}

// sound is one test word taken apart: its waveform, the chosen frame at
// every stage of the short-time Fourier transform, and its whole log-mel
// spectrogram, all computed here by engine/data/speech's code — the code
// that made the shipped features.
type sound struct {
	word, test int    // the word (its label) and its index in the test set
	voice      string // who says it
	wave       []float64
	t          int // the frame shown
	start      int // its first sample
	frame      []float64
	window     []float64
	windowed   []float64
	power      []float64 // |X[k]|², k = 0 … 128
	bank       [][]float64
	bands      []float64 // mel energies
	logs       []float64 // ln(bands + Floor)
	gram       []float64 // [H][W] log-mel, computed here
	// shipped is the same utterance's shipped (dequantised) features and
	// maxDiff the largest |gram − shipped|: the quantisation error only.
	shipped []float64
	maxDiff float64
	// peak is the bin of the largest power and rms the frame's root mean
	// square before the window.
	peak int
	rms  float64
}

// takeApart computes word's sound at frame t.
func takeApart(c *corpus, word, t int) *sound {
	w := c.raw.Waves[word]
	s := &sound{word: word, test: w.Test, voice: c.voices[w.Test], wave: w.Float(), t: t, start: t * speech.Hop}
	s.frame = speech.Frame(s.wave, t)
	s.window = speech.Hann(speech.NFFT)
	s.windowed = make([]float64, speech.NFFT)
	for i, v := range s.frame {
		s.windowed[i] = v * s.window[i]
		s.rms += v * v
	}
	s.rms = math.Sqrt(s.rms / speech.NFFT)
	s.power = speech.PowerSpectrum(s.frame, s.window)
	for k, p := range s.power {
		if p > s.power[s.peak] {
			s.peak = k
		}
	}
	s.bank = speech.MelFilterBank(speech.NMels, speech.NFFT, speech.SampleRate, speech.FMin, speech.FMax)
	s.bands = speech.MelEnergies(s.bank, s.power)
	s.logs = make([]float64, len(s.bands))
	for j, e := range s.bands {
		s.logs[j] = math.Log(e + speech.Floor)
	}
	s.gram = speech.LogMel(s.wave)
	s.shipped = make([]float64, Pixels)
	for i, q := range c.raw.Test[w.Test].Q {
		s.shipped[i] = speech.Dequantise(q)
		s.maxDiff = math.Max(s.maxDiff, math.Abs(s.gram[i]-s.shipped[i]))
	}
	return s
}

// hz is the frequency of FFT bin k.
func hz(k int) float64 { return float64(k) * speech.SampleRate / speech.NFFT }

// bandEdges returns band j's lowest and highest bin of nonzero weight.
func (s *sound) bandEdges(j int) (lo, hi int) {
	lo, hi = -1, -1
	for k, w := range s.bank[j] {
		if w > 0 {
			if lo < 0 {
				lo = k
			}
			hi = k
		}
	}
	return lo, hi
}

// loudest is the band with the most energy in the frame.
func (s *sound) loudest() int {
	b := 0
	for j, e := range s.bands {
		if e > s.bands[b] {
			b = j
		}
	}
	return b
}
