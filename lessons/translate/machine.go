package translate

import (
	"math"
	"slices"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// outLen is the length of every output, "YYYY-MM-DD".
const outLen = data.DateOutLen

// opsPerStep is forward, backward, update and one op per output character.
const opsPerStep = 3 + outLen

// config is what a run starts from.
type config struct {
	lr             float64
	show           int // index of the displayed held-out pair
	attention      bool
	hidden, epochs int
}

// stage is where the current training step stands.
type stage int

const (
	ready    stage = iota // no step taken yet
	forward               // the batch's loss is recorded
	backward              // the gradients are computed
	updated               // Adam has updated the weights
	decoding              // revealed characters of the displayed example are decoded
)

// pair is a date pair with its ids.
type pair struct {
	data.DatePair
	in, out []int
}

// eval is one evaluation on the held-out pairs.
type eval struct {
	step   int
	loss   float64         // teacher-forced cross-entropy
	exact  float64         // fraction translated exactly, greedy decoding
	chars  float64         // fraction of output characters right
	perPos [outLen]float64 // fraction right at each output position
	// exact matches among short inputs (at most ShortIn characters) and
	// long ones (at least LongIn)
	short, long float64
	// saturated is the share of the attention layer's tanh units that sat
	// on a flat end (|tanh| > 0.995) at every decoder step of every
	// held-out date (0 without attention).
	saturated float64
}

// The input lengths the evaluation compares.
const (
	ShortIn = 12
	LongIn  = 16
)

// progress is the part of the machine's state that a snapshot copies.
type progress struct {
	stage    stage
	revealed int // output characters of the displayed example revealed
	step     int // training steps completed
	epoch    int // epochs completed
	batches  [][]int
	next     int // index in batches of the next step's batch
	losses   []float64
	evals    []eval
	diverged bool
	divStep  int
	// The largest change of a single weight in any update so far, as a
	// multiple of that update's learning rate, and its step.
	maxRatio     float64
	maxRatioStep int
}

// current is the training step in progress, for the scenes of its ops.
type current struct {
	rows   []int
	tape   *autograd.Tape
	enc    encoded
	loss   *autograd.Var
	logits []*autograd.Var
}

// machine trains the model on the training pairs one batch per step and
// reveals each step op by op (lessons.Machine).
type machine struct {
	cfg         config
	seed        uint64
	inV, outV   *data.Vocab
	train, held []pair
	heldIn      [][]int
	heldOut     [][]int

	model  *model
	params []*autograd.Var
	opt    *optim.Adam
	show   int

	progress
	cur current

	mined mineState // mine mode (mine.go)
	// beamCache is the last comparison of greedy decoding with beam
	// search (beam.go); it depends on the weights only, so it is never
	// saved and a restored machine computes it again.
	beamCache *beamResult
}

func newMachine(seed uint64, cfg config) *machine {
	inV, outV := data.DateVocabs()
	m := &machine{cfg: cfg, seed: seed, inV: inV, outV: outV, show: cfg.show}
	d := datasetFor(seed, inV, outV)
	m.train, m.held, m.heldIn, m.heldOut = d.train, d.held, d.heldIn, d.heldOut
	m.model = newModel(tensor.NewRNG(seed+1), inV.Size(), outV.Size(), cfg.hidden, cfg.attention)
	m.params = m.model.params()
	m.opt = optim.NewAdam(cfg.lr)
	m.revealed = outLen
	m.evals = []eval{firstEval(m)}
	return m
}

// dataset is a seed's pairs, encoded: shared, never changed.
type dataset struct {
	train, held     []pair
	heldIn, heldOut [][]int
}

// made caches what a new machine would otherwise recompute every time the
// run restarts, steps back past its checkpoints or copies itself to look
// ahead: a seed's pairs, and the untrained model's evaluation (the same
// for a seed, a hidden size and attention on or off, since the initial
// weights come from the seed).
var made struct {
	sync.Mutex
	data  map[uint64]*dataset
	evals map[evalKey]eval
}

type evalKey struct {
	seed      uint64
	hidden    int
	attention bool
}

func datasetFor(seed uint64, inV, outV *data.Vocab) *dataset {
	made.Lock()
	defer made.Unlock()
	if d := made.data[seed]; d != nil {
		return d
	}
	enc := func(p data.DatePair) pair { return pair{DatePair: p, in: inV.Encode(p.In), out: outV.Encode(p.Out)} }
	d := &dataset{}
	trainPairs := data.DatePairs(seed, NTrain)
	for _, p := range trainPairs {
		d.train = append(d.train, enc(p))
	}
	for _, p := range heldOutPairs(seed, trainPairs) {
		q := enc(p)
		d.held = append(d.held, q)
		d.heldIn, d.heldOut = append(d.heldIn, q.in), append(d.heldOut, q.out)
	}
	if made.data == nil {
		made.data = map[uint64]*dataset{}
	}
	made.data[seed] = d
	return d
}

// firstEval is the untrained model's evaluation on the held-out pairs.
func firstEval(m *machine) eval {
	k := evalKey{m.seed, m.cfg.hidden, m.cfg.attention}
	made.Lock()
	ev, ok := made.evals[k]
	made.Unlock()
	if ok {
		return ev
	}
	m.evaluate()
	ev = m.evals[0]
	made.Lock()
	if made.evals == nil {
		made.evals = map[evalKey]eval{}
	}
	made.evals[k] = ev
	made.Unlock()
	return ev
}

// showcase is the order of formats of the first held-out pairs, so that
// the example control walks through every format: the longest first.
var showcase = []int{8, 3, 5, 2, 7, 4, 0, 6, 1}

// heldOutPairs returns NHeld pairs whose inputs are not among the
// training inputs nor repeated: one of each format first, in showcase
// order, then the others as drawn.
func heldOutPairs(seed uint64, train []data.DatePair) []data.DatePair {
	seen := map[string]bool{}
	for _, p := range train {
		seen[p.In] = true
	}
	var fresh []data.DatePair
	for _, p := range data.DatePairs(seed^0x9e3779b97f4a7c15, 4*NHeld) {
		if !seen[p.In] {
			seen[p.In] = true
			fresh = append(fresh, p)
		}
	}
	var out []data.DatePair
	taken := make([]bool, len(fresh))
	for _, f := range showcase {
		for i, p := range fresh {
			if !taken[i] && p.Layout == data.DateFormats[f] {
				out, taken[i] = append(out, p), true
				break
			}
		}
	}
	for i, p := range fresh {
		if !taken[i] && len(out) < NHeld {
			out = append(out, p)
		}
	}
	return out
}

// Set implements lessons.Machine: the learning rate applies from the next
// update, the example at once.
func (m *machine) Set(name, value string) {
	switch name {
	case "lr":
		m.opt.LR = lessons.Settings{"lr": value}.Float("lr")
	case "example":
		m.show = lessons.Settings{"example": value}.Int("example") - 1
	}
}

// stepComplete reports whether no training step is in progress: at the
// start, or once the displayed example is fully decoded after an update.
func (m *machine) stepComplete() bool {
	return m.stage == ready || (m.stage == decoding && m.revealed == outLen)
}

// Done implements lessons.Machine: the run is over when it diverged, or
// after the last epoch's last step has been decoded.
func (m *machine) Done() bool {
	return m.diverged || m.mined.stopped || (m.epoch >= m.cfg.epochs && m.stepComplete())
}

// Advance implements lessons.Machine.
func (m *machine) Advance(g lessons.Granularity) {
	switch g {
	case lessons.Op:
		m.op()
	case lessons.Step:
		m.finishStep()
	case lessons.Epoch:
		for e := m.epoch; !m.Done() && m.epoch == e; {
			m.finishStep()
		}
	default:
		for !m.Done() {
			m.finishStep()
		}
	}
}

func (m *machine) finishStep() {
	if m.Done() {
		return
	}
	m.op()
	for !m.stepComplete() && !m.diverged && !m.mined.stopped {
		m.op()
	}
}

// op moves to the next op of the step: forward, backward, update, then
// the decoder steps of the displayed example.
func (m *machine) op() {
	switch {
	case m.Done():
	case m.stepComplete():
		m.begin()
	case m.stage == forward:
		m.cur.tape.Backward(m.cur.loss)
		m.stage = backward
	case m.stage == backward:
		m.update()
	default:
		m.revealed++
		m.stage = decoding
		if m.mined.mine != nil {
			m.mineDecode(m.revealed - 1)
		}
	}
}

// begin records the teacher-forced forward pass of the next batch.
func (m *machine) begin() {
	if m.batches == nil || m.next >= len(m.batches) {
		m.batches = data.Batches(NTrain, Batch, tensor.NewRNG(m.seed*1_000_003+uint64(m.epoch)+1))
		m.next = 0
	}
	rows := m.batches[m.next]
	m.next++
	in, out := make([][]int, len(rows)), make([][]int, len(rows))
	for i, r := range rows {
		in[i], out[i] = m.train[r].in, m.train[r].out
	}
	autograd.ZeroGrad(m.params...)
	tp := autograd.NewTape()
	e := m.model.encode(tp, in)
	var traces []attnTrace
	if m.mined.mine != nil {
		m.model.trace = func(t attnTrace) { traces = append(traces, t) }
	}
	loss, logits := m.model.teacherForce(tp, e, out)
	m.model.trace = nil
	m.cur = current{rows: rows, tape: tp, enc: e, loss: loss, logits: logits}
	m.stage = forward
	if traces != nil {
		lens := make([]int, len(in))
		for i, s := range in {
			lens[i] = len(s)
		}
		if !m.mineAttention(tp, e, lens, traces) {
			return
		}
	}
	if !trainer.Finite(loss.Item()) {
		m.diverged, m.divStep = true, m.step+1
	}
}

// update applies Adam, does the bookkeeping of a finished step and
// evaluates on the held-out pairs every EvalEvery steps and at the end.
func (m *machine) update() {
	if !m.mineStep() {
		return
	}
	m.step++
	for _, p := range m.params {
		if u := m.opt.LastUpdate(p); u != nil {
			for _, x := range u.Data {
				if r := math.Abs(x) / m.opt.LR; r > m.maxRatio {
					m.maxRatio, m.maxRatioStep = r, m.step
				}
			}
		}
	}
	m.losses = append(m.losses, m.cur.loss.Item())
	m.stage, m.revealed = updated, 0
	for _, p := range m.params {
		if p.Value.HasNaNOrInf() {
			m.diverged, m.divStep = true, m.step
			return
		}
	}
	if m.next >= len(m.batches) {
		m.epoch++
	}
	if m.step%EvalEvery == 0 || m.epoch >= m.cfg.epochs {
		m.evaluate()
	}
}

// evaluate measures the model on the held-out pairs.
func (m *machine) evaluate() {
	loss, tr := m.model.evaluate(m.heldIn, m.heldOut)
	ev := eval{step: m.step, loss: loss, saturated: m.model.saturated}
	right := 0
	for i, t := range tr {
		exact := true
		for k, id := range t.ids {
			if id == m.heldOut[i][k] {
				ev.perPos[k]++
				right++
			} else {
				exact = false
			}
		}
		if exact {
			ev.exact++
			switch n := len(m.heldIn[i]); {
			case n <= ShortIn:
				ev.short++
			case n >= LongIn:
				ev.long++
			}
		}
	}
	n := float64(len(tr))
	ev.exact /= n
	short, long := m.lengths()
	ev.short /= float64(max(short, 1))
	ev.long /= float64(max(long, 1))
	ev.chars = float64(right) / (n * outLen)
	for k := range ev.perPos {
		ev.perPos[k] /= n
	}
	m.evals = append(m.evals, ev)
}

// lengths counts the held-out inputs of at most ShortIn characters and
// of at least LongIn.
func (m *machine) lengths() (short, long int) {
	for _, in := range m.heldIn {
		switch {
		case len(in) <= ShortIn:
			short++
		case len(in) >= LongIn:
			long++
		}
	}
	return short, long
}

// snapshot is the machine between training steps (lessons.Snapshotter).
type snapshot struct {
	progress
	values [][]float64
	opt    optim.Optimizer
	show   int
	// params are the parameters of the machine that took the snapshot:
	// the optimizer's state is keyed by them, and moves to the restoring
	// machine's own (a fresh machine, when the run copies itself to look
	// ahead).
	params []*autograd.Var
	mined  mineState
}

// Snapshot implements lessons.Snapshotter; it saves only between steps
// and while the displayed example is being decoded, when the scene needs
// nothing of the step's tape.
func (m *machine) Snapshot() (any, bool) {
	if m.stage != ready && m.stage != decoding {
		return nil, false
	}
	s := snapshot{progress: m.progress, opt: m.opt.Clone(nil), show: m.show, params: m.params, mined: m.mined}
	s.losses, s.evals = slices.Clone(m.losses), slices.Clone(m.evals)
	for _, p := range m.params {
		s.values = append(s.values, slices.Clone(p.Value.Data))
	}
	return s, true
}

// Restore implements lessons.Snapshotter.
func (m *machine) Restore(state any) {
	s := state.(snapshot)
	m.progress = s.progress
	m.losses, m.evals = slices.Clone(s.losses), slices.Clone(s.evals)
	remap := make(map[*autograd.Var]*autograd.Var, len(m.params))
	for i, p := range s.params {
		remap[p] = m.params[i]
	}
	m.opt = s.opt.Clone(remap).(*optim.Adam)
	m.show = s.show
	for i, p := range m.params {
		copy(p.Value.Data, s.values[i])
		p.Grad = nil
	}
	m.cur = current{}
	// The learner's code stays this machine's (a look-ahead copy has none).
	m.mined.rep, m.mined.stopped, m.mined.opt = s.mined.rep, s.mined.stopped, s.mined.opt
	m.beamCache = nil
}
