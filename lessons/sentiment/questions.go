package sentiment

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/engine/data/sentiment"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// GoalAccuracy is the sequence model's test accuracy the lesson asks for.
const GoalAccuracy = 0.85

// goal: the sequence model reads at least 85% of the 395 test sentences
// right. (The bag of embeddings, which cannot see word order, stays near
// 60%: it gets most negation and contrast sentences wrong.)
var goal = &lessons.Goal{
	Measure: "seq_test_acc", Label: "test accuracy of the sequence model",
	Compare: lessons.AtLeast, Target: GoalAccuracy,
	Remedies: map[string]lessons.Remedy{
		lessons.CausePlateau: {Control: "pool", Value: PoolAttention,
			Why: "pool the GRU's states by attention: the state after the last word or their plain mean dilutes the clause that carries the sentence"},
	},
}

// The contrast pair of the question on word order: the same words, the
// clauses the other way round (both are hand-written sentences of the
// data, labelled pos and neg).
const (
	pairA = "the plot was dull but the acting was superb"
	pairB = "the acting was superb but the plot was dull"
)

// Ask implements lessons.Questioner. Four moments: in the bag model's
// first step, when the average x̄ is revealed (what logit follows from the
// words' votes?); between the two models (what does the bag say when the
// clauses swap?); in the sequence model's first step, before the softmax
// (what weight will the largest score get?); and before the sequence
// model's last epoch (which word will it weigh most?).
func (m *machine) Ask() *lessons.Ask {
	switch {
	case m.inBag():
		if l := &m.bagLoop; l.Step == 0 && l.Cur.Phase == trainer.Forward && m.revealed() == "x̄" {
			return m.askBagLogit()
		}
	case m.seqLoop.Step == 0 && !m.seqLoop.InStep() && !m.Done():
		return m.askSwap()
	case m.cfg.pool == PoolAttention && m.seqLoop.Step == 0 && m.seqLoop.Cur.Phase == trainer.Forward && m.revealed() == "s+mask":
		return m.askSoftmax()
	case m.cfg.pool == PoolAttention && m.seqLoop.Epochs > 1 && m.seqLoop.Epoch == m.seqLoop.Epochs-1 &&
		m.seqLoop.Step > 0 && m.seqLoop.EpochEnded() && !m.Done():
		return m.askTopWord()
	}
	return nil
}

// revealed is the name of the forward node revealed last.
func (m *machine) revealed() string {
	c := &m.loop().Cur
	if c.Tape == nil || c.Phase != trainer.Forward {
		return ""
	}
	return c.Tape.Nodes()[c.Fwd-1].Out.Name
}

// askBagLogit: the first sentence of the batch, its words' votes u·e_w
// and the bias c; the logit is their average plus c.
func (m *machine) askBagLogit() *lessons.Ask {
	r := m.rec
	ex := m.data.Train[r.b.rows[0]]
	votes := m.bag.wordScores()
	ids := m.vocab.Encode(ex.Tokens)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s %s", ex.Tokens[i], trainer.Num(votes[id]))
	}
	c := m.bag.out.B.Value.Data[0]
	return &lessons.Ask{
		ID: "bag-logit",
		Prompt: fmt.Sprintf("The bag model has averaged the word vectors of the batch's first sentence, \"%s\". "+
			"Each word's vote u·e is: %s; the bias c = %s. What logit z will the model give this sentence? (within 0.01)",
			ex.Text, strings.Join(parts, ", "), trainer.Num(c)),
		Kind: scene.QuestionNumber, Tolerance: 0.01,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			fm := f.(*machine)
			z := fm.rec.logit.Value.Data[0]
			return lessons.Resolution{Value: z, Explain: fmt.Sprintf(
				"z = x̄·u + c = (1/%d)·Σ u·e + c = %s. The product with u is linear, so the average of the vectors times u is the average of the words' votes: "+
					"every word counts 1/%d, wherever it stands.", len(ids), trainer.Num(z), len(ids))}
		},
	}
}

// askSwap: the trained bag model's probability for one order of the
// contrast pair, asked for the other.
func (m *machine) askSwap() *lessons.Ask {
	pa := m.bagProb(pairA)
	return &lessons.Ask{
		ID: "bag-swap",
		Prompt: fmt.Sprintf("The bag model is trained. It gives \"%s\" (a positive review) p(positive) = %s. "+
			"What will it give \"%s\" (a negative one)? (within 0.01)", pairA, trainer.Num(pa), pairB),
		Kind: scene.QuestionNumber, Tolerance: 0.01,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			fm := f.(*machine)
			pb := fm.bagProb(pairB)
			return lessons.Resolution{Value: pb, Explain: fmt.Sprintf(
				"p = %s, the same as before: the two sentences have the same words, so the same average and the same logit. "+
					"Whatever it learns, a bag of words gives both orders one answer — and one of the two is wrong.", trainer.Num(pb))}
		},
	}
}

// bagProb is the bag model's p(positive) for a sentence.
func (m *machine) bagProb(text string) float64 {
	return evaluate(m.bag, m.vocab, []sentiment.Example{{Text: text, Tokens: sentiment.Tokens(text)}}).prob[0]
}

// askSoftmax: the attention scores of the batch's first sentence; the
// weight of its highest-scoring word.
func (m *machine) askSoftmax() *lessons.Ask {
	r := m.rec
	ex := m.data.Train[r.b.rows[0]]
	n := r.b.lens[0]
	s := r.scores.Value.Data[:n]
	top := 0
	parts := make([]string, n)
	for t := range n {
		if s[t] > s[top] {
			top = t
		}
		parts[t] = fmt.Sprintf("%s %s", ex.Tokens[t], trainer.Num(s[t]))
	}
	return &lessons.Ask{
		ID: "attn-softmax",
		Prompt: fmt.Sprintf("The attention scores s_t = h_t·w of the batch's first sentence, \"%s\", are: %s. "+
			"Next, α = softmax(s) over its %d words (the padding after them is masked out). What weight α will \"%s\" (word %d) get? (within 0.01)",
			ex.Text, strings.Join(parts, ", "), n, ex.Tokens[top], top+1),
		Kind: scene.QuestionNumber, Tolerance: 0.01,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			fm := f.(*machine)
			a := fm.rec.alpha.Value.Data[top]
			sum := 0.0
			for t := range n {
				sum += math.Exp(s[t] - s[top])
			}
			return lessons.Resolution{Value: a, Explain: fmt.Sprintf(
				"α = e^{s}/Σ e^{s_t} = 1/%s = %s. Untrained, the scores are close together, so the weights are close to 1/%d = %s: "+
					"attention starts as an average and learns to pick.", trainer.Num(sum), trainer.Num(a), n, trainer.Num(1/float64(n)))}
		},
	}
}

// askTopWord: before the last epoch, which word of the sentence shown
// the attention will weigh most once it is over.
func (m *machine) askTopWord() *lessons.Ask {
	ex := m.data.Test[m.cases[m.pick]]
	choices := make([]string, len(ex.Tokens))
	for i, w := range ex.Tokens {
		choices[i] = fmt.Sprintf("%d %s", i+1, w)
	}
	cur := m.seqNow().weights[m.cases[m.pick]]
	return &lessons.Ask{
		ID: "attn-top",
		Prompt: fmt.Sprintf("One epoch to go. After it, which word of \"%s\" will the attention weigh most? (Now: \"%s\" with α = %s.)",
			ex.Text, ex.Tokens[argmax(cur)], trainer.Num(cur[argmax(cur)])),
		Kind: scene.QuestionChoice, Choices: choices,
		Ahead: lessons.Epoch, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			fm := f.(*machine)
			w := fm.seqNow().weights[fm.cases[fm.pick]]
			k := argmax(w)
			return lessons.Resolution{Choice: k, Explain: fmt.Sprintf(
				"\"%s\" gets α = %s of the pooled vector. The GRU's state at a word already holds what came before it (a \"not\", a \"but\"), "+
					"so the weight can fall on the word that settles the sentence.", ex.Tokens[k], trainer.Num(w[k]))}
		},
	}
}

func argmax(xs []float64) int {
	k := 0
	for i, x := range xs {
		if x > xs[k] {
			k = i
		}
	}
	return k
}
