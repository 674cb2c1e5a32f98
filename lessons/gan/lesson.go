// Package gan is the lesson on generative adversarial networks: a
// generator G learns to turn two-dimensional Gaussian noise into points of
// a ring of eight narrow Gaussians while a discriminator D learns to tell
// its points from real ones, each network trained against the other.
//
// G and D are multilayer perceptrons 2 → w → w → 2 and 2 → w → w → 1 with
// ReLU (w = 64 by default: at 32 the default seed covers only 6 of the 8
// modes in 2,000 steps, at 64 all 8). D outputs a logit, D(x) = σ(logit) is its probability that x
// is real, and both losses are binary cross-entropies on logits. Each
// network has its own Adam (β1 = 0.5, β2 = 0.999).
//
// One training step is k discriminator steps (k = "dsteps", default 1),
// each on the next batch of a fixed training set of real points and on a
// batch of G's points from fresh noise, then one generator step. At op
// granularity every D step shows three ops (D on the real batch, D on the
// fake batch, D's loss, backward pass and update) and the G step two (G's
// forward pass through D to its loss, then the backward pass through D
// into G and G's update). The scene shows D's p(real) over the plane under
// real and generated points, both losses, D's average verdicts, and how
// many of the eight modes the generator covers, so that mode collapse is
// visible as it happens.
package gan

import (
	"github.com/dlearn/dlearn/lessons"
)

// Choices of the generator loss.
const (
	NonSaturating = "non-saturating"
	Saturating    = "saturating"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	rates := []float64{0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03}
	return &lessons.Lesson{
		ID:        "gan",
		Title:     "GANs on a ring of Gaussians",
		Summary:   "A generator and a discriminator play a minimax game on eight Gaussians in a ring; watch the modes fill in, or collapse.",
		Topics:    []string{"generative adversarial networks", "minimax", "non-saturating loss", "mode collapse", "Adam"},
		Exercises: []string{"gan"},
		Goal:      goal,
		Controls: []lessons.Control{
			{
				Name: "lrd", Label: "D lr", Kind: lessons.Float,
				Help: "Adam's step size for the discriminator; takes effect from the next training step",
				Min:  1e-5, Max: 0.1, Ladder: rates, Default: "0.001",
			},
			{
				Name: "lrg", Label: "G lr", Kind: lessons.Float,
				Help: "Adam's step size for the generator; takes effect from the next training step",
				Min:  1e-5, Max: 0.1, Ladder: rates, Default: "0.001",
			},
			{
				Name: "dsteps", Label: "D steps", Kind: lessons.Int,
				Help: "D steps per G step: discriminator updates before each generator update; takes effect from the next training step",
				Min:  1, Max: 5, Ladder: []float64{1, 2, 3, 4, 5}, Default: "1",
			},
			{
				Name: "gloss", Label: "G loss", Kind: lessons.Choice,
				Help:    "non-saturating −log D(G(z)) or the original minimax log(1 − D(G(z))); restarts the run",
				Choices: []string{NonSaturating, Saturating}, Default: NonSaturating, Restart: true,
			},
			{
				Name: "samples", Label: "sample seed", Kind: lessons.Int,
				Help: "the noise behind the generated points shown and counted; changes nothing in training",
				Min:  1, Max: 1000, Ladder: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Default: "1",
			},
			{
				Name: "width", Label: "hidden units", Kind: lessons.Int,
				Help: "units in each hidden layer of G and D; restarts the run",
				Min:  4, Max: 128, Ladder: []float64{8, 16, 32, 64, 128}, Default: "64", Restart: true,
			},
			{
				Name: "steps", Label: "steps", Kind: lessons.Int,
				Help: "training steps (one G update each) in the run; restarts the run",
				Min:  1, Max: 20000, Ladder: []float64{100, 500, 1000, 2000, 3000, 5000, 10000}, Default: "2000", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, config{
				lrD: s.Float("lrd"), lrG: s.Float("lrg"), dSteps: s.Int("dsteps"),
				loss: s["gloss"], sampleSeed: s.Int("samples"), width: s.Int("width"), steps: s.Int("steps"),
			})
		},
	}
}
