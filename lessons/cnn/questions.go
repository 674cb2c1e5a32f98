package cnn

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// goal is what done means here: at least 95% of the held-out test digits
// read right at the end of the run.
var goal = &lessons.Goal{
	Measure: "test_acc", Label: "test accuracy", Unit: "%", Compare: lessons.AtLeast, Target: 95,
	Remedies: map[string]lessons.Remedy{
		// Dead channels stay dead: one rung down from a rate that killed
		// them (0.3 → 0.1) still loses a few. Back to the default.
		lessons.CauseDead: {Control: "lr", Value: "0.03"},
	},
}

// Measures implements lessons.Measurer from what the run has measured
// already (the test set is measured every evalEvery steps and at the end
// of every epoch, never here): the latest test accuracy in percent, the
// share of dead ReLU channels on the test set, the training loss as the
// mean batch loss of every stretch between two measurements, and the test
// loss at the end of every epoch.
func (m *machine) Measures() lessons.Measures {
	m.settle()
	e := m.lastEval()
	var val []float64
	for _, ev := range m.evals[1:] {
		if ev.Step%m.loop.StepsPerEpoch() == 0 {
			val = append(val, ev.Loss)
		}
	}
	return lessons.Measures{
		Values: map[string]float64{"test_acc": 100 * e.Acc, lessons.SignalDead: e.Dead},
		Loss:   m.lossCurve(),
		Val:    val,
	}
}

// lossCurve is the mean batch loss of each stretch of evalEvery steps
// (the last stretch may be shorter): single batch losses jump with the
// digits drawn, the means show the trend.
func (m *machine) lossCurve() []float64 {
	ls, k := m.loop.Losses, m.evalEvery()
	var out []float64
	for i := 0; i < len(ls); i += k {
		j := min(i+k, len(ls))
		s := 0.0
		for _, l := range ls[i:j] {
			s += l
		}
		out = append(out, s/float64(j-i))
	}
	return out
}

// verdict is the runtime's verdict on the run as it stands, for the
// finished narrative: the same diagnosis the status line shows.
func (m *machine) verdict() scene.Verdict {
	return lessons.Diagnose(Lesson(), m.Measures(), m.loop.Diverged, m.set)
}

// accBands are the choices of the question about the first measurement.
var accBands = []string{"below 30%", "30% to 60%", "60% to 90%", "90% or more"}

// accBand is the index in accBands of accuracy a (a fraction).
func accBand(a float64) int {
	switch {
	case a < 0.3:
		return 0
	case a < 0.6:
		return 1
	case a < 0.9:
		return 2
	}
	return 3
}

// Ask implements lessons.Questioner. Before training: the test accuracy
// after the first evalEvery steps. In the first step, walked op by op: the
// size of a2 once p1 is shown, the share of a2 that ReLU zeroes once a2 is
// shown, and the share of ∂L/∂h2 the max-pool's backward pass leaves zero.
// Before the last step of the run: whether the measurement after it will
// meet the goal.
func (m *machine) Ask() *lessons.Ask {
	c := &m.loop.Cur
	switch {
	case m.loop.Step == 0 && c.Tape == nil:
		return m.askFirstMeasurement()
	case m.loop.Step == 0 && c.Phase == trainer.Forward && c.Fwd == 3:
		return m.askA2Size()
	case m.loop.Step == 0 && c.Phase == trainer.Forward && c.Fwd == 4:
		return m.askReLUZeros()
	case m.loop.Step == 0 && c.Phase == trainer.Backward && len(c.Steps) == 4:
		return m.askPoolGrad()
	case c.Phase == trainer.Updated && !m.loop.Diverged && m.loop.Step == m.loop.Epochs*m.loop.StepsPerEpoch()-1:
		return m.askGoal()
	}
	return nil
}

func (m *machine) askFirstMeasurement() *lessons.Ask {
	n := m.evalEvery()
	acc0 := m.evals[0].Acc
	return &lessons.Ask{
		ID: fmt.Sprintf("acc@%d", n),
		Prompt: fmt.Sprintf("Untrained, the network reads %s of the %d test digits right. After the first %d training steps (%d digits, %s of the epoch), what will its test accuracy be?",
			pct(acc0), NTest, n, n*m.loop.Batch, fraction(n, m.loop.StepsPerEpoch())),
		Kind:    scene.QuestionChoice,
		Choices: accBands,
		Ahead:   lessons.Step, AheadN: n,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine)
			if a.loop.Diverged {
				return lessons.Resolution{Choice: 0, Explain: fmt.Sprintf("Below 25%%: at this learning rate the run diverges at step %d.", a.loop.DivStep)}
			}
			e := a.net.evaluate(a.test, a.loop.Step)
			band := accBand(e.Acc)
			why := ""
			if e.Acc < 0.2 {
				why = " That is hardly better than guessing (10%): the network has not learned to tell the digits apart."
			}
			return lessons.Resolution{Choice: band, Explain: fmt.Sprintf("%s after step %d (untrained: %s), when the network has seen %d of the %d training digits once.%s",
				pct(e.Acc), a.loop.Step, pct(acc0), a.loop.Step*a.loop.Batch, NTrain, why)}
		},
	}
}

// fraction writes n/d as "a tenth" when it is one, else as a percentage.
func fraction(n, d int) string {
	if d == 10*n {
		return "a tenth"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

func (m *machine) askA2Size() *lessons.Ask {
	f := m.net.f
	return &lessons.Ask{
		ID: "a2-size",
		Prompt: fmt.Sprintf("p1 holds %d×14×14 numbers per digit. conv2 has %d kernels, each %d×3×3, moved by 1 with a border of zeros 1 wide (padding 1). How many numbers will a2 = conv2(p1) hold per digit?",
			f, 2*f, f),
		Kind:  scene.QuestionNumber,
		Ahead: lessons.Op, AheadN: 1,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			a := mm.(*machine)
			nd := a.loop.Cur.Tape.Nodes()[a.loop.Cur.Fwd-1]
			sh := nd.Out.Value.Shape[1:]
			n := 1
			for _, d := range sh {
				n *= d
			}
			return lessons.Resolution{Value: float64(n), Explain: fmt.Sprintf(
				"%s is %s = %d per digit: each kernel reads all %d maps of p1 at once and makes one map, so there are as many maps as kernels (%d), and padding 1 keeps each map %d×%d.",
				nd.Out.Name, shapeText(sh), n, sh[0]/2, sh[0], sh[1], sh[2])}
		},
	}
}

func (m *machine) askReLUZeros() *lessons.Ask {
	return &lessons.Ask{
		ID:        "relu-zeros",
		Prompt:    "a2 is on screen (negative values one colour, positive the other). What percentage of a2's values, over the whole batch, will the ReLU h2 = max(0, a2) set to 0? (within 10)",
		Kind:      scene.QuestionNumber,
		Tolerance: 10,
		Ahead:     lessons.Op, AheadN: 1,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			a := mm.(*machine)
			h := a.loop.Cur.Tape.Nodes()[4].Out.Value
			z := share(h.Data, func(x float64) bool { return x == 0 })
			return lessons.Resolution{Value: round1(100 * z), Explain: fmt.Sprintf(
				"%s of the %d values of a2 are ≤ 0 and become 0 in h2; the other %s pass unchanged. Where a unit outputs 0 it also passes no gradient back.",
				pct(z), len(h.Data), pct(1-z))}
		},
	}
}

func (m *machine) askPoolGrad() *lessons.Ask {
	return &lessons.Ask{
		ID:        "pool-grad",
		Prompt:    "∂L/∂p2 is on screen. Next the gradient goes back through the 2×2 max-pool (stride 2) from p2 to h2. What percentage of ∂L/∂h2 will be exactly 0? (within 5)",
		Kind:      scene.QuestionNumber,
		Tolerance: 5,
		Ahead:     lessons.Op, AheadN: 1,
		Resolve: func(mm lessons.Machine) lessons.Resolution {
			a := mm.(*machine)
			st := a.loop.Cur.Steps[len(a.loop.Cur.Steps)-1]
			gp := st.Grads[0] // ∂L/∂h2, sent to the pool's input
			z := share(gp.Data, func(x float64) bool { return x == 0 })
			up := a.loop.Cur.Steps[len(a.loop.Cur.Steps)-2].Grads[0] // ∂L/∂p2
			why := ""
			if zu := share(up.Data, func(x float64) bool { return x == 0 }); zu > 0 {
				why = fmt.Sprintf(" The rest: %s of ∂L/∂p2 was already 0, and those windows have only 0 to pass on.", pct(zu))
			}
			return lessons.Resolution{Value: round1(100 * z), Explain: fmt.Sprintf(
				"%s of ∂L/∂h2 is 0. Each 2×2 window passed on only its largest value, so its gradient goes back to that one position and the other three get 0: 3 of every 4, 75%%.%s",
				pct(z), why)}
		},
	}
}

func (m *machine) askGoal() *lessons.Ask {
	m.settle()
	e := m.lastEval()
	total := m.loop.Epochs * m.loop.StepsPerEpoch()
	return &lessons.Ask{
		ID: fmt.Sprintf("goal@%d", total),
		Prompt: fmt.Sprintf("One step to go. The latest measurement, at step %d, read %s of the test digits right. After step %d the test set is measured again: will the run meet its goal, %s?",
			e.Step, pct(e.Acc), total, goal.Text()),
		Kind:    scene.QuestionChoice,
		Choices: []string{"yes", "no"},
		Ahead:   lessons.Step, AheadN: 1,
		Resolve: func(f lessons.Machine) lessons.Resolution {
			a := f.(*machine)
			fin := a.lastEval()
			if a.loop.Diverged || fin.Step != total {
				return lessons.Resolution{Choice: 1, Explain: "No: the last step diverged."}
			}
			ans, word := 1, "No"
			if goal.Met(100 * fin.Acc) {
				ans, word = 0, "Yes"
			}
			return lessons.Resolution{Choice: ans, Explain: fmt.Sprintf("%s: %s after step %d, against %s at step %d. Each test digit is %s of the set, so a handful of digits read differently moves the number by a percent or so.",
				word, pct(fin.Acc), total, pct(e.Acc), e.Step, pct(1/float64(NTest)))}
		},
	}
}

// round1 rounds to one decimal, as the answers are shown.
func round1(v float64) float64 { return math.Round(10*v) / 10 }

// ending reads the end of the run for the finished narrative: the
// runtime's own verdict (so the text and the status line agree), the dead
// channels behind a dead run, and the experiments the controls allow,
// chosen from where the run stands.
func (m *machine) ending(e evaluation) *ending {
	vd := m.verdict()
	end := &ending{Goal: goal.Text(), Met: vd.Success, Cause: vd.Cause, Why: vd.Explain, Try: vd.Try,
		Dead1: e.Dead1, Dead2: e.Dead2, Dead: e.Dead, OneClass: -1}
	for _, ev := range m.evals[1:] {
		if ev.Dead >= 0.5 {
			end.DeadAt = ev.Step
			break
		}
	}
	if len(e.preds) > 0 {
		end.OneClass = e.preds[0]
		for _, p := range e.preds {
			if p != end.OneClass {
				end.OneClass = -1
				break
			}
		}
		if end.OneClass >= 0 {
			n := 0
			for _, y := range m.test.Labels {
				if y == end.OneClass {
					n++
				}
			}
			end.OneShare = float64(n) / float64(len(m.test.Labels))
		}
	}
	end.Experiments = m.experiments(vd)
	return end
}

// paramCount is the number of parameters of the network with f filters.
func paramCount(f int) int { return f*9 + f + 2*f*f*9 + 2*f + 2*f*49*Classes + Classes }

// experiments are the changes worth trying next, each a sentence naming
// a control and a value: after a success, the ones that show what each
// part of the recipe contributes; after a miss, the ones that address its
// cause.
func (m *machine) experiments(vd scene.Verdict) []string {
	l := Lesson()
	lrc, _ := l.Control("lr")
	fc, _ := l.Control("filters")
	ec, _ := l.Control("epochs")
	lr, opt, f := m.set.Float("lr"), m.set["optimizer"], m.net.f
	var out []string
	if vd.Success {
		if fewer := fc.Next(m.set["filters"], -1); fewer != m.set["filters"] {
			k := int(num(fewer))
			out = append(out, fmt.Sprintf("**filters** %d: a network of %d parameters instead of %d. How much of the accuracy do the extra kernels buy?", k, paramCount(k), paramCount(f)))
		}
		switch opt {
		case "momentum":
			out = append(out, "**optimizer** sgd at the same rate: plain steps, without the speed momentum builds up along directions the gradient keeps pointing in. What is momentum worth in one epoch?")
		case "sgd":
			out = append(out, "**optimizer** momentum at the same rate: each step adds 0.9 of the previous one, so the network moves further along directions the gradient keeps pointing in.")
		}
		if up := lrc.Next(lrc.Next(m.set["lr"], 1), 1); up != m.set["lr"] && opt != "adam" {
			out = append(out, fmt.Sprintf("**learning rate** %s: watch, in the update blocks, the share of a2 that stays positive, and the verdict at the end.", up))
		}
		return out
	}
	switch vd.Cause {
	case lessons.CauseDead, lessons.CauseDiverged, lessons.CauseExploding:
		if opt == "adam" && lr > 0.003 {
			out = append(out, "with **optimizer** adam, a **learning rate** of 0.001 to 0.003: each Adam step moves a weight by about the learning rate (sometimes a few times more) whatever the size of its gradient, so Adam wants a much smaller rate than SGD.")
		}
		return out
	}
	// The verdict's own change is said once, before these.
	if opt == "sgd" && vd.Control != "optimizer" {
		out = append(out, "**optimizer** momentum at the same rate: each step adds 0.9 of the previous one, so the network moves further along directions the gradient keeps pointing in.")
	}
	if d := num(lrc.Default); lr < d && opt != "adam" && vd.Control != "lr" {
		out = append(out, fmt.Sprintf("**learning rate** %s, the default: steps %s times as large.", lrc.Default, trainer.Num(d/lr)))
	}
	if more := fc.Next(m.set["filters"], 1); more != m.set["filters"] && vd.Control != "filters" {
		k := int(num(more))
		out = append(out, fmt.Sprintf("**filters** %d: %d parameters instead of %d, more patterns for each layer to detect (each step takes longer).", k, paramCount(k), paramCount(f)))
	}
	if more := ec.Next(m.set["epochs"], 1); more != m.set["epochs"] && vd.Control != "epochs" {
		out = append(out, fmt.Sprintf("**epochs** %s: more passes over the same %d training digits (%s times as long).", more, NTrain, trainer.Num(num(more)/float64(m.loop.Epochs))))
	}
	return out
}

// num reads a control's value, validated by the runtime, as a number.
func num(s string) float64 { return lessons.Settings{"v": s}.Float("v") }

// Progress implements lessons.Progresser, so a learner moving by whole
// steps still stops at the questions asked inside one.
func (m *machine) Progress() (step, epoch int) { return m.loop.Step, m.loop.Epoch }
