package textgen

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Ask implements lessons.Questioner. Three moments: before the first
// step (how wrong is an untrained model, in nats?), at the first step's
// attention weights (how many does the causal mask zero?) and at the end
// of the first epoch (what does a hotter sampler do to the words?).
func (m *machine) Ask() *lessons.Ask {
	c := &m.loop.Cur
	switch {
	case m.loop.Step == 0 && c.Tape == nil && !m.loop.Done():
		ppl := m.Measures().Values["val_ppl"]
		return &lessons.Ask{
			ID: "first-loss",
			Prompt: fmt.Sprintf("The untrained model has a validation perplexity of %s; guessing uniformly among the %d characters would give %d (loss ln %d = %s). "+
				"What will the loss of the first training batch be, in nats per character? (within 0.3)",
				trainer.Num(ppl), len(text.alphabet), len(text.alphabet), len(text.alphabet), trainer.Num(logf(float64(len(text.alphabet))))),
			Kind: scene.QuestionNumber, Tolerance: 0.3, Ahead: lessons.Op, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				l := f.(*machine).loop.Cur.Loss.Item()
				return lessons.Resolution{Value: l, Explain: fmt.Sprintf(
					"The first batch's loss is %s nats (perplexity %s), close to ln %s = %s of the validation text: loss = ln(perplexity). "+
						"It is above ln %d = %s because the untrained model is not uniform: its random scores are confident about the wrong characters, and −ln p punishes a confident mistake more than an honest shrug.",
					trainer.Num(l), trainer.Num(expf(l)), trainer.Num(ppl), trainer.Num(logf(ppl)), len(text.alphabet), trainer.Num(logf(float64(len(text.alphabet)))))}
			},
		}
	case m.loop.Step == 0 && c.Phase == trainer.Forward && isWeights(c.Tape.Nodes()[c.Fwd-1]):
		return &lessons.Ask{
			ID: "masked-zeros",
			Prompt: fmt.Sprintf("The softmax has just turned the masked scores into attention weights: for each of the %d windows and %d heads a %d×%d map. "+
				"How many of the %d weights in one map are exactly zero?", Batch, Heads, Ctx, Ctx, Ctx*Ctx),
			Kind: scene.QuestionNumber, Tolerance: 0.5,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				cur := &e.loop.Cur
				w := cur.Tape.Nodes()[cur.Fwd-1].Out.Value
				zeros := 0
				for _, x := range w.Data[:Ctx*Ctx] {
					if x == 0 {
						zeros++
					}
				}
				return lessons.Resolution{Value: float64(zeros), Explain: fmt.Sprintf(
					"%d: exactly the entries above the diagonal, 1 + 2 + … + %d = %d·%d/2, where the mask added −10⁹ and e^(−10⁹) underflows to 0. "+
						"The other %d (the diagonal and below) are all positive: a softmax never gives exactly 0 to a finite score.",
					zeros, Ctx-1, Ctx, Ctx-1, Ctx*Ctx-zeros)}
			},
		}
	case m.loop.Epoch == 1 && m.loop.Step == m.loop.StepsPerEpoch() && !m.loop.InStep():
		hot := 2.0
		if m.cfg.temperature >= hot {
			hot = 0.5
		}
		ev := m.evals[len(m.evals)-1]
		return &lessons.Ask{
			ID: "hotter-words",
			Prompt: fmt.Sprintf("After one epoch, %s of the words in a %d-character sample at temperature %s (top-%d) are words of the corpus. "+
				"The same model sampled at temperature %s, same top-k and same random numbers: will the share of real words be higher or lower?",
				pct(ev.WordRate), WordSample, trainer.Num(m.cfg.temperature), m.cfg.topK, trainer.Num(hot)),
			Kind: scene.QuestionChoice, Choices: []string{"higher", "lower"},
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				cfg := e.cfg
				defer func() { e.cfg = cfg }()
				e.cfg.temperature = hot
				s := e.generate(Prompt, WordSample, e.sampleRNG(e.loop.Step, 2))
				rate, n := WordRate(s[len(Prompt):], text.vocab)
				k := 1
				if rate > ev.WordRate {
					k = 0
				}
				return lessons.Resolution{Choice: k, Explain: fmt.Sprintf(
					"At temperature %s, %s of %d words are real (against %s at %s): %s. "+
						"Dividing the scores by τ > 1 flattens the distribution, so unlikely letters are drawn more often and words break; τ < 1 sharpens it towards the likeliest, most common spellings. The model is the same — only the reading-out changed.",
					trainer.Num(hot), pct(rate), n, pct(ev.WordRate), trainer.Num(cfg.temperature), quote(head(s, 120)))}
			},
		}
	}
	return nil
}

// isWeights reports whether n is the attention's softmax.
func isWeights(n *autograd.Node) bool { r, _ := role(n); return r == "weights" }
