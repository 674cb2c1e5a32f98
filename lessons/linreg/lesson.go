// Package linreg is the course's first lesson: the seed's linear regression,
// trained by the real engine one op, one step or one epoch at a time.
//
// It reproduces the classic Keras example exactly: 100 points with
// y = 2x + 1 + 0.5·noise, one Dense unit (Glorot-uniform weight, zero bias),
// mean squared error, plain SGD with learning rate 0.01, batches of 32
// reshuffled every epoch, 100 epochs, then a prediction at x = 0.5.
package linreg

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "linreg",
		Title:     "Linear regression",
		Summary:   "Fit y = 2x + 1 with one neuron, MSE and SGD — every op, gradient and update in numbers.",
		Topics:    []string{"neural networks", "loss functions", "gradient descent", "SGD"},
		Exercises: []string{"mse"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.01", 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.8, 1, 2, 3),
			trainer.BatchSize(N, "32"),
			trainer.Epochs(1000, "100"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s.Float("lr"), s.Int("batch"), s.Int("epochs"))
		},
	}
}
