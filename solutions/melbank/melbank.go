// Package melbank is the reference solution of the melbank exercise: the
// Hann-windowed power spectrum of a frame and the HTK mel filter bank of
// the speech lesson.
package melbank

import "math"

func mel(f float64) float64 { return 2595 * math.Log10(1+f/700) }
func hz(m float64) float64  { return 700 * (math.Pow(10, m/2595) - 1) }

// MelFilterBank returns nMels triangles over the nFFT/2+1 bins, corners
// spaced evenly in mel from fMin to fMax, peaks at 1.
func MelFilterBank(nMels, nFFT, sampleRate int, fMin, fMax float64) [][]float64 {
	lo, hi := mel(fMin), mel(fMax)
	f := make([]float64, nMels+2)
	for i := range f {
		f[i] = hz(lo + (hi-lo)*float64(i)/float64(nMels+1))
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

// PowerSpectrum returns |X[k]|², k = 0 … N/2, of the frame times the
// periodic Hann window, by the DFT's definition.
func PowerSpectrum(frame []float64) []float64 {
	n := len(frame)
	p := make([]float64, n/2+1)
	for k := range p {
		re, im := 0.0, 0.0
		for i, x := range frame {
			x *= 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
			a := -2 * math.Pi * float64(k*i) / float64(n)
			re += x * math.Cos(a)
			im += x * math.Sin(a)
		}
		p[k] = re*re + im*im
	}
	return p
}
