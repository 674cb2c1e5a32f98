package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestActGradBiasSumSameBits runs actGradBiasSum with its vector loop
// (where the CPU has it) and its scalar loop, for every activation, on row
// counts from 0 and widths around the vector (8) and block (32) sizes,
// with signed zeros and NaNs among the gradients and the outputs, and
// requires the definition's bits: d = the activation's gradient as its
// own op computes it, gb[j] = 0 + d[0][j] + d[1][j] + … in row order.
func TestActGradBiasSumSameBits(t *testing.T) {
	defer func(old bool) { biasGradVector = old }(biasGradVector)
	rng := tensor.NewRNG(11)
	negZero := math.Copysign(0, -1)
	special := func(x []float64) []float64 {
		for i := range x {
			switch i % 11 {
			case 2:
				x[i] = negZero
			case 5:
				x[i] = 0
			case 9:
				if i%3 == 0 {
					x[i] = math.NaN()
				}
			}
		}
		return x
	}
	for _, vector := range []bool{false, true} {
		if vector && !biasGradVectorAvailable {
			t.Log("no AVX-512: the vector loop is not tested here")
			continue
		}
		biasGradVector = vector
		for _, act := range []Activation{ActNone, ActReLU, ActTanh, ActSigmoid} {
			for _, rows := range []int{0, 1, 3, 128} {
				for _, n := range []int{1, 2, 7, 8, 9, 31, 32, 33, 64, 65, 96, 100} {
					g := special(tensor.RandN(rng, rows*n).Data)
					y := special(tensor.RandN(rng, rows*n).Data)
					switch act {
					case ActTanh:
						tensor.TanhInto(y, y)
					case ActSigmoid:
						for i, v := range y {
							y[i] = 1 / (1 + math.Exp(-v))
						}
					}
					wantD := make([]float64, rows*n)
					wantGB := make([]float64, n)
					for i := range wantD {
						switch act {
						case ActNone:
							wantD[i] = g[i]
						case ActReLU:
							if int64(math.Float64bits(y[i])) > 0 {
								wantD[i] = g[i]
							}
						case ActTanh:
							wantD[i] = g[i] * (1 - y[i]*y[i])
						case ActSigmoid:
							wantD[i] = g[i] * y[i] * (1 - y[i])
						}
					}
					for i := range rows {
						for j := range n {
							wantGB[j] += wantD[i*n+j]
						}
					}
					d := tensor.Full(math.NaN(), rows*n).Data
					if act == ActNone {
						d = g // as DenseAct passes it
					}
					gb := tensor.Full(math.NaN(), n).Data
					actGradBiasSum(d, g, y, gb, act)
					for i := range wantD {
						if math.Float64bits(d[i]) != math.Float64bits(wantD[i]) {
							t.Fatalf("vector %v, %v, %d×%d: d[%d] = %v, want %v", vector, act, rows, n, i, d[i], wantD[i])
						}
					}
					for j := range wantGB {
						if math.Float64bits(gb[j]) != math.Float64bits(wantGB[j]) {
							t.Fatalf("vector %v, %v, %d×%d: gb[%d] = %v, want %v", vector, act, rows, n, j, gb[j], wantGB[j])
						}
					}
				}
			}
		}
	}
}

// TestColumnProductSameBits runs columnProduct with its vector loop (where
// the CPU has it) and its scalar loop on every m up to 20 and beyond 128,
// and k up to 20 and around 64 (so that rows and columns are left over
// after the blocks of 8), with signed zeros among x and w, and requires
// the definition's bits: out[r] = fma(x[r][k−1], w[k−1], … fma(x[r][0],
// w[0], 0)).
func TestColumnProductSameBits(t *testing.T) {
	defer func(old bool) { colProdVector = old }(colProdVector)
	rng := tensor.NewRNG(12)
	sizes := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 64, 67, 128, 131}
	for _, vector := range []bool{false, true} {
		colProdVector = vector && biasGradVectorAvailable
		for _, m := range sizes {
			for _, k := range sizes[1:] {
				x, w := tensor.RandN(rng, m*k).Data, tensor.RandN(rng, k).Data
				for i := range x {
					if i%9 == 4 {
						x[i] = math.Copysign(0, -1)
					}
				}
				w[0] = math.Copysign(0, -1)
				want := make([]float64, m)
				for r := range m {
					s := 0.0
					for p := range k {
						s = math.FMA(x[r*k+p], w[p], s)
					}
					want[r] = s
				}
				out := tensor.Full(math.NaN(), m).Data
				columnProduct(out, x, w)
				for r := range want {
					if math.Float64bits(out[r]) != math.Float64bits(want[r]) {
						t.Fatalf("vector %v, m %d, k %d: out[%d] = %v, want %v", colProdVector, m, k, r, out[r], want[r])
					}
				}
			}
		}
	}
}
