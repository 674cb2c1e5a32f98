// Package overfit is the lesson on overfitting and regularization: a
// network with far more parameters than training points memorises the
// noise of its data, and three remedies — L2 weight decay, dropout and
// early stopping — are switched on to see what each changes.
//
// The data are two noisy interleaved half-moons: 30 training points and a
// separate set of 200 validation points drawn from the same distribution.
// The model is a 2→64→64→1 ReLU network (4417 parameters) trained on the
// whole training set at every step (full-batch gradient descent) with the
// binary cross-entropy of its logit. After every epoch the lesson measures
// the loss and accuracy on both sets in evaluation mode (no dropout), so
// the learner watches the training loss fall while the validation loss
// turns up, the decision regions bend around single noisy points, and the
// norm of each weight matrix shrink when L2 is on.
//
// L2 weight decay and dropout take effect from the next training step, so
// they can be switched on in the middle of a run; width, training-set size,
// early stopping and the number of epochs restart it.
package overfit

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Patience is how many epochs early stopping waits for the validation loss
// to beat its best before it stops the run.
const Patience = 50

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "overfit",
		Title:     "Overfitting and regularization",
		Summary:   "A 4417-parameter network memorises 30 noisy points; watch validation loss turn up, then tame it with L2, dropout and early stopping.",
		Topics:    []string{"overfitting", "regularization", "L2 weight decay", "dropout", "early stopping"},
		Exercises: []string{"regularize", "batchnorm", "dpsgd", "dense", "logistic"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.3", 0.01, 0.03, 0.1, 0.3, 1, 3),
			{
				Name: "l2", Label: "L2 weight decay λ", Kind: lessons.Float,
				Help: "adds λ·W to every weight's gradient (the penalty (λ/2)·‖W‖²); takes effect from the next training step",
				Min:  0, Max: 1,
				Ladder:  []float64{0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1},
				Default: "0",
			},
			{
				Name: "dropout", Label: "dropout p", Kind: lessons.Float,
				Help: "probability of zeroing each hidden activation while training (never at evaluation); takes effect from the next training step",
				Min:  0, Max: 0.9,
				Ladder:  []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5},
				Default: "0",
			},
			{
				Name: "early", Label: "early stopping", Kind: lessons.Choice,
				Help:    "on: stop once the validation loss has not improved for 50 epochs and go back to the best weights; restarts the run",
				Choices: []string{"off", "on"}, Default: "off", Restart: true,
			},
			{
				Name: "width", Label: "hidden width", Kind: lessons.Int,
				Help: "units in each of the two hidden layers; restarts the run",
				Min:  2, Max: 128,
				Ladder:  []float64{2, 4, 8, 16, 32, 64, 128},
				Default: "64", Restart: true,
			},
			{
				Name: "train", Label: "training points", Kind: lessons.Int,
				Help: "size of the training set (the validation set stays 200 points); restarts the run",
				Min:  4, Max: 300,
				Ladder:  []float64{10, 20, 30, 50, 100, 200, 300},
				Default: "30", Restart: true,
			},
			trainer.Epochs(5000, "300"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			m := newMachine(seed, config{
				lambda: s.Float("l2"), p: s.Float("dropout"), early: s["early"] == "on",
				lr: s.Float("lr"), width: s.Int("width"), n: s.Int("train"), epochs: s.Int("epochs"),
			})
			m.set = s.Clone()
			return m
		},
	}
}
