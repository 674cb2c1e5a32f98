package speech

import (
	"fmt"
	"math"
	"sync"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/data/speech"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of the data and of one spectrogram.
const (
	Classes = 10
	H       = speech.NMels  // rows: mel bands, the lowest first
	W       = speech.Frames // columns: frames, the earliest first
	Pixels  = H * W
)

// words are the ten classes' names.
var words = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// corpus is the shipped data as the network sees it: the log-mel values
// dequantised, then standardised with the training set's mean and
// standard deviation (one number each), as tensors [n 1 H W].
type corpus struct {
	raw         *speech.Set
	train, test *data.Set
	mean, std   float64
	// voices[i] is test utterance i's voice name.
	voices []string
}

var shared struct {
	once sync.Once
	c    *corpus
	err  error
}

// load reads the embedded data once per process; every machine shares it
// and never writes to it.
func load() *corpus {
	s := &shared
	s.once.Do(func() {
		raw, err := speech.Load()
		if err != nil {
			s.err = err
			return
		}
		c := &corpus{raw: raw}
		sum, sq, n := 0.0, 0.0, 0
		for _, u := range raw.Train {
			for _, q := range u.Q {
				v := speech.Dequantise(q)
				sum, sq, n = sum+v, sq+v*v, n+1
			}
		}
		c.mean = sum / float64(n)
		c.std = math.Sqrt(sq/float64(n) - c.mean*c.mean)
		c.train, c.test = c.tensors(raw.Train), c.tensors(raw.Test)
		for _, u := range raw.Test {
			c.voices = append(c.voices, raw.Header.Voices[u.Voice].Name)
		}
		s.c = c
	})
	if s.err != nil {
		panic(fmt.Sprintf("speech: the embedded spoken digits cannot be read: %v", s.err))
	}
	return s.c
}

func (c *corpus) tensors(us []speech.Utterance) *data.Set {
	x := tensor.New(len(us), 1, H, W)
	labels := make([]int, len(us))
	for i, u := range us {
		for j, q := range u.Q {
			x.Data[i*Pixels+j] = c.norm(speech.Dequantise(q))
		}
		labels[i] = u.Label
	}
	return &data.Set{X: x, Labels: labels, Classes: Classes}
}

// norm standardises one log-mel value.
func (c *corpus) norm(v float64) float64 { return (v - c.mean) / c.std }
