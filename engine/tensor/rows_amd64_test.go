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

// TestSoftmaxRowsCausalMaskInKernel: rows under a causal mask (−1e9 past
// the diagonal, so exponentials that underflow to 0) run through the
// block kernel without leaving it, with the scalar code's bits, with the
// AVX-512 exponentials and without; a value whose exponential falls in
// math.Exp's subnormal results (v − max ≈ −720) leaves its block to the
// scalar code, with the same bits.
func TestSoftmaxRowsCausalMaskInKernel(t *testing.T) {
	if !rowsFast() {
		t.Skip("no row kernels on this CPU")
	}
	defer func(old bool) { softmaxWide = old }(softmaxWide)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, wide := range []bool{false, true} {
		softmaxWide = wide && hasAVX512()
		for _, n := range []int{4, 5, 8, 13, 16, 21} {
			rows := 4 * n
			src, mask := make([]float64, rows*n), make([]float64, rows*n)
			for r := range rows {
				for j := range n {
					src[r*n+j] = 3 * rng.NormFloat64()
					if j > r%n {
						mask[r*n+j] = -1e9
					}
				}
			}
			want := softmaxRowsNaive(src, n, 0.5, mask)
			dst := make([]float64, len(src))
			if done, _ := softmaxRowsPrefix(dst, src, mask, rows, n, 0.5); done != rows {
				t.Errorf("wide %v, n %d: the kernels did %d of %d rows", wide, n, done, rows)
			}
			for i := range want {
				if !sameBits(dst[i], want[i]) {
					t.Fatalf("wide %v, n %d: element %d: got %v, want %v", wide, n, i, dst[i], want[i])
				}
			}
			mask[n+1] = -720 // row 1: a v − max near −720
			// The block kernel leaves the first block, and the one-row
			// kernel leaves its far row 0 (−1e9 past the diagonal).
			if done, _ := softmaxRowsPrefix(dst, src, mask, rows, n, 0.5); done != 0 {
				t.Errorf("wide %v, n %d: the kernels did %d rows of a block with a value in math.Exp's subnormal range", wide, n, done)
			}
			want = softmaxRowsNaive(src, n, 0.5, mask)
			SoftmaxRows(dst, src, n, 0.5, mask)
			for i := range want {
				if !sameBits(dst[i], want[i]) {
					t.Fatalf("wide %v, n %d, subnormal: element %d: got %v, want %v", wide, n, i, dst[i], want[i])
				}
			}
		}
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
