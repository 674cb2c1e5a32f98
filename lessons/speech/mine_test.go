package speech

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's melbank, written here (in this process: the harness is
// tested in lessons/mine) by the definitions, not the engine's FFT:
// right, or with one known mistake.
type melMistake struct{ noWindow, slaney bool }

func (v melMistake) impl() *checks.MelBankImpl {
	return &checks.MelBankImpl{
		PowerSpectrum: func(x []float64) []float64 {
			n := len(x)
			out := make([]float64, n/2+1)
			for k := range out {
				re, im := 0.0, 0.0
				for i, s := range x {
					w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
					if v.noWindow {
						w = 1
					}
					a := -2 * math.Pi * float64(k*i%n) / float64(n)
					re += s * w * math.Cos(a)
					im += s * w * math.Sin(a)
				}
				out[k] = re*re + im*im
			}
			return out
		},
		MelFilterBank: func(nMels, nFFT, sr int, fMin, fMax float64) [][]float64 {
			mel := func(f float64) float64 { return 2595 * math.Log10(1+f/700) }
			hz := func(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }
			f := make([]float64, nMels+2)
			for i := range f {
				f[i] = hz(mel(fMin) + (mel(fMax)-mel(fMin))*float64(i)/float64(nMels+1))
			}
			w := make([][]float64, nMels)
			for j := range w {
				w[j] = make([]float64, nFFT/2+1)
				for k := range w[j] {
					fk := float64(k) * float64(sr) / float64(nFFT)
					w[j][k] = max(0, min((fk-f[j])/(f[j+1]-f[j]), (f[j+2]-fk)/(f[j+2]-f[j+1])))
					if v.slaney {
						w[j][k] *= 2 / (f[j+2] - f[j])
					}
				}
			}
			return w
		},
	}
}

func startMel(t *testing.T, im *checks.MelBankImpl) *lessons.Run {
	t.Helper()
	r := start(t, lessons.DefaultSeed, nil)
	if im != nil {
		r.SetMine(&lessons.Mine{Impls: map[string]any{"melbank": im}})
	}
	return r
}

func near(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, the engine's %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9*(1+math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %v, the engine's %v", what, i, got[i], want[i])
		}
	}
}

// With the right functions the walk reveals the same sound as the
// engine's, made of the learner's values, and training starts.
func TestMineMelBankWalksLikeTheEngine(t *testing.T) {
	r, eng := startMel(t, melMistake{}.impl()), startMel(t, nil)
	for range stTrain + 1 {
		r.Advance(lessons.Step)
		eng.Advance(lessons.Step)
	}
	m, e := mach(r), mach(eng)
	if m.stage != stTrain || m.loop.Step != 1 || e.loop.Step != 1 {
		t.Fatalf("stage %d, step %d (the engine's %d)", m.stage, m.loop.Step, e.loop.Step)
	}
	rep := m.MineReport()
	if rep == nil || rep.Stopped() || len(rep.Checks) != 3 {
		t.Fatalf("report %+v", rep)
	}
	for i, op := range []string{"power spectrum", "mel filter bank", "power spectrum"} {
		if c := rep.Checks[i]; c.Op != op || !c.OK || c.Used != c.Total || c.Checked != c.Total || c.Total == 0 {
			t.Errorf("check %d: %+v, want %s, all used", i, c, op)
		}
	}
	if &m.snd.power[0] == &e.snd.power[0] || m.snd.peak != e.snd.peak || m.snd.loudest() != e.snd.loudest() {
		t.Errorf("peak %d, loudest %d; the engine's %d, %d", m.snd.peak, m.snd.loudest(), e.snd.peak, e.snd.loudest())
	}
	near(t, "power", m.snd.power, e.snd.power)
	near(t, "logs", m.snd.logs, e.snd.logs)
	near(t, "gram", m.snd.gram, e.snd.gram)
	for j := range e.snd.bank {
		near(t, "bank", m.snd.bank[j], e.snd.bank[j])
	}
	if math.Abs(m.snd.maxDiff-e.snd.maxDiff) > 1e-9 {
		t.Errorf("max |gram − shipped| %v, the engine's %v", m.snd.maxDiff, e.snd.maxDiff)
	}
	// Another frame: the stages revealed are checked again on it.
	r.Set("frame", "20")
	eng.Set("frame", "20")
	if rep := m.MineReport(); rep.Stopped() || len(rep.Checks) != 6 {
		t.Fatalf("after a new frame: report %+v", rep)
	}
	near(t, "power of frame 20", mach(r).snd.power, mach(eng).snd.power)
	got, want := r.Scene(), eng.Scene()
	if got.Pos != want.Pos || got.Panels[len(got.Panels)-1].ID != "mine" {
		t.Errorf("mine run at %+v, the engine's at %+v", got.Pos, want.Pos)
	}
}

// A wrong function stops the run at the stage that reveals it.
func TestMineMelBankStopsAtTheWrongStage(t *testing.T) {
	for _, c := range []struct {
		v     melMistake
		stage int
		node  string
		says  string
	}{
		{melMistake{noWindow: true}, stFFT, "|FFT|² of frame 12, Hann-windowed", "not windowed"},
		{melMistake{slaney: true}, stMel, "mel filter bank: 24 bands, 256-point FFT, 8000 Hz, 0–4000 Hz", "Slaney"},
	} {
		r := startMel(t, c.v.impl())
		r.Advance(lessons.End)
		m := mach(r)
		rep := m.MineReport()
		if !r.Done() || !rep.Stopped() || m.stage != c.stage || m.loop.Step != 0 {
			t.Fatalf("%+v: done %v, stage %d, step %d, report %+v", c.v, r.Done(), m.stage, m.loop.Step, rep)
		}
		if f := rep.Checks[rep.First]; f.Node != c.node || f.Checked == 0 || !strings.Contains(f.Diagnosis, c.says) {
			t.Errorf("%+v: stopped at %+v", c.v, f)
		}
		sc := r.Scene()
		if !strings.Contains(sc.Status.Message, c.node) {
			t.Errorf("%+v: status %q", c.v, sc.Status.Message)
		}
		if r.Advance(lessons.Step); m.stage != c.stage {
			t.Errorf("%+v: the walk went on after the stop", c.v)
		}
	}
}
