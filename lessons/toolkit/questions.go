package toolkit

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Ask implements lessons.Questioner: three predictions, each before the
// run shows its answer.
func (m *machine) Ask() *lessons.Ask {
	switch {
	case m.at == stageInit:
		return m.askDepth()
	case m.at == stageSurvey:
		return m.askGradDepth()
	case m.at == stageSurface:
		return m.askConverge()
	case m.at == stageTrain && m.loop.Step == 0 && m.loop.Cur.Tape == nil && !m.loop.Done():
		return m.askFirstEpoch()
	}
	return nil
}

// depthChoices are the answers to the depth question; depthIndex picks
// one from the ratio of the ninth hidden layer's spread to the first's.
var depthChoices = []string{
	"about the same (between 1/3 and 3 times)",
	"much smaller (under 1/3 of it)",
	"much larger (over 3 times it)",
	"exactly zero: no signal at all",
}

func depthIndex(first, last float64) int {
	switch {
	case first == 0 || last == 0:
		return 3
	case last/first < 1.0/3:
		return 1
	case last/first > 3:
		return 2
	}
	return 0
}

// askDepth: with the run's initialisation, how does the spread of the
// last hidden layer compare with the first's? Answered by the survey.
func (m *machine) askDepth() *lessons.Ask {
	return &lessons.Ask{
		ID: "depth-spread",
		Prompt: fmt.Sprintf("The network starts from %s. One batch of digits goes through its nine hidden ReLU layers. "+
			"The standard deviation of the activations in hidden layer 9, compared with layer 1, is:", initLabel[m.cfg.init]),
		Kind: scene.QuestionChoice, Choices: depthChoices,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			m := mm.(*machine)
			i := m.survey.of(m.cfg.init)
			a := m.survey.act[i]
			first, last := a[0], a[len(a)-1]
			why := fmt.Sprintf("Measured on %d digits: std %s in layer 1, %s in layer 9. ", SurveyBatch, trainer.Num(first), trainer.Num(last))
			switch depthIndex(first, last) {
			case 3:
				why += "With every weight and bias zero, every layer outputs exactly 0, and so does every unit's gradient with respect to its weights: nothing can change."
			case 1:
				why += fmt.Sprintf("Each layer multiplies the spread by about %s: a weight's spread times √(fan-in/2) for a ReLU layer, below 1 here, so the signal shrinks geometrically with depth.", trainer.Num(ratioPerLayer(a)))
			case 2:
				why += fmt.Sprintf("Each layer multiplies the spread by about %s: a weight's spread times √(fan-in/2), above 1 here, so the signal grows geometrically with depth.", trainer.Num(ratioPerLayer(a)))
			default:
				why += "The weights' variance, times the fan-in, times ½ for the half of the inputs a ReLU zeroes, is close to 1, so each layer passes on a signal of the same size."
			}
			return lessons.Resolution{Choice: depthIndex(first, last), Explain: why}
		},
	}
}

// gradChoices are the answers to the gradient question, indexed as
// depthIndex's (from layer 9 back to layer 1).
var gradChoices = []string{
	"about the same (between 1/3 and 3 times)",
	"much smaller (under 1/3 of it)",
	"much larger (over 3 times it)",
	"exactly zero: no gradient at all",
}

// askGradDepth: the gradient on its way back, from layer 9 to layer 1,
// predicted after seeing the activations. Answered by the survey.
func (m *machine) askGradDepth() *lessons.Ask {
	return &lessons.Ask{
		ID: "grad-spread",
		Prompt: fmt.Sprintf("Now backwards: the loss's gradient dL/dh flows from hidden layer 9 back to layer 1 of the network started from %s. "+
			"Its standard deviation at layer 1, compared with layer 9, is:", initLabel[m.cfg.init]),
		Kind: scene.QuestionChoice, Choices: gradChoices,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			m := mm.(*machine)
			g := m.survey.grad[m.survey.of(m.cfg.init)]
			at9, at1 := g[len(g)-1], g[0]
			i := depthIndex(at9, at1)
			why := fmt.Sprintf("Measured: std %s at layer 9, %s at layer 1. ", trainer.Num(at9), trainer.Num(at1))
			switch i {
			case 3:
				why += "With zero weights nothing flows back: the gradient with respect to a layer's input is the gradient at its output times its weights, here 0."
			case 1:
				why += "On its way back each layer multiplies the gradient by its weights (transposed) and by the ReLU's 0 or 1: the same kind of factor as forward, below 1 here, so the first layers get almost nothing — they cannot learn."
			case 2:
				why += "On its way back each layer multiplies the gradient by its weights (transposed) and by the ReLU's 0 or 1: the same kind of factor as forward, above 1 here, so the first layers get enormous updates."
			default:
				why += "On its way back each layer multiplies the gradient by its weights (transposed) and by the ReLU's 0 or 1; with He's scale that factor is close to 1, so every layer gets a gradient of a usable size."
			}
			return lessons.Resolution{Choice: i, Explain: why}
		},
	}
}

// ratioPerLayer is the geometric mean factor from layer 1 to the last.
func ratioPerLayer(a []float64) float64 {
	if a[0] == 0 {
		return 0
	}
	return math.Pow(a[len(a)-1]/a[0], 1/float64(len(a)-1))
}

var convergeChoices = []string{"converge to the minimum", "diverge"}

// askConverge: at the linear model's rate, does gradient descent on the
// raw inputs converge? Answered by the path itself.
func (m *machine) askConverge() *lessons.Ask {
	return &lessons.Ask{
		ID: "raw-converges",
		Prompt: fmt.Sprintf("Gradient descent on the linear model with the raw inputs, learning rate %s, from (w, b) = (0, 0): "+
			"in %d steps it will…", trainer.Num(m.cfg.lrLin), PathSteps),
		Kind: scene.QuestionChoice, Choices: convergeChoices,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			m := mm.(*machine)
			s, lr := m.raw, m.cfg.lrLin
			_, steep := s.factors(lr)
			choice, why := 0, fmt.Sprintf("λmax = %s, so the largest stable rate is 2/λmax = %s. At %s each step multiplies the error along the steepest direction by 1 − lr·λmax = %s, ",
				trainer.Num(s.lmax), trainer.Num(s.limit), trainer.Num(lr), trainer.Num(1-lr*s.lmax))
			if s.diverged || steep > 1 {
				choice = 1
				why += fmt.Sprintf("whose size %s is above 1: the error grows every step and the loss reached %s.", trainer.Num(steep), trainer.Num(s.final()))
			} else {
				why += fmt.Sprintf("whose size %s is below 1: the error shrinks, and the loss is %s after %d steps (minimum %s).", trainer.Num(steep), trainer.Num(s.final()), PathSteps, trainer.Num(s.lossOpt))
			}
			return lessons.Resolution{Choice: choice, Explain: why}
		},
	}
}

// askFirstEpoch: the test accuracy after the first epoch, read from a copy
// of the run moved on by one epoch.
func (m *machine) askFirstEpoch() *lessons.Ask {
	return &lessons.Ask{
		ID: "first-epoch-acc",
		Prompt: fmt.Sprintf("Training starts (%s, batch normalisation %s, %s pixels). After the first epoch (%d steps), what will the test accuracy be, in %%? (within 10)",
			initLabel[m.cfg.init], onOff(m.cfg.bn), inputsName(m.cfg.standard), m.loop.StepsPerEpoch()),
		Kind: scene.QuestionNumber, Tolerance: 10,
		Ahead: lessons.Epoch, AheadN: 1,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			m := mm.(*machine)
			if m.loop.Diverged || len(m.hist.testAcc) < 2 {
				return lessons.Resolution{Value: 100 * m.hist.testAcc[len(m.hist.testAcc)-1],
					Explain: fmt.Sprintf("The run diverged at step %d: a loss or a weight became infinite, and the network still answers as it did before training.", m.loop.DivStep)}
			}
			acc := 100 * m.hist.testAcc[1]
			why := fmt.Sprintf("%s%% after one epoch, from %s%% before training (chance among ten digits is 10%%). ", trainer.Num(acc), trainer.Num(100*m.hist.testAcc[0]))
			if g := m.hist.gradStd; g != nil {
				why += fmt.Sprintf("In the epoch's last step the gradient dL/dh had std %s at layer 9 and %s at layer 1", trainer.Num(g[len(g)-1]), trainer.Num(g[0]))
				if g[0] == 0 {
					why += ": none reaches the first layer, so it cannot learn."
				} else {
					why += fmt.Sprintf(": %s times its size at layer 9 by the time it reaches the first layer.", trainer.Num(g[0]/g[len(g)-1]))
				}
			}
			return lessons.Resolution{Value: acc, Explain: why}
		},
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func inputsName(standard bool) string {
	if standard {
		return "standardised"
	}
	return "raw"
}
