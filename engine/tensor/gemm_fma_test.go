package tensor

import (
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// fmaReference is the definition fmaGemm implements: for each element,
// c = fma(a[i][p], b[p][j], c) for p = 0 … k−1 in order.
func fmaReference(ta, tb bool, m, n, k int, a, b, c []float64) {
	lda, ldb := k, n
	if ta {
		lda = m
	}
	if tb {
		ldb = k
	}
	for i := range m {
		for j := range n {
			s := c[i*n+j]
			for p := range k {
				s = math.FMA(opAt(a, ta, lda, i, p), opAt(b, !tb, ldb, j, p), s)
			}
			c[i*n+j] = s
		}
	}
}

func TestGemmKernelSameBitsAsGo(t *testing.T) {
	rng := NewRNG(3)
	for _, kc := range []int{0, 1, 7, 256} {
		const ldc = 11
		ap := RandN(rng, kc*gemmMR+1).Data
		bp := RandN(rng, kc*gemmNR+1).Data
		c := RandN(rng, gemmMR*ldc).Data
		want := append([]float64(nil), c...)
		gemmKernel(kc, ap, bp, gemmNR, c, ldc)
		gemmKernelGo(kc, ap, bp, gemmNR, want, ldc)
		for i := range c {
			if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
				t.Fatalf("kc=%d: element %d = %v, portable kernel %v", kc, i, c[i], want[i])
			}
		}
	}
}

func TestFMAGemmSameBitsAsDefinition(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(1, 160).Draw(rt, "m"), rapid.IntRange(1, 300).Draw(rt, "k"), rapid.IntRange(1, 160).Draw(rt, "n")
		ta, tb, par := rapid.Bool().Draw(rt, "ta"), rapid.Bool().Draw(rt, "tb"), rapid.Bool().Draw(rt, "parallel")
		rng := NewRNG(uint64(m*1000000 + k*1000 + n))
		a, b, c := RandN(rng, m*k).Data, RandN(rng, k*n).Data, RandN(rng, m*n).Data
		want := append([]float64(nil), c...)
		lda, ldb := k, n
		if ta {
			lda = m
		}
		if tb {
			ldb = k
		}
		fmaGemm(ta, tb, m, n, k, a, lda, b, ldb, c, n, par)
		fmaReference(ta, tb, m, n, k, a, b, want)
		for i := range c {
			if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
				rt.Fatalf("[%d %d %d] ta=%v tb=%v: element %d = %v, definition %v", m, k, n, ta, tb, i, c[i], want[i])
			}
		}
	})
}

func BenchmarkFMAGemm(b *testing.B) {
	for _, n := range []int{8, 16, 32, 64, 128, 256, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := NewRNG(1)
			x, y, c := RandN(rng, n*n).Data, RandN(rng, n*n).Data, make([]float64, n*n)
			for range b.N {
				clear(c)
				fmaGemm(false, false, n, n, n, x, n, y, n, c, n, true)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkFMAGemmSerial(b *testing.B) {
	for _, n := range []int{256, 512, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := NewRNG(1)
			x, y, c := RandN(rng, n*n).Data, RandN(rng, n*n).Data, make([]float64, n*n)
			for range b.N {
				clear(c)
				fmaGemm(false, false, n, n, n, x, n, y, n, c, n, false)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemmSplit times lesson-sized products (m×k by k×n, as in the
// workloads' dense layers and their backward passes) on one goroutine and
// split between the cores, to place gemmParWork: run it with -cpu 2.
func BenchmarkGemmSplit(b *testing.B) {
	for _, s := range [][3]int{{64, 64, 64}, {128, 64, 64}, {64, 128, 64}, {128, 128, 64}, {256, 96, 32}, {128, 128, 128}, {256, 256, 64}} {
		m, n, k := s[0], s[1], s[2]
		for _, split := range []bool{false, true} {
			name := fmt.Sprintf("%dx%dx%d/serial", m, n, k)
			if split {
				name = fmt.Sprintf("%dx%dx%d/split", m, n, k)
			}
			b.Run(name, func(b *testing.B) {
				old := gemmParWork
				defer func() { gemmParWork = old }()
				gemmParWork = math.MaxInt
				if split {
					gemmParWork = 0
				}
				rng := NewRNG(1)
				x, y, c := RandN(rng, m*k).Data, RandN(rng, k*n).Data, make([]float64, m*n)
				for range b.N {
					fmaGemm(false, false, m, n, k, x, k, y, n, c, n, true)
				}
			})
		}
	}
}
