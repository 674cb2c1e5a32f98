// Package textgen is the course's language-model lesson: a character-level
// Transformer decoder learns to write English from 195 KB of Newton's
// "Opticks". Each window of Ctx characters goes through token embeddings
// plus sinusoidal positions, a pre-LayerNorm block of causal multi-head
// self-attention and a feed-forward layer, and a classifier that scores
// the next character at every position; Adam lowers the mean
// cross-entropy. The learner steps through the forward and backward pass
// op by op, watches the causal attention maps and the next-character
// probabilities, follows the training and validation perplexity, and
// reads samples drawn with temperature and top-k as training goes on.
package textgen

import (
	"strconv"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Sizes of the model and the run.
const (
	Ctx    = 32 // characters per window (the context)
	Dim    = 32 // model width
	Heads  = 2  // attention heads (of Dim/Heads features each)
	Layers = 1  // decoder blocks
	Batch  = 16 // windows per training step

	// CurveEvery is how often (in steps) the validation loss on the first
	// CurveWindows windows and a short sample are taken.
	CurveEvery   = 50
	CurveWindows = 64
	// EvalBatch is how many windows one evaluation pass holds.
	EvalBatch = 64
	// SampleLen is the length of the samples of the curve, WordSample of
	// the one taken at the end of every epoch to count real words.
	SampleLen  = 80
	WordSample = 600
)

// Prompt is where every sample starts.
const Prompt = "the light "

const defaultLR = 0.01

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	pos := make([]float64, Ctx)
	for i := range pos {
		pos[i] = float64(i + 1)
	}
	return &lessons.Lesson{
		ID:        "textgen",
		Title:     "A language model that writes",
		Summary:   "A tiny Transformer decoder with a causal mask learns Newton's English one character at a time: watch perplexity fall and samples turn from babble into words.",
		Topics:    []string{"language models", "text generation", "causal mask", "perplexity", "temperature", "top-k sampling", "transformers"},
		Exercises: []string{"sample", "causalmask"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate(strconv.FormatFloat(defaultLR, 'g', -1, 64), 0.001, 0.003, 0.01, 0.03, 0.1, 0.3),
			{
				Name: "temperature", Label: "temperature", Kind: lessons.Float,
				Help: "divides the scores before the softmax when sampling: below 1 sharper, above 1 flatter, 0 always the likeliest; applies to the next sample",
				Min:  0, Max: 5, Ladder: []float64{0, 0.2, 0.5, 0.8, 1, 1.5, 2, 3}, Default: "0.8",
			},
			{
				Name: "topk", Label: "top-k", Kind: lessons.Int,
				Help: "sample only among the k likeliest characters (47: all of them); applies to the next sample",
				Min:  1, Max: 47, Ladder: []float64{1, 2, 3, 5, 10, 20, 47}, Default: "10",
			},
			{
				Name: "pos", Label: "position", Kind: lessons.Int,
				Help: "which position of the example window the next-character bars are for",
				Min:  1, Max: Ctx, Ladder: pos, Default: strconv.Itoa(Ctx),
			},
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the training text; restarts the run",
				Min:  1, Max: 8, Ladder: []float64{1, 2, 3, 4, 6, 8}, Default: "4", Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, config{
				lr: s.Float("lr"), epochs: s.Int("epochs"),
				temperature: s.Float("temperature"), topK: s.Int("topk"), pos: s.Int("pos"),
			})
		},
	}
}
