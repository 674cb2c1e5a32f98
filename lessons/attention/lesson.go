// Package attention is the course's self-attention lesson, in two parts.
//
// Part one is the mechanism on a tiny example: six tokens ("the cat sat
// on the mat") of four features, one head. Queries Q = X·Wq, keys
// K = X·Wk, values V = X·Wv, scores Q·Kᵀ/√d, an optional causal mask,
// a softmax along each row and the output A·V, each a matrix computed by
// the engine and shown with the query row and key column in focus, the
// narrative working the row of "sat" in numbers.
//
// Part two trains a one-block pre-LayerNorm transformer encoder (token
// embedding plus sinusoidal positions, multi-head self-attention, a
// feed-forward layer, a classifier on every position) to reverse
// sequences of six symbols, with Adam on the cross-entropy. Reversal
// needs attention (output i is input 7−i) and positions (attention alone
// does not see order), and its attention maps are easy to read: they
// sharpen into the anti-diagonal. With the causal mask the first three
// outputs cannot see their answer, and accuracy stops near 56%.
package attention

import (
	"strconv"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Sizes of part two's data.
const (
	// NTrain is the number of training sequences, NTest the held-out ones
	// the accuracy is measured on.
	NTrain = 512
	NTest  = 200
	// Batch is the number of sequences per training step.
	Batch = 32
	// Examples is how many test sequences the learner can pick to look at.
	Examples = 8
)

// defaultLR is the learning rate the lesson starts from.
const defaultLR = 0.01

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "attention",
		Title:     "Self-attention",
		Summary:   "Queries, keys, values and softmax in numbers, then a small transformer learns to reverse sequences: watch its attention maps turn into the anti-diagonal.",
		Topics:    []string{"self-attention", "transformers", "positional encoding", "seq2seq"},
		Exercises: []string{"attention", "layernorm", "posenc", "mha", "adam"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate(strconv.FormatFloat(defaultLR, 'g', -1, 64), 0.001, 0.003, 0.01, 0.03, 0.1, 0.3),
			{
				Name: "heads", Label: "heads", Kind: lessons.Choice,
				Help:    "attention heads in part two (16 features split among them); restarts the run",
				Choices: []string{"1", "2", "4"}, Default: "2", Restart: true,
			},
			{
				Name: "causal", Label: "causal mask", Kind: lessons.Choice,
				Help:    "forbid each position to attend to later ones (as a decoder must); restarts the run",
				Choices: []string{"off", "on"}, Default: "off", Restart: true,
			},
			{
				Name: "example", Label: "test example", Kind: lessons.Int,
				Help: "which held-out sequence the maps and the output table show",
				Min:  1, Max: Examples,
				Ladder: []float64{1, 2, 3, 4, 5, 6, 7, 8}, Default: "1",
			},
			trainer.Epochs(200, "20"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			heads, _ := strconv.Atoi(s["heads"])
			return newMachine(seed, config{
				lr: s.Float("lr"), heads: heads, causal: s["causal"] == "on",
				example: s.Int("example"), epochs: s.Int("epochs"),
			})
		},
	}
}
