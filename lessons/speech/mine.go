package speech

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/data/speech"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode: the sound walk's features are computed again by the
// learner's melbank exercise, on the lesson's word, as each stage is
// revealed, and compared with engine/data/speech's (the code that made
// the shipped features):
//
//   - at "|FFT|²", PowerSpectrum(frame) with the frame shown's power
//     spectrum: the exercise's convention is the lesson's, the periodic
//     Hann window of NFFT = 256 samples, |X[k]|² for k = 0 … 128, no
//     scaling (the engine by a radix-2 FFT, the learner by any DFT);
//   - at "mel filter bank", MelFilterBank(24, 256, 8000, 0, 4000) with the
//     lesson's bank (HTK, peaks at 1: the exercise's convention);
//   - at "spectrogram", PowerSpectrum of every one of the word's 48
//     frames, with the engine's, the spectrogram then made of them.
//
// Every element is compared. Where all agree, the walk goes on with the
// learner's values: the band energies, their logs, the loudest band and
// the spectrogram shown are computed from the learner's power spectra and
// bank. At the first disagreement, or a call that panics or hangs, the
// run stops at that stage with the check revealed. The network trains on
// the shipped features (the same numbers, quantised), not on the walk's:
// training is not checked (no op of its tape is the exercise's), and the
// report stays the walk's. A disagreement that is a known mistake gets the
// checks' diagnosis (checks.Diagnose).

func init() {
	trainer.RegisterMineOp("speech", "power spectrum", "melbank", "PowerSpectrum")
	trainer.RegisterMineOp("speech", "mel filter bank", "melbank", "MelFilterBank")
}

// mineState is the machine's side of mine mode: plain values, copied by
// snapshots (a report is replaced, never changed).
type mineState struct {
	mine    *lessons.Mine
	rep     *lessons.MineReport // the walk's checks so far
	stopped bool
}

// Mined implements lessons.Miner.
func (m *machine) Mined() lessons.MineChecker { return m }

// SetMine implements lessons.MineChecker. The loop is given none: no op
// of the training's tape is the exercise's.
func (m *machine) SetMine(mine *lessons.Mine) { m.mined.mine = mine }

// MineReport implements lessons.MineChecker.
func (m *machine) MineReport() *lessons.MineReport { return m.mined.rep }

// melImpl is the learner's melbank exercise, or nil outside mine mode.
func (m *machine) melImpl() *checks.MelBankImpl {
	if m.mined.mine == nil {
		return nil
	}
	im, _ := m.mined.mine.Impls["melbank"].(*checks.MelBankImpl)
	return im
}

// add puts c in a copy of the walk's report and reports whether the run
// goes on.
func (m *machine) add(c lessons.MineCheck) bool {
	rep := &lessons.MineReport{First: -1}
	if r := m.mined.rep; r != nil {
		rep.Checks, rep.First = slices.Clone(r.Checks), r.First
	}
	m.mined.rep = rep
	if !trainer.MineAdd(rep, c) {
		m.mined.stopped = true
		return false
	}
	return true
}

// mineStage checks what stage s of the walk reveals, just revealed, and
// reports whether the run goes on (true outside mine mode and at stages
// that compute nothing the exercise does).
func (m *machine) mineStage(s int) bool {
	im := m.melImpl()
	if im == nil {
		return true
	}
	switch s {
	case stFFT:
		return m.minePower(im)
	case stMel:
		return m.mineBank(im)
	case stGram:
		return m.mineGram(im)
	}
	return true
}

// mineAgain checks the stages revealed so far again, on a sound just
// taken apart (the word or the frame changed).
func (m *machine) mineAgain() {
	if m.melImpl() == nil {
		return
	}
	for s := stFFT; s <= min(m.stage, stGram); s++ {
		if !m.mineStage(s) {
			return
		}
	}
}

// comparePower compares the learner's power spectrum of frame with the
// engine's want, into dst from element off on.
func comparePower(mc *trainer.MineCompare, im *checks.MelBankImpl, frame, want []float64, dst *tensor.Tensor, off int, at string) bool {
	var got []float64
	if !mc.Call(func() { got = im.PowerSpectrum(slices.Clone(frame)) }) {
		return false
	}
	if len(got) != len(want) {
		mc.Problem(fmt.Sprintf("returned %d values for a frame of %d samples: want %d, the bins k = 0 … N/2", len(got), len(frame), len(want)))
		return false
	}
	for k := range want {
		if !mc.Elem(dst, off+k, fmt.Sprintf("%s[%d]", at, k), want[k], got[k], []any{frame}, got) {
			return false
		}
	}
	return true
}

// minePower checks the power spectrum of the frame shown.
func (m *machine) minePower(im *checks.MelBankImpl) bool {
	s := m.snd
	mc := trainer.NewMineCompare(m.mined.mine, "melbank", "PowerSpectrum",
		fmt.Sprintf("|FFT|² of frame %d, Hann-windowed", s.t), "power spectrum")
	mc.Total(len(s.power))
	dst := tensor.New(len(s.power))
	copy(dst.Data, s.power)
	comparePower(mc, im, s.frame, s.power, dst, 0, "p")
	if !m.add(mc.Check()) {
		return false
	}
	c := *s
	c.power = dst.Data
	c.peak = 0
	for k, p := range c.power {
		if p > c.power[c.peak] {
			c.peak = k
		}
	}
	c.bandsFrom()
	m.snd = &c
	return true
}

// mineBank checks the mel filter bank.
func (m *machine) mineBank(im *checks.MelBankImpl) bool {
	s := m.snd
	mc := trainer.NewMineCompare(m.mined.mine, "melbank", "MelFilterBank",
		fmt.Sprintf("mel filter bank: %d bands, %d-point FFT, %d Hz, %g–%g Hz", speech.NMels, speech.NFFT, speech.SampleRate, speech.FMin, speech.FMax),
		"mel filter bank")
	bins := speech.NFFT/2 + 1
	mc.Total(speech.NMels * bins)
	dst := tensor.New(speech.NMels, bins)
	var got [][]float64
	args := []any{speech.NMels, speech.NFFT, speech.SampleRate, float64(speech.FMin), float64(speech.FMax)}
	if mc.Call(func() {
		got = im.MelFilterBank(speech.NMels, speech.NFFT, speech.SampleRate, speech.FMin, speech.FMax)
	}) {
		if len(got) != speech.NMels {
			mc.Problem(fmt.Sprintf("returned %d filters for %d bands", len(got), speech.NMels))
		}
		for j := 0; j < len(got) && mc.OK(); j++ {
			if len(got[j]) != bins {
				mc.Problem(fmt.Sprintf("filter %d has %d weights, want %d: one per bin k = 0 … nFFT/2", j, len(got[j]), bins))
				break
			}
			for k := 0; k < bins && mc.OK(); k++ {
				mc.Elem(dst, j*bins+k, fmt.Sprintf("w[%d][%d]", j, k), s.bank[j][k], got[j][k], args, got)
			}
		}
	}
	if !m.add(mc.Check()) {
		return false
	}
	c := *s
	c.bank = make([][]float64, speech.NMels)
	for j := range c.bank {
		c.bank[j] = dst.Data[j*bins : (j+1)*bins]
	}
	c.bandsFrom()
	m.snd = &c
	return true
}

// mineGram checks the power spectrum of every frame of the word; the
// spectrogram shown is then made of the learner's spectra and bank.
func (m *machine) mineGram(im *checks.MelBankImpl) bool {
	s := m.snd
	mc := trainer.NewMineCompare(m.mined.mine, "melbank", "PowerSpectrum",
		fmt.Sprintf("|FFT|² of all %d frames", speech.Frames), "power spectrum")
	bins := speech.NFFT/2 + 1
	mc.Total(speech.Frames * bins)
	dst := tensor.New(speech.Frames, bins)
	win := speech.Hann(speech.NFFT)
	for t := 0; t < speech.Frames && mc.OK(); t++ {
		f := speech.Frame(s.wave, t)
		want := speech.PowerSpectrum(f, win)
		copy(dst.Data[t*bins:], want)
		if !comparePower(mc, im, f, want, dst, t*bins, fmt.Sprintf("frame %d: p", t)) {
			break
		}
	}
	if !m.add(mc.Check()) {
		return false
	}
	c := *s
	c.gram = make([]float64, speech.NMels*speech.Frames)
	c.maxDiff = 0
	for t := range speech.Frames {
		e := speech.MelEnergies(c.bank, dst.Data[t*bins:(t+1)*bins])
		for j, v := range e {
			i := j*speech.Frames + t
			c.gram[i] = math.Log(v + speech.Floor)
			c.maxDiff = math.Max(c.maxDiff, math.Abs(c.gram[i]-c.shipped[i]))
		}
	}
	m.snd = &c
	return true
}

// bandsFrom computes the band energies and their logs from the sound's
// power spectrum and bank, as takeApart does.
func (s *sound) bandsFrom() {
	s.bands = speech.MelEnergies(s.bank, s.power)
	s.logs = make([]float64, len(s.bands))
	for j, e := range s.bands {
		s.logs[j] = math.Log(e + speech.Floor)
	}
}
