package tensor

import (
	"math"
	"runtime"
	"sync"
)

// The fused multiply-add matrix product, gemm's fast path where the CPU
// has FMA (see gemmFast). It computes, for every element of C,
//
//	c ← beta·c, then c ← fma(a[i][p], b[p][j], c) for p = 0, 1, …, k−1
//
// in that order, one fused multiply-add at a time. Every path below (the
// AVX2 micro-kernel, the portable Go kernel, the loop for small products)
// performs exactly this sequence for each element, so the result is the
// same to the last bit whatever the path, the blocking, the number of
// cores or the machine. Work is split between cores by rows or columns of
// C, never along k.
//
// Large products are blocked as in BLIS / GotoBLAS: panels of B (KC×NC)
// and blocks of A (MC×KC) are packed into contiguous buffers, and a
// gemmMR×gemmNR micro-kernel keeps a tile of C in registers while it runs
// over KC.
const (
	gemmMR = 6   // rows of the micro-kernel's tile of C
	gemmNR = 8   // columns of the micro-kernel's tile of C
	gemmKC = 256 // depth of a packed panel
	gemmMC = 96  // rows of a packed block of A (a multiple of gemmMR)
	gemmNC = 512 // columns of a packed panel of B (a multiple of gemmNR)

	// gemmSmallWork is the m·n·k below which packing costs more than it
	// saves and the plain loop runs instead, unless every side is at
	// least 8 (a quarter of it is the limit then: attention's per-head
	// products of 16×8·8×16 gain from the kernel).
	gemmSmallWork = 4096
	// gemmDirectRows is the number of rows of C up to which B is read in
	// place rather than packed.
	gemmDirectRows = 2 * gemmMR
)

// gemmParWork is the m·n·k from which the product is split between
// cores: a goroutine costs about a microsecond. (A variable so that
// BenchmarkGemmSplit can move it.)
var gemmParWork = 1 << 17

// gemmBuf holds one goroutine's packing buffers.
type gemmBuf struct{ a, b []float64 }

var gemmPool = sync.Pool{New: func() any { return new(gemmBuf) }}

// fmaGemm adds op(A)·op(B) to C for row-major C (m×n, row stride ldc),
// where op(A) is m×k and op(B) is k×n; A is stored k×m when transA is set
// (row stride lda), likewise B. C has already been scaled by beta and m,
// n, k are positive. With parallel set, large products are split between
// the cores.
func fmaGemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, parallel bool) {
	work := m * n * k
	if work < gemmSmallWork/4 || (work < gemmSmallWork && min(m, n, k) < 8) {
		gemmLoop(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	p := runtime.GOMAXPROCS(0)
	if !parallel || p < 2 || work < gemmParWork {
		gemmBlocked(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	// Split the larger of m and n into p parts aligned to the tile size,
	// run by the package's workers (SplitRanges).
	if m >= n {
		SplitRanges(m, min(p, (m+gemmMR-1)/gemmMR), gemmMR, func(lo, hi int) {
			as := a[lo:]
			if !transA {
				as = a[lo*lda:]
			}
			gemmBlocked(transA, transB, hi-lo, n, k, as, lda, b, ldb, c[lo*ldc:], ldc)
		})
		return
	}
	SplitRanges(n, min(p, (n+gemmNR-1)/gemmNR), gemmNR, func(lo, hi int) {
		bs := b[lo:]
		if transB {
			bs = b[lo*ldb:]
		}
		gemmBlocked(transA, transB, m, hi-lo, k, a, lda, bs, ldb, c[lo:], ldc)
	})
}

// gemmLoop is the plain triple loop, in the order that keeps the inner
// loop contiguous in C; each element still sees p in increasing order.
func gemmLoop(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	for i := range m {
		crow := c[i*ldc : i*ldc+n]
		if transB {
			for j := range crow {
				s := crow[j]
				brow := b[j*ldb : j*ldb+k]
				for p, bv := range brow {
					s = math.FMA(opAt(a, transA, lda, i, p), bv, s)
				}
				crow[j] = s
			}
			continue
		}
		for p := range k {
			av := opAt(a, transA, lda, i, p)
			brow := b[p*ldb : p*ldb+n]
			for j, bv := range brow {
				crow[j] = math.FMA(av, bv, crow[j])
			}
		}
	}
}

// opAt returns op(A)[i][p].
func opAt(a []float64, trans bool, lda, i, p int) float64 {
	if trans {
		return a[p*lda+i]
	}
	return a[i*lda+p]
}

// gemmBlocked runs the packed, blocked product on the calling goroutine.
// When op(B) is not transposed and C has at most gemmDirectRows rows, a
// packed panel of B would be used by only one or two tiles, so the kernel
// reads B in place instead (only a last, partial panel is packed).
func gemmBlocked(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	buf := gemmPool.Get().(*gemmBuf)
	defer gemmPool.Put(buf)
	direct := !transB && m <= gemmDirectRows
	ncMax := min(gemmNC, roundUp(n, gemmNR))
	kcMax := min(gemmKC, k)
	buf.a = grow(buf.a, roundUp(min(gemmMC, m), gemmMR)*kcMax)
	if direct {
		ncMax = gemmNR
	}
	buf.b = grow(buf.b, ncMax*kcMax)
	var tile [gemmMR * gemmNR]float64
	for jc := 0; jc < n; jc += gemmNC {
		nc := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kc := min(gemmKC, k-pc)
			if !direct {
				packB(transB, kc, nc, b, ldb, pc, jc, buf.b)
			}
			for ic := 0; ic < m; ic += gemmMC {
				mc := min(gemmMC, m-ic)
				packA(transA, mc, kc, a, lda, ic, pc, buf.a)
				for jr := 0; jr < nc; jr += gemmNR {
					nr := min(gemmNR, nc-jr)
					var bp []float64
					bs := gemmNR
					switch {
					case !direct:
						bp = buf.b[jr*kc:]
					case nr == gemmNR:
						bp, bs = b[pc*ldb+jc+jr:], ldb
					default:
						bp = buf.b
						packB(false, kc, nr, b, ldb, pc, jc+jr, bp)
					}
					for ir := 0; ir < mc; ir += gemmMR {
						mr := min(gemmMR, mc-ir)
						ap := buf.a[ir*kc:]
						off := (ic+ir)*ldc + jc + jr
						if mr == gemmMR && nr == gemmNR {
							gemmKernel(kc, ap, bp, bs, c[off:], ldc)
							continue
						}
						// An edge tile: run the kernel on a full copy.
						for i := range mr {
							copy(tile[i*gemmNR:i*gemmNR+nr], c[off+i*ldc:off+i*ldc+nr])
						}
						gemmKernel(kc, ap, bp, bs, tile[:], gemmNR)
						for i := range mr {
							copy(c[off+i*ldc:off+i*ldc+nr], tile[i*gemmNR:i*gemmNR+nr])
						}
					}
				}
			}
		}
	}
}

// packA copies the mc×kc block of op(A) at (ic, pc) into ap as panels of
// gemmMR rows: panel r holds, for each p, the gemmMR values of column p
// (zero past row mc).
func packA(trans bool, mc, kc int, a []float64, lda, ic, pc int, ap []float64) {
	for ir := 0; ir < mc; ir += gemmMR {
		mr := min(gemmMR, mc-ir)
		dst := ap[ir*kc : ir*kc+kc*gemmMR]
		if mr < gemmMR {
			clear(dst)
		}
		for i := range mr {
			row := ic + ir + i
			if trans {
				for p := range kc {
					dst[p*gemmMR+i] = a[(pc+p)*lda+row]
				}
				continue
			}
			src := a[row*lda+pc : row*lda+pc+kc]
			for p, v := range src {
				dst[p*gemmMR+i] = v
			}
		}
	}
}

// packB copies the kc×nc panel of op(B) at (pc, jc) into bp as panels of
// gemmNR columns: panel q holds, for each p, the gemmNR values of row p
// (zero past column nc).
func packB(trans bool, kc, nc int, b []float64, ldb, pc, jc int, bp []float64) {
	for jr := 0; jr < nc; jr += gemmNR {
		nr := min(gemmNR, nc-jr)
		dst := bp[jr*kc : jr*kc+kc*gemmNR]
		if nr < gemmNR {
			clear(dst)
		}
		if trans {
			for j := range nr {
				src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kc]
				for p, v := range src {
					dst[p*gemmNR+j] = v
				}
			}
			continue
		}
		off := pc*ldb + jc + jr
		if nr < gemmNR {
			for p := range kc {
				copy(dst[p*gemmNR:p*gemmNR+nr], b[off+p*ldb:off+p*ldb+nr])
			}
			continue
		}
		// Eight explicit moves: a copy call per row costs more than the row.
		for p := range kc {
			src := b[off+p*ldb : off+p*ldb+gemmNR]
			d := dst[p*gemmNR : p*gemmNR+gemmNR]
			d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
			d[4], d[5], d[6], d[7] = src[4], src[5], src[6], src[7]
		}
	}
}

// gemmKernelGo is the portable micro-kernel: for the gemmMR×gemmNR tile
// of C at c (row stride ldc) it performs c = fma(a, b, c) over the kc
// packed columns of ap and the kc rows of B at bp (row p at bp[p·bs:]),
// in order.
func gemmKernelGo(kc int, ap, bp []float64, bs int, c []float64, ldc int) {
	for i := range gemmMR {
		row := c[i*ldc : i*ldc+gemmNR]
		var acc [gemmNR]float64
		copy(acc[:], row)
		for p := range kc {
			av := ap[p*gemmMR+i]
			bv := bp[p*bs : p*bs+gemmNR]
			for j := range acc {
				acc[j] = math.FMA(av, bv[j], acc[j])
			}
		}
		copy(row, acc[:])
	}
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
