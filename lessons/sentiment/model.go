package sentiment

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data/sentiment"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of the models.
const (
	Dim   = 16 // word-vector size of both models' embeddings
	Batch = 32 // sentences per training step
)

// maskValue is added to the attention score of a padding position:
// exp of it underflows to exactly 0.
const maskValue = -1e9

// Pooling choices: how the sequence model turns its hidden states into
// one vector.
const (
	PoolAttention = "attention" // Σ α_t h_t with α = softmax(H·w)
	PoolMean      = "mean"      // the plain average of the states
	PoolLast      = "last"      // the state after the last word
)

// batch is a set of sentences encoded for the engine, padded on the
// right to the longest: ids [B·T], 1/len at the real positions of each
// row (the bag's averaging weights), the attention mask (0 or
// maskValue), the labels [B 1].
type batch struct {
	rows    []int // indices into the split the sentences come from
	B, T    int
	ids     []int
	lens    []int
	avg     *tensor.Tensor // [B 1 T]
	mask    *tensor.Tensor // [B T]
	lastSel *tensor.Tensor // [B 1 T], 1 at each row's last word
	y       *tensor.Tensor // [B 1]
}

func encode(v *sentiment.Vocab, exs []sentiment.Example, rows []int) *batch {
	b := &batch{rows: rows, B: len(rows)}
	for _, r := range rows {
		b.T = max(b.T, len(exs[r].Tokens))
	}
	b.ids = make([]int, b.B*b.T)
	b.avg, b.mask, b.lastSel = tensor.New(b.B, 1, b.T), tensor.New(b.B, b.T), tensor.New(b.B, 1, b.T)
	b.y = tensor.New(b.B, 1)
	for i, r := range rows {
		ex := exs[r]
		ids := v.Encode(ex.Tokens)
		n := len(ids)
		b.lens = append(b.lens, n)
		copy(b.ids[i*b.T:], ids)
		for t := range b.T {
			if t < n {
				b.avg.Data[i*b.T+t] = 1 / float64(n)
			} else {
				b.mask.Data[i*b.T+t] = maskValue
			}
		}
		b.lastSel.Data[i*b.T+n-1] = 1
		if ex.Positive {
			b.y.Data[i] = 1
		}
	}
	return b
}

// record is one forward pass: its named values and, for stepping op by
// op, where each group of nodes ends on the tape (a time step of the GRU
// is one group; every other node is a group of its own).
type record struct {
	b      *batch
	words  *autograd.Var   // the looked-up vectors [B T Dim]
	states []*autograd.Var // h_t, t = 1 … T, [B hidden] (sequence model)
	scores *autograd.Var   // s = H·w [B T] (attention)
	alpha  *autograd.Var   // the pooling weights [B T]: softmax, or 1/len for the bag and the mean
	pooled *autograd.Var   // [B Dim] or [B hidden]
	logit  *autograd.Var   // [B 1]
	loss   *autograd.Var
	ends   []int
	// stepOf[g] is the time step (1-based) of group g, 0 for a group
	// outside the GRU.
	stepOf map[int]int
}

func (r *record) group(i int) int { return sort.SearchInts(r.ends, i+1) }

func (r *record) start(g int) int {
	if g == 0 {
		return 0
	}
	return r.ends[g-1]
}

// closeSingles ends a group at every node recorded since the last end.
func (r *record) closeSingles(tp *autograd.Tape) {
	last := 0
	if n := len(r.ends); n > 0 {
		last = r.ends[n-1]
	}
	for i := last + 1; i <= tp.Len(); i++ {
		r.ends = append(r.ends, i)
	}
}

// bagNet is the bag of embeddings: the average of the sentence's word
// vectors, then one linear unit — the logit of "positive".
type bagNet struct {
	emb *nn.Embedding
	out *nn.Dense
}

func newBag(vocab int, rng *rand.Rand) *bagNet {
	return &bagNet{emb: nn.NewEmbedding("bag.E", vocab, Dim, rng), out: nn.NewDense("bag.out", Dim, 1, rng)}
}

func (n *bagNet) params() []*autograd.Var { return []*autograd.Var{n.emb.W, n.out.W, n.out.B} }

// forward records the bag model on b: e = E[ids], x̄ = the average of
// each sentence's vectors (a product with the weights 1/len, 0 at the
// padding), z = x̄·u + c, L = BCE(z, y).
func (n *bagNet) forward(tp *autograd.Tape, b *batch) *record {
	r := &record{b: b}
	e := tp.Embedding(n.emb.W, b.ids).Named("e")
	r.words = tp.Reshape(e, b.B, b.T, Dim).Named("words")
	avg := autograd.Const("1/len", b.avg)
	sum := tp.BatchMatMul(avg, r.words, false, false).Named("Σe/n")
	r.pooled = tp.Reshape(sum, b.B, Dim).Named("x̄")
	r.logit = tp.Add(tp.MatMul(r.pooled, n.out.W).Named("x̄·u"), n.out.B).Named("logit")
	r.loss = tp.BCEWithLogits(r.logit, autograd.Const("y", b.y)).Named("L")
	r.closeSingles(tp)
	return r
}

// wordScores are u·e_w for every word of the vocabulary: each word's
// vote, which the bag model averages (plus c) into the logit.
func (n *bagNet) wordScores() []float64 {
	V := n.emb.W.Value.Shape[0]
	out := make([]float64, V)
	for w := range V {
		s := 0.0
		for k := range Dim {
			s += n.emb.W.Value.Data[w*Dim+k] * n.out.W.Value.Data[k]
		}
		out[w] = s
	}
	return out
}

// seqNet is the sequence model: the words' vectors read in order by a
// GRU, its states pooled (attention by default) and one linear unit.
type seqNet struct {
	emb  *nn.Embedding
	cell *nn.GRUCell
	w    *autograd.Var // the attention scoring vector [hidden 1]
	out  *nn.Dense
	pool string
}

func newSeq(vocab, hidden int, pool string, rng *rand.Rand) *seqNet {
	return &seqNet{
		emb:  nn.NewEmbedding("seq.E", vocab, Dim, rng),
		cell: nn.NewGRUCell("gru", Dim, hidden, rng),
		w:    autograd.NewParam("w", nn.LeCunNormal.Tensor(rng, hidden, 1, hidden, 1)),
		out:  nn.NewDense("seq.out", hidden, 1, rng),
		pool: pool,
	}
}

func (n *seqNet) params() []*autograd.Var {
	ps := []*autograd.Var{n.emb.W}
	ps = append(ps, n.cell.Params()...)
	if n.pool == PoolAttention {
		ps = append(ps, n.w)
	}
	return append(ps, n.out.W, n.out.B)
}

// forward records the sequence model on b: the vectors, the GRU one time
// step at a time (one group of ops per step), then the pooling — for
// attention s = H·w, the padding masked, α = softmax(s), h̄ = Σ α_t h_t —
// then z = h̄·u + c and L = BCE(z, y).
func (n *seqNet) forward(tp *autograd.Tape, b *batch) *record {
	r := &record{b: b, stepOf: map[int]int{}}
	hidden := n.cell.Hidden()
	e := tp.Embedding(n.emb.W, b.ids).Named("e")
	r.words = tp.Reshape(e, b.B, b.T, Dim).Named("words")
	r.closeSingles(tp)
	h := autograd.Const("h0", tensor.New(b.B, hidden))
	for t := range b.T {
		x := tp.Select(r.words, 1, t).Named("x" + sub(t+1))
		h = n.cell.Step(tp, x, h).Named("h" + sub(t+1))
		r.states = append(r.states, h)
		r.ends = append(r.ends, tp.Len())
		r.stepOf[len(r.ends)-1] = t + 1
	}
	H := tp.Stack(1, r.states...).Named("H")
	var weights *autograd.Var
	switch n.pool {
	case PoolAttention:
		flat := tp.Reshape(H, b.B*b.T, hidden).Named("H rows")
		s := tp.MatMul(flat, n.w).Named("H·w")
		r.scores = tp.Reshape(s, b.B, b.T).Named("s")
		masked := tp.Add(r.scores, autograd.Const("mask", b.mask)).Named("s+mask")
		r.alpha = tp.Softmax(masked).Named("α")
		weights = tp.Reshape(r.alpha, b.B, 1, b.T).Named("αᵀ")
	case PoolLast:
		weights = autograd.Const("last", b.lastSel)
	default:
		weights = autograd.Const("1/len", b.avg)
	}
	sum := tp.BatchMatMul(weights, H, false, false).Named("Σαh")
	r.pooled = tp.Reshape(sum, b.B, hidden).Named("h̄")
	r.logit = tp.Add(tp.MatMul(r.pooled, n.out.W).Named("h̄·u"), n.out.B).Named("logit")
	r.loss = tp.BCEWithLogits(r.logit, autograd.Const("y", b.y)).Named("L")
	r.closeSingles(tp)
	return r
}

// sub writes a small number as subscript digits.
func sub(k int) string {
	digits := []rune("₀₁₂₃₄₅₆₇₈₉")
	if k == 0 {
		return "₀"
	}
	var out []rune
	for ; k > 0; k /= 10 {
		out = append([]rune{digits[k%10]}, out...)
	}
	return string(out)
}

// model is either network, as the machine drives it.
type model interface {
	forward(tp *autograd.Tape, b *batch) *record
	params() []*autograd.Var
}

// eval is a model's result on a split: the probability of "positive"
// for every sentence, the pooling weights of each (the attention, or
// 1/len), the mean loss and the accuracy, overall and by kind.
type eval struct {
	prob    []float64
	weights [][]float64
	loss    float64
	acc     float64
	byKind  map[string]float64 // accuracy on each kind
	right   []bool
}

// evaluate runs m on every sentence of exs in one batch, without
// gradients.
func evaluate(m model, v *sentiment.Vocab, exs []sentiment.Example) *eval {
	rows := make([]int, len(exs))
	for i := range rows {
		rows[i] = i
	}
	b := encode(v, exs, rows)
	r := m.forward(autograd.NoGradTape(), b)
	ev := &eval{byKind: map[string]float64{}}
	total := map[string]int{}
	right := map[string]int{}
	loss := 0.0
	for i, ex := range exs {
		z := r.logit.Value.Data[i]
		p := 1 / (1 + math.Exp(-z))
		ev.prob = append(ev.prob, p)
		ok := (z > 0) == ex.Positive
		ev.right = append(ev.right, ok)
		total[ex.Kind]++
		if ok {
			right[ex.Kind]++
			ev.acc++
		}
		// −log σ(±z), computed stably.
		if ex.Positive {
			loss += softplus(-z)
		} else {
			loss += softplus(z)
		}
		w := make([]float64, b.lens[i])
		for t := range w {
			switch {
			case r.alpha != nil:
				w[t] = r.alpha.Value.Data[i*b.T+t]
			case b.lastSel != nil && isLast(m, t, b.lens[i]):
				w[t] = 1
			case !isPoolLast(m):
				w[t] = 1 / float64(b.lens[i])
			}
		}
		ev.weights = append(ev.weights, w)
	}
	ev.acc /= float64(len(exs))
	ev.loss = loss / float64(len(exs))
	for k, n := range total {
		ev.byKind[k] = float64(right[k]) / float64(n)
	}
	return ev
}

func isPoolLast(m model) bool {
	s, ok := m.(*seqNet)
	return ok && s.pool == PoolLast
}

func isLast(m model, t, n int) bool { return isPoolLast(m) && t == n-1 }

// softplus is log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}
