// Package sentiment is the course's lesson on reading a sentence's
// meaning: text classification of short reviews, positive or negative.
//
// The data are 2,619 sentences written for dlearn (engine/data/sentiment),
// each marked plain, negation ("the plot was not good", "never boring")
// or contrast ("the plot was dull but the acting was superb"). Two models
// are trained one after the other, each op by op through the engine's
// tape with Adam on batches of 32:
//
//  1. the bag of embeddings: each word's vector looked up, the vectors
//     averaged, one linear unit, the sigmoid's cross-entropy. Its logit
//     is the average of the words' votes u·e_w plus a bias, so word order
//     is invisible to it: "dull but superb" and "superb but dull" get the
//     same probability, and a negator cannot flip what follows it.
//  2. the sequence model: the same kind of vectors read in order by a GRU,
//     its states pooled by attention — scores s_t = h_t·w, padding masked,
//     α = softmax(s), h̄ = Σ α_t h_t — then the linear unit. At op
//     granularity the GRU goes one time step per op.
//
// The scenes show the words the model weighs (the bag's votes, the
// attention weights α per word as bars), the table of the test set's
// negation and contrast sentences with both models' predictions, and the
// accuracies per kind after every epoch. The goal is the sequence model's
// test accuracy; the lesson also measures and states that it beats the
// bag on the negation sentences.
package sentiment

import (
	"strconv"

	"github.com/dlearn/dlearn/engine/data/sentiment"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Showcase is the sentence the bars show at first: a contrast whose
// second clause carries it.
const Showcase = "the waiter was slow, but the pasta was perfect"

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	cases := testCases()
	ladder := make([]float64, len(cases))
	def := 0
	for i, k := range cases {
		ladder[i] = float64(i)
		if sentiment.MustLoad().Test[k].Text == Showcase {
			def = i
		}
	}
	return &lessons.Lesson{
		ID:        "sentiment",
		Title:     "Reading a sentence's meaning",
		Summary:   "Sentiment of short reviews: averaged word vectors miss \"not good\" and \"dull but superb\"; a GRU with attention pooling reads them — and shows which words it weighs.",
		Topics:    []string{"text classification", "sentiment analysis", "bag of embeddings", "GRU", "attention pooling", "negation", "word order"},
		Exercises: []string{"attnpool"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.02", 0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.3),
			{
				Name: "epochs", Label: "epochs", Kind: lessons.Int,
				Help: "passes over the 1,833 training sentences, for each model; restarts the run",
				Min:  1, Max: 40, Ladder: []float64{1, 2, 4, 6, 10, 20, 40},
				Default: "6", Restart: true,
			},
			{
				Name: "pool", Label: "pooling", Kind: lessons.Choice,
				Help:    "how the sequence model turns its GRU states into one vector: attention Σ α_t h_t, their mean, or the last state; restarts the run",
				Choices: []string{PoolAttention, PoolMean, PoolLast}, Default: PoolAttention, Restart: true,
			},
			{
				Name: "hidden", Label: "GRU units", Kind: lessons.Int,
				Help: "size of the GRU's hidden state; restarts the run",
				Min:  2, Max: 64, Ladder: []float64{2, 4, 8, 16, 32, 64},
				Default: "16", Restart: true,
			},
			{
				Name: "sentence", Label: "sentence shown", Kind: lessons.Int,
				Help: "which test sentence of the negation and contrast kinds the bars and the table show",
				Min:  0, Max: float64(len(cases) - 1), Ladder: ladder, Default: strconv.Itoa(def),
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			m := newMachine(seed, config{lr: s.Float("lr"), epochs: s.Int("epochs"), hidden: s.Int("hidden"), pool: s["pool"]})
			m.pick = s.Int("sentence")
			m.set = s.Clone()
			return m
		},
	}
}

// testCases are the indices in the test split of the negation and
// contrast sentences, in file order.
func testCases() []int {
	var out []int
	for i, ex := range sentiment.MustLoad().Test {
		if ex.Kind != sentiment.Plain {
			out = append(out, i)
		}
	}
	return out
}
