// Package optimizers is the lesson on optimizers: GD, SGD, momentum,
// AdaGrad, RMSProp and Adam descend the same 2-D loss surface side by
// side, from the same start and with the same learning rate.
//
// Each optimizer is the engine's own (engine/optim) and each gradient comes
// from the engine's backward pass through the surface's formula. The scene
// shows the six paths over the contour lines, every optimizer's state and
// effective step size, the update of one of them in numbers, the distance
// of each to the minimum and the loss of each per step. "SGD" is GD with
// seeded Gaussian noise added to the gradient, a stand-in for the noise of
// a mini-batch estimate.
package optimizers

import (
	"github.com/dlearn/dlearn/lessons"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "optimizers",
		Title:     "Optimizers side by side",
		Summary:   "GD, SGD, momentum, AdaGrad, RMSProp and Adam race down a valley, Rosenbrock's banana and a saddle — every state and step in numbers.",
		Topics:    []string{"gradient descent", "SGD", "momentum", "adaptive learning rates", "Adam"},
		Exercises: []string{"adam", "momentum", "schedule"},
		Goal:      goal,
		Controls: []lessons.Control{
			{
				Name: "lr", Label: "learning rate", Kind: lessons.Float,
				Help: "the one learning rate all six use; takes effect from the next step",
				Min:  1e-4, Max: 10,
				Ladder:  []float64{0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.12, 0.2, 0.3, 0.5, 1},
				Default: "0.1",
			},
			{
				Name: "surface", Label: "surface", Kind: lessons.Choice,
				Help:    "the loss surface: a narrow valley, Rosenbrock's banana or a saddle; restarts the run",
				Choices: surfaceIDs, Default: "valley", Restart: true,
			},
			{
				Name: "focus", Label: "focus", Kind: lessons.Choice,
				Help:    "the optimizer whose update the narrative and the detail table spell out",
				Choices: names, Default: "adam",
			},
			{
				Name: "steps", Label: "steps", Kind: lessons.Int,
				Help: "steps in the run; restarts the run",
				Min:  1, Max: 5000,
				Ladder:  []float64{50, 100, 200, 300, 500, 1000, 2000, 5000},
				Default: "500", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s["surface"], s.Float("lr"), s.Int("steps"), s["focus"])
		},
	}
}
