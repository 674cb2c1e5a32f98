package checks

import (
	"math"
	"slices"
	"testing"
)

// The melbank reference against numpy (the same formula; librosa's
// filters.mel(sr=8000, n_fft=256, n_mels=24, htk=True, norm=None) gives
// it) and a case worked by hand.
func TestMelBankReference(t *testing.T) {
	w := melRun(melVariant{}, 24, 256, 8000, 0, 4000)
	near(t, "w[0][1]", w[0][1], 0.56406079, 1e-7)
	near(t, "w[0][3]", w[0][3], 0.3585829, 1e-7)
	near(t, "w[10][29]", w[10][29], 0.90099957, 1e-7)
	near(t, "w[23][123]", w[23][123], 0.45328995, 1e-7)
	sum := 0.0
	for _, r := range w {
		for _, v := range r {
			sum += v
		}
	}
	near(t, "Σw", sum, 121.54748810416943, 1e-9)
	// By hand: mel(4000) = 2595·log10(1 + 4000/700) = 2146.06; the corners
	// are 0, 715.35, 1430.71, 2146.06 mel = 0, 620.58, 1791.33, 4000 Hz;
	// bins at 0, 1000, 2000, 3000, 4000 Hz.
	h := melRun(melVariant{}, 2, 8, 8000, 0, 4000)
	m := 2595 * math.Log10(1+4000.0/700)
	f1, f2 := 700*(math.Pow(10, m/3/2595)-1), 700*(math.Pow(10, 2*m/3/2595)-1)
	near(t, "f1", f1, 620.58, 0.01)
	near(t, "f2", f2, 1791.33, 0.01)
	want := [][]float64{
		{0, (f2 - 1000) / (f2 - f1), 0, 0, 0},
		{0, (1000 - f1) / (f2 - f1), (4000 - 2000) / (4000 - f2), (4000 - 3000) / (4000 - f2), 0},
	}
	for i := range want {
		for j := range want[i] {
			near(t, "hand", h[i][j], want[i][j], 1e-12)
		}
	}
	// Every mistake is wrong on the lesson's bank, so its hint can fire.
	for _, mm := range melMistakes {
		if mm.v.noFMin {
			continue // fMin = 0 there
		}
		if slices.Equal(flatten(melRun(mm.v, 24, 256, 8000, 0, 4000)), flatten(w)) {
			t.Errorf("mistake %q gives the right bank", mm.hint)
		}
	}
	if slices.Equal(flatten(melRun(melVariant{noFMin: true}, 10, 512, 16000, 300, 7000)), flatten(melRun(melVariant{}, 10, 512, 16000, 300, 7000))) {
		t.Error("the fMin mistake gives the right bank")
	}
}

// The power spectrum against a case worked by hand and numpy.
func TestPowerSpectrumReference(t *testing.T) {
	p := powRun(powVariant{}, []float64{1, 2, 3, 4})
	want := []float64{36, 10, 0}
	for i := range want {
		near(t, "p", p[i], want[i], 1e-12)
	}
	// np.abs(np.fft.rfft(x*w))**2 for x = sin(0.3n) + 0.1·cos(1.1n), n < 256,
	// w = torch.hann_window(256, dtype=torch.float64).
	x := make([]float64, 256)
	for i := range x {
		x[i] = math.Sin(0.3*float64(i)) + 0.1*math.Cos(1.1*float64(i))
	}
	q := powRun(powVariant{}, x)
	near(t, "p[0]", q[0], 8.687436771848424e-05, 1e-12)
	near(t, "p[12]", q[12], 3840.5298231524807, 1e-7)
	for _, m := range powMistakes {
		if slices.Equal(powRun(m.v, []float64{1, 2, 3, 4}), p) {
			t.Errorf("mistake %q gives the right spectrum", m.hint)
		}
	}
}
