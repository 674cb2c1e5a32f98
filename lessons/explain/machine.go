package explain

import (
	"slices"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The stages after training, one Step (or Op) each.
const (
	stTrain = iota // training: the loop's steps
	stPredict
	stSaliency
	stGradInput
	stIG
	stOcclusion
	stGradCAM
	stChannels
	stSanity
	stCompare // the last: the run is done
)

var stageNames = []string{"train", "predict", "saliency", "gradient × input", "integrated gradients",
	"occlusion", "grad-cam", "activations", "sanity check", "compare"}

// machine holds the engine's objects — the digits, the network, the
// optimizer and the training loop — and, once trained, the stage of the
// explanation and the report on the digit being explained.
type machine struct {
	seed        uint64
	train, test *data.Images
	net         *net
	params      []*autograd.Var
	opt         optim.Optimizer
	loop        trainer.Loop
	xb          *tensor.Tensor // the current step's images
	yb          []int

	set   settings
	stage int
	acc   float64 // test accuracy after training
	// chanMeans are the last convolution's mean activation per channel
	// for every test digit, [NTest × 2f], measured after training.
	chanMeans []float64
	rep       *report // nil while training
}

// digitCache holds the digits, read once per process: every machine
// shares them and never writes to them.
var digitCache struct {
	sync.Mutex
	bySeed map[uint64][2]*data.Images
}

func loadDigits(seed uint64) (train, test *data.Images) {
	c := &digitCache
	c.Lock()
	defer c.Unlock()
	key := seed
	if d, ok := c.bySeed[0]; ok {
		return d[0], d[1]
	}
	if d, ok := c.bySeed[key]; ok {
		return d[0], d[1]
	}
	train, test = data.Digits(seed, NTrain, NTest)
	if train.Source == "mnist" {
		key = 0 // real digits do not depend on the seed
	}
	if c.bySeed == nil {
		c.bySeed = map[uint64][2]*data.Images{}
	}
	c.bySeed[key] = [2]*data.Images{train, test}
	return train, test
}

func newMachine(seed uint64, s lessons.Settings) *machine {
	train, test := loadDigits(seed)
	n := newNet(Filters, s["act"], tensor.NewRNG(seed+1))
	opt, err := optim.New("adam", LR)
	if err != nil {
		panic("explain: " + err.Error())
	}
	m := &machine{seed: seed, train: train, test: test, net: n, params: n.params(), opt: opt,
		set: settings{digit: s.Int("digit"), steps: s.Int("steps"), patch: s.Int("patch"),
			channel: s.Int("channel"), rule: s["rule"], method: s["method"], target: s["target"]}}
	m.loop = trainer.Loop{
		N: train.Len(), Batch: Batch, Epochs: 1, ShuffleSeed: seed,
		Params: m.params, Start: m.startStep,
		Recycle: true, // Advance keeps a copy of the loss, nothing else of a step
	}
	return m
}

// startStep records one forward pass of a training step and returns it
// with the update.
func (m *machine) startStep(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.xb, m.yb = m.train.Batch(rows)
	build := func(tp *autograd.Tape) *autograd.Var {
		p := m.net.forward(tp, autograd.Const("x", m.xb), m.net.live())
		return tp.SoftmaxCrossEntropy(p.s, m.yb).Named("L")
	}
	return build, func() { m.opt.Step(m.params) }
}

// Set implements lessons.Machine: every control but act continues the
// run; once trained, the report is made again with the new value.
func (m *machine) Set(name, value string) {
	s := lessons.Settings{name: value}
	switch name {
	case "digit":
		m.set.digit = s.Int(name)
	case "steps":
		m.set.steps = s.Int(name)
	case "patch":
		m.set.patch = s.Int(name)
	case "channel":
		m.set.channel = s.Int(name)
	case "rule":
		m.set.rule = value
	case "method":
		m.set.method = value
	case "target":
		m.set.target = value
	}
	if m.stage > stTrain {
		m.explain()
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.loop.Diverged || m.stage == stCompare }

// Advance implements lessons.Machine: training moves by the loop's
// granularities; after it, Op and Step move one stage, Epoch and End to
// the end.
func (m *machine) Advance(g lessons.Granularity) {
	if m.stage == stTrain {
		m.loop.Advance(g)
		if m.loop.Cur.Phase == trainer.Updated && m.loop.Cur.Tape.Len() > 0 {
			// Let the finished step's tape go: snapshots stay small.
			cur := &m.loop.Cur
			*cur = cur.Settled() // a copy of the loss: the tape is recycled (Loop.Recycle)
		}
		if !m.loop.Done() || m.loop.Diverged {
			return
		}
		m.trained()
		if g != lessons.End {
			return // an epoch ends with the training
		}
	}
	for m.stage < stCompare {
		m.stage++
		if m.stage == stSanity || m.stage == stCompare {
			m.explain()
		}
		if g == lessons.Op || g == lessons.Step {
			return
		}
	}
}

// trained measures the trained network on the test digits and makes the
// first report.
func (m *machine) trained() {
	x := m.test.X
	s, means := m.net.scoresAndMeans(x, true) // one pass for both
	right := 0
	for i, label := range m.test.Labels {
		best := 0
		for k := range Classes {
			if s[i*Classes+k] > s[i*Classes+best] {
				best = k
			}
		}
		if best == label {
			right++
		}
	}
	m.acc = float64(right) / float64(len(m.test.Labels))
	m.chanMeans = means
	m.stage = stPredict
	m.explain()
}

// explain makes the report on the digit at the current settings (with
// the sanity check from its stage on).
func (m *machine) explain() {
	img := m.test.X.Data[m.set.digit*Pixels : (m.set.digit+1)*Pixels]
	m.rep = m.net.explainDigit(img, m.test.Labels[m.set.digit], m.set)
	if m.stage >= stSanity {
		m.rep.sanity = m.net.sanityCheck(m.rep, m.seed+7)
	}
}

// Progress implements lessons.Progresser: the training steps, then one
// step per stage of the explanation.
func (m *machine) Progress() (step, epoch int) {
	return m.loop.Step + max(m.stage-stPredict, 0), m.loop.Epoch
}

// snapshot is the machine between training steps or stages.
type snapshot struct {
	loop      trainer.Snapshot
	set       settings
	stage     int
	acc       float64
	chanMeans []float64
	rep       *report
	// source is the digits' (persist.go). remade is set in a snapshot read
	// from a file, which holds no report: Restore makes it.
	source string
	remade *remade
}

// Snapshot implements lessons.Snapshotter. Reports are never changed once
// made, so they are shared.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, set: m.set, stage: m.stage, acc: m.acc, chanMeans: m.chanMeans, rep: m.rep, source: m.train.Source}, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop)
	m.set, m.stage, m.acc, m.rep = s.set, s.stage, s.acc, s.rep
	m.chanMeans = slices.Clone(s.chanMeans)
	if m.loop.Rows != nil {
		m.xb, m.yb = m.train.Batch(m.loop.Rows)
	}
	if s.remade != nil && m.stage > stTrain {
		if s.remade.rep == nil {
			m.explain()
			s.remade.rep = m.rep
		}
		m.rep = s.remade.rep
	}
}

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
