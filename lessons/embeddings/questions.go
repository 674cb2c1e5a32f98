package embeddings

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: at least 40% of the topic words have a
// nearest neighbour (by cosine of their rows of E) of their own topic,
// where random vectors would give about 7%.
var goal = &lessons.Goal{
	Measure: "agree", Label: "same-topic nearest neighbours", Unit: "%",
	Compare: lessons.AtLeast, Target: 40,
	Remedies: map[string]lessons.Remedy{
		// One rung below an exploding rate (1 → 0.3) still blows up or
		// jumps about here; the default is the rate that works.
		lessons.CauseExploding: {Control: "lr", Value: "0.1"},
		lessons.CauseDiverged:  {Control: "lr", Value: "0.1"},
		// A plateau here is slow, uneven descent at the default rate
		// (more epochs reach the goal) or SGD's noise at a larger one.
		lessons.CausePlateau: {Why: "above the default learning rate 0.1, lower it (one pair at a time, large steps keep the loss jumping about); at 0.1 or below, raise the epochs (the loss over all pairs falls slowly and unevenly, and is still above the best possible)"},
	},
}

// Measures implements lessons.Measurer: the share of topic words whose
// nearest neighbour shares their topic, in %, and the loss over all pairs
// before training and after every epoch.
func (m *machine) Measures() lessons.Measures {
	loss := append([]float64{m.startLoss}, m.epochLoss...)
	return lessons.Measures{Values: map[string]float64{
		"agree": 100 * float64(m.agreement()) / float64(m.topicWord),
	}, Loss: loss}
}

// agreement is topicAgreement for the current parameters, computed once
// per training step: they change only at an update.
func (m *machine) agreement() int {
	key := m.loop.Step + 1
	if m.loop.Diverged {
		key = -key
	}
	if m.agreeAt != key {
		m.agreeAt, m.agreeN = key, m.topicAgreement()
	}
	return m.agreeN
}

// Ask implements lessons.Questioner. The moments: in the first step, once
// the scores z are computed (the probability the softmax will give the
// context word, a number) and once the loss is (the sign of ∂L/∂z at the
// model's favourite word, before the backward pass shows it); after the
// first epoch (can the loss over all pairs go below the best possible?);
// and before the last epoch (which word will end nearest the probe?).
func (m *machine) Ask() *lessons.Ask {
	l := &m.loop
	c := &l.Cur
	if l.Diverged || m.largest() > explodeAt {
		return nil
	}
	switch {
	case l.Step == 0 && c.Phase == trainer.Forward && c.Fwd == nodeZ+1:
		p := m.pair()
		nodes := c.Tape.Nodes()
		z, lp := nodes[nodeZ].Out.Value.Data, nodes[nodeLogP].Out.Value.Data
		centre, ctx := m.words.List[p.Center], m.words.List[p.Context]
		lse := z[0] - lp[0]
		// 5% of the answer, to one significant digit: the numbers in
		// the prompt are rounded to four.
		tol := math.Max(1e-4, oneDigit(0.05*math.Exp(lp[p.Context])))
		return &lessons.Ask{
			ID: "p-context",
			Prompt: fmt.Sprintf("The scores are computed: z[%s] = %s, and over all %d words log Σⱼ exp(zⱼ) = %s. What probability will the softmax give the context, p(%s | %s)? (within %s)",
				ctx, trainer.Num(z[p.Context]), m.words.Size(), trainer.Num(lse), ctx, centre, trainer.Num(tol)),
			Kind: scene.QuestionNumber, Tolerance: tol,
			Ahead: lessons.Op, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				lp := e.loop.Cur.Tape.Nodes()[nodeLogP].Out.Value.Data
				pt := math.Exp(lp[p.Context])
				return lessons.Resolution{Value: pt, Explain: fmt.Sprintf(
					"p = exp(z[%s] − log Σⱼ exp(zⱼ)) = exp(%s − %s) = exp(%s) = %s. A uniform guess would give 1/%d = %s; the best possible here, the corpus's own share of %s among %s's contexts, is %s.",
					ctx, trainer.Num(z[p.Context]), trainer.Num(lse), trainer.Num(lp[p.Context]), trainer.Num(pt),
					e.words.Size(), trainer.Num(1/float64(e.words.Size())), ctx, centre,
					trainer.Num(e.counts[p.Center*e.words.Size()+p.Context]/e.centreN[p.Center]))}
			},
		}
	case l.Step == 0 && c.Phase == trainer.Forward && c.Fwd == c.Tape.Len():
		p := m.pair()
		lp := c.Tape.Nodes()[nodeLogP].Out.Value.Data
		top := 0
		for j, x := range lp {
			if x > lp[top] {
				top = j
			}
		}
		word := m.words.List[top]
		return &lessons.Ask{
			ID: "dz-favourite",
			Prompt: fmt.Sprintf("L = −log p(%s | %s) is computed. The model's favourite word is \"%s\" (p = %s). What sign will ∂L/∂z have at \"%s\" — which way does the gradient push its score?",
				m.words.List[p.Context], m.words.List[p.Center], word, trainer.Num(math.Exp(lp[top])), word),
			Kind: scene.QuestionChoice, Choices: lessons.SignChoices,
			Ahead: lessons.Op, AheadN: 3,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				nodes := e.loop.Cur.Tape.Nodes()
				g := nodes[nodeZ].Out.Grad.Data
				pt := math.Exp(nodes[nodeLogP].Out.Value.Data[p.Context])
				why := fmt.Sprintf("∂L/∂z = p − onehot(%s). \"%s\" is not the context, so its entry is its own probability, %s: positive. Gradient descent lowers the favourite's score; at the context it is %s − 1 = %s, so that score goes up.",
					e.words.List[p.Context], word, trainer.Num(g[top]), trainer.Num(pt), trainer.Num(g[p.Context]))
				if top == p.Context {
					why = fmt.Sprintf("∂L/∂z = p − onehot(%s), and the favourite is the context itself: %s − 1 = %s, negative — descent raises its score further.",
						word, trainer.Num(pt), trainer.Num(g[top]))
				}
				return lessons.Resolution{Choice: lessons.SignIndex(g[top], 0), Explain: why}
			},
		}
	case c.Phase == trainer.Updated && l.EpochEnded() && l.Epoch == 1 && l.Epochs >= 3:
		now := m.epochLoss[0]
		return &lessons.Ask{
			ID: "below-best",
			Prompt: fmt.Sprintf("After epoch 1 the loss over all %d pairs is %s; the best possible is %s. After one more epoch, will it be below %s?",
				len(m.pairs), trainer.Num(now), trainer.Num(m.bestLoss), trainer.Num(m.bestLoss)),
			Kind: scene.QuestionChoice, Choices: []string{"yes", "no"},
			Ahead: lessons.Epoch, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				if len(e.epochLoss) < 2 || !trainer.Finite(e.epochLoss[1]) {
					return lessons.Resolution{Choice: 1, Explain: "No: the run blew up during epoch 2."}
				}
				next := e.epochLoss[1]
				if next < e.bestLoss {
					return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf("Yes: after epoch 2 it is %s < %s.", trainer.Num(next), trainer.Num(e.bestLoss))}
				}
				return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf(
					"No: after epoch 2 it is %s, still ≥ %s, and no model or setting can go lower. The loss over all pairs is the corpus's own conditional entropy of the context given the centre (%s) plus how far the model's p(·|c) is from the corpus's context shares — a KL divergence, never negative. One pair's loss can be far lower; the average cannot.",
					trainer.Num(next), trainer.Num(e.bestLoss), trainer.Num(e.bestLoss))}
			},
		}
	case c.Phase == trainer.Updated && l.EpochEnded() && l.Epoch == l.Epochs-1 && l.Epochs >= 2:
		probe := m.words.Index[m.probe]
		var choices []string
		for _, n := range m.neighbours(probe, 3) {
			choices = append(choices, m.words.List[n.id])
		}
		choices = append(choices, "another word")
		name := m.probe
		return &lessons.Ask{
			ID:     "nearest-" + name,
			Prompt: fmt.Sprintf("One epoch to go. Which word will be nearest to \"%s\" (by cosine) when the run ends? Now the nearest are %s.", name, m.probeList(probe, 3)),
			Kind:   scene.QuestionChoice, Choices: choices,
			Ahead: lessons.Epoch, AheadN: 1,
			Resolve: func(f lessons.Machine) lessons.Resolution {
				e := f.(*machine)
				n := e.neighbours(probe, 1)[0]
				w := e.words.List[n.id]
				ch := slices.Index(choices, w)
				if ch < 0 {
					ch = len(choices) - 1
				}
				moved := "It was nearest already: the last epoch kept the order at the top."
				if w != choices[0] {
					moved = fmt.Sprintf("One epoch was enough to pass \"%s\": rows of E still move every time their word is a centre.", choices[0])
				}
				return lessons.Resolution{Choice: ch, Explain: fmt.Sprintf(
					"After the last epoch the nearest to \"%s\" is \"%s\" (cosine %s); the nearest three are %s. %s Words that share contexts get gradients towards the same output vectors, so their rows of E drift together.",
					name, w, trainer.Num(n.cos), e.probeList(probe, 3), moved)}
			},
		}
	}
	return nil
}

// probeList is word id's k nearest neighbours with their cosines.
func (m *machine) probeList(id, k int) string {
	s := ""
	for i, n := range m.neighbours(id, k) {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s (%s)", m.words.List[n.id], trainer.Num(n.cos))
	}
	return s
}

// oneDigit rounds v > 0 to one significant digit.
func oneDigit(v float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(v)))
	return math.Round(v/e) * e
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one.
func (m *machine) Progress() (step, epoch int) { return m.loop.Step, m.loop.Epoch }
