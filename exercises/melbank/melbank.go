// Package melbank is an exercise of the speech lesson (speech): the two
// middle steps of a log-mel spectrogram — a frame's power spectrum
// through the Hann window, and the mel filter bank that turns it into
// band energies — with the conventions the lesson shows and the kit's
// spoken-digit features were made with.
//
// Run `dlearn grade melbank` (or `go test ./melbank` in this folder) to
// check it.
package melbank

// MelFilterBank returns nMels triangular filters over the nFFT/2+1
// frequency bins of a power spectrum of nFFT samples taken at sampleRate
// samples a second: a new nMels × (nFFT/2+1) matrix, row j the weights of
// band j (0-based, the lowest first), column k the weight of bin k.
//
// The mel scale (HTK's formula) and its inverse:
//
//	mel(f) = 2595·log10(1 + f/700)        hz(m) = 700·(10^(m/2595) − 1)
//
// 1. The corners: nMels+2 points spaced evenly in mel from mel(fMin) to
// mel(fMax), i.e. m_i = mel(fMin) + i·(mel(fMax) − mel(fMin))/(nMels+1)
// for i = 0 … nMels+1, each turned back into Hz: f_i = hz(m_i).
//
// 2. Bin k (k = 0 … nFFT/2) sits at frequency f_k = k·sampleRate/nFFT:
// 0 Hz for k = 0, sampleRate/2 for k = nFFT/2.
//
// 3. Filter j rises from 0 at corner f_j to 1 at f_{j+1} and falls back
// to 0 at f_{j+2}:
//
//	w[j][k] = max(0, min((f_k − f_j)/(f_{j+1} − f_j), (f_{j+2} − f_k)/(f_{j+2} − f_{j+1})))
//
// The triangles peak at 1 and are not divided by their width or area
// (HTK's convention: librosa.filters.mel(htk=True, norm=None)).
//
// Worked example: MelFilterBank(2, 8, 8000, 0, 4000). mel(4000) = 2146.06,
// so the corners are 0, 715.35, 1430.71, 2146.06 mel = 0, 620.58,
// 1791.33, 4000 Hz; the 5 bins are at 0, 1000, 2000, 3000, 4000 Hz:
//
//	w[0] = [0, (1791.33−1000)/(1791.33−620.58), 0, 0, 0]                     = [0, 0.676, 0, 0, 0]
//	w[1] = [0, (1000−620.58)/(1791.33−620.58), 2000/2208.67, 1000/2208.67, 0] = [0, 0.324, 0.906, 0.453, 0]
//
// The speech lesson's bank is MelFilterBank(24, 256, 8000, 0, 4000).
func MelFilterBank(nMels, nFFT, sampleRate int, fMin, fMax float64) [][]float64 {
	panic("TODO: implement melbank.MelFilterBank")
}

// PowerSpectrum returns the power spectrum of one frame of N samples (N
// = len(frame), e.g. 256): the frame multiplied by the periodic Hann
// window
//
//	w[n] = 0.5 − 0.5·cos(2π·n/N),   n = 0 … N−1
//
// then Fourier-transformed, X[k] = Σₙ x[n]·w[n]·e^(−2πi·k·n/N), and
// squared: p[k] = |X[k]|² = Re(X[k])² + Im(X[k])², for k = 0 … N/2 only
// (N/2+1 values: for a real frame X[N−k] mirrors X[k]). No scaling. A
// plain O(N²) sum over n with math.Cos and math.Sin is fine (an FFT gives
// the same numbers faster). Do not change frame; return a new slice.
//
// Worked example: frame [1, 2, 3, 4]. w = [0, 0.5, 1, 0.5], so the
// windowed frame is [0, 1, 3, 2]; X[0] = 6, X[1] = 0·1 + 1·(−i) + 3·(−1)
// + 2·i = −3 + i, X[2] = 0 − 1 + 3 − 2 = 0; p = [36, 10, 0].
//
// The speech lesson's frames are 256 samples at 8 kHz: bin k is
// k·8000/256 = k·31.25 Hz.
func PowerSpectrum(frame []float64) []float64 {
	panic("TODO: implement melbank.PowerSpectrum")
}
