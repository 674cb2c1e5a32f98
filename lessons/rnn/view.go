package rnn

import (
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// view is the data the narrative templates read. Norms are over the whole
// batch; the values of one time step (X, Pred …) are those of wave 1.
type view struct {
	LSTM, GRU                       bool
	T, Hidden, Batch, Step, Epochs  int
	DivStep                         int
	LR, Clip, Scale, Loss, StartMSE float64
	Nodes, OpsPerT                  int     // nodes on the tape of one step, of one time step
	MeanFAll                        float64 // mean forget gate over the batch and time (LSTM)
	MeanZAll                        float64 // mean update gate over the batch and time (GRU)
	ClipFactor                      float64 // After / Before

	// The gradient of the last step's loss through time (the probe).
	P1, PT, Ratio, PerStep float64
	// The same ratio at initialisation, for this cell and the other one.
	InitRatio, OtherRatio float64
	Other                 string
	// The gradient of the whole loss at the first and last hidden state.
	W1, WT float64
	Sigma  float64 // σ_max(W_hh) of the weights the step used (RNN)

	// The goal: MSE ≤ Target, met or not (Met); Persist is the MSE of
	// copying the last value, and Better how many times lower Loss is.
	Target, Persist, Better float64
	Met                     bool
	// Back1 and Back2 are ‖∂ℓ_T/∂h_t‖ one and two steps back from t = T,
	// relative to its size at T: how much of the last error the few
	// steps the sine recurrence needs still receive.
	Back1, Back2 float64
	Prev1, Prev2 int // T − 1 and T − 2

	// The update.
	Before, After float64
	Clipped       bool

	// The time step t of a forward or backward op.
	Tt, Prev, Next      int // t, t−1 and t+1
	X, Y, Pred, HPrev   float64
	ARange, Sat         float64 // max |a_t| (RNN); units with |h| > 0.9
	MeanI, MeanF, MeanO float64 // mean gates (LSTM)
	MeanR, MeanZ        float64 // mean gates (GRU)
	GDirect, GDirNext   float64 // ‖sent to h_{t−1} along z_t‖; ‖from h_{t+1} along z_{t+1}‖ (GRU)
	GH, GHead, GNext    float64 // ‖∂L/∂h_t‖ and its two parts
	TanhD, GPrev        float64 // mean 1 − h_t²; ‖sent to h_{t−1}‖
	GC, GCPrev          float64 // ‖∂L/∂c_t‖; ‖sent to c_{t−1} along f‖
	PTt, PTRel          float64 // ‖∂ℓ_T/∂h_t‖ and its ratio to t = T
	PerStepHere         float64 // ‖∂ℓ_T/∂h_t‖ / ‖∂ℓ_T/∂h_{t+1}‖
}

func (m *machine) view() view {
	l := &m.loop
	T := m.cfg.steps
	v := view{
		LSTM: m.net.lstm != nil, GRU: m.net.gru != nil, T: T, Hidden: Hidden, Batch: Batch,
		Step: l.Step, Epochs: l.Epochs, DivStep: l.DivStep, LR: m.opt.LR, Clip: m.clip, Scale: m.cfg.scale,
		Nodes: m.rec.ends[len(m.rec.ends)-1], OpsPerT: m.rec.ends[0], StartMSE: m.startLoss,
	}
	if v.LSTM {
		for _, f := range m.rec.forget {
			v.MeanFAll += mean(f.Value.Data)
		}
		v.MeanFAll /= float64(T)
	}
	if v.GRU {
		for _, z := range m.rec.update {
			v.MeanZAll += mean(z.Value.Data)
		}
		v.MeanZAll /= float64(T)
	}
	if l.Cur.Tape != nil {
		v.Loss = l.Cur.Loss.Item()
	}
	pr := m.probe()
	v.P1, v.PT = pr.norms[0], pr.norms[T-1]
	v.Ratio = pr.ratio()
	v.InitRatio, v.OtherRatio, v.Other = m.initRatio, m.otherRatio, otherName(m)
	v.PerStep = math.Pow(v.Ratio, 1/float64(T-1))
	v.Back1, v.Back2 = pr.norms[T-2]/v.PT, pr.norms[T-3]/v.PT
	v.Prev1, v.Prev2 = T-1, T-2
	v.Target, v.Persist = goal.Target, m.persist
	mse := m.rec.loss.Item()
	v.Met, v.Better = goal.Met(mse), m.persist/mse
	if m.net.rnn != nil {
		v.Sigma = sigmaMax(m.used[1], Hidden, Hidden)
	}
	if n := len(m.before); n > 0 {
		v.Before, v.After = m.before[n-1], m.after[n-1]
		v.Clipped = v.After < v.Before
		v.ClipFactor = v.After / v.Before
	}
	if l.Cur.Phase == trainer.Backward || l.Cur.Phase == trainer.Updated {
		v.W1, v.WT = norm(m.rec.hs[0].Grad), norm(m.rec.hs[T-1].Grad)
	}
	t, ok := m.opStep()
	if !ok {
		return v
	}
	v.Tt, v.Prev, v.Next = t+1, t, t+2
	r := m.rec
	v.X, v.Y, v.Pred = m.xs[t].Value.Data[0], m.ys[t].Value.Data[0], r.preds[t].Value.Data[0]
	if t > 0 {
		v.HPrev = rowNorm(r.hs[t-1].Value, 0)
	}
	h := r.hs[t].Value
	for _, x := range h.Data[:Hidden] {
		if math.Abs(x) > 0.9 {
			v.Sat++
		}
	}
	switch {
	case v.LSTM:
		v.MeanI, v.MeanF, v.MeanO = mean(r.in[t].Value.Data), mean(r.forget[t].Value.Data), mean(r.out[t].Value.Data)
	case v.GRU:
		v.MeanR, v.MeanZ = mean(r.reset[t].Value.Data), mean(r.update[t].Value.Data)
	default:
		for _, a := range r.pre[t].Value.Data[:Hidden] {
			v.ARange = math.Max(v.ARange, math.Abs(a))
		}
	}
	if l.Cur.Phase != trainer.Backward {
		return v
	}
	sent := m.sentGrads()
	v.GH = norm(r.hs[t].Grad)
	v.GHead = norm(sent(r.preds[t].Node().Inputs[0], 0))
	if t+1 < T {
		v.GNext = norm(sent(r.rec[t+1], 0))
	}
	v.GPrev = norm(sent(r.rec[t], 0))
	for _, x := range h.Data {
		v.TanhD += 1 - x*x
	}
	v.TanhD /= float64(len(h.Data))
	if v.LSTM {
		v.GC = norm(r.cs[t].Grad)
		v.GCPrev = norm(sent(r.carry[t], 1))
	}
	if v.GRU {
		v.GDirect = norm(sent(r.direct[t], 0))
		if t+1 < T {
			v.GDirNext = norm(sent(r.direct[t+1], 0))
		}
	}
	v.PTt = pr.norms[t]
	v.PTRel = v.PTt / v.PT
	if t+1 < T {
		v.PerStepHere = pr.norms[t] / pr.norms[t+1]
	}
	return v
}

// opStep is the time step (0-based) of the op just revealed, if it is a
// time step of the forward or backward pass rather than the loss.
func (m *machine) opStep() (int, bool) {
	c := &m.loop.Cur
	var i int
	switch c.Phase {
	case trainer.Forward:
		i = c.Fwd - 1
	case trainer.Backward:
		i = m.bwdNode()
	default:
		return 0, false
	}
	g := m.rec.group(i)
	return g, g < m.cfg.steps
}

// sentGrads returns a lookup of the gradient the revealed backward steps
// sent from the node that produced out to its input in (nil if none).
func (m *machine) sentGrads() func(out *autograd.Var, in int) *tensor.Tensor {
	byNode := map[*autograd.Node]autograd.Step{}
	for _, st := range m.loop.Cur.Steps {
		byNode[st.Node] = st
	}
	return func(out *autograd.Var, in int) *tensor.Tensor {
		st, ok := byNode[out.Node()]
		if !ok {
			return nil
		}
		return st.Grads[in]
	}
}

// rowNorm is the norm of row r of a 2-D tensor.
func rowNorm(t *tensor.Tensor, r int) float64 {
	n := t.Shape[1]
	return norm(tensor.FromValues(t.Data[r*n:(r+1)*n], n))
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
