// Package translate is the course's sequence-to-sequence lesson: an
// encoder–decoder with attention learns to rewrite dates such as
// "Sunday, 29 November 2026", "Nov 29, 2026" or "29/11/2026" as
// "2026-11-29", character by character.
//
// The data are engine/data's DatePairs: 1024 training pairs and a
// held-out set of different inputs. The model is built from the
// engine's layers: character embeddings, an LSTM encoder, an LSTM
// decoder that starts from the encoder's last state, Luong attention
// over the encoder states and a Dense output layer; it trains with
// teacher forcing, cross-entropy and Adam, and is shown decoding a
// held-out date greedily, one character at a time, with the attention
// weights of every output character over the input characters.
//
// A training step is thirteen ops: the teacher-forced forward pass of the
// batch, the backward pass, Adam's update, then ten greedy decoder steps
// of the displayed example with the new weights, one output character
// each. With attention off, the decoder sees only the encoder's last
// state, and the lesson measures what that costs.
package translate

import (
	"strconv"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Sizes of the data.
const (
	// NTrain is the number of training pairs.
	NTrain = 1024
	// NHeld is the number of held-out pairs, none of whose inputs occurs
	// among the training inputs.
	NHeld = 120
	// Batch is the number of pairs per training step.
	Batch = 32
	// EvalEvery is how many training steps pass between two evaluations
	// on the held-out pairs.
	EvalEvery = 16
)

// The defaults of the learning rate and the hidden size.
const (
	defaultLR     = 0.01
	defaultHidden = 24
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	ladder := make([]float64, 18)
	for i := range ladder {
		ladder[i] = float64(i + 1)
	}
	return &lessons.Lesson{
		ID:        "translate",
		Title:     "Translating dates: seq2seq with attention",
		Summary:   "An LSTM encoder–decoder with attention learns to write any date as YYYY-MM-DD; watch it align output to input.",
		Topics:    []string{"encoder–decoder", "sequence to sequence", "teacher forcing", "attention", "LSTM"},
		Exercises: []string{"attention", "softmax", "decode", "adam"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate(strconv.FormatFloat(defaultLR, 'g', -1, 64), 0.001, 0.003, 0.01, 0.03, 0.1),
			{
				Name: "example", Label: "example", Kind: lessons.Int,
				Help: "which held-out date the translation and the attention map show",
				Min:  1, Max: NHeld, Ladder: ladder, Default: "1",
			},
			{
				Name: "attention", Label: "attention", Kind: lessons.Choice,
				Help:    "off: the decoder sees only the encoder's last state; restarts the run",
				Choices: []string{"on", "off"}, Default: "on", Restart: true,
			},
			{
				Name: "hidden", Label: "hidden size", Kind: lessons.Int,
				Help: "size of the encoder's and decoder's LSTM states; restarts the run",
				Min:  4, Max: 64, Ladder: []float64{8, 16, 24, 32, 48}, Default: strconv.Itoa(defaultHidden), Restart: true,
			},
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the training pairs (32 steps each); restarts the run",
				Min:  1, Max: 100, Ladder: []float64{1, 2, 4, 8, 16, 32, 64}, Default: "8", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, config{
				lr: s.Float("lr"), show: s.Int("example") - 1, attention: s["attention"] == "on",
				hidden: s.Int("hidden"), epochs: s.Int("epochs"),
			})
		},
	}
}
