// Package logreg is the course's logistic regression: the seed's second
// Keras example, trained by the real engine one op, step or epoch at a time.
//
// 100 points in the unit square, labelled round(0.5·(x1 + x2)) — 1 above
// the diagonal x1 + x2 = 1, 0 below — one Dense unit with a sigmoid, binary
// cross-entropy, plain SGD with learning rate 0.01, batches of 32, 100
// epochs. The lesson shows the decision boundary moving over the points,
// the predicted probabilities, and how the gradient of the cross-entropy
// through the sigmoid collapses to (p − y)/n.
package logreg

import "github.com/dlearn/dlearn/lessons"

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "logreg",
		Title:     "Logistic regression",
		Summary:   "Separate two classes with a sigmoid neuron and cross-entropy; watch the boundary move.",
		Topics:    []string{"classification", "sigmoid", "binary cross-entropy", "SGD"},
		Exercises: []string{"logistic"},
		Controls: []lessons.Control{
			{
				Name: "lr", Label: "learning rate", Kind: lessons.Float,
				Help: "step size of SGD; takes effect from the next training step",
				Min:  1e-6, Max: 100,
				Ladder:  []float64{0.001, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30},
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
				Min:  1, Max: 2000,
				Ladder:  []float64{1, 10, 50, 100, 200, 500, 1000, 2000},
				Default: "100", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s.Float("lr"), s.Int("batch"), s.Int("epochs"))
		},
	}
}
