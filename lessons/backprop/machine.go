package backprop

import (
	"math"
	"strconv"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The four XOR points, in the order every panel lists them, and their
// classes: 1 when exactly one input is 1.
var (
	xorX = [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}
	xorY = []float64{0, 1, 1, 0}
)

// N is the number of training points. Every training step uses all of them
// (full-batch gradient descent), so a step is also an epoch.
const N = 4

// machine is the lesson's state machine: the two Dense layers of the real
// engine, plain SGD, and the shared loop that walks each training step op
// by op.
type machine struct {
	act    string // "tanh", "sigmoid" or "relu"
	hidden int
	focus  int // the hidden unit the narrative follows (0-based)
	x, y   *tensor.Tensor
	l1, l2 *nn.Dense
	opt    *optim.SGD
	loop   trainer.Loop
	cur    net // the nodes of the current step's forward pass

	before    map[*autograd.Var]*tensor.Tensor // parameter values the step's forward pass used
	accs      []float64                        // accuracy after every completed step
	startLoss float64                          // the loss before training
}

// net names the nodes of one forward pass.
type net struct {
	xW1, z1, h, hW2, z2, p *autograd.Var
	e, e2, loss            *autograd.Var
}

func newMachine(seed uint64, act string, hidden int, lr float64, epochs int) *machine {
	rng := tensor.NewRNG(seed)
	m := &machine{
		act: act, hidden: hidden,
		x:   tensor.FromRows(xorX),
		y:   tensor.FromValues(xorY, N, 1),
		l1:  nn.NewDense("layer1", 2, hidden, rng),
		l2:  nn.NewDense("layer2", hidden, 1, rng),
		opt: optim.NewSGD(lr),
	}
	m.l1.W.Name, m.l1.B.Name = "W1", "b1"
	m.l2.W.Name, m.l2.B.Name = "W2", "b2"
	m.loop = trainer.Loop{
		N: N, Batch: N, Epochs: epochs, NoShuffle: true,
		Params: m.params(), Start: m.startStep,
	}
	m.startLoss = m.loss()
	// Follow the unit with the largest outgoing weight: its gradients are
	// the easiest to see.
	for j, w := range m.l2.W.Value.Data {
		if math.Abs(w) > math.Abs(m.l2.W.Value.Data[m.focus]) {
			m.focus = j
		}
	}
	return m
}

// params returns W1, b1, W2, b2.
func (m *machine) params() []*autograd.Var {
	return []*autograd.Var{m.l1.W, m.l1.B, m.l2.W, m.l2.B}
}

func (m *machine) Set(name, value string) {
	if name == "lr" {
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			m.opt.LR = v
		}
	}
}

func (m *machine) Done() bool { return m.loop.Done() }

func (m *machine) Advance(g lessons.Granularity) {
	m.loop.Advance(g)
}

// forward records the network on tp for inputs x: two Dense layers, the
// chosen activation between them and a sigmoid at the end, one named node
// per op. On a NoGradTape it only computes values.
func (m *machine) forward(tp *autograd.Tape, x *autograd.Var) net {
	var n net
	n.xW1 = tp.MatMul(x, m.l1.W).Named("xW1")
	n.z1 = tp.Add(n.xW1, m.l1.B).Named("z1")
	switch m.act {
	case "sigmoid":
		n.h = tp.Sigmoid(n.z1)
	case "relu":
		n.h = tp.ReLU(n.z1)
	default:
		n.h = tp.Tanh(n.z1)
	}
	n.h.Named("h")
	n.hW2 = tp.MatMul(n.h, m.l2.W).Named("hW2")
	n.z2 = tp.Add(n.hW2, m.l2.B).Named("z2")
	n.p = tp.Sigmoid(n.z2).Named("p")
	return n
}

// startStep records one training step on all four points: the forward
// pass, then the squared error L = mean((p − y)²), and returns the SGD
// update, which first keeps the values the forward pass used.
func (m *machine) startStep([]int) (func(*autograd.Tape) *autograd.Var, func()) {
	build := func(tp *autograd.Tape) *autograd.Var {
		m.cur = m.forward(tp, autograd.Const("x", m.x))
		m.cur.e = tp.Sub(m.cur.p, autograd.Const("y", m.y)).Named("e")
		m.cur.e2 = tp.Square(m.cur.e).Named("e²")
		m.cur.loss = tp.Mean(m.cur.e2).Named("L")
		return m.cur.loss
	}
	update := func() {
		m.before = map[*autograd.Var]*tensor.Tensor{}
		for _, p := range m.params() {
			m.before[p] = p.Value.Clone()
		}
		m.opt.Step(m.params())
		m.accs = append(m.accs, m.accuracy())
	}
	return build, update
}

// predict returns p(class 1) for each row of x with the current parameters.
func (m *machine) predict(x *tensor.Tensor) []float64 {
	return m.forward(autograd.NoGradTape(), autograd.Const("x", x)).p.Value.Data
}

// accuracy is the fraction of the four points on the right side of
// p = 0.5 with the current parameters.
func (m *machine) accuracy() float64 {
	right := 0
	for i, p := range m.predict(m.x) {
		if right1(p, xorY[i]) {
			right++
		}
	}
	return float64(right) / N
}

// right1 reports whether p is on the side of 0.5 of class y: class 1 needs
// p > 0.5, class 0 needs p < 0.5. A point at exactly 0.5 is undecided and
// counts as wrong for either class (the narrative says so).
func right1(p, y float64) bool {
	if y == 1 {
		return p > 0.5
	}
	return p < 0.5
}

// loss is the mean squared error over the four points with the current
// parameters.
func (m *machine) loss() float64 {
	s := 0.0
	for i, p := range m.predict(m.x) {
		s += (p - xorY[i]) * (p - xorY[i])
	}
	return s / N
}

// deadUnits lists the hidden units (0-based) whose ReLU is zero on all
// four points, given the pre-activations z1 [4 hidden]: such a unit sends
// no gradient back, so its incoming weights and bias never change again on
// this data. Other activations have no dead units.
func (m *machine) deadUnits(z1 *tensor.Tensor) []int {
	if m.act != "relu" {
		return nil
	}
	var dead []int
	for j := range m.hidden {
		alive := false
		for i := range N {
			if z1.Data[i*m.hidden+j] > 0 {
				alive = true
			}
		}
		if !alive {
			dead = append(dead, j)
		}
	}
	return dead
}

// z1Now is the hidden pre-activations for the four points with the
// current parameters.
func (m *machine) z1Now() *tensor.Tensor {
	return m.forward(autograd.NoGradTape(), autograd.Const("x", m.x)).z1.Value
}

// satFrac: a unit is saturated when its local derivative is below this
// share of the activation's largest (1 for tanh, 1/4 for the sigmoid) on
// every point.
const satFrac = 0.01

// saturatedUnits lists the hidden sigmoid or tanh units (0-based) that sit
// on a flat end of their activation on all four points, given the
// pre-activations z1 [4 hidden]: their local derivative is below satFrac
// of its maximum, so almost no gradient passes through them to W1 and b1.
// ReLU has no flat ends that are not dead (see deadUnits).
func (m *machine) saturatedUnits(z1 *tensor.Tensor) []int {
	if m.act == "relu" {
		return nil
	}
	var sat []int
	for j := range m.hidden {
		flat := true
		for i := range N {
			if localFrac(m.act, z1.Data[i*m.hidden+j]) >= satFrac {
				flat = false
			}
		}
		if flat {
			sat = append(sat, j)
		}
	}
	return sat
}

// localFrac is the activation's local derivative at z as a share of its
// maximum: 1 − tanh(z)² for tanh, 4σ(z)(1 − σ(z)) for the sigmoid.
func localFrac(act string, z float64) float64 {
	if act == "sigmoid" {
		s := 1 / (1 + math.Exp(-z))
		return 4 * s * (1 - s)
	}
	t := math.Tanh(z)
	return 1 - t*t
}

// z2Now is the output pre-activation for the four points with the current
// parameters.
func (m *machine) z2Now() []float64 {
	return m.forward(autograd.NoGradTape(), autograd.Const("x", m.x)).z2.Value.Data
}

// outputSaturated reports whether the output sigmoid is saturated on all
// four points: σ′(z2) below satFrac of its maximum 1/4 everywhere. Every
// gradient in the network passes through that factor, so then almost
// nothing reaches any weight.
func (m *machine) outputSaturated() bool {
	for _, z := range m.z2Now() {
		if localFrac("sigmoid", z) >= satFrac {
			return false
		}
	}
	return true
}

// verdict is the runtime's verdict on the run as it stands, so the
// finished narrative names the same cause as the status line.
func (m *machine) verdict() scene.Verdict {
	s := lessons.Settings{
		"act": m.act, "lr": strconv.FormatFloat(m.opt.LR, 'g', -1, 64),
		"hidden": strconv.Itoa(m.hidden), "epochs": strconv.Itoa(m.loop.Epochs),
	}
	return lessons.Diagnose(Lesson(), m.Measures(), m.loop.Diverged, s)
}

// Mined implements lessons.Miner: mine mode checks both dense layers
// (forward and backward) against the learner's dense exercise, the whole
// step against the learner's autograd, and the MSE against the learner's
// mse exercise. The backprop exercise's network ends in a linear layer,
// this lesson's in a sigmoid: it is not checked here.
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
