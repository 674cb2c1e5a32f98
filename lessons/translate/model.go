package translate

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// maskScore is added to the attention score of a padding position: its
// exponential underflows to exactly 0, so padding gets no weight.
const maskScore = -1e9

// model is the encoder–decoder, built from the engine's layers:
//
//	encoder  e_j = embed_in(x_j),  (h_j, c_j) = LSTM_enc(e_j, h_{j−1}, c_{j−1})
//	decoder  (s_t, c'_t) = LSTM_dec(embed_out(y_{t−1}), s_{t−1}, c'_{t−1}),
//	         starting from the encoder's last (h, c)
//	attention (Luong, "general" score)
//	         a_t = softmax_j(s_t·Wa·h_j),  ctx_t = Σ_j a_tj h_j,
//	         o_t = tanh([s_t; ctx_t]·Wc + bc)
//	output   logits_t = o_t·Wo + bo          (without attention: s_t·Wo + bo)
//
// Inputs are right-padded to the longest of a batch; the encoder is
// unidirectional, so the states of the real characters never depend on
// the padding, the decoder starts from the state at each row's last real
// character, and attention gives padding weight 0.
type model struct {
	hidden    int
	attention bool

	inEmb, outEmb *nn.Embedding
	enc, dec      *nn.LSTMCell
	wa            *autograd.Var // [hidden hidden], attention only
	comb          *nn.Dense     // [2·hidden hidden], attention only
	out           *nn.Dense     // [hidden outVocab]

	// watch, when set, records which units of the attention layer's tanh
	// have been off its flat ends in any decoder step since.
	watch []bool
	// saturated is the share of those units that sat on a flat end at
	// every position of the last evaluation.
	saturated float64

	// trace, when set, is given every decoder position's attention as
	// it is recorded, and decoded every greedy position's logits and
	// probabilities (mine mode).
	trace   func(attnTrace)
	decoded func(pos int, logits, probs *tensor.Tensor)
}

// embedDim is the size of the character embeddings.
const embedDim = 16

func newModel(rng *rand.Rand, inVocab, outVocab, hidden int, attention bool) *model {
	m := &model{
		hidden: hidden, attention: attention,
		inEmb:  nn.NewEmbedding("embed_in", inVocab, embedDim, rng),
		outEmb: nn.NewEmbedding("embed_out", outVocab, embedDim, rng),
		enc:    nn.NewLSTMCell("enc", embedDim, hidden, rng),
		dec:    nn.NewLSTMCell("dec", embedDim, hidden, rng),
	}
	if attention {
		m.wa = autograd.NewParam("attn.Wa", nn.LeCunNormal.Tensor(rng, hidden, hidden, hidden, hidden))
		m.comb = nn.NewDense("attn.Wc", 2*hidden, hidden, rng)
	}
	m.out = nn.NewDense("out", hidden, outVocab, rng)
	return m
}

// params returns every parameter in a fixed order.
func (m *model) params() []*autograd.Var {
	ps := append(m.inEmb.Params(), m.enc.Params()...)
	ps = append(ps, m.outEmb.Params()...)
	ps = append(ps, m.dec.Params()...)
	if m.attention {
		ps = append(ps, m.wa)
		ps = append(ps, m.comb.Params()...)
	}
	return append(ps, m.out.Params()...)
}

// encoded is a batch after the encoder.
type encoded struct {
	rows, steps int
	hs          []*autograd.Var // h_j of every position, [rows hidden] each
	states      *autograd.Var   // the h_j stacked [rows steps hidden]
	keys        *autograd.Var   // states·Wa [rows steps hidden] (attention only)
	mask        *autograd.Var   // 0 at characters, maskScore at padding [rows steps]
	h, c        *autograd.Var   // state at each row's last character [rows hidden]
}

// encode runs the encoder over the id sequences (each at least one id).
func (m *model) encode(tp *autograd.Tape, ids [][]int) encoded {
	rows, steps := len(ids), 0
	for _, s := range ids {
		steps = max(steps, len(s))
	}
	h := autograd.Const("h0", tensor.New(rows, m.hidden))
	c := autograd.Const("c0", tensor.New(rows, m.hidden))
	hs, cs := make([]*autograd.Var, steps), make([]*autograd.Var, steps)
	col := make([]int, rows)
	for t := range steps {
		for r, s := range ids {
			col[r] = data.PadID
			if t < len(s) {
				col[r] = s[t]
			}
		}
		h, c = m.enc.Step(tp, m.inEmb.Lookup(tp, col), h, c)
		hs[t], cs[t] = h, c
	}
	e := encoded{rows: rows, steps: steps, hs: hs, states: tp.Stack(1, hs...)}
	last := make([]int, rows)
	mask := tensor.New(rows, steps)
	for r, s := range ids {
		last[r] = r*steps + len(s) - 1
		for t := len(s); t < steps; t++ {
			mask.Data[r*steps+t] = maskScore
		}
	}
	flat := func(v *autograd.Var) *autograd.Var { return tp.Reshape(v, rows*steps, m.hidden) }
	e.h = tp.IndexSelect(flat(e.states), 0, last)
	e.c = tp.IndexSelect(flat(tp.Stack(1, cs...)), 0, last)
	if m.attention {
		e.mask = autograd.Const("pad_mask", mask)
		e.keys = tp.Reshape(tp.MatMul(flat(e.states), m.wa), rows, steps, m.hidden)
	}
	return e
}

// decodeStep is one decoder time step from the previous output ids: it
// returns the logits [rows outVocab], the new state and, with attention,
// the attention weights [rows steps].
func (m *model) decodeStep(tp *autograd.Tape, e encoded, prev []int, s, c *autograd.Var) (logits, s2, c2, weights *autograd.Var) {
	s2, c2 = m.dec.Step(tp, m.outEmb.Lookup(tp, prev), s, c)
	o := s2
	if m.attention {
		q := tp.Reshape(s2, e.rows, 1, m.hidden)
		scores := tp.Reshape(tp.BatchMatMul(q, e.keys, false, true), e.rows, e.steps)
		weights = tp.Softmax(tp.Add(scores, e.mask))
		ctx := tp.BatchMatMul(tp.Reshape(weights, e.rows, 1, e.steps), e.states, false, false)
		if m.trace != nil {
			m.trace(attnTrace{q: s2, weights: weights, ctx: ctx})
		}
		o = tp.Tanh(m.comb.Forward(tp, tp.Concat(1, s2, tp.Reshape(ctx, e.rows, m.hidden))))
		if m.watch != nil {
			for k, x := range o.Value.Data {
				// tanh′ = 1 − x² is below 1% of its maximum where |x| > 0.995.
				if math.Abs(x) <= 0.995 {
					m.watch[k%m.hidden] = true
				}
			}
		}
	}
	return m.out.Forward(tp, o), s2, c2, weights
}

// teacherForce records the teacher-forced loss of the encoded batch: the
// decoder reads <s> and then the target's own characters, and at every
// position the cross-entropy of the next target character is taken, the
// mean over positions and rows. It also returns the logits of every
// position ([len(out[0])] of [rows outVocab]).
func (m *model) teacherForce(tp *autograd.Tape, e encoded, out [][]int) (*autograd.Var, []*autograd.Var) {
	rows, n := len(out), len(out[0])
	s, c := e.h, e.c
	prev := make([]int, rows)
	for r := range prev {
		prev[r] = data.StartID
	}
	logits := make([]*autograd.Var, n)
	labels := make([]int, 0, rows*n)
	for t := range n {
		logits[t], s, c, _ = m.decodeStep(tp, e, prev, s, c)
		prev = make([]int, rows)
		for r, y := range out {
			prev[r] = y[t]
		}
		labels = append(labels, prev...)
	}
	return tp.SoftmaxCrossEntropy(tp.Concat(0, logits...), labels), logits
}

// translation is a greedy decoding of one input.
type translation struct {
	ids   []int       // output ids, one per position
	probs []float64   // the model's probability of each chosen id
	attn  [][]float64 // attention weights per position over the input (nil without attention)
}

// greedy decodes the encoded batch n positions deep: at every position the
// most probable character is chosen and fed back as the next input.
func (m *model) greedy(tp *autograd.Tape, e encoded, in [][]int, n int) []translation {
	rows := len(in)
	out := make([]translation, rows)
	prev := make([]int, rows)
	for r := range prev {
		prev[r] = data.StartID
	}
	s, c := e.h, e.c
	for pos := range n {
		var logits, w *autograd.Var
		logits, s, c, w = m.decodeStep(tp, e, prev, s, c)
		p := tp.Softmax(logits).Value
		if m.decoded != nil {
			m.decoded(pos, logits.Value, p)
		}
		v := p.Shape[1]
		prev = make([]int, rows)
		for r := range rows {
			row := p.Data[r*v : (r+1)*v]
			best := 0
			for k, x := range row {
				if x > row[best] {
					best = k
				}
			}
			prev[r] = best
			out[r].ids = append(out[r].ids, best)
			out[r].probs = append(out[r].probs, row[best])
			if w != nil {
				out[r].attn = append(out[r].attn, append([]float64(nil), w.Value.Data[r*e.steps:r*e.steps+len(in[r])]...))
			}
		}
	}
	return out
}

// translate decodes the inputs greedily, n positions each, without
// recording gradients.
func (m *model) translate(in [][]int, n int) []translation {
	tp := autograd.NoGradTape()
	return m.greedy(tp, m.encode(tp, in), in, n)
}

// evalChunk is how many inputs evaluate encodes together.
const evalChunk = 40

// evaluate returns, without recording gradients, the teacher-forced loss
// of the pairs and their greedy translations, in the order given. The
// inputs are encoded in chunks of similar length, so little time goes
// into padding; padding changes no result.
func (m *model) evaluate(in, out [][]int) (float64, []translation) {
	if m.attention {
		m.watch = make([]bool, m.hidden)
		defer func() { m.watch = nil }()
	}
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(in[a]) - len(in[b]) })
	trs := make([]translation, len(in))
	total := 0.0
	for lo := 0; lo < len(order); lo += evalChunk {
		idx := order[lo:min(lo+evalChunk, len(order))]
		ci, co := make([][]int, len(idx)), make([][]int, len(idx))
		for k, i := range idx {
			ci[k], co[k] = in[i], out[i]
		}
		tp := autograd.NoGradTape()
		e := m.encode(tp, ci)
		loss, _ := m.teacherForce(tp, e, co)
		total += loss.Item() * float64(len(idx))
		for k, tr := range m.greedy(tp, e, ci, len(co[0])) {
			trs[idx[k]] = tr
		}
	}
	if m.watch != nil {
		flat := 0
		for _, live := range m.watch {
			if !live {
				flat++
			}
		}
		m.saturated = float64(flat) / float64(m.hidden)
	}
	return total / float64(len(in)), trs
}
