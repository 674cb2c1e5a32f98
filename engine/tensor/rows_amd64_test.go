package tensor

import (
	"math/rand/v2"
	"testing"
)

// TestSoftmaxRowsOneRowKernel: with the block kernel off, the one-row
// kernel alone gives the scalar code's bits (it otherwise runs only on the
// rows left over and at blocks the block kernel leaves).
func TestSoftmaxRowsOneRowKernel(t *testing.T) {
	defer func(old bool) { softmaxBlocks = old }(softmaxBlocks)
	softmaxBlocks = false
	TestSoftmaxRowsMatchScalar(t)
}

// BenchmarkSoftmaxRows times W6's attention softmax (1024 rows of 16,
// scaled by 1/√8) with the block kernel, the one-row kernel and the Go
// path.
func BenchmarkSoftmaxRows(b *testing.B) {
	defer func(k, bl bool) { rowsKernel, softmaxBlocks = k, bl }(rowsKernel, softmaxBlocks)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 1024*16)
	for i := range x {
		x[i] = rng.NormFloat64() * 3
	}
	dst := make([]float64, len(x))
	for _, c := range []struct {
		name          string
		kernel, block bool
	}{{"blocks", true, true}, {"rows", true, false}, {"go", false, false}} {
		rowsKernel, softmaxBlocks = c.kernel, c.block
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				SoftmaxRows(dst, x, 16, 0.35355339059327373, nil)
			}
		})
	}
}
