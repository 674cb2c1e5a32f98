package attention

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: part two's encoder reverses held-out
// sequences, at least 95% of their symbols right.
var goal = &lessons.Goal{
	Measure: "acc", Label: "reversal test accuracy", Unit: "%",
	Compare: lessons.AtLeast, Target: 95,
	// A plateau with the mask on is the mask's cap; with it off the
	// runtime's own advice stands.
	Remedies: map[string]lessons.Remedy{lessons.CausePlateau: {
		Control: "causal", Value: "off",
		Why: "turn the causal mask off: outputs 1–3 need inputs 6–4, which the mask hides from them",
	}},
}

// lossWindow is how many training steps each point of the training-loss
// history averages: half an epoch, so that a short run still has enough
// points to tell a falling loss from a flat one, and each point is smooth
// enough not to mistake one batch's luck for a trend.
const lossWindow = 8

// Measures implements lessons.Measurer, from the evaluations the run keeps
// (one before training, one after every epoch): the test accuracy in %,
// the share of dead ReLU units of the feed-forward layer, the training
// loss as the mean batch loss of every lossWindow steps, and the test loss
// after every epoch.
func (m *machine) Measures() lessons.Measures {
	last := m.evals[len(m.evals)-1]
	ms := lessons.Measures{Values: map[string]float64{
		"acc":              100 * last.Acc,
		lessons.SignalDead: last.Dead,
	}}
	for w := 0; (w+1)*lossWindow <= len(m.loop.Losses); w++ {
		s := 0.0
		for _, l := range m.loop.Losses[w*lossWindow : (w+1)*lossWindow] {
			s += l
		}
		ms.Loss = append(ms.Loss, s/lossWindow)
	}
	for _, e := range m.evals[1:] {
		ms.Val = append(ms.Val, e.Loss)
	}
	return ms
}

// Ask implements lessons.Questioner. Part one asks which key the focus
// query will weigh most (on the scores, before the softmax shows the
// weights) and what that weight will be (just before the softmax). Part
// two asks, before training, where output 3 will look once trained (read
// from the run moved on by a few epochs); in the first step's forward
// pass, how the untrained model's loss compares with ln 8; and after the first
// epoch, whether this attention (with or without the causal mask) can
// reach the goal at all.
func (m *machine) Ask() *lessons.Ask {
	if m.part1() {
		switch {
		case m.stage() == stageScores:
			return m.askKey()
		case m.stages[m.at+1] == stageSoftmax:
			return m.askWeight()
		}
		return nil
	}
	c := &m.loop.Cur
	switch {
	case m.loop.Step == 0 && c.Tape == nil && !m.loop.Done():
		return m.askMirror()
	case m.loop.Step == 0 && c.Phase == trainer.Forward && c.Fwd == c.Tape.Len()-1:
		return m.askLoss()
	case c.Phase == trainer.Updated && m.loop.EpochEnded() && m.loop.Epoch == 1:
		return m.askCap()
	}
	return nil
}

// visibleWords are the distinct words whose keys the focus query may see,
// in sentence order.
func (mc *mechanism) visibleWords() []string {
	var out []string
	seen := map[string]bool{}
	for k, w := range words {
		if !masked(mc.causal, Focus, k) && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// askKey: which key will the focus query attend to most? Answered from
// the scores the learner is looking at: the softmax is increasing, so the
// largest visible score gets the largest weight.
func (m *machine) askKey() *lessons.Ask {
	choices := m.mech.visibleWords()
	hidden := ""
	if m.mech.causal {
		hidden = fmt.Sprintf(" (the causal mask will hide the keys after position %d)", Focus+1)
	}
	return &lessons.Ask{
		ID: "key-most",
		Prompt: fmt.Sprintf("These are the scores of %s's query against every key%s. Which word will %s attend to most, once the softmax has turned the scores into weights?",
			words[Focus], hidden, words[Focus]),
		Kind:    scene.QuestionChoice,
		Choices: choices,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			mc := f.(*machine).mech
			n := len(words)
			best := -1
			for k := range n {
				if !masked(mc.causal, Focus, k) && (best < 0 || mc.S.Data[Focus*n+k] > mc.S.Data[Focus*n+best]) {
					best = k
				}
			}
			second := math.Inf(-1)
			for k := range n {
				if !masked(mc.causal, Focus, k) && words[k] != words[best] {
					second = math.Max(second, mc.S.Data[Focus*n+k])
				}
			}
			choice := 0
			for i, w := range choices {
				if w == words[best] {
					choice = i
				}
			}
			return lessons.Resolution{Choice: choice, Explain: fmt.Sprintf(
				"%s: its key scores %s, the largest in the row (next: %s). Scaling by 1/√%d and the softmax both keep the order of the scores, so the largest score gets the largest weight: %s.",
				words[best], trainer.Num(mc.S.Data[Focus*n+best]), trainer.Num(second), TinyDim, trainer.Num(mc.A.Data[Focus*n+best]))}
		},
	}
}

// askWeight: the softmax weight of the key the focus query weighs most,
// asked just before the softmax shows it, from the scaled scores on
// screen; answered by the softmax the run computed.
func (m *machine) askWeight() *lessons.Ask {
	key := words[m.mech.Key]
	return &lessons.Ask{
		ID:        "key-weight",
		Prompt:    fmt.Sprintf("From %s's scaled scores on screen, what weight will the softmax give to %s? (a number between 0 and 1, within 0.03)", words[Focus], key),
		Kind:      scene.QuestionNumber,
		Tolerance: 0.03,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			mc := f.(*machine).mech
			v := mc.view()
			var terms []string
			for _, it := range v.Exps {
				if !it.Masked {
					terms = append(terms, trainer.Num(it.Exp))
				}
			}
			return lessons.Resolution{Value: v.Weight, Explain: fmt.Sprintf(
				"Subtract the largest scaled score (%s) and exponentiate each: %s; they sum to %s, and %s's share is %s / %s = %s.",
				trainer.Num(v.Max), strings.Join(terms, ", "), trainer.Num(v.ExpSum), key,
				trainer.Num(math.Exp(v.Scaled-v.Max)), trainer.Num(v.ExpSum), trainer.Num(v.Weight))}
		},
	}
}

// mirrorEpochs is how many epochs ahead askMirror looks.
func (m *machine) mirrorEpochs() int { return min(5, m.loop.Epochs) }

// askMirror: before training, which input position will output 3 attend
// to most after a few epochs? Answered from a copy of this run trained
// those epochs: the attention of query 3 averaged over the heads and the
// test sequences.
func (m *machine) askMirror() *lessons.Ask {
	const out = 3
	n := m.mirrorEpochs()
	choices := make([]string, SeqLen)
	for j := range choices {
		choices[j] = fmt.Sprintf("input %d", j+1)
	}
	prompt := fmt.Sprintf("After %d epochs of training, which input position will output %d attend to most (averaged over the heads and the %d test sequences)?", n, out, NTest)
	if m.cfg.causal {
		prompt = fmt.Sprintf("The causal mask is on. After %d epochs of training, which input position will output %d attend to most (averaged over the heads and the %d test sequences)?", n, out, NTest)
	}
	return &lessons.Ask{
		ID: "output3", Prompt: prompt,
		Kind: scene.QuestionChoice, Choices: choices,
		Ahead: lessons.Epoch, AheadN: n,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			last := e.evals[len(e.evals)-1]
			row := last.Map[(out-1)*SeqLen : out*SeqLen]
			best := 0
			for j, w := range row {
				if w > row[best] {
					best = j
				}
			}
			mirror := SeqLen - out // 0-based index of input 7 − 3 = 4
			var why string
			switch {
			case e.loop.Diverged:
				why = fmt.Sprintf("The run diverged at step %d, so the attention never settles; after the last epoch it completed, input %d had the most weight (%s).",
					e.loop.DivStep, best+1, pct(row[best]))
			case best == mirror:
				why = fmt.Sprintf("Output %d must copy input %d, and attention learned to fetch it: %s of its weight sits there (spread evenly it would be %s). The test accuracy after epoch %d is %s.",
					out, mirror+1, pct(row[best]), pct(1.0/SeqLen), len(e.evals)-1, pct(last.Acc))
			case e.cfg.causal && mirror > out-1:
				why = fmt.Sprintf("Output %d would need input %d, but the mask hides every input after position %d; its weight goes to input %d (%s), and it can only guess its symbol.",
					out, mirror+1, out, best+1, pct(row[best]))
			default:
				why = fmt.Sprintf("Output %d needs input %d, but after %d epochs the model has not learned to look there yet: input %d has %s of the weight, input %d %s. Test accuracy: %s.",
					out, mirror+1, len(e.evals)-1, best+1, pct(row[best]), mirror+1, pct(row[mirror]), pct(last.Acc))
			}
			return lessons.Resolution{Choice: best, Explain: why}
		},
	}
}

// askLoss: in the first step's forward pass, just before the
// cross-entropy, will the untrained model's loss on this batch be below,
// about or above ln Vocab, the loss of a model that spreads its
// probability evenly? Answered from the loss the run recorded for the
// step.
func (m *machine) askLoss() *lessons.Ask {
	ln := math.Log(Vocab)
	return &lessons.Ask{
		ID: "first-loss",
		Prompt: fmt.Sprintf("Next, the cross-entropy of this untrained model on the batch: the mean of −ln p(target) over its %d×%d positions. A model that gives each of the %d symbols probability 1/%d would score ln %d = %s. This one?",
			Batch, SeqLen, Vocab, Vocab, Vocab, trainer.Num(ln)),
		Kind:    scene.QuestionChoice,
		Choices: []string{"below " + trainer.Num(ln), "about " + trainer.Num(ln) + " (within 0.05)", "above " + trainer.Num(ln)},
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			l := e.loop.Cur.Loss.Item()
			sd := spread(e.logits.Value.Data, Vocab)
			c := lessons.SignIndex(l-ln, 0.05)
			why := fmt.Sprintf("L = %s. The untrained classifier's %d scores at a position are not equal: they differ by %s on average (standard deviation within a position), so its softmax is confident at random. Averaged over targets it cannot know yet, random confidence costs more on the wrong symbols than it gains on the right one (the log of a sum of exponentials is at least ln %d plus the mean score), so the loss sits above ln %d.",
				trainer.Num(l), Vocab, trainer.Num(sd), Vocab, Vocab)
			if c != 2 {
				why = fmt.Sprintf("L = %s. The untrained classifier's %d scores at a position differ by only %s on average (standard deviation within a position), so its probabilities are close to 1/%d and the loss close to ln %d = %s.",
					trainer.Num(l), Vocab, trainer.Num(sd), Vocab, Vocab, trainer.Num(ln))
			}
			return lessons.Resolution{Choice: c, Explain: why}
		},
	}
}

// spread is the mean over rows of k values of their standard deviation.
func spread(xs []float64, k int) float64 {
	total := 0.0
	for r := 0; r+k <= len(xs); r += k {
		row := xs[r : r+k]
		mu := 0.0
		for _, x := range row {
			mu += x / float64(k)
		}
		v := 0.0
		for _, x := range row {
			v += (x - mu) * (x - mu) / float64(k)
		}
		total += math.Sqrt(v)
	}
	return total / float64(len(xs)/k)
}

// askCap: after the first epoch, can this attention reach the goal with
// enough training? Answered from the attention the run computes: an output
// whose mirror input gets exactly zero weight in every test sequence can
// only guess (1 in Vocab), which caps the accuracy.
func (m *machine) askCap() *lessons.Ask {
	mask := "off"
	if m.cfg.causal {
		mask = "on"
	}
	return &lessons.Ask{
		ID: "can-reach",
		Prompt: fmt.Sprintf("After one epoch the test accuracy is %s. With the causal mask %s, could this model reach %s%% with enough epochs?",
			pct(m.evals[len(m.evals)-1].Acc), mask, trainer.Num(goal.Target)),
		Kind:    scene.QuestionChoice,
		Choices: []string{"yes", "no"},
		Resolve: func(f lessons.Machine) lessons.Resolution {
			e := f.(*machine)
			blind, cap := e.blindOutputs()
			if goal.Met(100 * cap) {
				return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf(
					"Yes: every output gives its mirror input a weight above zero, so attention can learn to read it, and nothing caps the accuracy below 100%%. (This run gets %s after epoch 1.)",
					pct(e.evals[len(e.evals)-1].Acc))}
			}
			return lessons.Resolution{Choice: 1, Explain: fmt.Sprintf(
				"No: the mask gives outputs %s exactly zero weight on their mirror inputs, so those can only guess (right 1 time in %d on average). At best %d outputs right and %d at chance: (%d + %d/%d)/%d = %s to expect, far below %s%%.",
				blind.list(), Vocab, SeqLen-len(blind), len(blind), SeqLen-len(blind), len(blind), Vocab, SeqLen, pct(cap), trainer.Num(goal.Target))}
		},
	}
}

// positions is a list of 1-based positions.
type positions []int

func (p positions) list() string {
	s := make([]string, len(p))
	for i, x := range p {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// blindOutputs returns the outputs whose mirror input gets exactly zero
// attention weight in every head and test sequence of the last evaluation,
// and the accuracy that caps: the others all right, the blind ones right
// by chance.
func (m *machine) blindOutputs() (blind positions, cap float64) {
	last := m.evals[len(m.evals)-1]
	for i := range SeqLen {
		if last.Map[i*SeqLen+SeqLen-1-i] == 0 {
			blind = append(blind, i+1)
		}
	}
	k := float64(len(blind))
	return blind, (float64(SeqLen) - k + k/Vocab) / SeqLen
}

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one. Part one's stages
// count as steps before the first (−n … −1, reaching 0 at part two), since
// a step there moves one stage: a Step stops after each, as it does
// without questions.
func (m *machine) Progress() (step, epoch int) {
	if m.part1() {
		return m.at - (len(m.stages) - 1), 0
	}
	return m.loop.Step, m.loop.Epoch
}
