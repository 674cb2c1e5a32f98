package trainer

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// The encodings here are the engine-level parts of a lesson's
// lessons.Persister: parameter values, optimizers and Loop snapshots.
// Each starts with its own version number.
const (
	optimizerVersion = 1
	snapshotVersion  = 2 // 2: the watch (its passes, updates and gauges)
)

// Optimizer kinds in the encoding.
const (
	kindSGD = iota
	kindMomentum
	kindAdaGrad
	kindRMSProp
	kindAdam
)

// EncodeOptimizer writes opt's kind, its settings and its state for each
// of params, in order.
func EncodeOptimizer(e *lessons.Encoder, opt optim.Optimizer, params []*autograd.Var) error {
	e.Int(optimizerVersion)
	switch o := opt.(type) {
	case *optim.SGD:
		e.Int(kindSGD)
		floats(e, o.LR, o.WeightDecay)
	case *optim.Momentum:
		e.Int(kindMomentum)
		floats(e, o.LR, o.Mu, o.WeightDecay)
		e.Bool(o.Nesterov)
	case *optim.AdaGrad:
		e.Int(kindAdaGrad)
		floats(e, o.LR, o.Eps, o.WeightDecay)
	case *optim.RMSProp:
		e.Int(kindRMSProp)
		floats(e, o.LR, o.Alpha, o.Eps, o.WeightDecay)
	case *optim.Adam:
		e.Int(kindAdam)
		floats(e, o.LR, o.Beta1, o.Beta2, o.Eps, o.WeightDecay)
		e.Bool(o.Decoupled)
	default:
		return fmt.Errorf("trainer: cannot save optimizer %T", opt)
	}
	e.Len(len(params), false)
	for _, p := range params {
		st, ok := optim.ExportState(opt, p)
		e.Bool(ok)
		if !ok {
			continue
		}
		e.Floats(st.Last)
		e.Floats(st.A)
		e.Floats(st.B)
		e.Int(st.Steps)
	}
	return nil
}

func floats(e *lessons.Encoder, v ...float64) {
	for _, x := range v {
		e.Float(x)
	}
}

// DecodeOptimizer reads what EncodeOptimizer wrote and returns a new
// optimizer with that state keyed by params (which must have the sizes
// of the parameters it was saved with).
func DecodeOptimizer(d *lessons.Decoder, params []*autograd.Var) (optim.Optimizer, error) {
	d.Version("optimizer", optimizerVersion)
	kind := d.IntIn("optimizer kind", kindSGD, kindAdam)
	f := func() float64 {
		v := d.Float()
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			d.Fail("optimizer setting %g", v)
		}
		return v
	}
	var opt optim.Optimizer
	switch kind {
	case kindSGD:
		opt = &optim.SGD{LR: f(), WeightDecay: f()}
	case kindMomentum:
		opt = &optim.Momentum{LR: f(), Mu: f(), WeightDecay: f(), Nesterov: d.Bool()}
	case kindAdaGrad:
		opt = &optim.AdaGrad{LR: f(), Eps: f(), WeightDecay: f()}
	case kindRMSProp:
		opt = &optim.RMSProp{LR: f(), Alpha: f(), Eps: f(), WeightDecay: f()}
	case kindAdam:
		opt = &optim.Adam{LR: f(), Beta1: f(), Beta2: f(), Eps: f(), WeightDecay: f(), Decoupled: d.Bool()}
	}
	if n, _ := d.Len(len(params), 1); d.Err() == nil && n != len(params) {
		d.Fail("optimizer state for %d parameters, want %d", n, len(params))
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	for _, p := range params {
		if !d.Bool() {
			continue
		}
		size := len(p.Value.Data)
		st := optim.ParamState{Last: d.Floats(size), A: d.Floats(size), B: d.Floats(size), Steps: d.IntIn("optimizer steps", 0, math.MaxInt32)}
		if d.Err() != nil {
			return nil, d.Err()
		}
		if err := optim.ImportState(opt, p, st); err != nil {
			return nil, d.Fail("%v", err)
		}
	}
	return opt, d.Err()
}

// EncodeValues writes the values of params.
func EncodeValues(e *lessons.Encoder, params []*autograd.Var) {
	e.Len(len(params), false)
	for _, p := range params {
		e.Floats(p.Value.Data)
	}
}

// DecodeValues reads what EncodeValues wrote for parameters of the sizes
// of params, as copies (params are not changed).
func DecodeValues(d *lessons.Decoder, params []*autograd.Var) [][]float64 {
	if n, _ := d.Len(len(params), 1); d.Err() == nil && n != len(params) {
		d.Fail("%d parameters, want %d", n, len(params))
	}
	out := make([][]float64, len(params))
	for i, p := range params {
		out[i] = d.FloatsN(p.Name, len(p.Value.Data))
	}
	return out
}

// EncodeTensor writes t (nil included).
func EncodeTensor(e *lessons.Encoder, t *tensor.Tensor) {
	e.Bool(t != nil)
	if t != nil {
		e.Ints(t.Shape)
		e.Floats(t.Data)
	}
}

// DecodeTensor reads what EncodeTensor wrote, of at most most elements.
func DecodeTensor(d *lessons.Decoder, most int) *tensor.Tensor {
	if !d.Bool() {
		return nil
	}
	shape := d.Ints(8, 0, most)
	data := d.Floats(most)
	if d.Err() == nil && (data == nil || shape == nil || tensor.Size(shape) != len(data)) {
		d.Fail("tensor of shape %v with %d values", shape, len(data))
	}
	if d.Err() != nil {
		return nil
	}
	return &tensor.Tensor{Shape: shape, Data: data}
}

// errTape is the error of encoding a snapshot whose cursor keeps a tape.
var errTape = errors.New("trainer: a snapshot that keeps its step's tape cannot be saved")

// errStopped is the error of encoding a snapshot of a run the watch
// stopped: its autopsy is not saved, so a reopening replays instead.
var errStopped = errors.New("trainer: a snapshot of a run the watch stopped is not saved")

// Encode writes s for Loop.DecodeSnapshot. The loop's hooks and
// parameters are not written (a decoding loop has its own); a finished
// step's tape cannot be, so Encode fails unless the cursor is idle or
// holds only the loss (a lesson that lets the tape go after each step,
// as cnn does).
func (s Snapshot) Encode(e *lessons.Encoder) error {
	l := &s.loop
	c := &l.Cur
	if c.Tape != nil && c.Tape.Len() > 0 || c.Steps != nil || c.Phase == Forward || c.Phase == Backward {
		return errTape
	}
	if l.Autopsy != nil || l.updated != nil || l.Watch.stopped != nil {
		return errStopped
	}
	e.Int(snapshotVersion)
	e.Len(len(s.values), false)
	for i := range s.values {
		e.Floats(s.values[i])
		e.Floats(s.grads[i])
	}
	if err := EncodeOptimizer(e, s.opt, l.Params); err != nil {
		return err
	}
	e.Int(l.N)
	e.Int(l.Batch)
	e.Int(l.Epochs)
	e.Uint(l.ShuffleSeed)
	e.Bool(l.NoShuffle)
	e.Len(len(l.Batches), l.Batches == nil)
	for _, b := range l.Batches {
		e.Ints(b)
	}
	e.Int(l.Next)
	e.Ints(l.Rows)
	e.Int(l.Step)
	e.Int(l.Epoch)
	e.Floats(l.Losses)
	e.Bool(l.Diverged)
	e.Int(l.DivStep)
	e.Int(int(c.Phase))
	e.Bool(c.Tape != nil)
	e.Int(c.Fwd)
	e.Bool(c.Loss != nil)
	if c.Loss != nil {
		e.String(c.Loss.Name)
		EncodeTensor(e, c.Loss.Value)
	}
	encodeWatch(e, &l.Watch)
	return nil
}

// Bounds on a decoded watch.
const (
	maxWatchPasses = 1024
	maxPassNodes   = 1 << 16
	maxWatchUps    = 1 << 14
	maxGauges      = 1 << 12
)

// encodeWatch writes what the watch has learned of the run so far: the
// last pass of each kind (for the loss-jump rule), the latest update of
// each parameter and the health gauges (and whether they are on, which
// the loop decides at its first step). Jump is the lesson's setting and
// not written.
func encodeWatch(e *lessons.Encoder, w *Watch) {
	e.Int(w.seq)
	keys := make([]string, 0, len(w.passes))
	for k := range w.passes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.Len(len(keys), false)
	for _, k := range keys {
		p := w.passes[k]
		e.String(k)
		e.Floats(p.scales)
		e.Float(p.maxLoss)
		e.Int(p.seq)
	}
	e.Len(len(w.ups), false)
	for _, u := range w.ups {
		e.String(u.Name)
		e.Float(u.Before)
		e.Float(u.Delta)
		e.Float(u.After)
		e.Float(u.Grad)
		e.Int(u.seq)
	}
	e.Bool(w.Gauges)
	e.Len(len(w.health.Gauges), false)
	for _, g := range w.health.Gauges {
		e.String(g.Layer)
		e.String(g.Kind)
		e.Floats(g.Values)
	}
}

// EncodeWatch writes w for DecodeWatch, for a machine that drives its own
// training through a Watch (as gan does); like a Loop's snapshot, a watch
// that stopped the run is not written (its autopsy is not saved, so a
// reopening replays instead).
func EncodeWatch(e *lessons.Encoder, w *Watch) error {
	if w.stopped != nil {
		return errStopped
	}
	encodeWatch(e, w)
	return nil
}

// DecodeWatch reads what EncodeWatch wrote into w, which keeps its Jump.
func DecodeWatch(d *lessons.Decoder, w *Watch) { decodeWatch(d, w) }

// decodeWatch reads what encodeWatch wrote into w, which keeps its own
// settings.
func decodeWatch(d *lessons.Decoder, w *Watch) {
	w.seq = d.IntIn("watch updates", 0, math.MaxInt32)
	n, _ := d.Len(maxWatchPasses, 2)
	w.passes = map[string]pass{}
	for range n {
		if d.Err() != nil {
			return
		}
		k := d.String(1 << 16)
		p := pass{scales: d.Floats(maxPassNodes), maxLoss: d.Float(), seq: d.IntIn("pass update", 0, w.seq)}
		w.passes[k] = p
	}
	n, _ = d.Len(maxWatchUps, 2)
	w.ups = nil
	for range n {
		if d.Err() != nil {
			return
		}
		u := ParamUpdate{Name: d.String(256), Before: d.Float(), Delta: d.Float(), After: d.Float(), Grad: d.Float()}
		u.seq = d.IntIn("parameter update", 0, w.seq)
		w.ups = append(w.ups, u)
	}
	w.Gauges = d.Bool()
	n, _ = d.Len(maxGauges, 3)
	w.health = Health{}
	for range n {
		if d.Err() != nil {
			return
		}
		g := Gauge{Layer: d.String(256), Kind: d.String(256), Values: d.Floats(2 * healthKeep)}
		w.health.Gauges = append(w.health.Gauges, g)
	}
	w.stopped = nil
}

// DecodeSnapshot reads a Snapshot that Encode wrote of a loop like l (the
// same sizes and settings), keyed by l's parameters, for l.Restore. It
// does not change l.
func (l *Loop) DecodeSnapshot(d *lessons.Decoder) (Snapshot, error) {
	d.Version("snapshot", snapshotVersion)
	if n, _ := d.Len(len(l.Params), 2); d.Err() == nil && n != len(l.Params) {
		d.Fail("%d parameters, want %d", n, len(l.Params))
	}
	s := Snapshot{loop: *l}
	s.loop.Cur = Cursor{}
	for _, p := range l.Params {
		size := len(p.Value.Data)
		s.values = append(s.values, d.FloatsN(p.Name, size))
		g := d.Floats(size)
		if g != nil && len(g) != size {
			d.Fail("gradient of %s has %d values", p.Name, len(g))
		}
		s.grads = append(s.grads, g)
	}
	if d.Err() != nil {
		return Snapshot{}, d.Err()
	}
	opt, err := DecodeOptimizer(d, l.Params)
	if err != nil {
		return Snapshot{}, err
	}
	s.opt = opt
	n, batch, epochs, seed, noShuffle := d.Int(), d.Int(), d.Int(), d.Uint(), d.Bool()
	if d.Err() == nil && (n != l.N || batch != l.Batch || epochs != l.Epochs || seed != l.ShuffleSeed || noShuffle != l.NoShuffle) {
		d.Fail("loop of %d rows, batch %d, %d epochs: another run's", n, batch, epochs)
	}
	lp := &s.loop
	spe := l.StepsPerEpoch()
	nb, isNil := d.Len(spe, 1)
	if !isNil {
		lp.Batches = make([][]int, nb)
		for i := range lp.Batches {
			lp.Batches[i] = d.Ints(l.Batch, 0, l.N-1)
		}
	} else {
		lp.Batches = nil
	}
	lp.Next = d.IntIn("next batch", 0, len(lp.Batches))
	lp.Rows = d.Ints(l.Batch, 0, l.N-1)
	lp.Step = d.IntIn("step", 0, spe*l.Epochs)
	lp.Epoch = d.IntIn("epoch", 0, l.Epochs)
	lp.Losses = d.Floats(lp.Step)
	if d.Err() == nil && len(lp.Losses) != lp.Step {
		d.Fail("%d losses for %d steps", len(lp.Losses), lp.Step)
	}
	lp.Diverged = d.Bool()
	lp.DivStep = d.IntIn("divergence step", 0, lp.Step+1)
	c := &lp.Cur
	c.Phase = Phase(d.IntIn("phase", int(Idle), int(Updated)))
	if c.Phase == Forward || c.Phase == Backward {
		d.Fail("a snapshot inside a step")
	}
	if d.Bool() {
		c.Tape = autograd.NewTape()
	}
	c.Fwd = d.IntIn("forward nodes", 0, math.MaxInt32)
	if d.Bool() {
		name := d.String(256)
		if v := DecodeTensor(d, 1<<20); v != nil {
			c.Loss = autograd.Const(name, v)
		} else {
			d.Fail("loss without a value")
		}
	}
	lp.Watch = Watch{Jump: l.Watch.Jump, Gauges: l.Watch.Gauges}
	lp.Autopsy, lp.updated = nil, nil
	decodeWatch(d, &lp.Watch)
	if d.Err() != nil {
		return Snapshot{}, d.Err()
	}
	return s, nil
}
