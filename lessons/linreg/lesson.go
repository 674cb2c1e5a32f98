// Package linreg is the course's first lesson: the seed's linear regression,
// trained by the real engine one op, one step or one epoch at a time.
//
// It reproduces the classic Keras example exactly: 100 points with
// y = 2x + 1 + 0.5·noise, one Dense unit (Glorot-uniform weight, zero bias),
// mean squared error, plain SGD with learning rate 0.01, batches of 32
// reshuffled every epoch, 100 epochs, then a prediction at x = 0.5.
//
// A "centre x" control goes beyond the program: it feeds the neuron
// x − mean(x) (or the standardised (x − mean)/std) instead of x, to show
// how the conditioning of the loss surface decides the speed of SGD.
package linreg

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Centring modes: the neuron is fed x itself, x − mean(x), or
// (x − mean(x))/std(x).
const (
	CentreOff   = "off"
	CentreOn    = "on"
	CentreScale = "scale"
)

// lrLadder is the rungs [ and ] move the learning rate through; 0.75 and
// 0.8 sit either side of this data's stability limit 2/λmax ≈ 0.765.
var lrLadder = []float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.75, 0.8, 1, 2, 3}

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
			trainer.LearningRate("0.01", lrLadder...),
			trainer.BatchSize(N, "32"),
			trainer.Epochs(1000, "100"),
			{
				Name: "centre", Label: "centre x", Kind: lessons.Choice,
				Help:    "off: the neuron sees x; on: x − mean(x); scale: (x − mean(x))/std(x). W, b and ŷ(0.5) are reported for x. Restarts the run",
				Choices: []string{CentreOff, CentreOn, CentreScale}, Default: CentreOff, Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s.Float("lr"), s.Int("batch"), s.Int("epochs"), s["centre"])
		},
	}
}
