// Package rnn is the course's lesson on recurrent networks and the trouble
// with long dependencies.
//
// A vanilla tanh RNN (the engine's nn.RNNCell, 16 hidden units) reads 16
// sine waves sin(0.1·t + φ) one value at a time and predicts the next
// value at every step through a Dense readout. The loss is the mean
// squared error over every step of every wave; one training step is full
// backpropagation through time over the unrolled sequence, then Adam.
//
// The scenes show the sequence with its targets and predictions, the
// hidden state over time, the norm of the gradient of the last step's
// loss with respect to every hidden state ‖∂ℓ_T/∂h_t‖ (how much of that
// error reaches back to step t), the recurrent matrix W_hh with its
// largest singular value (by power iteration), and the loss with the
// gradient norm before and after clipping. The learner can scale W_hh at
// initialisation to make the gradient through time vanish or explode,
// clip the gradient norm, and swap the cell for the engine's LSTM or GRU.
//
// The goal (questions.go) is a loss of at most 0.0025, half of what
// copying the last value scores; the runtime judges the end by it, and the
// lesson reports how much the last step's gradient grows on its way back
// to h₁, so an exploding gradient is named even when the loss does not
// grow. Questions ask for the sine recurrence's next value, the gradient
// ratio's order of magnitude before BPTT shows it, Adam's first step, and
// (with clipping on) whether clipping will rescale the next gradient.
//
// At op granularity one op is one time step (the cell's engine ops and
// the readout together), forward and then backward, so a step of T time
// steps has 2T + 3 ops: T steps and the loss each way, and the update.
package rnn

import (
	"strconv"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Cells are the recurrent cells the lesson offers.
var Cells = []string{"rnn", "lstm", "gru"}

// Clips are the gradient-clipping choices: off, or the maximum norm.
var Clips = []string{"off", "1", "5"}

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "rnn",
		Title:     "Recurrent networks",
		Summary:   "An RNN learns sine waves by backpropagation through time — watch the gradient vanish or explode on its way back, then clip it or gate it (LSTM, GRU).",
		Topics:    []string{"RNNs", "backpropagation through time", "vanishing gradients", "exploding gradients", "gradient clipping", "LSTM", "GRU"},
		Exercises: []string{"rnn", "bptt", "clip", "lstm", "gru"},
		Controls: []lessons.Control{
			{
				Name: "cell", Label: "cell", Kind: lessons.Choice,
				Help:    "vanilla tanh RNN, LSTM or GRU; restarts the run",
				Choices: Cells, Default: "rnn", Restart: true,
			},
			{
				Name: "length", Label: "sequence length", Kind: lessons.Int,
				Help: "time steps the network reads (and predicts); restarts the run",
				Min:  5, Max: 100,
				Ladder:  []float64{10, 25, 50, 100},
				Default: "50", Restart: true,
			},
			{
				Name: "scale", Label: "W_hh init scale", Kind: lessons.Float,
				Help: "factor on the recurrent weights at initialisation: small makes the gradient through time vanish, large can make it explode; restarts the run",
				Min:  0.1, Max: 5,
				Ladder:  []float64{0.5, 1, 1.5, 2, 3},
				Default: "1", Restart: true,
			},
			{
				Name: "clip", Label: "clip grad norm", Kind: lessons.Choice,
				Help:    "rescale the whole gradient to at most this norm before each update; takes effect from the next update",
				Choices: Clips, Default: "off",
			},
			trainer.LearningRate("0.01", 0.001, 0.003, 0.01, 0.03, 0.1),
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the 16 waves, one full-batch step each; restarts the run",
				Min:  1, Max: 2000,
				Ladder:  []float64{1, 10, 50, 100, 200, 500, 1000, 2000},
				Default: "200", Restart: true,
			},
		},
		Goal: goal,
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			cfg := config{cell: s["cell"], steps: s.Int("length"), scale: s.Float("scale"), epochs: s.Int("epochs")}
			return newMachine(seed, cfg, s.Float("lr"), clipValue(s["clip"]))
		},
	}
}

// clipValue is the maximum norm of a clip setting, 0 for "off".
func clipValue(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v
}
