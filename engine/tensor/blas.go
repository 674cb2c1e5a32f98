package tensor

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// BLAS is gonum's pure-Go BLAS with the engine's matrix product in place
// of its Dgemm. The engine's matrix products go through gonum's blas64
// interface, and this package registers BLAS there when it is loaded
// (blas64.Use), so gonum's own packages (mat, …) in the same program get the
// same product. Every other routine is gonum's.
type BLAS struct{ gonum.Implementation }

func init() { blas64.Use(BLAS{}) }

// Dgemm computes C = alpha·op(A)·op(B) + beta·C with the engine's fused
// multiply-add product (see gemm): the same bits on every machine and any
// number of cores. With alpha other than 1, which the engine never uses,
// it defers to gonum's Dgemm. It panics on bad arguments as gonum's does.
func (b BLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	if alpha != 1 || (tA != blas.NoTrans && tA != blas.Trans) || (tB != blas.NoTrans && tB != blas.Trans) {
		b.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	gemm(tA == blas.Trans, tB == blas.Trans, m, n, k, a, lda, bm, ldb, beta, c, ldc, true)
}
