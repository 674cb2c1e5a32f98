package speech

import (
	"math"
	"math/cmplx"
)

// The conventions of the features, shared by the generator that wrote the
// shipped file, the lesson that steps through them and the melbank
// exercise.
const (
	// SampleRate is the rate of the waveforms, in samples per second.
	SampleRate = 8000
	// NFFT is the length of a frame and of its FFT: 256 samples, 32 ms.
	NFFT = 256
	// Hop is the distance between the starts of two frames: 128 samples,
	// 16 ms, so consecutive frames overlap by half.
	Hop = 128
	// Bins is the number of frequencies of a frame's power spectrum,
	// 0, SampleRate/NFFT, …, SampleRate/2 (31.25 Hz apart).
	Bins = NFFT/2 + 1
	// NMels is the number of mel bands.
	NMels = 24
	// Frames is the number of frames of an utterance: 48 frames of 16 ms,
	// a window of Samples samples (0.784 s).
	Frames = 48
	// Samples is the length of the waveform the Frames frames cover.
	Samples = (Frames-1)*Hop + NFFT
	// FMin and FMax are the edges of the mel filter bank, in Hz: from 0 up
	// to the Nyquist frequency.
	FMin, FMax = 0.0, SampleRate / 2.0
	// Floor is added to a band's energy before the logarithm, so that
	// silence gives ln(Floor) instead of −∞.
	Floor = 1e-6
)

// HzToMel is the HTK mel scale: 2595·log10(1 + f/700). It is close to
// linear below 1 kHz and logarithmic above, like the ear's resolution.
func HzToMel(f float64) float64 { return 2595 * math.Log10(1+f/700) }

// MelToHz inverts HzToMel: 700·(10^(m/2595) − 1).
func MelToHz(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }

// Hann is the periodic Hann window of length n (PyTorch's
// torch.hann_window(n), periodic=True): w[i] = 0.5 − 0.5·cos(2πi/n). It
// falls to 0 at the frame's start so that the cut edges of a frame do
// not show up as broadband clicks in its spectrum.
func Hann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	return w
}

// Frame returns frame t of wave: the NFFT samples from t·Hop on, zeros
// past the end of wave.
func Frame(wave []float64, t int) []float64 {
	f := make([]float64, NFFT)
	copy(f, wave[min(t*Hop, len(wave)):])
	return f
}

// FFT returns the discrete Fourier transform of x, whose length must be
// a power of two: X[k] = Σ_n x[n]·e^(−2πi·kn/N). It is the iterative
// radix-2 Cooley–Tukey algorithm: bit-reversed order, then log2(N)
// rounds of butterflies.
func FFT(x []complex128) []complex128 {
	n := len(x)
	if n&(n-1) != 0 || n == 0 {
		panic("speech: FFT length must be a power of two")
	}
	out := make([]complex128, n)
	bits := 0
	for 1<<bits < n {
		bits++
	}
	for i := range n {
		r := 0
		for b := range bits {
			r |= (i >> b & 1) << (bits - 1 - b)
		}
		out[r] = x[i]
	}
	for size := 2; size <= n; size *= 2 {
		half := size / 2
		step := cmplx.Exp(complex(0, -2*math.Pi/float64(size)))
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := range half {
				a, b := out[start+k], w*out[start+k+half]
				out[start+k], out[start+k+half] = a+b, a-b
				w *= step
			}
		}
	}
	return out
}

// PowerSpectrum returns |X[k]|² for k = 0 … NFFT/2 of the frame
// multiplied by the window: the energy of the frame at each of the Bins
// frequencies k·SampleRate/NFFT. (The other half of the FFT mirrors this
// one for a real signal.)
func PowerSpectrum(frame, window []float64) []float64 {
	x := make([]complex128, len(frame))
	for i, v := range frame {
		x[i] = complex(v*window[i], 0)
	}
	X := FFT(x)
	p := make([]float64, len(frame)/2+1)
	for k := range p {
		re, im := real(X[k]), imag(X[k])
		p[k] = re*re + im*im
	}
	return p
}

// MelFilterBank returns nMels triangular filters over the nFFT/2+1
// frequencies of a power spectrum, as rows of weights. The filters'
// corners are nMels+2 points spaced evenly on the mel scale (HzToMel)
// from fMin to fMax, m_0 … m_{nMels+1}, turned back into Hz f_0 … f_{nMels+1};
// filter j (0-based) rises from 0 at f_j to 1 at f_{j+1} and falls back to 0
// at f_{j+2}. Bin k sits at frequency k·sampleRate/nFFT and gets the
// weight
//
//	w[j][k] = max(0, min((f_k − f_j)/(f_{j+1} − f_j), (f_{j+2} − f_k)/(f_{j+2} − f_{j+1})))
//
// The triangles peak at 1 and are not normalised by their area (HTK's
// convention; librosa.filters.mel(htk=True, norm=None) and torchaudio's
// melscale_fbanks(mel_scale="htk", norm=None) give the same matrix).
func MelFilterBank(nMels, nFFT, sampleRate int, fMin, fMax float64) [][]float64 {
	lo, hi := HzToMel(fMin), HzToMel(fMax)
	f := make([]float64, nMels+2)
	for i := range f {
		f[i] = MelToHz(lo + (hi-lo)*float64(i)/float64(nMels+1))
	}
	bins := nFFT/2 + 1
	w := make([][]float64, nMels)
	for j := range w {
		w[j] = make([]float64, bins)
		for k := range bins {
			fk := float64(k) * float64(sampleRate) / float64(nFFT)
			up := (fk - f[j]) / (f[j+1] - f[j])
			down := (f[j+2] - fk) / (f[j+2] - f[j+1])
			w[j][k] = max(0, min(up, down))
		}
	}
	return w
}

// MelEnergies returns the energy of each band of bank in the power
// spectrum p: Σ_k bank[j][k]·p[k].
func MelEnergies(bank [][]float64, p []float64) []float64 {
	e := make([]float64, len(bank))
	for j, row := range bank {
		for k, w := range row {
			e[j] += w * p[k]
		}
	}
	return e
}

// LogMel returns the log-mel spectrogram of wave: for each of Frames
// frames, the Hann-windowed power spectrum, its NMels band energies and
// ln(energy + Floor). The result is row-major [NMels][Frames], band 0 the
// lowest, frame 0 the earliest. Samples in [−1, 1] are expected (16-bit
// values divided by 32768).
func LogMel(wave []float64) []float64 {
	win, bank := Hann(NFFT), MelFilterBank(NMels, NFFT, SampleRate, FMin, FMax)
	out := make([]float64, NMels*Frames)
	for t := range Frames {
		e := MelEnergies(bank, PowerSpectrum(Frame(wave, t), win))
		for j, v := range e {
			out[j*Frames+t] = math.Log(v + Floor)
		}
	}
	return out
}

// Quantisation of the shipped log-mel values: byte q stands for
// QOffset + q·QScale, so the bytes 0 … 255 cover ln-energies from
// QOffset (ln 1e-6 ≈ −13.8, silence) to QOffset + 255·QScale.
const (
	QOffset = -14.0
	QScale  = 0.08
)

// Quantise returns the byte nearest to the log-mel value v, clipped to
// 0 … 255.
func Quantise(v float64) byte {
	q := math.Round((v - QOffset) / QScale)
	return byte(max(0, min(255, q)))
}

// Dequantise returns the log-mel value byte q stands for.
func Dequantise(q byte) float64 { return QOffset + float64(q)*QScale }
