package tensor

import (
	"math/rand/v2"
	"testing"
)

// TestSoftmaxRowsOneRowKernel: with the block kernels off, the one-row
// kernels alone (forward and backward) give the scalar code's bits (it otherwise runs only on the
// rows left over and at blocks the block kernel leaves).
func TestSoftmaxRowsOneRowKernel(t *testing.T) {
	defer func(old bool) { softmaxBlocks = old }(softmaxBlocks)
	softmaxBlocks = false
	TestSoftmaxRowsMatchScalar(t)
	TestSoftmaxRowsBackwardMatchScalar(t)
}

// TestSoftmaxRowsNarrow: with the AVX-512 exponentials off, the block
// kernel's AVX2 exponentials give the scalar code's bits (on a CPU with
// AVX-512 they otherwise run only on the last n mod 8 values).
func TestSoftmaxRowsNarrow(t *testing.T) {
	defer func(old bool) { softmaxWide = old }(softmaxWide)
	softmaxWide = false
	TestSoftmaxRowsMatchScalar(t)
}

// TestSoftmaxRowsWideInUse: on a CPU with AVX-512 the block kernel takes
// its exponentials eight at a time.
func TestSoftmaxRowsWideInUse(t *testing.T) {
	if hasAVX512() != softmaxWide {
		t.Fatalf("AVX-512 %v, wide exponentials %v", hasAVX512(), softmaxWide)
	}
}

// BenchmarkSoftmaxRows times W6's attention softmax (1024 rows of 16,
// scaled by 1/√8) with the block kernel, the one-row kernel and the Go
// path.
func BenchmarkSoftmaxRows(b *testing.B) {
	defer func(k, bl, w bool) { rowsKernel, softmaxBlocks, softmaxWide = k, bl, w }(rowsKernel, softmaxBlocks, softmaxWide)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 1024*16)
	for i := range x {
		x[i] = rng.NormFloat64() * 3
	}
	dst := make([]float64, len(x))
	for _, c := range []struct {
		name                string
		kernel, block, wide bool
	}{{"blocks512", true, true, true}, {"blocks", true, true, false}, {"rows", true, false, false}, {"go", false, false, false}} {
		rowsKernel, softmaxBlocks, softmaxWide = c.kernel, c.block, c.wide && hasAVX512()
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				SoftmaxRows(dst, x, 16, 0.35355339059327373, nil)
			}
		})
	}
}

// BenchmarkLayerNormRows times W6's LayerNorm forward and backward (256
// rows of 32) with the kernels and the Go path.
func BenchmarkLayerNormRows(b *testing.B) {
	defer func(k bool) { rowsKernel = k }(rowsKernel)
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, d = 256, 32
	x, gain, bias := make([]float64, rows*d), make([]float64, d), make([]float64, d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range gain {
		gain[i], bias[i] = 1+rng.NormFloat64()/10, rng.NormFloat64()/10
	}
	out, xhat, rstd := make([]float64, rows*d), make([]float64, rows*d), make([]float64, rows)
	g, dx, dg, db := make([]float64, rows*d), make([]float64, rows*d), make([]float64, d), make([]float64, d)
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	for _, kernel := range []bool{true, false} {
		rowsKernel = kernel
		b.Run(map[bool]string{true: "kernel", false: "go"}[kernel], func(b *testing.B) {
			for b.Loop() {
				LayerNormRows(out, xhat, rstd, x, gain, bias, d, 1e-5)
				LayerNormRowsBackward(dx, dg, db, g, xhat, rstd, gain, d)
			}
		})
	}
}
