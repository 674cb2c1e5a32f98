// Package weightinit is the reference solution of the weightinit
// exercise: the scales of Xavier (Glorot) and He (Kaiming) initialisation,
// and the variance of a deep network's activations layer by layer.
package weightinit

import (
	"fmt"
	"math"
)

// XavierUniformLimit returns a = √(6/(fanIn + fanOut)), for W ~ U(−a, a).
func XavierUniformLimit(fanIn, fanOut int) float64 {
	return math.Sqrt(6 / float64(fanIn+fanOut))
}

// XavierNormalStd returns σ = √(2/(fanIn + fanOut)), for W ~ N(0, σ²).
func XavierNormalStd(fanIn, fanOut int) float64 {
	return math.Sqrt(2 / float64(fanIn+fanOut))
}

// HeNormalStd returns σ = √(2/fanIn), for W ~ N(0, σ²).
func HeNormalStd(fanIn, fanOut int) float64 {
	return math.Sqrt(2 / float64(fanIn))
}

// HeUniformLimit returns a = √(6/fanIn), for W ~ U(−a, a).
func HeUniformLimit(fanIn, fanOut int) float64 {
	return math.Sqrt(6 / float64(fanIn))
}

// LayerVariances runs x through the layers hₗ = act(hₗ₋₁·Wₗ), with
// Wₗ = r[l]·scale, and returns the variance of each layer's activations.
func LayerVariances(x [][]float64, r [][][]float64, init, activation string) []float64 {
	scales := map[string]func(int, int) float64{
		"xavier_uniform": XavierUniformLimit, "xavier_normal": XavierNormalStd,
		"he_normal": HeNormalStd, "he_uniform": HeUniformLimit,
	}
	scaleOf, ok := scales[init]
	if !ok {
		panic(fmt.Sprintf("weightinit: unknown init %q", init))
	}
	h := x
	out := make([]float64, 0, len(r))
	for _, rl := range r {
		fanIn, fanOut := len(rl), len(rl[0])
		s := scaleOf(fanIn, fanOut)
		next := make([][]float64, len(h))
		for b, row := range h {
			next[b] = make([]float64, fanOut)
			for j := range fanOut {
				a := 0.0
				for i := range fanIn {
					a += row[i] * rl[i][j] * s
				}
				if activation == "relu" {
					next[b][j] = math.Max(0, a)
				} else {
					next[b][j] = math.Tanh(a)
				}
			}
		}
		out = append(out, variance(next))
		h = next
	}
	return out
}

// variance is (1/N)·Σ(v − mean)² over all the values of m.
func variance(m [][]float64) float64 {
	n, sum := 0.0, 0.0
	for _, row := range m {
		for _, v := range row {
			n++
			sum += v
		}
	}
	mean, sq := sum/n, 0.0
	for _, row := range m {
		for _, v := range row {
			sq += (v - mean) * (v - mean)
		}
	}
	return sq / n
}
