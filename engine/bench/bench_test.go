package bench

import (
	"fmt"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// benchSeed seeds every benchmark's data and weights.
const benchSeed = 42

// benchWorkload times w.Step: one b.N iteration is one training step, and
// training continues across iterations. Construction (data generation,
// initialisation) is not timed.
func benchWorkload(b *testing.B, w Workload) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.Step()
	}
}

// BenchmarkW1Linreg times one step of the seed's linear regression.
func BenchmarkW1Linreg(b *testing.B) { benchWorkload(b, NewLinreg(benchSeed, RegressionLR)) }

// BenchmarkW2Logreg times one step of the seed's logistic regression.
func BenchmarkW2Logreg(b *testing.B) { benchWorkload(b, NewLogreg(benchSeed, RegressionLR)) }

// BenchmarkW3MLP times one step of the spiral classifier.
func BenchmarkW3MLP(b *testing.B) { benchWorkload(b, NewMLP(benchSeed, MLPLR)) }

// BenchmarkW4CNN times one step of the MNIST-shaped CNN.
func BenchmarkW4CNN(b *testing.B) { benchWorkload(b, NewCNN(benchSeed)) }

// BenchmarkW5RNN times one step (50 time steps, full BPTT) of the RNN.
func BenchmarkW5RNN(b *testing.B) { benchWorkload(b, NewRNN(benchSeed)) }

// BenchmarkW6Attention times one step of the transformer encoder block.
func BenchmarkW6Attention(b *testing.B) { benchWorkload(b, NewAttention(benchSeed)) }

// BenchmarkW7GAN times one D step plus one G step of the GAN.
func BenchmarkW7GAN(b *testing.B) { benchWorkload(b, NewGAN(benchSeed)) }

// BenchmarkW8Gemm times C = A·B for n×n float64 matrices through the
// engine's matrix product, reusing C, and reports GFLOP/s = 2n³/t.
func BenchmarkW8Gemm(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := tensor.NewRNG(benchSeed)
			x, y, c := tensor.RandN(rng, n, n), tensor.RandN(rng, n, n), tensor.New(n, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				tensor.MatMulInto(c, x, y, false, false, 0)
			}
			flops := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
