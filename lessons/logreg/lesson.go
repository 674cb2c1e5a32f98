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

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "logreg",
		Title:     "Logistic regression",
		Summary:   "Separate two classes with a sigmoid neuron and cross-entropy; watch the boundary move.",
		Topics:    []string{"classification", "sigmoid", "binary cross-entropy", "SGD"},
		Exercises: []string{"logistic"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.01", 0.001, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30),
			trainer.BatchSize(N, "32"),
			trainer.Epochs(2000, "100"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s.Float("lr"), s.Int("batch"), s.Int("epochs"))
		},
	}
}
