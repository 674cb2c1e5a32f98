package translate

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: at least 90% of the held-out dates
// translated exactly, every one of their ten characters right.
var goal = &lessons.Goal{
	Measure: "exact", Label: "held-out exact match", Unit: "%",
	Compare: lessons.AtLeast, Target: 90,
	// Without attention the whole date must pass through the encoder's
	// last state: more epochs or a higher rate barely help (8% exact after
	// 16 epochs), attention does. With attention on, the runtime's own
	// advice stands.
	Remedies: map[string]lessons.Remedy{
		lessons.CauseDescending: turnAttentionOn,
		lessons.CausePlateau:    turnAttentionOn,
	},
}

var turnAttentionOn = lessons.Remedy{Control: "attention", Value: "on",
	Why: "turn attention on: without it every output character is written from the encoder's last state alone"}

// lossWindow is how many training steps each point of the training-loss
// history averages: a quarter of an epoch, smooth enough not to mistake
// one batch's luck for a trend, with enough points in a short run.
const lossWindow = 8

// Measures implements lessons.Measurer, from the evaluations the run
// keeps (at the start, every EvalEvery steps and at the end): the share
// of held-out dates translated exactly in %, the share of saturated tanh
// units in the attention layer (the one layer of plain tanh units; the
// LSTM's gates are inside the engine's cell), the training loss as the mean
// batch loss of every lossWindow steps, and the held-out loss after every
// epoch.
func (m *machine) Measures() lessons.Measures {
	last := m.evals[len(m.evals)-1]
	ms := lessons.Measures{Values: map[string]float64{"exact": 100 * last.exact}}
	if m.cfg.attention {
		ms.Values[lessons.SignalSaturated] = last.saturated
	}
	for w := 0; (w+1)*lossWindow <= len(m.losses); w++ {
		ms.Loss = append(ms.Loss, mean(m.losses[w*lossWindow:(w+1)*lossWindow]))
	}
	per := NTrain / Batch
	for _, e := range m.evals[1:] {
		if e.step%per == 0 {
			ms.Val = append(ms.Val, e.loss)
		}
	}
	return ms
}

// Ask implements lessons.Questioner. Six moments: before the first step
// (the untrained model's loss); after the first and the fifth backward
// pass (Adam's largest change, as a multiple of the learning rate); before
// the third step's decoder writes held-out date #1's fifth character (what
// it will write); at the end of the middle epoch (which input character
// the decoder will weigh most when writing the month of another held-out
// date, one whose alignment is not on screen); and one step before the
// end of the next epoch (whether the measurement there meets the goal).
// Every answer comes from the run: the step's own loss (one op ahead), the
// update Adam makes from its state and the step's gradients, the greedy
// decoding with the current weights, and the evaluation one step ahead.
func (m *machine) Ask() *lessons.Ask {
	switch {
	case m.step == 0 && m.stage == ready:
		return m.askFirstLoss()
	case m.stage == backward && m.step+1 == 1:
		return m.askAdamFirst()
	case m.stage == backward && m.step+1 == adamChoiceStep:
		return m.askAdamLater()
	case m.step == nextCharStep && m.stage == decoding && m.revealed == nextCharPos-1:
		return m.askNextChar()
	case m.stepComplete() && m.step > 0 && m.step == m.monthStep() && m.cfg.attention:
		return m.askMonth()
	case m.stepComplete() && m.step > 0 && m.step+1 == m.goalStep():
		return m.askGoal()
	}
	return nil
}

// The moments of the questions asked inside a step, reached by a learner
// who walks the first steps op by op.
const (
	adamChoiceStep = 5
	nextCharStep   = 3
	nextCharPos    = 5 // the '-' after the year
)

// stepsPerEpoch is the number of training steps in one epoch.
const stepsPerEpoch = NTrain / Batch

// monthStep is the step that ends the middle epoch of the run.
func (m *machine) monthStep() int { return stepsPerEpoch * max(1, m.cfg.epochs/2) }

// goalStep is the step that ends the epoch after the middle one (or the
// last epoch), where the held-out dates are measured.
func (m *machine) goalStep() int { return stepsPerEpoch * min(m.cfg.epochs, m.cfg.epochs/2+1) }

// askFirstLoss: the untrained model's loss on the first batch, a number,
// read from the run one op ahead.
func (m *machine) askFirstLoss() *lessons.Ask {
	v := m.outV.Size()
	return &lessons.Ask{
		ID: "first-loss",
		Prompt: fmt.Sprintf("The weights are random. The first step's loss is the mean of −ln p(right character) over the %d×%d output positions of its batch, with %d output tokens to choose from. What will it be? (within 0.1)",
			Batch, outLen, v),
		Kind: scene.QuestionNumber, Tolerance: 0.1,
		Ahead: lessons.Op, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			l := f.(*machine).cur.loss.Item()
			ln := math.Log(float64(v))
			why := fmt.Sprintf("L = %s. Untrained, the output layer gives each of the %d tokens a probability near 1/%d, so −ln p ≈ ln %d = %s at every position; the small random weights move it a little from there",
				trainer.Num(l), v, v, v, trainer.Num(ln))
			if l > ln {
				why += " (upwards: a model that is confident at random does worse on average than one that spreads its probability evenly)"
			}
			return lessons.Resolution{Value: l, Explain: why + "."}
		},
	}
}

// nextUpdate returns the update Adam will make from its state and the
// current gradients, computed on copies of the parameters: m.params and
// the optimizer are not changed. It is the update the run's next op makes.
func (m *machine) nextUpdate() (largest float64) {
	remap := map[*autograd.Var]*autograd.Var{}
	copies := make([]*autograd.Var, len(m.params))
	for i, p := range m.params {
		c := autograd.NewParam(p.Name, p.Value.Clone())
		c.Grad = p.Grad
		remap[p], copies[i] = c, c
	}
	opt := m.opt.Clone(remap)
	opt.Step(copies)
	for _, c := range copies {
		if u := opt.LastUpdate(c); u != nil {
			for _, x := range u.Data {
				largest = max(largest, math.Abs(x))
			}
		}
	}
	return largest
}

// askAdamFirst: after the first backward pass, Adam's largest change as a
// multiple of the learning rate (exactly 1 at the first step).
func (m *machine) askAdamFirst() *lessons.Ask {
	return &lessons.Ask{
		ID: "adam-first",
		Prompt: fmt.Sprintf("Adam's first update comes next (learning rate %s). Its gradients range from tiny to large. What will the largest change of any single weight be, as a multiple of the learning rate? (within 0.1)",
			trainer.Num(m.opt.LR)),
		Kind: scene.QuestionNumber, Tolerance: 0.1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			big := e.nextUpdate()
			return lessons.Resolution{Value: big / e.opt.LR, Explain: fmt.Sprintf(
				"%s: the largest change is %s for lr %s. At the first step Adam's averages hold one gradient each, m̂ = g and √v̂ = |g|, so every weight moves by lr·|g|/(|g| + ε): the learning rate itself, whether its gradient was 10⁻⁴ or 10, unless it is as small as ε = 10⁻⁸.",
				trainer.Num(big/e.opt.LR), trainer.Num(big), trainer.Num(e.opt.LR))}
		},
	}
}

// askAdamLater: a few steps in, is Adam's largest change below, about or
// above the learning rate?
func (m *machine) askAdamLater() *lessons.Ask {
	return &lessons.Ask{
		ID: "adam-later",
		Prompt: fmt.Sprintf("Update %d comes next (learning rate %s). Adam now averages the gradients of %d steps. The largest change of any single weight will be…",
			adamChoiceStep, trainer.Num(m.opt.LR), adamChoiceStep),
		Kind:    scene.QuestionChoice,
		Choices: []string{"below 0.9 × lr", "between 0.9 and 1.1 × lr", "above 1.1 × lr"},
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			big := e.nextUpdate()
			r := big / e.opt.LR
			c := 1
			switch {
			case r < 0.9:
				c = 0
			case r > 1.1:
				c = 2
			}
			return lessons.Resolution{Choice: c, Explain: fmt.Sprintf(
				"The largest change is %s, %s × lr. Each weight moves by lr·m̂/(√v̂ + ε): about lr when its gradient keeps its size and sign, less when the sign flips (m̂ averages out, √v̂ does not), more when the gradient suddenly grows, because m̂ follows the last ten steps or so (β1 = 0.9) while √v̂ still remembers smaller gradients (β2 = 0.999).",
				trainer.Num(big), trainer.Num(r))}
		},
	}
}

// nextCharChoices are the kinds of token the decoder can write at a
// position whose target is the character t.
func nextCharChoices(t string) []string {
	kind := "another digit or '-'"
	if t == "-" {
		kind = "a digit"
	}
	return []string{"'" + t + "', the right character", kind, "a special token (<s>, </s>, <pad> or <unk>)"}
}

// askNextChar: before the decoder writes a character, which kind of token
// will it write? Answered from the greedy decoding with the current
// weights, which the next op reveals.
func (m *machine) askNextChar() *lessons.Ask {
	ex := m.held[m.show]
	want := ex.Out[nextCharPos-1 : nextCharPos]
	return &lessons.Ask{
		ID: "next-char",
		Prompt: fmt.Sprintf("After %d training steps the decoder writes held-out date #%d, %s, on its own. Before the output layer's softmax for character %d (the target is '%s'): what will it write?",
			m.step, m.show+1, ex.In, nextCharPos, want),
		Kind:    scene.QuestionChoice,
		Choices: nextCharChoices(want),
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			ex := e.held[e.show]
			tr := e.model.translate([][]int{ex.in}, outLen)[0]
			id, p := tr.ids[nextCharPos-1], tr.probs[nextCharPos-1]
			tok := e.outV.Token(id)
			c := 1
			switch {
			case id == ex.out[nextCharPos-1]:
				c = 0
			case id <= data.UnkID:
				c = 2
			}
			why := fmt.Sprintf("It writes '%s' with probability %s.", tok, trainer.Num(p))
			switch c {
			case 0:
				why += fmt.Sprintf(" Every target has '-' at positions 5 and 8: the same character at the same place in all %d training pairs is among the first things the decoder learns.", NTrain)
			case 2:
				why += " No target contains a special token, so training pushes their probabilities down; after so few steps one can still come out on top."
			default:
				why += fmt.Sprintf(" After %d steps the decoder has not yet tied position %d to '%s'.", e.step, nextCharPos, ex.Out[nextCharPos-1:nextCharPos])
			}
			return lessons.Resolution{Choice: c, Explain: why}
		},
	}
}

// monthExample is the held-out date the month question is about: the one
// after the displayed one, whose alignment is not on screen.
func (m *machine) monthExample() int { return (m.show + 1) % len(m.held) }

// askMonth: which part of another held-out date's input will the decoder
// weigh most when it writes the month's first digit? Answered from the
// greedy decoding with the current weights.
func (m *machine) askMonth() *lessons.Ask {
	k := m.monthExample()
	ex := m.held[k]
	y, mo, d, ok := dateSpans(ex.DatePair)
	if !ok {
		return nil
	}
	return &lessons.Ask{
		ID: "month-source",
		Prompt: fmt.Sprintf("Held-out date #%d is %q. When the decoder writes the month's first digit (output character 6), which input character will get the largest attention weight?",
			k+1, ex.In),
		Kind: scene.QuestionChoice,
		Choices: []string{
			fmt.Sprintf("one of the month, %q", mo.text(ex.In)),
			fmt.Sprintf("one of the day, %q", d.text(ex.In)),
			fmt.Sprintf("one of the year, %q", y.text(ex.In)),
			"another character (a separator, a space, the weekday…)",
		},
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			ex := e.held[k]
			tr := e.model.translate([][]int{ex.in}, outLen)[0]
			row := tr.attn[5]
			best := 0
			for j, w := range row {
				if w > row[best] {
					best = j
				}
			}
			in := func(s span) bool { return best >= s.lo && best < s.hi }
			c := 3
			switch {
			case in(mo):
				c = 0
			case in(d):
				c = 1
			case in(y):
				c = 2
			}
			why := fmt.Sprintf("'%s' at position %d gets %s of the weight; the month's characters together get %s.",
				label(ex.In[best:best+1]), best+1, pct(row[best]), pct(attentionOn(tr.attn, 5, 6, mo)))
			if c != 0 {
				why += " The encoder reads left to right, so its state at a character has read everything up to it: the month can be read from a character just after it, and the attention often peaks there."
			}
			return lessons.Resolution{Choice: c, Explain: why}
		},
	}
}

// askGoal: one step before the held-out dates are measured at the end of
// an epoch, will the measurement meet the goal? Answered from the run one
// step ahead.
func (m *machine) askGoal() *lessons.Ask {
	last := m.evals[len(m.evals)-1]
	return &lessons.Ask{
		ID: "goal-next",
		Prompt: fmt.Sprintf("The next step ends epoch %d, and the %d held-out dates are measured again (at step %d: %s translated exactly). Will at least %s%% be translated exactly?",
			m.epoch+1, len(m.held), last.step, pct(last.exact), trainer.Num(goal.Target)),
		Kind:    scene.QuestionChoice,
		Choices: []string{"yes", "no"},
		Ahead:   lessons.Step, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			ev := e.evals[len(e.evals)-1]
			if e.diverged {
				return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf("No: the run diverges at step %d.", e.divStep)}
			}
			c, word := 1, "No"
			if goal.Met(100 * ev.exact) {
				c, word = 0, "Yes"
			}
			return lessons.Resolution{Choice: c, Explain: fmt.Sprintf(
				"%s: at step %d, %s%% of the held-out dates are exact (year digits %s, month %s, day %s right).",
				word, ev.step, lessons.FormatNum(100*ev.exact), pct(mean(ev.perPos[0:4])), pct(mean(ev.perPos[5:7])), pct(mean(ev.perPos[8:10])))}
		},
	}
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one. A step here ends
// once the displayed date is decoded, after the update: the update has
// already counted the step (and the epoch it may end), so until the
// decoding is done they are reported one less.
func (m *machine) Progress() (step, epoch int) {
	step, epoch = m.step, m.epoch
	if !m.stepComplete() && (m.stage == updated || m.stage == decoding) {
		step--
		if m.next >= len(m.batches) {
			epoch--
		}
	}
	return step, epoch
}
