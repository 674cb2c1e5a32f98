// Command mkspeech writes the spoken digits that package speech embeds:
// the words "zero" … "nine" said by the espeak-ng speech synthesiser in
// many voices, at random speeds and pitches, turned into log-mel
// spectrograms by package speech's own code and quantised to bytes, plus
// the waveforms of ten test utterances (one per digit) for the lesson to
// step through. Run it from the repository root, with espeak-ng on the
// PATH (Debian: apt-get install espeak-ng):
//
//	go run ./engine/data/internal/mkspeech
//
// For each utterance it runs
//
//	espeak-ng -v <accent>+<variant> -s <speed> -p <pitch> -w <file.wav> <word>
//
// reads the 16-bit 22 050 Hz WAV, resamples it to 8 000 Hz (windowed-sinc
// low-pass at 3.6 kHz), finds where the word starts (the first 8 ms block
// whose energy is within 35 dB of the loudest block), keeps speech.Samples
// samples from 16 ms before it (zeros past the end) and computes
// speech.LogMel of them.
//
// Voices are an accent and a variant. The test set's variants are never
// used in training, so the test set measures how the network hears voices
// it has never heard. Speeds and pitches are drawn from a fixed seed, so
// with the same espeak-ng (1.51, Debian 12) the output is the same bytes;
// the tests of package speech check the shipped files' checksums against
// engine/data/speech/SHA256SUMS, which this command rewrites.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dlearn/dlearn/engine/data/speech"
)

// words are the ten digits' names, in label order.
var words = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// accents are espeak-ng's English voices (its gmw/ language files).
var accents = []string{"en-gb", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"}

// trainVariants and testVariants are espeak-ng voice variants (its
// voices/!v files): the first are heard in training, the second only in
// the test set.
var (
	trainVariants = []string{"m1", "m2", "m4", "m5", "m6", "m7", "f1", "f3", "f4", "klatt", "klatt2", "klatt4",
		"Alex", "Andy", "anika", "aunty", "benjamin", "boris", "david", "edward", "linda", "max", "michel",
		"steph", "zac", "grandma", "john", "paul", "robert", "quincy"}
	testVariants = []string{"m3", "f2", "f5", "klatt3", "Annie", "grandpa"}
)

// perVoice is the number of utterances of each word by each training
// voice (each test voice says each word once).
const perVoice = 1

// Speed (words per minute) and pitch (0–99) ranges.
const (
	minSpeed, maxSpeed = 130, 230
	minPitch, maxPitch = 20, 80
)

func main() {
	out := filepath.Join("engine", "data", "speech")
	version, err := exec.Command("espeak-ng", "--version").Output()
	if err != nil {
		fail(fmt.Errorf("espeak-ng not found (apt-get install espeak-ng): %w", err))
	}
	h := speech.Header{
		Format: speech.Format, Synthesiser: strings.TrimSpace(string(version)),
		SampleRate: speech.SampleRate, NFFT: speech.NFFT, Hop: speech.Hop, Mels: speech.NMels, Frames: speech.Frames,
		QOffset: speech.QOffset, QScale: speech.QScale,
	}
	rng := rand.New(rand.NewPCG(2026, 13))
	tmp, err := os.MkdirTemp("", "mkspeech")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	var train, test []speech.Utterance
	var waves []speech.Wave
	add := func(variants []string, isTest bool, n int) {
		for _, v := range variants {
			for _, a := range accents {
				voice := len(h.Voices)
				h.Voices = append(h.Voices, speech.Voice{Name: a + "+" + v, Test: isTest})
				for range n {
					for d, w := range words {
						speed := minSpeed + rng.IntN(maxSpeed-minSpeed+1)
						pitch := minPitch + rng.IntN(maxPitch-minPitch+1)
						wave := synthesise(tmp, a+"+"+v, speed, pitch, w)
						u := speech.Utterance{Label: d, Voice: voice, Speed: speed, Pitch: pitch, Q: quantise(speech.LogMel(wave))}
						if isTest {
							// The waves the lesson steps through: the
							// first test voice's ten words.
							if voice == len(h.Voices)-1 && len(waves) < len(words) && v == testVariants[0] && a == accents[1] {
								waves = append(waves, speech.Wave{Test: len(test), Label: d, Samples: toInt16(wave)})
							}
							test = append(test, u)
						} else {
							train = append(train, u)
						}
					}
				}
			}
			fmt.Fprintf(os.Stderr, "%s: %d train, %d test\n", v, len(train), len(test))
		}
	}
	add(trainVariants, false, perVoice)
	add(testVariants, true, 1)
	h.Train, h.Test = len(train), len(test)
	feat, err := speech.EncodeFeatures(h, append(train, test...))
	if err != nil {
		fail(err)
	}
	wv, err := speech.EncodeWaves(waves)
	if err != nil {
		fail(err)
	}
	var sums strings.Builder
	for _, f := range []struct {
		name string
		raw  []byte
	}{{speech.FeaturesFile, feat}, {speech.WavesFile, wv}} {
		z := gz(f.raw)
		if err := os.WriteFile(filepath.Join(out, f.name), z, 0o644); err != nil {
			fail(err)
		}
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(z), f.name)
		fmt.Printf("%s: %d bytes (%d before gzip)\n", f.name, len(z), len(f.raw))
	}
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(sums.String()), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%d voices, %d training and %d test utterances\n", len(h.Voices), h.Train, h.Test)
}

// synthesise runs espeak-ng and returns the word's speech.Samples samples
// at speech.SampleRate, in [−1, 1].
func synthesise(dir, voice string, speed, pitch int, word string) []float64 {
	path := filepath.Join(dir, "u.wav")
	cmd := exec.Command("espeak-ng", "-v", voice, "-s", fmt.Sprint(speed), "-p", fmt.Sprint(pitch), "-w", path, word)
	if b, err := cmd.CombinedOutput(); err != nil {
		fail(fmt.Errorf("espeak-ng -v %s: %v: %s", voice, err, b))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	x, rate, err := readWAV(raw)
	if err != nil {
		fail(fmt.Errorf("%s %q: %w", voice, word, err))
	}
	// Rounded to 16 bits, the precision the shipped waveforms keep, so
	// that the lesson's features of a shipped waveform are the shipped
	// features.
	w := cut(resample(x, rate, speech.SampleRate))
	for i, v := range toInt16(w) {
		w[i] = float64(v) / 32768
	}
	return w
}

// readWAV returns the samples of a 16-bit mono PCM WAV file, in [−1, 1),
// and its sample rate.
func readWAV(b []byte) ([]float64, int, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, fmt.Errorf("not a WAV file")
	}
	rate, bits, channels := 0, 0, 0
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8:]
		if size > len(body) || size < 0 {
			size = len(body) // espeak-ng may leave a streaming size
		}
		switch id {
		case "fmt ":
			if binary.LittleEndian.Uint16(body) != 1 {
				return nil, 0, fmt.Errorf("not PCM")
			}
			channels = int(binary.LittleEndian.Uint16(body[2:]))
			rate = int(binary.LittleEndian.Uint32(body[4:]))
			bits = int(binary.LittleEndian.Uint16(body[14:]))
		case "data":
			if bits != 16 || channels != 1 {
				return nil, 0, fmt.Errorf("%d-bit %d-channel audio, want 16-bit mono", bits, channels)
			}
			x := make([]float64, size/2)
			for i := range x {
				x[i] = float64(int16(binary.LittleEndian.Uint16(body[2*i:]))) / 32768
			}
			return x, rate, nil
		}
		p += 8 + size + size%2
	}
	return nil, 0, fmt.Errorf("no data chunk")
}

// resample converts x from rate `from` to rate `to` with a windowed-sinc
// low-pass filter (cut-off 0.9 of the new Nyquist frequency, Hann window
// 64 input samples wide).
func resample(x []float64, from, to int) []float64 {
	const half = 32
	fc := 0.9 * float64(to) / 2 / float64(from) // cycles per input sample
	n := len(x) * to / from
	y := make([]float64, n)
	for i := range y {
		t := float64(i) * float64(from) / float64(to) // position in input samples
		c := int(math.Floor(t))
		s := 0.0
		for j := c - half + 1; j <= c+half; j++ {
			if j < 0 || j >= len(x) {
				continue
			}
			d := t - float64(j)
			h := 2 * fc
			if d != 0 {
				h = math.Sin(2*math.Pi*fc*d) / (math.Pi * d)
			}
			s += x[j] * h * (0.5 + 0.5*math.Cos(math.Pi*d/half))
		}
		y[i] = s
	}
	return y
}

// cut returns speech.Samples samples of x from 16 ms before the word's
// start: the first block of 64 samples whose energy is within 35 dB of the
// loudest block's.
func cut(x []float64) []float64 {
	const block = 64
	var energy []float64
	top := 0.0
	for i := 0; i+block <= len(x); i += block {
		e := 0.0
		for _, v := range x[i : i+block] {
			e += v * v
		}
		energy = append(energy, e)
		top = max(top, e)
	}
	start := 0
	for i, e := range energy {
		if e >= top*math.Pow(10, -3.5) {
			start = max(0, i*block-2*block)
			break
		}
	}
	out := make([]float64, speech.Samples)
	copy(out, x[min(start, len(x)):])
	return out
}

func quantise(v []float64) []byte {
	q := make([]byte, len(v))
	for i, x := range v {
		q[i] = speech.Quantise(x)
	}
	return q
}

// toInt16 writes samples in [−1, 1] as 16-bit integers (clipped).
func toInt16(x []float64) []int16 {
	out := make([]int16, len(x))
	for i, v := range x {
		out[i] = int16(max(-32768, min(32767, math.Round(v*32768))))
	}
	return out
}

// gz compresses b the same way every time (no time stamp in the header).
func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkspeech:", err)
	os.Exit(1)
}
