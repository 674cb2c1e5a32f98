package melbank

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement melbank.MelFilterBank"

// opts are the places where a filter bank commonly goes wrong.
type opts struct {
	toMel    func(f float64) float64
	binFreq  func(k, nFFT, sr int) float64
	cols     func(nFFT int) int
	steps    func(nMels int) float64
	linearHz bool
	areaNorm bool
	fromZero bool
}

// wrong is MelFilterBank with the mistakes of o.
func wrong(f func(*opts)) checks.MelBankImpl {
	o := opts{
		toMel:   func(f float64) float64 { return 2595 * math.Log10(1+f/700) },
		binFreq: func(k, nFFT, sr int) float64 { return float64(k) * float64(sr) / float64(nFFT) },
		cols:    func(nFFT int) int { return nFFT/2 + 1 },
		steps:   func(nMels int) float64 { return float64(nMels + 1) },
	}
	f(&o)
	return checks.MelBankImpl{PowerSpectrum: PowerSpectrum, MelFilterBank: func(nMels, nFFT, sr int, fMin, fMax float64) [][]float64 {
		if o.fromZero {
			fMin = 0
		}
		lo, hi := o.toMel(fMin), o.toMel(fMax)
		c := make([]float64, nMels+2)
		for i := range c {
			if o.linearHz {
				c[i] = fMin + (fMax-fMin)*float64(i)/o.steps(nMels)
			} else {
				c[i] = hz(lo + (hi-lo)*float64(i)/o.steps(nMels))
			}
		}
		w := make([][]float64, nMels)
		for j := range w {
			w[j] = make([]float64, o.cols(nFFT))
			for k := range w[j] {
				fk := o.binFreq(k, nFFT, sr)
				v := max(0, min((fk-c[j])/(c[j+1]-c[j]), (c[j+2]-fk)/(c[j+2]-c[j+1])))
				if o.areaNorm {
					v *= 2 / (c[j+2] - c[j])
				}
				w[j][k] = v
			}
		}
		return w
	}}
}

var mutants = []struct {
	name string
	impl checks.MelBankImpl
	want string
}{
	{"stub", checks.MelBankImpl{MelFilterBank: func(int, int, int, float64, float64) [][]float64 { panic(todo) }, PowerSpectrum: PowerSpectrum}, "not implemented yet: melbank.MelFilterBank"},
	{"natural log one way, 10^ the other", wrong(func(o *opts) { o.toMel = func(f float64) float64 { return 2595 * math.Log(1+f/700) } }), "the mel scale is mixed up"},
	{"bins counted from 1", wrong(func(o *opts) {
		o.binFreq = func(k, nFFT, sr int) float64 { return float64(k+1) * float64(sr) / float64(nFFT) }
	}), "each triangle is one bin off"},
	{"Slaney's area normalisation", wrong(func(o *opts) { o.areaNorm = true }), "Slaney's normalisation"},
	{"nFFT columns", wrong(func(o *opts) { o.cols = func(nFFT int) int { return nFFT } }), "nFFT/2+1 columns"},
	{"corners even in Hz", wrong(func(o *opts) { o.linearHz = true }), "spaced evenly in Hz"},
	{"nMels steps", wrong(func(o *opts) { o.steps = func(nMels int) float64 { return float64(nMels) } }), "not /nMels"},
	{"bin spacing Nyquist/bins", wrong(func(o *opts) {
		o.binFreq = func(k, nFFT, sr int) float64 { return float64(k) * float64(sr) / 2 / float64(nFFT/2+1) }
	}), "not k·(sampleRate/2)/(nFFT/2+1)"},
	{"fMin ignored", wrong(func(o *opts) { o.fromZero = true }), "start at mel(fMin)"},
}

// power is PowerSpectrum with the mistakes of its arguments: the window
// of sample i of n, a transform of the result, and the bins kept.
func power(win func(i, n int) float64, out func(p float64, n int) float64, bins func(n int) int) func([]float64) []float64 {
	return func(frame []float64) []float64 {
		n := len(frame)
		p := make([]float64, bins(n))
		for k := range p {
			re, im := 0.0, 0.0
			for i, x := range frame {
				x *= win(i, n)
				a := -2 * math.Pi * float64(k*i) / float64(n)
				re += x * math.Cos(a)
				im += x * math.Sin(a)
			}
			p[k] = out(re*re+im*im, n)
		}
		return p
	}
}

var (
	hann   = func(i, n int) float64 { return 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n)) }
	asIs   = func(p float64, _ int) float64 { return p }
	half   = func(n int) int { return n/2 + 1 }
	withPS = func(ps func([]float64) []float64) checks.MelBankImpl {
		return checks.MelBankImpl{MelFilterBank: MelFilterBank, PowerSpectrum: ps}
	}
)

var powerMutants = []struct {
	name string
	impl checks.MelBankImpl
	want string
}{
	{"power stub", withPS(func([]float64) []float64 { panic("TODO: implement melbank.PowerSpectrum") }), "not implemented yet: melbank.PowerSpectrum"},
	{"no window", withPS(power(func(int, int) float64 { return 1 }, asIs, half)), "the frame is not windowed"},
	{"symmetric Hann", withPS(power(func(i, n int) float64 { return 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1)) }, asIs, half)), "not the symmetric one"},
	{"magnitude", withPS(power(hann, func(p float64, _ int) float64 { return math.Sqrt(p) }, half)), "the power spectrum is its square"},
	{"divided by N", withPS(power(hann, func(p float64, n int) float64 { return p / float64(n) }, half)), "not divided by N"},
	{"all N bins", withPS(power(hann, asIs, func(n int) int { return n })), "keep the bins k = 0 … N/2 only"},
}

func TestPowerMutants(t *testing.T) {
	for _, m := range powerMutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckMelBank(m.impl), m.want)
		})
	}
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckMelBank(m.impl), m.want)
		})
	}
}
