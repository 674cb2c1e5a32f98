package tensor

import "golang.org/x/sys/cpu"

// rowsKernel switches the row kernels' AVX2 versions on (tests switch it
// off to run the Go path). They run where vmathFast holds (AVX2 and FMA,
// and the exponential's start-up check passed), since the softmax kernel
// carries a copy of that exponential.
var rowsKernel = true

// softmaxBlocks switches SoftmaxRows's block kernel on (tests and
// benchmarks switch it off to run the one-row kernel alone).
var softmaxBlocks = true

// softmaxWide has the block kernel work eight at a time (AVX-512) where
// the CPU has AVX-512 (tests switch it off).
var softmaxWide = hasAVX512()

// rowsFast reports whether the softmax kernels run.
func rowsFast() bool { return rowsKernel && vmathFast }

// rowsAVX2 reports whether the CPU has AVX2, all the LayerNorm kernels
// need.
var rowsAVX2 = cpu.X86.HasAVX2

// layerNormFast reports whether the LayerNorm and element-wise kernels
// run.
func layerNormFast() bool { return rowsKernel && rowsAVX2 }

// rowsTail holds the VMASKMOVPD masks of a row's last n mod 4 values:
// &rowsTail[4−t] selects the first t lanes of four.
var rowsTail = [8]int64{-1, -1, -1, -1, 0, 0, 0, 0}

// tailMask returns the mask of the last n mod 4 values of a row of n.
func tailMask(n int) *int64 { return &rowsTail[4-n%4] }

// softmaxRowsAVX2 runs SoftmaxRows's rows (n ≥ 4 values each, contiguous;
// mask nil or laid out as src) until one holds a NaN or its values spread
// beyond the exponential's vector range, where it stops after writing
// that row's scaled and masked values into dst. It returns the number of
// rows it finished.
//
//go:noescape
func softmaxRowsAVX2(dst, src, mask *float64, rows, n int, scale float64, k *float64, tail *int64) int

// softmaxRows4AVX2 runs SoftmaxRows's rows (n ≥ 4 values each,
// contiguous; mask nil or laid out as src) four at a time until a block
// of four holds a NaN, an infinite maximum or a v − max whose exponential
// is subnormal (in (−746, −708)), which it leaves untouched; below −746
// (a padding or causal mask's −1e9) the exponential is math.Exp's +0. It
// returns the number of blocks it finished. With wide (AVX-512) most of
// the work runs eight at a time.
//
//go:noescape
func softmaxRows4AVX2(dst, src, mask *float64, blocks, n int, scale float64, k *float64, tail *int64, wide bool) int

// softmaxRowsPrefix runs the kernels on up to rows rows from the start:
// blocks of four, then (after the last block or at a block the block
// kernel left) up to four rows one at a time. It returns how many rows
// it finished and whether it left the next row's scaled and masked
// values in dst.
func softmaxRowsPrefix(dst, src, mask []float64, rows, n int, scale float64) (done int, staged bool) {
	if !rowsFast() || n < 4 || rows == 0 {
		return 0, false
	}
	_, _ = dst[rows*n-1], src[rows*n-1]
	var m *float64
	if mask != nil {
		_ = mask[rows*n-1]
		m = &mask[0]
	}
	if rows >= 4 && softmaxBlocks {
		done = 4 * softmaxRows4AVX2(&dst[0], &src[0], m, rows/4, n, scale, &expConsts[0], tailMask(n), softmaxWide)
		if done == rows {
			return done, false
		}
		if m != nil {
			m = &mask[done*n]
		}
	}
	k := min(4, rows-done)
	one := softmaxRowsAVX2(&dst[done*n], &src[done*n], m, k, n, scale, &expConsts[0], tailMask(n))
	return done + one, one < k
}

// softmaxBackAVX2 runs every row of SoftmaxRowsBackward (n ≥ 1).
//
//go:noescape
func softmaxBackAVX2(dst, y, grad *float64, rows, n int, scale float64, tail *int64)

// softmaxBack4AVX2 runs SoftmaxRowsBackward on blocks·4 rows (n ≥ 1),
// four at a time.
//
//go:noescape
func softmaxBack4AVX2(dst, y, grad *float64, blocks, n int, scale float64, tail *int64)

// softmaxBackPrefix runs the kernels on every row (blocks of four, then
// the rest one at a time) and returns rows, or 0 without the kernels.
func softmaxBackPrefix(dst, y, g []float64, rows, n int, scale float64) int {
	if !rowsFast() || rows == 0 {
		return 0
	}
	_, _, _ = dst[rows*n-1], y[rows*n-1], g[rows*n-1]
	done := 0
	if softmaxBlocks && rows >= 4 {
		softmaxBack4AVX2(&dst[0], &y[0], &g[0], rows/4, n, scale, tailMask(n))
		done = rows &^ 3
	}
	if done < rows {
		o := done * n
		softmaxBackAVX2(&dst[o], &y[o], &g[o], rows-done, n, scale, tailMask(n))
	}
	return rows
}

// layerNormAVX2 runs LayerNormRows on blocks·4 rows of d ≥ 1 values.
//
//go:noescape
func layerNormAVX2(out, xhat, rstd, x, gain, bias *float64, blocks, d int, fd, eps float64, tail *int64)

// layerNormPrefix runs the kernel on the whole blocks of four rows and
// returns how many rows it did (0 without the kernel).
func layerNormPrefix(out, xhat, rstd, x, gain, bias []float64, rows, d int, eps float64) int {
	blocks := rows / 4
	if !layerNormFast() || blocks == 0 {
		return 0
	}
	n := blocks * 4 * d
	_, _, _, _, _, _ = out[n-1], xhat[n-1], x[n-1], rstd[blocks*4-1], gain[d-1], bias[d-1]
	layerNormAVX2(&out[0], &xhat[0], &rstd[0], &x[0], &gain[0], &bias[0], blocks, d, float64(d), eps, tailMask(d))
	return blocks * 4
}

// layerNormBackAVX2 runs LayerNormRowsBackward on blocks·4 rows of d ≥ 1
// values; dx, dg and db may be nil.
//
//go:noescape
func layerNormBackAVX2(dx, dg, db, grad, xhat, rstd, gain *float64, blocks, d int, fd float64, tail *int64)

// layerNormBackPrefix runs the kernel on the whole blocks of four rows and
// returns how many rows it did (0 without the kernel).
func layerNormBackPrefix(dx, dg, db, g, xhat, rstd, gain []float64, rows, d int) int {
	blocks := rows / 4
	if !layerNormFast() || blocks == 0 {
		return 0
	}
	n := blocks * 4 * d
	_, _, _, _ = g[n-1], xhat[n-1], rstd[blocks*4-1], gain[d-1]
	first := func(s []float64, need int) *float64 {
		if s == nil {
			return nil
		}
		_ = s[need-1]
		return &s[0]
	}
	layerNormBackAVX2(first(dx, n), first(dg, d), first(db, d), &g[0], &xhat[0], &rstd[0], &gain[0], blocks, d, float64(d), tailMask(d))
	return blocks * 4
}

// arithAVX2 computes dst[i] = x[i] op y[i] for n values, op one of opAdd,
// opSub, opMul and opDiv.
//
//go:noescape
func arithAVX2(op int, dst, x, y *float64, n int)

// arithVector computes dst[i] = x[i] op y[i] with the kernel for op in
// opAdd–opDiv and reports whether it did (not without AVX2, or for
// opRight).
func arithVector(op arith, dst, x, y []float64) bool {
	n := len(dst)
	if !layerNormFast() || op > opDiv || n < 8 {
		return false
	}
	_, _ = x[n-1], y[n-1]
	arithAVX2(int(op), &dst[0], &x[0], &y[0], n)
	return true
}

// scaleMulAVX2 computes dst[i] = (c·x[i])·y[i] for n values.
//
//go:noescape
func scaleMulAVX2(dst, x, y *float64, n int, c float64)

// scaleMulVector runs scaleMulAVX2 and reports whether it did (not
// without AVX2).
func scaleMulVector(dst, x, y []float64, c float64) bool {
	n := len(dst)
	if !layerNormFast() || n < 8 {
		return false
	}
	_, _ = x[n-1], y[n-1]
	scaleMulAVX2(&dst[0], &x[0], &y[0], n, c)
	return true
}
