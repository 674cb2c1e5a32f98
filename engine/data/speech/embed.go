package speech

import (
	_ "embed"
	"sync"
)

// The shipped files, written by `go run ./engine/data/internal/mkspeech`.
var (
	//go:embed features.bin.gz
	featuresGz []byte
	//go:embed waves.bin.gz
	wavesGz []byte
	//go:embed SHA256SUMS
	sums string
)

// Attribution says where the spoken digits come from and under which
// terms, for the README and `dlearn about`.
const Attribution = "Spoken digits synthesised for dlearn with espeak-ng 1.51 (https://github.com/espeak-ng/espeak-ng, GPL-3.0-or-later) " +
	"in 288 voices (36 voice variants × 8 English accents) at random speeds and pitches; " +
	"the program is GPL, the audio it produces is not covered by the GPL (the GPL covers a program's output only when it " +
	"contains the program itself: https://www.gnu.org/licenses/gpl-faq.html#GPLOutput). dlearn ships its own log-mel " +
	"features of them (engine/data/internal/mkspeech) and ten short 8 kHz waveforms, under dlearn's licence."

// Set is the shipped data: the header, the training and test utterances
// (the test set's voices are never in the training set) and the test
// waveforms.
type Set struct {
	Header      Header
	Train, Test []Utterance
	Waves       []Wave
}

var loaded struct {
	once sync.Once
	set  *Set
	err  error
}

// Load decodes the embedded files once per process and returns them. The
// set is shared: callers must not modify it.
func Load() (*Set, error) {
	l := &loaded
	l.once.Do(func() {
		h, us, err := DecodeFeatures(featuresGz)
		if err != nil {
			l.err = err
			return
		}
		ws, err := DecodeWaves(wavesGz)
		if err != nil {
			l.err = err
			return
		}
		l.set = &Set{Header: h, Train: us[:h.Train], Test: us[h.Train:], Waves: ws}
	})
	return l.set, l.err
}

// Float returns the wave's samples in [−1, 1): each 16-bit value divided
// by 32768.
func (w Wave) Float() []float64 {
	x := make([]float64, len(w.Samples))
	for i, v := range w.Samples {
		x[i] = float64(v) / 32768
	}
	return x
}
