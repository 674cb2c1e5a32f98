// Package toolkit is the lesson on why training works or does not: the
// everyday tools that decide it, each a control whose effect is measured
// on the same run.
//
// Part one is initialisation. A 10-layer ReLU network (784 → 32 × 9 → 10)
// is started five ways — all zeros, N(0, 0.01²), N(0, 1), Xavier/Glorot
// and He/Kaiming — and one batch of digits is run through each: the
// standard deviation of every hidden layer's activations and of the
// loss's gradient with respect to them shows the signal dying out,
// blowing up or staying level with depth.
//
// Part two is input normalisation, on the linreg lesson's data: the mean
// squared error of ŷ = w·u + b is quadratic, its Hessian is the same
// everywhere, and its eigenvalues say how fast gradient descent can go
// (2/λmax is the largest stable rate) and how slowly it then crawls along
// the flattest direction (the condition number λmax/λmin). Raw and
// standardised inputs are compared in numbers and on the contour plots,
// with gradient descent's path at one rate on both.
//
// Part three trains the deep network on MNIST digits with plain SGD: the
// initialisation, batch normalisation (the engine's BatchNorm before
// every hidden ReLU), the input scaling (standardised pixels, or the raw
// grey levels 0 … 255), the learning-rate schedule and a linear warm-up
// are the controls; the per-layer spread is measured live at every step.
package toolkit

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "toolkit",
		Title:     "Why training works or does not",
		Summary:   "Initialisation, input normalisation, batch normalisation and learning-rate schedules, each a control measured on a 10-layer ReLU network and a linear model's loss surface.",
		Topics:    []string{"weight initialisation", "input normalisation", "condition number", "batch normalisation", "learning-rate schedules", "warm-up"},
		Exercises: []string{"weightinit", "batchnorm", "schedule"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.05", 0.01, 0.03, 0.05, 0.1, 0.3, 1),
			{
				Name: "init", Label: "initialisation", Kind: lessons.Choice,
				Help:    "how the deep network's weights start: zeros, N(0, 0.01²), N(0, 1), Xavier or He; restarts the run",
				Choices: Inits, Default: "he", Restart: true,
			},
			{
				Name: "bn", Label: "batch normalisation", Kind: lessons.Choice,
				Help:    "a BatchNorm before every hidden ReLU of the deep network; restarts the run",
				Choices: []string{"off", "on"}, Default: "off", Restart: true,
			},
			{
				Name: "inputs", Label: "input pixels", Kind: lessons.Choice,
				Help:    "standardised ((p − mean)/std) or the raw grey levels 0 … 255 fed to the deep network; restarts the run",
				Choices: []string{"standardised", "raw"}, Default: "standardised", Restart: true,
			},
			{
				Name: "schedule", Label: "rate schedule", Kind: lessons.Choice,
				Help:    "how the learning rate changes over the run: constant, step (×0.2 every third of the run) or cosine; restarts the run",
				Choices: Schedules, Default: "cosine", Restart: true,
			},
			{
				Name: "warmup", Label: "warm-up steps", Kind: lessons.Int,
				Help: "steps over which the rate rises linearly from 0 to its value; restarts the run",
				Min:  0, Max: 200,
				Ladder: []float64{0, 10, 20, 40, 80}, Default: "0", Restart: true,
			},
			{
				Name: "lrlin", Label: "linear model's rate", Kind: lessons.Float,
				Help: "the rate of part two's gradient descent on the raw and the standardised loss surface; restarts the run",
				Min:  0.01, Max: 3,
				Ladder: []float64{0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.5}, Default: "0.9", Restart: true,
			},
			trainer.Epochs(50, "10"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, config{
				init: s["init"], bn: s["bn"] == "on", standard: s["inputs"] == "standardised",
				schedule: s["schedule"], warmup: s.Int("warmup"),
				lr: s.Float("lr"), lrLin: s.Float("lrlin"), epochs: s.Int("epochs"),
			})
		},
	}
}

// GoalAcc is the test accuracy (in %) the deep network must reach; a
// network that cannot learn stays near 10%, chance among ten digits.
const GoalAcc = 70

var goal = &lessons.Goal{
	Measure: "test_acc", Label: "test accuracy", Unit: "%",
	Compare: lessons.AtLeast, Target: GoalAcc,
	Remedies: map[string]lessons.Remedy{
		lessons.CauseDead: {Control: "init", Value: "he",
			Why: "start from He's N(0, 2/in): every unit then differs from its neighbours and passes a signal of the same size on"},
		lessons.CausePlateau: {Control: "init", Value: "he",
			Why: "start from He's N(0, 2/in), so that the signal and its gradient keep their size through the ten layers"},
		lessons.CauseDiverged: {Control: "inputs", Value: "standardised",
			Why: "standardise the input pixels: raw grey levels up to 255 make the first layer's outputs, and the largest curvature of the loss, thousands of times larger"},
	},
	// Inputs already standardised: the weights' scale is the next suspect.
	Fallbacks: map[string][]lessons.Remedy{
		lessons.CauseDiverged: {{Control: "init", Value: "he",
			Why: "start from He's N(0, 2/in), which keeps each layer's output at the scale of its input instead of multiplying it layer after layer"}},
	},
}
