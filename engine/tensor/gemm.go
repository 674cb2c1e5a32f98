package tensor

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Tiles of the output of a matrix product. gonum's Dgemm runs its serial
// kernels on a product whose output covers fewer than four 64×64 blocks and
// otherwise starts a goroutine per block, which costs more than it saves on
// the thin products of convolutions. gemm therefore cuts the output into
// tiles of at most gemmRows×gemmCols (and k into chunks of gemmDepth), each
// of which gonum computes serially, and spreads the tiles over the cores
// itself. The tiling depends only on the shapes, and every output element
// is computed by one tile in a fixed order, so the result is bit-for-bit
// the same on any number of cores.
const (
	gemmRows  = 64
	gemmCols  = 192
	gemmDepth = 256
	// gemmMinParallel is the number of multiply-adds below which a product
	// runs on the calling goroutine.
	gemmMinParallel = 1 << 16
)

var impl gonum.Implementation

// gemm computes c = op(a)·op(b) + beta·c for row-major m×k and k×n operands
// (op transposes when its flag is set; lda, ldb, ldc are row strides).
// With parallel set, large products spread their tiles over the cores.
func gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int, parallel bool) {
	if m == 0 || n == 0 {
		return
	}
	if beta != 1 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
				continue
			}
			for j := range row {
				row[j] *= beta
			}
		}
	}
	if k == 0 {
		return
	}
	if gemmFast {
		fmaGemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, parallel)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if ta {
		tA = blas.Trans
	}
	if tb {
		tB = blas.Trans
	}
	if k <= gemmDepth && (m < 16 || m*n*k < gemmMinParallel || !parallel) && m <= gemmRows && n <= gemmCols {
		// One tile: gonum's serial kernel directly, without the tiling
		// closures (small products are most of a lesson's products).
		impl.Dgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 1, c, ldc)
		return
	}
	mb := gemmRows
	if m <= gemmRows && m >= 16 {
		mb = (m + 1) / 2 // two row tiles, so two cores share a small product
	}
	rt, ct := (m+mb-1)/mb, (n+gemmCols-1)/gemmCols
	tile := func(t int) {
		i0, j0 := (t/ct)*mb, (t%ct)*gemmCols
		mi, nj := min(mb, m-i0), min(gemmCols, n-j0)
		for l0 := 0; l0 < k; l0 += gemmDepth {
			lk := min(gemmDepth, k-l0)
			var as, bs []float64
			if ta {
				as = a[l0*lda+i0:]
			} else {
				as = a[i0*lda+l0:]
			}
			if tb {
				bs = b[j0*ldb+l0:]
			} else {
				bs = b[l0*ldb+j0:]
			}
			impl.Dgemm(tA, tB, mi, nj, lk, 1, as, lda, bs, ldb, 1, c[i0*ldc+j0:], ldc)
		}
	}
	work := 0 // parallelFor's threshold is in element operations
	if parallel && m*n*k >= gemmMinParallel {
		work = minParallelWork
	}
	parallelFor(rt*ct, work, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			tile(t)
		}
	})
}
