package attention

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement attention.Attention"

// opts are the places where attention commonly goes wrong.
type opts struct {
	scale      func(d int) float64 // the factor of Q·Kᵀ
	noMax      bool                // exp without subtracting the row maximum
	columns    bool                // softmax over the queries
	maskAfter  bool                // softmax, then masked weights set to 0
	maskDiag   bool                // j ≥ i masked
	ignoreMask bool                // causal has no effect
	maskValue  float64             // the masked score (−∞ when 0)
	vT         bool                // out = weights·Vᵀ
}

// wrong is Attention with the mistakes of o.
func wrong(o opts) func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
	return func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
		n, m, d := len(Q), len(K), len(Q[0])
		scale := 1 / math.Sqrt(float64(d))
		if o.scale != nil {
			scale = o.scale(d)
		}
		masked := func(i, j int) bool {
			if !causal || o.ignoreMask {
				return false
			}
			if o.maskDiag {
				return j >= i
			}
			return j > i
		}
		maskValue := math.Inf(-1)
		if o.maskValue != 0 {
			maskValue = o.maskValue
		}
		w := make([][]float64, n)
		for i := range w {
			w[i] = make([]float64, m)
			for j := range m {
				if masked(i, j) && !o.maskAfter {
					w[i][j] = maskValue
					continue
				}
				for k := range d {
					w[i][j] += Q[i][k] * K[j][k]
				}
				w[i][j] *= scale
			}
		}
		softmax := func(get func(k int) *float64, n int) {
			mx := math.Inf(-1)
			for k := range n {
				mx = math.Max(mx, *get(k))
			}
			if o.noMax {
				mx = 0
			}
			s := 0.0
			for k := range n {
				*get(k) = math.Exp(*get(k) - mx)
				s += *get(k)
			}
			for k := range n {
				*get(k) /= s
			}
		}
		if o.columns {
			for j := range m {
				softmax(func(k int) *float64 { return &w[k][j] }, n)
			}
		} else {
			for i := range n {
				softmax(func(k int) *float64 { return &w[i][k] }, m)
			}
		}
		if o.maskAfter {
			for i := range w {
				for j := range w[i] {
					if masked(i, j) {
						w[i][j] = 0
					}
				}
			}
		}
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, len(V[0]))
			for k := range out[i] {
				for j := range m {
					if o.vT {
						out[i][k] += w[i][j] * V[k][j]
					} else {
						out[i][k] += w[i][j] * V[j][k]
					}
				}
			}
		}
		return out, w
	}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	f    func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64)
	want string
}{
	{"stub", func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) { panic(todo) },
		"not implemented yet: attention.Attention"},
	{"no 1/√d scaling", wrong(opts{scale: func(int) float64 { return 1 }}), "divide the scores by √d"},
	{"scaled by 1/d", wrong(opts{scale: func(d int) float64 { return 1 / float64(d) }}), "not 1/d"},
	{"softmax over the columns", wrong(opts{columns: true}), "not over the queries"},
	{"mask after the softmax, not renormalised", wrong(opts{maskAfter: true}), "mask before the softmax"},
	{"off-by-one mask: the diagonal forbidden", wrong(opts{maskDiag: true}), "the diagonal j = i stays"},
	{"off-by-one mask with a finite mask value", wrong(opts{maskDiag: true, maskValue: -1e9}), "the diagonal j = i stays"},
	{"causal ignored", wrong(opts{ignoreMask: true}), "must not see keys j > i"},
	{"mask of −30, not −∞", wrong(opts{maskValue: -30}), "e^(−∞) is exactly 0"},
	{"weights·Vᵀ", wrong(opts{vT: true}), "not weights·Vᵀ"},
	{"softmax without subtracting the maximum", wrong(opts{noMax: true}), "subtract each row's largest score"},
	{"weights transposed", func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
		out, w := Attention(Q, K, V, causal)
		t := make([][]float64, len(w[0]))
		for j := range t {
			t[j] = make([]float64, len(w))
			for i := range w {
				t[j][i] = w[i][j]
			}
		}
		return out, t
	}, "weights has shape 3×2, want 2×3"},
	{"changes Q", func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
		out, w := Attention(Q, K, V, causal)
		Q[0][0] = 0
		return out, w
	}, "changed its argument Q[0][0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckAttention(checks.AttentionImpl{Attention: m.f}), m.want)
		})
	}
}
