package attention

import (
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// eval is the encoder measured on the test sequences.
type eval struct {
	Loss, Acc float64
	// PosAcc is the accuracy at each output position.
	PosAcc []float64
	// Mirror is, for each head, the mean attention weight a query puts on
	// the position its answer is at (7 − i for output i, 1-based).
	Mirror []float64
	// Map is the attention weight of query i on key j, [SeqLen SeqLen]
	// row-major, averaged over the heads and the test sequences.
	Map []float64
	// Dead is the share of the feed-forward layer's ReLU units that are
	// zero at every position of every test sequence.
	Dead float64
}

// evaluate runs the encoder on the test sequences with the current
// parameters.
func (m *machine) evaluate() eval {
	ids := m.test
	labels := make([]int, 0, len(ids))
	for s := 0; s < len(ids); s += SeqLen {
		labels = append(labels, reversed(ids[s:s+SeqLen])...)
	}
	tp := autograd.NoGradTape()
	logits := m.enc.forward(tp, ids)
	ev := eval{
		Loss:   tp.SoftmaxCrossEntropy(logits, labels).Item(),
		PosAcc: make([]float64, SeqLen),
		Mirror: mirrorWeight(m.enc.mha.Weights),
		Map:    meanMap(m.enc.mha.Weights),
		Dead:   deadShare(m.enc.relu),
	}
	for i, p := range argmaxRows(logits.Value) {
		if p == labels[i] {
			ev.PosAcc[i%SeqLen]++
			ev.Acc++
		}
	}
	n := float64(len(ids) / SeqLen)
	for i := range ev.PosAcc {
		ev.PosAcc[i] /= n
	}
	ev.Acc /= float64(len(ids))
	return ev
}

// mirrorWeight returns, for each head of attention weights w [batch heads
// T T], the mean weight of query i on key T−1−i.
func mirrorWeight(w *tensor.Tensor) []float64 {
	b, h, t := w.Shape[0], w.Shape[1], w.Shape[2]
	out := make([]float64, h)
	for s := range b {
		for k := range h {
			for i := range t {
				out[k] += w.Data[((s*h+k)*t+i)*t+t-1-i]
			}
		}
	}
	for k := range out {
		out[k] /= float64(b * t)
	}
	return out
}

// meanMap returns the weights w [batch heads T T] averaged over the batch
// and the heads, [T T] row-major.
func meanMap(w *tensor.Tensor) []float64 {
	b, h, t := w.Shape[0], w.Shape[1], w.Shape[2]
	out := make([]float64, t*t)
	for s := range b * h {
		for k, v := range w.Data[s*t*t : (s+1)*t*t] {
			out[k] += v
		}
	}
	for k := range out {
		out[k] /= float64(b * h)
	}
	return out
}

// deadShare returns the share of units (the last axis of r) that are zero
// in every row of r.
func deadShare(r *tensor.Tensor) float64 {
	units := r.Shape[len(r.Shape)-1]
	alive := make([]bool, units)
	for i, v := range r.Data {
		if v > 0 {
			alive[i%units] = true
		}
	}
	dead := 0
	for _, a := range alive {
		if !a {
			dead++
		}
	}
	return float64(dead) / float64(units)
}

// prediction is the encoder's answer on one sequence.
type prediction struct {
	Input, Target, Output []int
	// Prob is the probability the model gives its output at each position.
	Prob []float64
	// Maps are the attention weights of each head, [T T] row-major: row i
	// is query position i, column j key position j.
	Maps [][]float64
}

// predict runs the encoder on one sequence.
func (m *machine) predict(seq []int) prediction {
	logits := m.enc.forward(autograd.NoGradTape(), seq).Value
	p := prediction{Input: seq, Target: reversed(seq), Output: argmaxRows(logits)}
	for i, o := range p.Output {
		r := logits.Data[i*Vocab : (i+1)*Vocab]
		s := 0.0
		for _, v := range r {
			s += math.Exp(v - r[o])
		}
		p.Prob = append(p.Prob, 1/s)
	}
	w := m.enc.mha.Weights
	n := SeqLen * SeqLen
	for k := range w.Shape[1] {
		p.Maps = append(p.Maps, append([]float64(nil), w.Data[k*n:(k+1)*n]...))
	}
	return p
}

// example returns the test sequence the learner picked.
func (m *machine) example() []int {
	i := m.cfg.example - 1
	return m.test[i*SeqLen : (i+1)*SeqLen]
}

// finite reports whether the prediction holds no NaN or ±Inf (it does
// once a run has diverged).
func (p prediction) finite() bool {
	for _, v := range p.Prob {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	for _, m := range p.Maps {
		for _, v := range m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}
