// Package cnn is the course's convolutional network: a small CNN learns
// to read handwritten digits (real MNIST when the GoMNIST module's files
// are in the module cache, the engine's synthetic digits otherwise), one
// op, step or epoch at a time, and then explains one of its decisions
// with a saliency map.
//
// The network is Conv 1→f 3×3, ReLU, MaxPool 2, Conv f→2f 3×3, ReLU,
// MaxPool 2, Flatten, Dense →10, trained with softmax cross-entropy on
// mini-batches of the first 8 000 training digits and measured on the
// first 500 test digits. The scenes show the digit being read, the
// first layer's kernels, the feature maps after each layer, the class
// probabilities, the loss and test-accuracy curves, the test digits the
// network gets wrong, and the gradient of the winning class's score with
// respect to the pixels.
package cnn

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	digits := make([]float64, NTest)
	for i := range digits {
		digits[i] = float64(i)
	}
	return &lessons.Lesson{
		ID:        "cnn",
		Title:     "Convolutional networks on digits",
		Summary:   "A small CNN learns to read handwritten digits: kernels, feature maps, pooling, and a saliency map of one decision.",
		Topics:    []string{"convolution", "pooling", "feature maps", "CNN", "explaining a decision", "saliency"},
		Exercises: []string{"conv", "maxpool", "conv2d", "momentum", "adam"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.03", 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1),
			{
				Name: "optimizer", Label: "optimizer", Kind: lessons.Choice,
				Help:    "sgd, momentum (μ = 0.9) or adam; Adam wants a smaller learning rate (0.001–0.003); restarts the run",
				Choices: []string{"sgd", "momentum", "adam"}, Default: "momentum", Restart: true,
			},
			{
				Name: "filters", Label: "filters", Kind: lessons.Int,
				Help: "kernels of the first convolution (the second has twice as many); restarts the run",
				Min:  2, Max: 8, Ladder: []float64{2, 4, 8}, Default: "8", Restart: true,
			},
			{
				Name: "digit", Label: "test digit", Kind: lessons.Int,
				Help: "the test digit whose feature maps, probabilities and saliency are shown",
				Min:  0, Max: NTest - 1, Ladder: digits, Default: "0",
			},
			// At most 256 digits a step: a larger batch would hold
			// hundreds of megabytes of activations and take seconds.
			trainer.BatchSize(256, "32"),
			trainer.Epochs(10, "1"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s)
		},
	}
}
