// Package attention is the reference solution of the attention exercise:
// scaled dot-product attention with an optional causal mask, as in the
// self-attention lesson.
package attention

import "math"

// Attention returns scaled dot-product attention of queries Q (n×d) over
// keys K (m×d) and values V (m×dv):
//
//	sᵢⱼ = (Qᵢ·Kⱼ)/√d                           scores, n×m
//	weightsᵢⱼ = e^(sᵢⱼ) / Σₖ e^(sᵢₖ)            softmax of each row, n×m
//	outᵢ = Σⱼ weightsᵢⱼ·Vⱼ                      n×dv
//
// Each row's largest score is subtracted before exp, so any finite scores
// give finite weights. With causal set (n = m), the scores of keys j > i
// are −∞ before the softmax: their weights are exactly 0 and each row
// still sums to 1. The arguments are not changed.
func Attention(Q, K, V [][]float64, causal bool) (out, weights [][]float64) {
	n, m, d, dv := len(Q), len(K), len(Q[0]), len(V[0])
	scale := 1 / math.Sqrt(float64(d))
	weights = make([][]float64, n)
	out = make([][]float64, n)
	for i := range n {
		w := make([]float64, m)
		mx := math.Inf(-1)
		for j := range m {
			if causal && j > i {
				w[j] = math.Inf(-1)
				continue
			}
			s := 0.0
			for k := range d {
				s += Q[i][k] * K[j][k]
			}
			w[j] = s * scale
			mx = math.Max(mx, w[j])
		}
		sum := 0.0
		for j := range w {
			w[j] = math.Exp(w[j] - mx) // e^(−∞) = 0
			sum += w[j]
		}
		o := make([]float64, dv)
		for j := range w {
			w[j] /= sum
			for k := range dv {
				o[k] += w[j] * V[j][k]
			}
		}
		weights[i], out[i] = w, o
	}
	return out, weights
}
