package rnn

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// net is the lesson's model: one recurrent cell (the engine's RNNCell,
// LSTMCell or GRUCell, exactly one set) and a Dense readout from the
// hidden state to the prediction, applied at every time step.
type net struct {
	rnn  *nn.RNNCell
	lstm *nn.LSTMCell
	gru  *nn.GRUCell
	head *nn.Dense
}

// params returns the cell's parameters (Wx, Wh, b; the GRU's Wx, Wh, bx,
// bh), then the readout's W and b.
func (n *net) params() []*autograd.Var {
	switch {
	case n.lstm != nil:
		return append(n.lstm.Params(), n.head.Params()...)
	case n.gru != nil:
		return append(n.gru.Params(), n.head.Params()...)
	}
	return append(n.rnn.Params(), n.head.Params()...)
}

// wh is the recurrent weight matrix (all the gates' blocks for the
// gated cells).
func (n *net) wh() *autograd.Var {
	switch {
	case n.lstm != nil:
		return n.lstm.Wh
	case n.gru != nil:
		return n.gru.Wh
	}
	return n.rnn.Wh
}

// record is what one recorded forward pass holds for the scenes: the
// values of every time step and where each time step's nodes sit on the
// tape, so that one "op" of the lesson can be one whole time step.
type record struct {
	hs, cs, preds []*autograd.Var // h_t, c_t (LSTM only) and ŷ_t, t = 1 … T
	pre           []*autograd.Var // a_t, the input of the RNN's tanh
	rec           []*autograd.Var // h_{t−1}·W_hh of each step
	in, forget    []*autograd.Var // the gates i_t and f_t (LSTM only)
	out           []*autograd.Var // the gate o_t (LSTM only)
	carry         []*autograd.Var // f_t ⊙ c_{t−1} (LSTM only)
	reset, update []*autograd.Var // the gates r_t and z_t (GRU only)
	cand          []*autograd.Var // the candidate n_t (GRU only)
	direct        []*autograd.Var // h_{t−1} − n_t, the path z_t gates (GRU only)
	// ends[t] is the tape length after time step t+1; the last entry
	// closes the readout-and-loss group.
	ends []int
	loss *autograd.Var
}

// group returns the group of tape node i: 0 … T−1 for the time steps,
// T for the loss.
func (r *record) group(i int) int { return sort.SearchInts(r.ends, i+1) }

// start returns the index of the first node of group g.
func (r *record) start(g int) int {
	if g == 0 {
		return 0
	}
	return r.ends[g-1]
}

// forward records the whole unrolled network on tp: for t = 1 … T the
// cell step and the readout ŷ_t, then L = mean over batch and time of
// (ŷ_t − y_t)². xs and ys are the inputs and targets of each time step,
// [batch 1] each.
func (n *net) forward(tp *autograd.Tape, xs []*autograd.Var, target *autograd.Var) *record {
	steps := len(xs)
	batch, hidden := xs[0].Value.Shape[0], n.head.W.Value.Shape[0]
	r := &record{}
	h := autograd.Const("h0", tensor.New(batch, hidden))
	c := autograd.Const("c0", tensor.New(batch, hidden))
	for t := range steps {
		from := tp.Len()
		prevH, prevC := h, c
		switch {
		case n.lstm != nil:
			h, c = n.lstm.Step(tp, xs[t], h, c)
			r.cs = append(r.cs, c.Named(fmt.Sprintf("c%d", t+1)))
		case n.gru != nil:
			h = n.gru.Step(tp, xs[t], h)
		default:
			h = n.rnn.Step(tp, xs[t], h)
		}
		h.Named(fmt.Sprintf("h%d", t+1))
		y := n.head.Forward(tp, h).Named(fmt.Sprintf("ŷ%d", t+1))
		r.hs, r.preds = append(r.hs, h), append(r.preds, y)
		nodes := tp.Nodes()[from:]
		r.rec = append(r.rec, findNode(nodes, func(nd *autograd.Node) bool {
			return nd.Op == "matmul" && nd.Inputs[0] == prevH
		}))
		switch {
		case n.gru != nil:
			// The engine's GRU step computes r, then z, then n, and
			// h_t = n + z ⊙ (h_{t−1} − n).
			var sig []*autograd.Var
			for _, nd := range nodes {
				if nd.Op == "sigmoid" {
					sig = append(sig, nd.Out)
				}
			}
			if len(sig) != 2 {
				panic("rnn: a GRU step without exactly two gates")
			}
			r.reset, r.update = append(r.reset, sig[0]), append(r.update, sig[1])
			r.cand = append(r.cand, findNode(nodes, func(nd *autograd.Node) bool { return nd.Op == "tanh" }))
			r.direct = append(r.direct, findNode(nodes, func(nd *autograd.Node) bool {
				return nd.Op == "sub" && nd.Inputs[0] == prevH
			}))
		case n.lstm != nil:
			r.in = append(r.in, gate(nodes, 0, hidden))
			r.forget = append(r.forget, gate(nodes, 1, hidden))
			r.out = append(r.out, gate(nodes, 3, hidden))
			r.carry = append(r.carry, findNode(nodes, func(nd *autograd.Node) bool {
				return nd.Op == "mul" && nd.Inputs[1] == prevC
			}))
		default:
			r.pre = append(r.pre, h.Node().Inputs[0])
		}
		r.ends = append(r.ends, tp.Len())
	}
	all := tp.Concat(0, r.preds...).Named("ŷ")
	r.loss = nn.MSE(tp, all, target).Named("L")
	r.ends = append(r.ends, tp.Len())
	return r
}

// gate finds block k (i, f, g, o = 0 … 3) of an LSTM step's gates among
// its nodes: the sigmoid of the slice k·hidden : (k+1)·hidden of z.
func gate(nodes []*autograd.Node, k, hidden int) *autograd.Var {
	cols := fmt.Sprintf(" %d:%d", k*hidden, (k+1)*hidden)
	return findNode(nodes, func(nd *autograd.Node) bool {
		in := nd.Inputs[0].Node()
		return nd.Op == "sigmoid" && in != nil && in.Op == "slice" && strings.HasSuffix(in.Attrs, cols)
	})
}

// findNode returns the output of the only node of nodes that match
// accepts. It panics if there is not exactly one: the lesson reads the
// engine's cells by their structure, and a change there must show.
func findNode(nodes []*autograd.Node, match func(*autograd.Node) bool) *autograd.Var {
	var found *autograd.Var
	for _, nd := range nodes {
		if match(nd) {
			if found != nil {
				panic("rnn: two nodes of one time step match where one was expected")
			}
			found = nd.Out
		}
	}
	if found == nil {
		panic("rnn: a node of the cell was not found on the tape")
	}
	return found
}

// probe is the gradient of the last time step's loss alone,
// ℓ_T = mean over the batch of (ŷ_T − y_T)², with respect to every hidden
// state: norms[t] = ‖∂ℓ_T/∂h_{t+1}‖ over the whole batch.
type probe struct {
	norms []float64
}

// ratio is ‖∂ℓ_T/∂h_1‖ / ‖∂ℓ_T/∂h_T‖: how much of the last step's
// gradient is left after travelling back to the first step.
// It is 0 when no gradient reaches the last hidden state at all.
func (p probe) ratio() float64 {
	last := p.norms[len(p.norms)-1]
	if !(last > 0) || !(p.norms[0] >= 0) {
		return 0
	}
	return p.norms[0] / last
}

// probeLast computes the probe for the weights values (in the order of
// params) on a tape of its own. The weights enter as constants and h_0 as
// the one variable, so the pass gives every ∂ℓ_T/∂h_t and touches no
// parameter's gradient.
func (n *net) probeLast(values [][]float64, xs []*autograd.Var, lastTarget *autograd.Var) probe {
	ps := n.params()
	w := make([]*autograd.Var, len(ps))
	for i, p := range ps {
		w[i] = autograd.Const(p.Name, tensor.FromValues(slices.Clone(values[i]), p.Value.Shape...))
	}
	batch, hidden := xs[0].Value.Shape[0], n.head.W.Value.Shape[0]
	tp := autograd.NewTape()
	h := autograd.NewParam("h0", tensor.New(batch, hidden))
	c := autograd.Const("c0", tensor.New(batch, hidden))
	hs := make([]*autograd.Var, len(xs))
	for t, x := range xs {
		switch {
		case n.lstm != nil:
			h, c = (&nn.LSTMCell{Name: "probe", Wx: w[0], Wh: w[1], B: w[2]}).Step(tp, x, h, c)
		case n.gru != nil:
			h = (&nn.GRUCell{Name: "probe", Wx: w[0], Wh: w[1], Bx: w[2], Bh: w[3]}).Step(tp, x, h)
		default:
			h = (&nn.RNNCell{Name: "probe", Wx: w[0], Wh: w[1], B: w[2]}).Step(tp, x, h)
		}
		hs[t] = h
	}
	head := &nn.Dense{Name: "probe", W: w[len(w)-2], B: w[len(w)-1]}
	loss := nn.MSE(tp, head.Forward(tp, h), lastTarget)
	tp.Backward(loss)
	pr := probe{norms: make([]float64, len(hs))}
	for t, v := range hs {
		pr.norms[t] = norm(v.Grad)
	}
	return pr
}

// norm is the Euclidean (Frobenius) norm of t, 0 for nil, computed with
// scaling so that large values do not overflow.
func norm(t *tensor.Tensor) float64 {
	if t == nil {
		return 0
	}
	scale, ssq := 0.0, 1.0
	for _, v := range t.Data {
		a := math.Abs(v)
		switch {
		case a == 0:
		case scale < a:
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		default:
			ssq += (a / scale) * (a / scale)
		}
	}
	return scale * math.Sqrt(ssq)
}

// sigmaMax returns the largest singular value of the rows×cols matrix w
// (row-major) by power iteration on wᵀw: v ← wᵀw·v / ‖wᵀw·v‖ until
// ‖w·v‖ changes by less than a part in 10¹², at most 2000 times. The start
// vector is fixed, so the result is deterministic. It panics if w does not
// have rows·cols elements.
func sigmaMax(w []float64, rows, cols int) float64 {
	if len(w) != rows*cols {
		panic(fmt.Sprintf("rnn: sigmaMax: %d values for a %d×%d matrix", len(w), rows, cols))
	}
	v := make([]float64, cols)
	for j := range v {
		v[j] = 1 + float64(j%7)/7 // not orthogonal to the top singular vector, barring a coincidence
	}
	u := make([]float64, rows)
	sigma := 0.0
	for range 2000 {
		normalize(v)
		for i := range rows {
			s := 0.0
			for j, vj := range v {
				s += w[i*cols+j] * vj
			}
			u[i] = s
		}
		next := math.Sqrt(dot(u, u)) // ‖w·v‖ for a unit v
		for j := range v {
			s := 0.0
			for i, ui := range u {
				s += w[i*cols+j] * ui
			}
			v[j] = s
		}
		if next == 0 || math.Abs(next-sigma) <= 1e-12*next {
			return next
		}
		sigma = next
	}
	return sigma
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func normalize(v []float64) {
	n := math.Sqrt(dot(v, v))
	if n == 0 {
		return
	}
	for i := range v {
		v[i] /= n
	}
}
