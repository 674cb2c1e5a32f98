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
	return checks.MelBankImpl{MelFilterBank: func(nMels, nFFT, sr int, fMin, fMax float64) [][]float64 {
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
	{"stub", checks.MelBankImpl{MelFilterBank: func(int, int, int, float64, float64) [][]float64 { panic(todo) }}, "not implemented yet: melbank.MelFilterBank"},
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

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckMelBank(m.impl), m.want)
		})
	}
}
