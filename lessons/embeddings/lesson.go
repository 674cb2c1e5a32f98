// Package embeddings is the course's word-embedding lesson: skip-gram on
// the project's small corpus (data.Corpus), trained by the real engine one
// op, one pair or one epoch at a time.
//
// Every (centre word, context word) pair within the context window is a
// training example. The model looks up the centre word's row of an
// embedding table E [V d], scores every word of the vocabulary against it
// with an output layer (U [d V] and a bias b [V]), and is trained by plain
// SGD, one pair per step, on the cross-entropy of the full softmax over all
// V ≈ 100 words — written as log-softmax, pick the context word's entry,
// negate (PyTorch's CrossEntropyLoss is the same LogSoftmax + NLLLoss), so
// the walk shows softmax − onehot appear. With a vocabulary this small the
// full softmax is cheap; the narrative says what large vocabularies use
// instead (negative sampling, hierarchical softmax).
//
// The scenes show the step's pair and the predicted distribution over the
// vocabulary, the rows of E the step touches with their gradients (only
// the centre word's row receives one), a 2-D PCA projection of all
// embeddings coloured by data.CorpusTopics, the nearest neighbours of a
// probe word by cosine similarity, and the loss against two references:
// the uniform guess log V and the best any model can do on these pairs.
//
// The goal (questions.go) is that at least 40% of the topic words have a
// nearest neighbour of their own topic (about 7% by chance). Questions ask
// for the softmax probability of the context from its score and the
// log-sum-exp, the sign of ∂L/∂z at the model's favourite word before the
// backward pass, whether the loss over all pairs can go below the best
// possible, and which word will end nearest the probe.
package embeddings

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Probes are the words the probe control offers: one or two per topic.
var Probes = []string{"cat", "horse", "bread", "red", "three"}

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	return &lessons.Lesson{
		ID:        "embeddings",
		Title:     "Word embeddings",
		Summary:   "Skip-gram on a small corpus: predict a word's neighbours, and watch words of a topic gather in the embedding space.",
		Topics:    []string{"embeddings", "word2vec", "softmax", "cross-entropy", "SGD"},
		Exercises: []string{"softmax", "skipgram"},
		Controls: []lessons.Control{
			{
				Name: "dim", Label: "embedding size", Kind: lessons.Int,
				Help: "numbers per word vector (d); restarts the run",
				Min:  2, Max: 32,
				Ladder:  []float64{2, 4, 8, 12, 16, 32},
				Default: "8", Restart: true,
			},
			{
				Name: "window", Label: "context window", Kind: lessons.Int,
				Help: "how many words on each side count as context; restarts the run",
				Min:  1, Max: 5,
				Ladder:  []float64{1, 2, 3, 4, 5},
				Default: "2", Restart: true,
			},
			trainer.LearningRate("0.1", 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30),
			{
				Name: "probe", Label: "probe word", Kind: lessons.Choice,
				Help:    "the word whose nearest neighbours are listed and marked in the projection",
				Choices: Probes, Default: "cat",
			},
			trainer.Epochs(100, "10"),
		},
		Goal: goal,
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, config{
				dim: s.Int("dim"), window: s.Int("window"), lr: s.Float("lr"),
				probe: s["probe"], epochs: s.Int("epochs"),
			})
		},
	}
}
