package speech

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"
)

// TestShippedChecksums: the embedded files are the ones SHA256SUMS (which
// mkspeech writes with them) names.
func TestShippedChecksums(t *testing.T) {
	files := map[string][]byte{FeaturesFile: featuresGz, WavesFile: wavesGz}
	lines := strings.Split(strings.TrimSpace(sums), "\n")
	if len(lines) != len(files) {
		t.Fatalf("SHA256SUMS has %d lines, want %d", len(lines), len(files))
	}
	for _, l := range lines {
		want, name, ok := strings.Cut(l, "  ")
		b, known := files[name]
		if !ok || !known {
			t.Fatalf("SHA256SUMS line %q", l)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
			t.Errorf("%s: sha256 %s, want %s (regenerate with go run ./engine/data/internal/mkspeech)", name, got, want)
		}
	}
	if n := len(featuresGz) + len(wavesGz); n > 3<<20 {
		t.Errorf("shipped speech data is %d bytes, more than 3 MB", n)
	}
}

// TestLoad: sizes, labels balanced, and no test voice in the training
// set.
func TestLoad(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Train) != 2400 || len(s.Test) != 480 || len(s.Waves) != 10 || len(s.Header.Voices) != 288 {
		t.Fatalf("%d train, %d test, %d waves, %d voices", len(s.Train), len(s.Test), len(s.Waves), len(s.Header.Voices))
	}
	var counts [2][10]int
	for i, set := range [][]Utterance{s.Train, s.Test} {
		for _, u := range set {
			if s.Header.Voices[u.Voice].Test != (i == 1) {
				t.Fatalf("utterance by %s in the wrong set", s.Header.Voices[u.Voice].Name)
			}
			counts[i][u.Label]++
		}
	}
	for d := range 10 {
		if counts[0][d] != 240 || counts[1][d] != 48 {
			t.Errorf("digit %d: %d train, %d test, want 240 and 48", d, counts[0][d], counts[1][d])
		}
	}
	for i, w := range s.Waves {
		if w.Label != i || s.Test[w.Test].Label != i {
			t.Errorf("wave %d: label %d, test utterance %d's label %d", i, w.Label, w.Test, s.Test[w.Test].Label)
		}
	}
}

// TestWavesGiveTheirFeatures: the features computed here from a shipped
// waveform are, quantised, the shipped features of its utterance, so the
// lesson's numbers are the data's.
func TestWavesGiveTheirFeatures(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Waves {
		got := LogMel(w.Float())
		want := s.Test[w.Test].Q
		for i, v := range got {
			if Quantise(v) != want[i] {
				t.Fatalf("wave %d, value %d: %v quantises to %d, shipped %d", w.Label, i, v, Quantise(v), want[i])
			}
		}
	}
}

// TestQuantisationRange: few values are clipped at the top; the bottom
// is silence (the floor).
func TestQuantisationRange(t *testing.T) {
	s, _ := Load()
	top, n := 0, 0
	for _, u := range s.Train {
		for _, q := range u.Q {
			if q == 255 {
				top++
			}
			n++
		}
	}
	if share := float64(top) / float64(n); share > 0.001 {
		t.Errorf("%.3f%% of the values clipped at 255", 100*share)
	}
	if Quantise(math.Log(Floor)) != 2 || Dequantise(Quantise(0)) != 0 {
		t.Errorf("ln(Floor) → %d, 0 → %v", Quantise(math.Log(Floor)), Dequantise(Quantise(0)))
	}
}

// TestFFT against the definition of the DFT.
func TestFFT(t *testing.T) {
	for _, n := range []int{1, 2, 8, 256} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(math.Sin(0.7*float64(i))+0.1*float64(i%3), math.Cos(1.3*float64(i)))
		}
		got := FFT(x)
		for k := range n {
			var want complex128
			for j := range n {
				want += x[j] * cmplx.Exp(complex(0, -2*math.Pi*float64(k*j)/float64(n)))
			}
			if cmplx.Abs(got[k]-want) > 1e-9*float64(n) {
				t.Fatalf("n=%d: X[%d] = %v, want %v", n, k, got[k], want)
			}
		}
	}
}

// TestPowerSpectrum against numpy: np.abs(np.fft.rfft(x*w))**2 with w =
// torch.hann_window(256, dtype=torch.float64).
func TestPowerSpectrum(t *testing.T) {
	x := make([]float64, NFFT)
	for i := range x {
		x[i] = math.Sin(0.3*float64(i)) + 0.1*math.Cos(1.1*float64(i))
	}
	p := PowerSpectrum(x, Hann(NFFT))
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	for _, c := range []struct{ got, want float64 }{
		{p[0], 8.687436771848424e-05}, {p[2], 0.00015554165732688596}, {p[12], 3840.5298231524807}, {sum, 6205.4398546169805},
	} {
		if math.Abs(c.got-c.want) > 1e-6*math.Abs(c.want) {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
	}
	if len(p) != Bins {
		t.Errorf("%d bins, want %d", len(p), Bins)
	}
}

// TestMelFilterBank against the same formula in numpy (librosa's
// filters.mel with htk=True, norm=None), and the mel scale's fixed points.
func TestMelFilterBank(t *testing.T) {
	w := MelFilterBank(NMels, NFFT, SampleRate, FMin, FMax)
	if len(w) != 24 || len(w[0]) != 129 {
		t.Fatalf("shape %d×%d", len(w), len(w[0]))
	}
	near := func(got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-7 {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	near(w[0][0], 0)
	near(w[0][1], 0.56406079)
	near(w[0][2], 0.88127497)
	near(w[0][3], 0.3585829)
	near(w[10][26], 0.11096293)
	near(w[10][29], 0.90099957)
	near(w[10][33], 0.11561342)
	near(w[10][25], 0)
	near(w[10][34], 0)
	near(w[23][123], 0.45328995)
	near(w[23][128], 0)
	sum := 0.0
	for _, r := range w {
		for _, v := range r {
			sum += v
		}
	}
	near(sum, 121.54748810416943)
	near(HzToMel(700), 2595*math.Log10(2))
	near(MelToHz(HzToMel(1234.5)), 1234.5)
	near(HzToMel(1000), 1000.0*2595*math.Log10(1+1000.0/700)/1000)
}
