package tensor

// gemm computes c = op(a)·op(b) + beta·c for row-major m×k and k×n operands
// (op transposes when its flag is set; lda, ldb, ldc are row strides).
// With parallel set, large products are split between the cores.
//
// Every machine runs the same arithmetic (fmaGemm: one fused multiply-add
// at a time, in a fixed order per element), with the AVX-512 or AVX2
// micro-kernel where the CPU has it and the portable Go kernel elsewhere,
// so a product gives the same bits on every machine and any number of
// cores. gonum's Dgemm, which the engine used first, is the reference the
// tests compare with; it is about ten times slower here and rounds
// differently.
//
// With beta 0, C is not read: the kernels start their sums from +0 (the
// bits of clearing C first) rather than from C.
func gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int, parallel bool) {
	gemmEpi(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc, parallel, 0, nil)
}

// gemmEpi is gemm with the flags gemmBias and gemmReLU (see fmaGemmEpi):
// c = relu(op(a)·op(b) + beta·c + bias), each part only if asked.
func gemmEpi(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int, parallel bool, flags int, bias []float64) {
	if m == 0 || n == 0 {
		return
	}
	if beta == 0 {
		flags |= gemmZero
	} else if beta != 1 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
	}
	fmaGemmEpi(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, parallel, flags, bias)
}

// clearRows zeroes the m×n block of c (row stride ldc). Short rows (the
// attention heads' products write 8 or 16 columns) are zeroed by plain
// stores: a call to clear per row costs more than the row.
func clearRows(m, n int, c []float64, ldc int) {
	if n == ldc || n >= 32 {
		if n == ldc {
			clear(c[:m*n])
			return
		}
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		for len(row) >= 4 {
			row[0], row[1], row[2], row[3] = 0, 0, 0, 0
			row = row[4:]
		}
		for j := range row {
			row[j] = 0
		}
	}
}
