// Package backprop is the course's backpropagation lesson: a two-layer
// network learns XOR, and the learner walks each training step op by op —
// the forward pass node by node, the backward pass node by node with the
// upstream gradient, the local derivative and their product (the chain
// rule in numbers), then the gradient-descent update.
//
// The network is x (4×2) → Dense(2→hidden) → activation → Dense(hidden→1)
// → sigmoid = p, the probability of class 1, trained on all four XOR
// points at once (full-batch gradient descent) on the squared error
// L = mean((p − y)²). Squared error keeps the graph short enough to walk;
// the narrative says where cross-entropy would differ. The defaults (tanh,
// 4 hidden units, learning rate 1, 500 steps) separate XOR for the default
// seed, and for every seed from 1 to 100.
package backprop

import "github.com/dlearn/dlearn/lessons"

// Activations are the hidden-layer activations the lesson offers.
var Activations = []string{"tanh", "sigmoid", "relu"}

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "backprop",
		Title:     "Backpropagation",
		Summary:   "A small network learns XOR; walk the backward pass node by node — upstream × local = the chain rule in numbers.",
		Topics:    []string{"neural networks", "backpropagation", "activation functions", "gradient descent"},
		Exercises: []string{"backprop", "dense", "weightinit", "autograd", "train", "mse"},
		Goal:      goal,
		Controls: []lessons.Control{
			{
				Name: "act", Label: "activation", Kind: lessons.Choice,
				Help:    "the hidden layer's non-linearity; restarts the run",
				Choices: Activations, Default: "tanh", Restart: true,
			},
			{
				Name: "lr", Label: "learning rate", Kind: lessons.Float,
				Help: "step size of gradient descent; takes effect from the next training step",
				Min:  1e-4, Max: 1000,
				Ladder:  []float64{0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300},
				Default: "1",
			},
			{
				Name: "hidden", Label: "hidden units", Kind: lessons.Int,
				Help: "width of the hidden layer; restarts the run",
				Min:  1, Max: 8,
				Ladder:  []float64{1, 2, 3, 4, 6, 8},
				Default: "4", Restart: true,
			},
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the four points, one full-batch step each; restarts the run",
				Min:  1, Max: 5000,
				Ladder:  []float64{1, 10, 100, 300, 500, 1000, 2000, 5000},
				Default: "500", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s["act"], s.Int("hidden"), s.Float("lr"), s.Int("epochs"))
		},
	}
}
