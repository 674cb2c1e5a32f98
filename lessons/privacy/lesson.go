// Package privacy is the course's lesson on what a model remembers about
// its training data. A small network is trained on a thousand MNIST
// digits without privacy until it fits them, and a membership-inference
// attack (the loss threshold of Yeom et al., 2018) tells its training
// digits from held-out ones better than a coin. Then the same network is
// trained with DP-SGD (Abadi et al., 2016), walked op by op: per-example
// gradients, each clipped to norm C, summed, Gaussian noise σ·C added,
// divided by the batch size, the update. An RDP accountant for the
// sampled Gaussian mechanism (engine/privacy) counts the privacy spent,
// ε at δ = 1e-5, and the same attack is run on the private model.
package privacy

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Delta is the δ of the (ε, δ) guarantee, fixed: far below 1/N, the
// chance of one of the N training digits leaking outright. Budget is the
// ε within which the lesson releases a model.
const (
	Delta  = 1e-5
	Budget = 8.0
)

// PlainLR is the learning rate of the plain training, the attack's target
// and the reference DP-SGD is measured against. It is fixed: the learning
// rate control is DP-SGD's (a rate that wrecks plain SGD would otherwise
// make any private network look good beside it).
const PlainLR = 0.5

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:      "privacy",
		Title:   "What a model remembers about its training data",
		Summary: "A membership-inference attack on an overfitted MNIST network, then DP-SGD op by op (clip, noise, average) with ε counted by an RDP accountant.",
		Topics: []string{"privacy", "membership inference", "differential privacy", "DP-SGD",
			"per-example gradients", "gradient clipping", "Rényi differential privacy", "encryption and de-identification"},
		Goal: goal,
		Controls: []lessons.Control{
			func() lessons.Control {
				c := trainer.LearningRate("0.5", 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3)
				c.Help = "DP-SGD's step size (the plain network always trains at 0.5); a change applies from the next step"
				return c
			}(),
			{
				Name: "sigma", Label: "noise multiplier σ", Kind: lessons.Float,
				Help: "the noise on the sum of clipped gradients has standard deviation σ·C; 0 is no privacy (ε = ∞); applies from the next step",
				Min:  0, Max: 20, Ladder: []float64{0, 0.5, 1, 1.3, 1.7, 2, 3, 5, 10}, Default: "1.7",
			},
			{
				Name: "clip", Label: "clip norm C", Kind: lessons.Float,
				Help: "each example's gradient is scaled down to at most this norm; applies from the next step",
				Min:  0.01, Max: 100, Ladder: []float64{0.1, 0.3, 1, 3, 10, 30}, Default: "1",
			},
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the training digits, for both trainings; each step spends privacy; restarts the run",
				Min:  1, Max: 200, Ladder: []float64{5, 10, 20, 40, 60, 100, 200}, Default: "40", Restart: true,
			},
			{
				Name: "batch", Label: "batch size", Kind: lessons.Int,
				Help: "digits per step: the sampling rate is q = batch/1000; restarts the run",
				Min:  10, Max: N, Ladder: []float64{25, 50, 100, 200, 500}, Default: "50", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s)
		},
		Exercises: []string{"dpsgd"},
	}
}
