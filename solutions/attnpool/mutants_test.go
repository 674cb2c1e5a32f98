package attnpool

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement attnpool."

// opts are the places where attention pooling commonly goes wrong.
type opts struct {
	noMax      bool // exp without subtracting the largest score
	noMask     bool // softmax and sum over all T rows
	maskAfter  bool // softmax over all T rows, padding then set to 0
	rawScores  bool // pooled = Σ s_t h_t
	expScores  bool // pooled = Σ e^(s_t) h_t
	transposed bool // H read as H[k][t]
	wrongAxis  bool // pooled_t = α_t Σ_k H[t][k]
	colSoftmax bool // per feature: α_tk = softmax over t of H[t][k]·w[k]; weights reported as their mean
}

// pool is Pool with the mistakes of o.
func pool(o opts) func(H [][]float64, w []float64, n int) ([]float64, []float64) {
	return func(H [][]float64, w []float64, n int) ([]float64, []float64) {
		T, d := len(H), len(w)
		h := func(t, k int) float64 {
			if o.transposed {
				return H[k][t]
			}
			return H[t][k]
		}
		m := n
		if o.noMask || o.maskAfter {
			m = T
		}
		if o.colSoftmax {
			weights, pooled := make([]float64, T), make([]float64, d)
			for k := range d {
				mx := math.Inf(-1)
				for t := range n {
					mx = math.Max(mx, h(t, k)*w[k])
				}
				z := 0.0
				for t := range n {
					z += math.Exp(h(t, k)*w[k] - mx)
				}
				for t := range n {
					a := math.Exp(h(t, k)*w[k]-mx) / z
					weights[t] += a / float64(d)
					pooled[k] += a * h(t, k)
				}
			}
			return weights, pooled
		}
		s := make([]float64, T)
		mx := math.Inf(-1)
		for t := range T {
			for k := range d {
				s[t] += h(t, k) * w[k]
			}
			if t < m {
				mx = math.Max(mx, s[t])
			}
		}
		if o.noMax {
			mx = 0
		}
		weights := make([]float64, T)
		z := 0.0
		for t := range m {
			weights[t] = math.Exp(s[t] - mx)
			z += weights[t]
		}
		for t := range m {
			weights[t] /= z
		}
		if o.maskAfter {
			for t := n; t < T; t++ {
				weights[t] = 0
			}
		}
		if o.wrongAxis {
			pooled := make([]float64, T)
			for t := range T {
				for k := range d {
					pooled[t] += weights[t] * H[t][k]
				}
			}
			return weights, pooled
		}
		pooled := make([]float64, d)
		for t := range m {
			c := weights[t]
			if o.rawScores {
				c = s[t]
			}
			if o.expScores {
				c = math.Exp(s[t])
			}
			for k := range d {
				pooled[k] += c * h(t, k)
			}
		}
		return weights, pooled
	}
}

// bopts are the places where its backward pass commonly goes wrong.
type bopts struct {
	noCentre bool // ds_t = α_t a_t
	noDirect bool // dH_t = ds_t w
	noScore  bool // dH_t = α_t g, dw = 0
	noMask   bool // padding in the softmax and given gradients
	dwFromA  bool // dw = Σ a_t h_t: the gradient of α, not of s
}

func backward(o bopts) func(H [][]float64, w []float64, n int, g []float64) ([][]float64, []float64) {
	return func(H [][]float64, w []float64, n int, g []float64) ([][]float64, []float64) {
		T, d := len(H), len(w)
		m := n
		if o.noMask {
			m = T
		}
		alpha, _ := Pool(H, w, m)
		a := make([]float64, T)
		mean := 0.0
		for t := range m {
			for k := range d {
				a[t] += H[t][k] * g[k]
			}
			mean += alpha[t] * a[t]
		}
		dH := make([][]float64, T)
		for t := range dH {
			dH[t] = make([]float64, d)
		}
		dw := make([]float64, d)
		for t := range m {
			ds := alpha[t] * (a[t] - mean)
			switch {
			case o.noCentre:
				ds = alpha[t] * a[t]
			case o.noScore:
				ds = 0
			}
			for k := range d {
				if !o.noDirect {
					dH[t][k] += alpha[t] * g[k]
				}
				dH[t][k] += ds * w[k]
				if o.dwFromA {
					dw[k] += a[t] * H[t][k]
				} else {
					dw[k] += ds * H[t][k]
				}
			}
		}
		return dH, dw
	}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.AttnPoolImpl
	want string
}{
	{"stub Pool", checks.AttnPoolImpl{Pool: func([][]float64, []float64, int) ([]float64, []float64) { panic(todo + "Pool") }, Backward: Backward},
		"not implemented yet: attnpool.Pool"},
	{"stub Backward", checks.AttnPoolImpl{Pool: Pool, Backward: func([][]float64, []float64, int, []float64) ([][]float64, []float64) { panic(todo + "Backward") }},
		"not implemented yet: attnpool.Backward"},
	{"softmax without subtracting the maximum", checks.AttnPoolImpl{Pool: pool(opts{noMax: true}), Backward: Backward}, "subtract the largest score before exp"},
	{"padding not masked", checks.AttnPoolImpl{Pool: pool(opts{noMask: true}), Backward: Backward}, "the padding rows t ≥ n are not words"},
	{"padding zeroed after the softmax", checks.AttnPoolImpl{Pool: pool(opts{maskAfter: true}), Backward: Backward}, "mask before normalising"},
	{"pooled with the raw scores", checks.AttnPoolImpl{Pool: pool(opts{rawScores: true}), Backward: Backward}, "not the raw scores"},
	{"pooled with unnormalised exponentials", checks.AttnPoolImpl{Pool: pool(opts{expScores: true}), Backward: Backward}, "normalise the exponentials"},
	{"H transposed", checks.AttnPoolImpl{Pool: pool(opts{transposed: true}), Backward: Backward}, "you read H[k][t]"},
	{"pooled summed over the features", checks.AttnPoolImpl{Pool: pool(opts{wrongAxis: true}), Backward: Backward}, "pooled sums over time, one entry per feature"},
	{"softmax over the wrong axis (per feature)", checks.AttnPoolImpl{Pool: pool(opts{colSoftmax: true}), Backward: Backward}, "s_t = h_t·w for the n words"},
	{"backward without the softmax's centring term", checks.AttnPoolImpl{Pool: Pool, Backward: backward(bopts{noCentre: true})}, "the − Σ α a term"},
	{"backward without the direct path", checks.AttnPoolImpl{Pool: Pool, Backward: backward(bopts{noDirect: true})}, "You left out the first"},
	{"backward with the weights taken as constants", checks.AttnPoolImpl{Pool: Pool, Backward: backward(bopts{noScore: true})}, "the weights depend on H and w through the scores"},
	{"backward through the padding", checks.AttnPoolImpl{Pool: Pool, Backward: backward(bopts{noMask: true})}, "pass no gradient"},
	{"dw from ∂L/∂α instead of ∂L/∂s", checks.AttnPoolImpl{Pool: Pool, Backward: backward(bopts{dwFromA: true})}, "not ∂L/∂α_t = a_t"},
	{"Backward right, Pool wrong: the slope check names Pool", checks.AttnPoolImpl{Pool: pool(opts{rawScores: true}), Backward: Backward}, "fix Pool first"},
	{"changes H", checks.AttnPoolImpl{Pool: func(H [][]float64, w []float64, n int) ([]float64, []float64) {
		a, p := Pool(H, w, n)
		H[0][0] = 7
		return a, p
	}, Backward: Backward}, "changed its argument H[0][0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckAttnPool(m.impl), m.want)
		})
	}
}
