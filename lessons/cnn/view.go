package cnn

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// view is what the narrative templates read: the run's settings and
// counters, the shapes, and the numbers of the moment (one position of a
// convolution, one pooling window, the first digit's scores and gradient,
// the inspected digit's saliency checks).
type view struct {
	MNIST                         bool
	Note, GoalText, Origin        string
	NTrain, NTest, F, F2, Flat    int
	Params1, Params2, Params3     int
	ParamsAll, DenseEquiv, K2     int
	Arch                          string // the layers as an indented table
	Batch, Step, Epoch, Epochs    int
	TotalSteps, StepsPerEpoch     int
	DivStep, EvalStep, EvalEvery  int
	LR, Acc, Acc0, TestLoss, Loss float64
	Opt                           string
	EpochEnd, Stuck               bool
	Alive                         float64 // share of a2 > 0 in the batch

	// The current step, for the batch's first digit x[0].
	Row, Label int
	// One position of a convolution or pooling window: channel 1 at
	// (R, C), the weighted sum without the bias, the bias and the output;
	// Win are the pooling window's four inputs.
	R, C               int
	Sum, Bias, Out     float64
	Win                [4]float64
	Zeros, Kept        float64 // share of zeros sent back / kept
	Top, TopNext       int     // highest and second-highest score's class
	STop, SLabel, PTop float64 // their scores; PTop = p of the top class
	PLabel, NegLog     float64 // p of the true class and −log of it
	DSLabel            float64 // ∂L/∂s of the true class, (p − 1)/n
	// Going backward through a convolution: its gradients in numbers.
	Conv *convGrad

	// The inspected test digit.
	Digit, DigitLabel, Pred int
	DigitProb               float64
	Ex                      *explanation // nil inside a step and once diverged
	Wrong                   int
	Confused                string // the most frequent confusion "4 read as 9"
	ConfusedN               int

	// The end of the run: the goal, the runtime's verdict on it, the
	// dead channels behind it and the experiments to try next.
	End *ending
}

// ending is what the finished narrative says about the run's result.
type ending struct {
	Goal, Cause, Why, Try string
	Met                   bool
	// Dead1 and Dead2 are the channels of conv1 and conv2 whose ReLU
	// output is 0 for every test digit; DeadAt is the first measurement
	// at which at least half of all channels were dead.
	Dead1, Dead2, DeadAt int
	Dead                 float64
	// OneClass is the class the network answers for every test digit
	// (−1 when its answers differ) and OneShare that class's share of the
	// test digits.
	OneClass int
	OneShare float64
	// Try are the experiments the controls allow, chosen from the run.
	Experiments []string
}

func (m *machine) view(phase string) view {
	f := m.net.f
	e := m.lastEval()
	v := view{
		MNIST: m.train.Source == "mnist", Note: m.train.Note, Origin: m.train.Origin, GoalText: "test accuracy is at least " + lessons.FormatNum(goal.Target) + goal.Unit,
		NTrain: m.train.Len(), NTest: m.test.Len(), F: f, F2: 2 * f, Flat: 2 * f * 49,
		Params1: f*9 + f, Params2: 2*f*f*9 + 2*f, Params3: 2*f*49*Classes + Classes,
		Batch: m.loop.Batch, Step: m.loop.Step, Epoch: m.loop.Epoch, Epochs: m.loop.Epochs,
		TotalSteps: m.loop.Epochs * m.loop.StepsPerEpoch(), StepsPerEpoch: m.loop.StepsPerEpoch(),
		DivStep: m.loop.DivStep, EvalStep: e.Step, EvalEvery: m.evalEvery(),
		LR: m.opt.LearningRate(), Opt: m.opt.Name(), Acc: e.Acc, Acc0: m.evals[0].Acc, TestLoss: e.Loss,
		Digit: m.inspect, DigitLabel: m.test.Labels[m.inspect],
	}
	v.ParamsAll = v.Params1 + v.Params2 + v.Params3
	v.DenseEquiv, v.K2 = 784*f*784, f*9
	v.Arch = architecture(f, v.Params1, v.Params2, v.Params3)
	v.Opt = map[string]string{"sgd": "SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}[v.Opt]
	cur := &m.loop.Cur
	if cur.Tape != nil {
		v.Row, v.Label, v.Loss = m.loop.Rows[0], m.yb[0], cur.Loss.Item()
		v.Batch = len(m.loop.Rows)
		v.Alive = m.alive
		if cur.Phase != trainer.Updated {
			v.Alive = share(cur.Tape.Nodes()[3].Out.Value.Data, func(x float64) bool { return x > 0 })
		}
		v.Stuck = v.Step >= 10 && v.Alive < 0.01
		v.EpochEnd = m.loop.EpochEnded()
	}
	switch phase {
	case "forward", "backward":
		m.stepNumbers(&v)
	case "diverged":
	default:
		ex := m.net.explain(image(m.test, m.inspect))
		v.Ex = &ex
		v.Pred, v.DigitProb = ex.pred, ex.probs[ex.pred]
		m.confusion(&v, e)
	}
	if phase == "finished" {
		v.End = m.ending(e)
	}
	return v
}

// stepNumbers fills in the numbers of the node just revealed.
func (m *machine) stepNumbers(v *view) {
	cur := &m.loop.Cur
	nodes := cur.Tape.Nodes()
	val := func(name string) *tensor.Tensor {
		for _, nd := range nodes {
			if nd.Out.Name == name {
				return nd.Out.Value
			}
		}
		return nil
	}
	name := nodes[cur.Fwd-1].Out.Name
	if cur.Phase == trainer.Backward { // backward
		name = cur.Steps[len(cur.Steps)-1].Node.Out.Name
	}
	switch name {
	case "a1":
		v.R, v.C, v.Out = argmax2(val("a1"))
		v.Bias = m.net.conv1.B.Value.Data[0]
		v.Sum = convAt(m.xb, m.net.conv1.W.Value, v.R, v.C)
	case "a2":
		v.R, v.C, v.Out = argmax2(val("a2"))
		v.Bias = m.net.conv2.B.Value.Data[0]
		v.Sum = convAt(val("p1"), m.net.conv2.W.Value, v.R, v.C)
	case "h1", "h2":
		a := val("a" + name[1:])
		v.Kept = share(a.Data, func(x float64) bool { return x > 0 })
	case "p1", "p2":
		h := val("h" + name[1:])
		v.R, v.C, v.Out = argmax2(val(name))
		w := h.Shape[3]
		for i := range 4 {
			v.Win[i] = h.Data[(2*v.R+i/2)*w+2*v.C+i%2]
		}
	}
	if cur.Phase == trainer.Backward && (name == "a1" || name == "a2") {
		cg := convGradOf(cur.Steps[len(cur.Steps)-1])
		v.Conv = &cg
	}
	if cur.Phase == trainer.Backward && name != "L" {
		st := cur.Steps[len(cur.Steps)-1]
		for _, g := range st.Grads {
			if g != nil {
				v.Zeros = share(g.Data, func(x float64) bool { return x == 0 })
				break
			}
		}
	}
	if s := val("s"); s != nil && (name == "s" || name == "L" || cur.Phase == trainer.Backward) {
		row := s.Data[:Classes]
		p := softmax(row)
		order := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		sort.SliceStable(order, func(i, j int) bool { return row[order[i]] > row[order[j]] })
		v.Top, v.TopNext, v.STop, v.SLabel = order[0], order[1], row[order[0]], row[v.Label]
		v.PTop, v.PLabel = p[order[0]], p[v.Label]
		v.NegLog = -math.Log(v.PLabel)
		v.DSLabel = (v.PLabel - 1) / float64(len(m.loop.Rows))
	}
}

// argmax2 returns the position (row, column) and value of the largest
// element of channel 0 of item 0 of t [N C H W].
func argmax2(t *tensor.Tensor) (r, c int, best float64) {
	h, w := t.Shape[2], t.Shape[3]
	best = math.Inf(-1)
	for i := range h * w {
		if t.Data[i] > best {
			r, c, best = i/w, i%w, t.Data[i]
		}
	}
	return r, c, best
}

// convAt returns Σ w[0]·x[0] over the 3×3 window centred on (r, c) and
// every input channel, with zero padding: output channel 0 of a
// convolution at (r, c), before the bias.
func convAt(x, w *tensor.Tensor, r, c int) float64 {
	ch, h, wd := x.Shape[1], x.Shape[2], x.Shape[3]
	sum := 0.0
	for k := range ch {
		for i := range 3 {
			for j := range 3 {
				y, z := r+i-1, c+j-1
				if y < 0 || y >= h || z < 0 || z >= wd {
					continue
				}
				sum += w.Data[(k*3+i)*3+j] * x.Data[(k*h+y)*wd+z]
			}
		}
	}
	return sum
}

// share returns the fraction of xs for which keep holds.
func share(xs []float64, keep func(float64) bool) float64 {
	n := 0
	for _, x := range xs {
		if keep(x) {
			n++
		}
	}
	return float64(n) / float64(max(len(xs), 1))
}

// confusion counts the last measurement's mistakes and its most frequent
// confusion.
func (m *machine) confusion(v *view, e evaluation) {
	var counts [Classes][Classes]int
	for i, p := range e.preds {
		if y := m.test.Labels[i]; p != y {
			v.Wrong++
			counts[y][p]++
		}
	}
	for y := range Classes {
		for p := range Classes {
			if counts[y][p] > v.ConfusedN {
				v.ConfusedN = counts[y][p]
				v.Confused = digitLabels[y] + " read as " + digitLabels[p]
			}
		}
	}
}

// architecture lays out the layers, their output shapes and parameter
// counts as a Markdown code block (indented four spaces).
func architecture(f, p1, p2, p3 int) string {
	rows := [][3]string{
		{"x", "1×28×28", ""},
		{fmt.Sprintf("a1 = conv1(x), %d kernels 3×3", f), fmt.Sprintf("%d×28×28", f), fmt.Sprint(p1)},
		{"h1 = ReLU(a1)", fmt.Sprintf("%d×28×28", f), ""},
		{"p1 = maxpool 2×2 (h1)", fmt.Sprintf("%d×14×14", f), ""},
		{fmt.Sprintf("a2 = conv2(p1), %d kernels %d×3×3", 2*f, f), fmt.Sprintf("%d×14×14", 2*f), fmt.Sprint(p2)},
		{"h2 = ReLU(a2)", fmt.Sprintf("%d×14×14", 2*f), ""},
		{"p2 = maxpool 2×2 (h2)", fmt.Sprintf("%d×7×7", 2*f), ""},
		{"f = flatten(p2)", fmt.Sprint(2 * f * 49), ""},
		{"s = f·dense.W + dense.b", "10 scores", fmt.Sprint(p3)},
		{"L = softmax cross-entropy", "1", ""},
	}
	var b strings.Builder
	b.WriteString("    layer                            output     parameters\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "    %s%s%s", pad(r[0], 33), pad(r[1], 11), r[2])
		if i < len(rows)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// pad right-pads s with spaces to n runes.
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(1, n-utf8.RuneCountInString(s)))
}
