package rnn

import (
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Sizes of the lesson's model and data.
const (
	Batch  = 16 // sine waves, all in every training step
	Hidden = 16 // hidden units of the cell
)

// config is a run's restart settings.
type config struct {
	cell   string  // "rnn", "lstm" or "gru"
	steps  int     // T, the time steps the network reads
	scale  float64 // factor on W_hh at initialisation
	epochs int
}

// machine is the lesson's state machine: the engine's cell and readout,
// Adam, and a trainer.Loop whose ops are grouped so that one op of the
// lesson is one time step of the forward pass or of BPTT.
type machine struct {
	cfg    config
	net    *net
	params []*autograd.Var
	opt    *optim.Adam
	clip   float64 // the maximum gradient norm; 0 is off
	loop   trainer.Loop

	seq    *tensor.Tensor  // [Batch steps+1] sine values
	xs, ys []*autograd.Var // the input and the target of each time step, [Batch 1]
	target *autograd.Var   // every target, time-major [steps·Batch 1]
	lastY  *autograd.Var   // the targets of the last time step

	// rec is the current (or last) step's forward pass; before the first
	// step, a forward pass with the initial weights.
	rec       *record
	startLoss float64 // the loss of the initial weights
	// initRatio and otherRatio are ‖∂ℓ_T/∂h_1‖ / ‖∂ℓ_T/∂h_T‖ at
	// initialisation for this run's cell and for the other cell with the
	// same seed and settings, for the narrative to compare.
	initRatio, otherRatio float64
	used                  [][]float64 // the weights that pass used
	// before and after are the gradient norms of every completed step
	// before and after clipping.
	before, after []float64

	probeOf *probe // cached probe of used; nil when stale
	// persist is the MSE of copying the last value, ŷ_t = x_t: the
	// baseline the goal is set against.
	persist float64
	// sat is the share of saturated units of the forward pass satOf.
	satOf *record
	sat   float64
}

func newMachine(seed uint64, cfg config, lr float64, clip float64) *machine {
	m := newModel(seed, cfg, lr, clip)
	// The vanilla RNN compares itself with the LSTM, the gated cells
	// with the vanilla RNN.
	other := cfg
	other.cell = "rnn"
	if cfg.cell == "rnn" {
		other.cell = "lstm"
	}
	m.initRatio = m.probe().ratio()
	m.otherRatio = newModel(seed, other, lr, clip).probe().ratio()
	return m
}

// newModel returns the machine's data, network and loop, without the
// comparison with the other cell.
func newModel(seed uint64, cfg config, lr float64, clip float64) *machine {
	m := &machine{cfg: cfg, opt: optim.NewAdam(lr), clip: clip}
	m.seq = data.Sine(seed, Batch, cfg.steps+1)
	in, tg := data.NextStep(m.seq)
	T := cfg.steps
	m.target = autograd.Const("y", tensor.New(T*Batch, 1))
	for t := range T {
		x, y := tensor.New(Batch, 1), tensor.New(Batch, 1)
		for b := range Batch {
			x.Data[b] = in.Data[b*T+t]
			y.Data[b] = tg.Data[b*T+t]
			m.target.Value.Data[t*Batch+b] = y.Data[b]
		}
		m.xs = append(m.xs, autograd.Const("x", x))
		m.ys = append(m.ys, autograd.Const("y", y))
	}
	m.lastY = m.ys[T-1]
	for b := range Batch {
		for t := range T {
			d := tg.Data[b*T+t] - in.Data[b*T+t]
			m.persist += d * d
		}
	}
	m.persist /= float64(Batch * T)

	rng := tensor.NewRNG(seed + 1)
	m.net = &net{}
	switch cfg.cell {
	case "lstm":
		m.net.lstm = nn.NewLSTMCell("lstm", 1, Hidden, rng)
	case "gru":
		m.net.gru = nn.NewGRUCell("gru", 1, Hidden, rng)
	default:
		m.net.rnn = nn.NewRNNCell("rnn", 1, Hidden, rng)
	}
	for i := range m.net.wh().Value.Data {
		m.net.wh().Value.Data[i] *= cfg.scale
	}
	m.net.head = nn.NewDense("head", Hidden, 1, rng)
	m.params = m.net.params()
	m.used = m.values()
	m.rec = m.net.forward(autograd.NewTape(), m.xs, m.target)
	m.startLoss = m.rec.loss.Item()

	m.loop = trainer.Loop{
		N: Batch, Batch: Batch, Epochs: cfg.epochs, NoShuffle: true,
		Params: m.params, Start: m.startStep,
	}
	return m
}

// values copies the parameters' current values.
func (m *machine) values() [][]float64 {
	out := make([][]float64, len(m.params))
	for i, p := range m.params {
		out[i] = slices.Clone(p.Value.Data)
	}
	return out
}

// Set implements lessons.Machine: the learning rate and the clipping
// threshold apply from the next update on.
func (m *machine) Set(name, value string) {
	switch name {
	case "lr":
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	case "clip":
		m.clip = clipValue(value)
	}
}

// Done implements lessons.Machine.
func (m *machine) Done() bool { return m.loop.Done() }

// Advance implements lessons.Machine. At Op granularity one op is one time
// step: the cell's engine ops and the readout of step t in the forward
// pass, the same nodes in reverse in the backward pass (backpropagation
// through time), plus the loss as one op each way and the update.
func (m *machine) Advance(g lessons.Granularity) {
	if g != lessons.Op {
		m.loop.Advance(g)
		return
	}
	l := &m.loop
	if l.Done() {
		return
	}
	l.Advance(lessons.Op)
	switch l.Cur.Phase {
	case trainer.Forward:
		grp := m.rec.group(l.Cur.Fwd - 1)
		// A step that mine mode stopped reveals no more (Done).
		for !l.Done() && l.Cur.Fwd < l.Cur.Tape.Len() && m.rec.group(l.Cur.Fwd) == grp {
			l.Advance(lessons.Op)
		}
	case trainer.Backward:
		i := m.bwdNode()
		first := m.rec.start(m.rec.group(i))
		for !l.Done() && i > first && l.Cur.Phase == trainer.Backward {
			l.Advance(lessons.Op)
			i = m.bwdNode()
		}
	}
}

// bwdNode is the tape index of the node the backward pass revealed last.
func (m *machine) bwdNode() int {
	st := m.loop.Cur.Steps
	return st[len(st)-1].Node.Index
}

// startStep records the forward pass of a training step and returns the
// update: the gradient norm, clipped when clipping is on, then Adam.
func (m *machine) startStep([]int) (func(*autograd.Tape) *autograd.Var, func()) {
	m.used, m.probeOf = m.values(), nil
	build := func(tp *autograd.Tape) *autograd.Var {
		m.rec = m.net.forward(tp, m.xs, m.target)
		return m.rec.loss
	}
	update := func() {
		n := optim.GradNorm(m.params)
		after := n
		if m.clip > 0 && trainer.Finite(n) {
			// optim.ClipGradNorm, or in mine mode the learner's clip.
			if _, ok := m.loop.MineClip(m.params, m.clip); !ok {
				return
			}
			after = optim.GradNorm(m.params)
		}
		m.before, m.after = append(m.before, n), append(m.after, after)
		m.opt.Step(m.params)
	}
	return build, update
}

// probe returns the gradient of the last step's loss through time for the
// weights the current step used (the current ones before the first step),
// computing it once per step.
func (m *machine) probe() probe {
	if m.probeOf == nil {
		p := m.net.probeLast(m.used, m.xs, m.lastY)
		m.probeOf = &p
	}
	return *m.probeOf
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	loop          trainer.Snapshot
	clip          float64
	rec           *record
	used          [][]float64
	before, after []float64
}

// Snapshot implements lessons.Snapshotter.
func (m *machine) Snapshot() (any, bool) {
	s, ok := m.loop.Snapshot(m.opt)
	if !ok {
		return nil, false
	}
	return snapshot{loop: s, clip: m.clip, rec: m.rec, used: m.used,
		before: slices.Clone(m.before), after: slices.Clone(m.after)}, true
}

// Restore implements lessons.Snapshotter. A record and the weights it
// used are never changed once their step has begun, so they are shared.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.opt = m.loop.Restore(s.loop).(*optim.Adam)
	m.clip, m.rec, m.used = s.clip, s.rec, s.used
	m.before, m.after = slices.Clone(s.before), slices.Clone(s.after)
	m.probeOf = nil
}

// Mined implements lessons.Miner: mine mode checks the cells' steps (rnn,
// lstm, gru) and the RNN cell's backward pass against the learner's code.
func (m *machine) Mined() lessons.MineChecker { return &m.loop }

// Instruments implements lessons.Instrumented: the loop reports on training.
func (m *machine) Instruments() lessons.Instruments { return &m.loop }
