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
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "linreg",
		Title:     "Linear regression",
		Summary:   "Fit y = 2x + 1 with one neuron, MSE and SGD — every op, gradient and update in numbers.",
		Topics:    []string{"neural networks", "loss functions", "gradient descent", "SGD"},
		Exercises: []string{"mse"},
		Controls: []lessons.Control{
			{
				Name: "lr", Label: "learning rate", Kind: lessons.Float,
				Help: "step size of SGD; takes effect from the next training step",
				Min:  1e-6, Max: 10,
				Ladder:  []float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.8, 1, 2, 3},
				Default: "0.01",
			},
			{
				Name: "batch", Label: "batch size", Kind: lessons.Int,
				Help: "points per training step; restarts the run",
				Min:  1, Max: 100,
				Ladder:  []float64{1, 4, 8, 16, 32, 64, 100},
				Default: "32", Restart: true,
			},
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the data; restarts the run",
				Min:  1, Max: 1000,
				Ladder:  []float64{1, 10, 50, 100, 200, 500, 1000},
				Default: "100", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s.Float("lr"), s.Int("batch"), s.Int("epochs"))
		},
	}
}
