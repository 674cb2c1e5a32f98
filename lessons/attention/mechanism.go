package attention

import (
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Part one's tiny example: six tokens of four features each, one head.
const (
	// TinyDim is the width of the token vectors and of q, k and v.
	TinyDim = 4
	// Focus is the query row the narrative works in numbers ("sat").
	Focus = 2
)

// words are part one's tokens. "the" appears twice, with one vector: the
// lesson uses that to show that attention alone does not see order.
var words = []string{"the", "cat", "sat", "on", "the", "mat"}

// stage is one moment of part one.
type stage int

const (
	stageTokens  stage = iota // X
	stageQuery                // Q = X·Wq
	stageKey                  // K = X·Wk
	stageValue                // V = X·Wv
	stageScores               // S = Q·Kᵀ
	stageScale                // S/√d
	stageMask                 // S/√d + M (only with the causal mask)
	stageSoftmax              // A = softmax by rows
	stageOutput               // O = A·V
	stageDone                 // part two begins
)

// stageNames are the stages as phases and narrative blocks.
var stageNames = [...]string{"tokens", "query", "key", "value", "scores", "scale", "mask", "softmax", "output", "part2"}

// mechanism is single-head self-attention on the tiny example, every
// matrix computed once by the engine's ops.
type mechanism struct {
	causal     bool
	X          *tensor.Tensor // [6 4] token vectors; both "the" rows equal
	Wq, Wk, Wv *tensor.Tensor // [4 4]
	Q, K, V    *tensor.Tensor // [6 4]
	S          *tensor.Tensor // [6 6] Q·Kᵀ
	Scaled     *tensor.Tensor // [6 6] S/√d
	Masked     *tensor.Tensor // [6 6] Scaled with −∞ above the diagonal (causal), else Scaled
	A          *tensor.Tensor // [6 6] attention weights, rows sum to 1
	O          *tensor.Tensor // [6 4] A·V
	Key        int            // the key the focus query weighs most
}

// newMechanism draws the token vectors (N(0, 1), one per distinct word)
// and the three projections (N(0, 1/d)) from rng and computes the rest.
func newMechanism(causal bool, rng *rand.Rand) *mechanism {
	m := &mechanism{causal: causal}
	vec := map[string][]float64{}
	m.X = tensor.New(len(words), TinyDim)
	for i, w := range words {
		if vec[w] == nil {
			v := make([]float64, TinyDim)
			for k := range v {
				v[k] = rng.NormFloat64()
			}
			vec[w] = v
		}
		copy(m.X.Data[i*TinyDim:], vec[w])
	}
	proj := func() *tensor.Tensor {
		w := tensor.New(TinyDim, TinyDim)
		for k := range w.Data {
			w.Data[k] = rng.NormFloat64() / math.Sqrt(TinyDim)
		}
		return w
	}
	m.Wq, m.Wk, m.Wv = proj(), proj(), proj()

	tp := autograd.NoGradTape()
	x := autograd.Const("X", m.X)
	q := tp.MatMul(x, autograd.Const("Wq", m.Wq))
	k := tp.MatMul(x, autograd.Const("Wk", m.Wk))
	v := tp.MatMul(x, autograd.Const("Wv", m.Wv))
	s := tp.MatMul(q, tp.Transpose(k))
	scaled := tp.Scale(s, 1/math.Sqrt(TinyDim))
	masked := scaled
	if causal {
		masked = tp.Add(scaled, autograd.Const("M", causalMask(len(words))))
	}
	a := tp.Softmax(masked)
	o := tp.MatMul(a, v)
	m.Q, m.K, m.V, m.S, m.Scaled, m.Masked, m.A, m.O = q.Value, k.Value, v.Value, s.Value, scaled.Value, masked.Value, a.Value, o.Value
	n := len(words)
	for j := range n {
		if m.A.Data[Focus*n+j] > m.A.Data[Focus*n+m.Key] {
			m.Key = j
		}
	}
	return m
}

// causalMask is the [n n] matrix M with M[i][j] = −∞ for j > i and 0
// elsewhere: added to the scores, it leaves each query only the keys at
// or before its own position.
func causalMask(n int) *tensor.Tensor {
	m := tensor.New(n, n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			m.Data[i*n+j] = math.Inf(-1)
		}
	}
	return m
}

// stages returns part one's stages in order: the mask only when causal.
func (m *mechanism) stages() []stage {
	var out []stage
	for s := stageTokens; s <= stageDone; s++ {
		if s == stageMask && !m.causal {
			continue
		}
		out = append(out, s)
	}
	return out
}

// row returns row i of an [r c] tensor.
func row(t *tensor.Tensor, i int) []float64 {
	c := t.Shape[1]
	return t.Data[i*c : (i+1)*c]
}
