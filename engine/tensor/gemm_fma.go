package tensor

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// The fused multiply-add matrix product behind gemm. It computes, for
// every element of C,
//
//	c ← beta·c, then c ← fma(a[i][p], b[p][j], c) for p = 0, 1, …, k−1
//
// in that order, one fused multiply-add at a time. Every path below (the
// AVX-512 and AVX2 micro-kernels, the portable Go kernel, A and B packed
// or read in place, a product of one block run without blocking
// (gemmOneBlock), the loop for small products) performs exactly this
// sequence for each element, so the result is the same to the last bit
// whatever the path, the blocking, the number of cores or the machine. Work is split between cores by rows or columns of
// C, never along k.
//
// Large products are blocked as in BLIS / GotoBLAS: panels of B (KC×NC)
// and blocks of A (MC×KC) are packed into contiguous buffers, and a
// micro-kernel keeps an MR×NR tile of C in registers while it runs over
// KC. The tile and the block sizes belong to the kernel (gemmKernel): the
// AVX-512 one (8×24) where the CPU has it, else the AVX2 one (6×8), else
// the portable Go one. When a block is used by few tiles, packing costs
// more than it saves and kernels that can read A or B in place do so.
const (
	// gemmSmallWork is the m·n·k below which packing costs more than it
	// saves and the plain loop runs instead, unless every side is at
	// least 8 (a quarter of it is the limit then: attention's per-head
	// products of 16×8·8×16 gain from the kernel).
	gemmSmallWork = 4096
)

// gemmKernel is a micro-kernel and the blocking that suits it.
type gemmKernel struct {
	name       string
	mr, nr     int // the tile of C the kernel keeps in registers
	mc, kc, nc int // a packed block of A is mc×kc, a panel of B kc×nc

	// tile adds A·B to the mr'×nr' tile of C at c (row stride ldc), for
	// any mr' ≤ mr and nr' ≤ nr, one fused multiply-add per element and
	// step p = 0 … kc−1 in order, where A[i][p] = a[i·ars + p·aps] and
	// B[p][j] = b[p·bs + j]. flags (gemmZero, gemmBias, gemmReLU) start
	// the sums from +0 instead of C and, after the last step, add bias[j]
	// to C[i][j] and take max(C[i][j], 0) before C is stored.
	tile func(mr, nr, kc int, a []float64, ars, aps int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64)
	// tiles, if not nil, runs tile on tiles full mr×nr' tiles one below
	// the other in one call (the Go code around a kernel call costs as
	// much as a kernel with a short k): tile t has its C mr·t rows below
	// c and its A at a[t·ats:].
	tiles func(tiles, nr, kc int, a []float64, ars, aps, ats int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64)
	// inPlace reports whether tile takes any strides (A read in place,
	// B read in place at any width); without it A must be packed (ars =
	// 1, aps = mr, zero past the block's rows) and B either packed (bs =
	// nr, zero past the panel's columns) or read in place for full-width
	// tiles only.
	inPlace bool
	// loopWork is the m·n·k below which the plain loop runs instead (0:
	// gemmSmallWork's rule).
	loopWork int
}

// gemmKernelGo is the portable kernel, what runs where there is no
// assembly one; it is the reference the others are tested against.
var gemmKernelGo = &gemmKernel{name: "go", mr: 6, nr: 8, mc: 96, kc: 256, nc: 512, tile: gemmTileGo, inPlace: true}

// gemmKern is the kernel gemm runs: the best the CPU has (a variable so
// that tests can run each one).
var gemmKern = gemmBestKernel()

// gemmParWork is the m·n·k from which the product is split between
// cores (a variable so that BenchmarkGemmSplit can move it). Waking a
// helper costs about 3 µs on a quiet machine (the futex time of the
// workloads' profiles) and far more when the other cores are busy, so a
// split pays only when the serial product takes several times that: at
// the AVX-512 kernel's 45 G multiply-adds per second, 2²⁰ is about 23 µs.
// 64³ (5.5 µs) and the workloads' dense layers (128×64·64×64, 256×32·32×96)
// stay on one core; 128³ and up are split.
var gemmParWork = 1 << 20

// The flags of gemmKernel.tile and fmaGemmEpi: what a product does
// besides adding A·B to C.
const (
	// gemmZero: C is not read, the sums start from +0 (β = 0). A cleared
	// C holds +0, so the bits are those of clearing C first.
	gemmZero = 1 << iota
	// gemmBias: after the last step C[i][j] ← C[i][j] + bias[j].
	gemmBias
	// gemmReLU: after the last step (and the bias) C[i][j] ←
	// max(C[i][j], 0), Go's max: −0 becomes +0, a NaN stays a NaN.
	gemmReLU
)

// gemmBuf holds one goroutine's packing buffers.
type gemmBuf struct{ a, b []float64 }

var gemmPool = sync.Pool{New: func() any { return new(gemmBuf) }}

// fmaGemm adds op(A)·op(B) to C for row-major C (m×n, row stride ldc),
// where op(A) is m×k and op(B) is k×n; A is stored k×m when transA is set
// (row stride lda), likewise B. C has already been scaled by beta and m,
// n, k are positive. With parallel set, large products are split between
// the cores.
func fmaGemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, parallel bool) {
	fmaGemmEpi(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, parallel, 0, nil)
}

// fmaGemmEpi is fmaGemm with flags (gemmZero: C is overwritten rather
// than added to; gemmBias, gemmReLU: then bias[j] is added to C[i][j] and
// max(·, 0) taken, len(bias) ≥ n) applied where the kernel holds the tile
// in its registers, or by a pass over C on the paths that have no tile
// (gemmLoop): the same operations per element either way. m and n are
// positive, k ≥ 0.
func fmaGemmEpi(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, parallel bool, flags int, bias []float64) {
	kn := gemmKern
	work := m * n * k
	if k == 0 || kn.loopWork > 0 && work < kn.loopWork || kn.loopWork == 0 && (work < gemmSmallWork/4 || work < gemmSmallWork && min(m, n, k) < 8) {
		if flags&gemmZero != 0 {
			clearRows(m, n, c, ldc)
		}
		if k > 0 {
			gemmLoop(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		}
		gemmEpilogueRows(m, n, c, ldc, flags, bias)
		return
	}
	if kn.inPlace && work <= gemmOneBlockWork && m <= kn.mc && n <= kn.nc && k <= kn.kc {
		gemmOneBlock(kn, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, flags, bias)
		return
	}
	// runtime.GOMAXPROCS takes the scheduler's lock: ask only when the
	// product is large enough to split.
	if !parallel || work < gemmParWork {
		gemmBlocked(kn, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, flags, bias)
		return
	}
	p := runtime.GOMAXPROCS(0)
	if p < 2 {
		gemmBlocked(kn, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, flags, bias)
		return
	}
	// Split the larger of m and n into gemmChunks·p chunks aligned to the
	// tile size. The calling goroutine and p−1 workers take chunks in
	// turn until none is left, so a helper that starts late (the other
	// cores are busy) leaves its share to the others instead of holding
	// up the product.
	splitM := m >= n
	size, align := n, kn.nr
	if splitM {
		size, align = m, kn.mr
	}
	// A chunk that packs B packs all of it again: then one chunk per core.
	chunks := min(p, (size+align-1)/align)
	if kn.inPlace && !transB && gemmDirectB(kn, m, n, k, ldb) {
		chunks = min(gemmChunks*p, (size+align-1)/align)
	}
	var next atomic.Int64
	run := func() {
		for {
			w := int(next.Add(1) - 1)
			if w >= chunks {
				return
			}
			lo, hi := splitAligned(size, chunks, w, align)
			if lo == hi {
				continue
			}
			if splitM {
				as := a[lo:]
				if !transA {
					as = a[lo*lda:]
				}
				gemmBlocked(kn, transA, transB, hi-lo, n, k, as, lda, b, ldb, c[lo*ldc:], ldc, flags, bias)
				continue
			}
			bs := b[lo:]
			if transB {
				bs = b[lo*ldb:]
			}
			var bi []float64
			if flags&gemmBias != 0 {
				bi = bias[lo:]
			}
			gemmBlocked(kn, transA, transB, m, hi-lo, k, a, lda, bs, ldb, c[lo:], ldc, flags, bi)
		}
	}
	// The package's parked workers (SplitRanges) run the helpers' shares.
	takers := min(p, chunks)
	SplitRanges(takers, takers, 1, func(lo, hi int) {
		for range hi - lo {
			run()
		}
	})
}

// gemmChunks is the number of chunks per core a split product is cut
// into.
const gemmChunks = 4

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

// gemmEpilogueRows adds bias[j] to every C[i][j] (gemmBias) and then takes
// max(C[i][j], 0) (gemmReLU), for the paths that have no tile in
// registers: the operations the kernels do before their store.
func gemmEpilogueRows(m, n int, c []float64, ldc int, flags int, bias []float64) {
	if flags&(gemmBias|gemmReLU) == 0 {
		return
	}
	for i := range m {
		gemmEpilogueGo(c[i*ldc:i*ldc+n], flags, bias)
	}
}

// opAt returns op(A)[i][p].
func opAt(a []float64, trans bool, lda, i, p int) float64 {
	if trans {
		return a[p*lda+i]
	}
	return a[i*lda+p]
}

// gemmDirectA and gemmDirectB decide when a kernel that can (inPlace)
// reads A or B where they are instead of packing them (variables so that
// tests can force either way). Packing pays when a packed block is used by
// many tiles and its rows would otherwise be far apart; measured on the
// workloads' shapes and on squares up to n = 1024, reading A in place
// never costs more than 4%, and often saves a third (a block of A serves
// only ⌈n/nr⌉ tiles), while B, whose kc×nr micro-panels are read once per
// tile of rows, gains from packing once m passes about 512 or a kc-deep
// panel of B spans more than 2 MB (at n = 1024 its rows, 8 KB apart, cost
// TLB misses).
var (
	gemmDirectA = func(kn *gemmKernel, m, n, k, ldb int) bool { return true }
	gemmDirectB = func(kn *gemmKernel, m, n, k, ldb int) bool {
		return m <= 512 && min(k, kn.kc)*ldb <= 1<<18
	}
)

// gemmDirectRows is the number of rows of C up to which kernels that read
// B in place only at full width still do so.
const gemmDirectRows = 12

// gemmOneBlockWork is the m·n·k up to which a product that fits one block
// of a kernel that reads A and B in place skips gemmBlocked's setup
// (gemmOneBlock); 0 turns that path off (a variable so that tests can run
// both). Attention's per-head products (16×8·8×16, 16×16·16×8 and their
// backward products, 2048 multiply-adds each) take it: their kernel time
// is about 40 ns, and gemmBlocked's loops, a pool buffer and a 24-wide
// panel for a transposed B cost as much again.
var gemmOneBlockWork = 1 << 14

// gemmOneBlock adds op(A)·op(B) to C for a product that fits one block of
// kernel kn (m ≤ mc, n ≤ nc, k ≤ kc; kn.inPlace): A is read in place, B in
// place or, transposed, copied n wide (not padded to the panel width), and
// each tile runs once over all of k, so every element sees the same fused
// multiply-adds in the same order as in gemmBlocked.
func gemmOneBlock(kn *gemmKernel, transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, flags int, bias []float64) {
	bp, bs := b, ldb
	var buf *gemmBuf
	if transB {
		buf = gemmPool.Get().(*gemmBuf)
		buf.b = grow(buf.b, k*n)
		packBTrans(n, n, k, b, ldb, buf.b)
		bp, bs = buf.b, n
	}
	mr, nr := kn.mr, kn.nr
	for jr := 0; jr < n; jr += nr {
		nw := min(nr, n-jr)
		var bi []float64
		if flags&gemmBias != 0 {
			bi = bias[jr:]
		}
		ir := 0
		if full := m / mr; kn.tiles != nil && full > 1 {
			if transA {
				kn.tiles(full, nw, k, a, 1, lda, mr, bp[jr:], bs, c[jr:], ldc, flags, bi)
			} else {
				kn.tiles(full, nw, k, a, lda, 1, mr*lda, bp[jr:], bs, c[jr:], ldc, flags, bi)
			}
			ir = full * mr
		}
		for ; ir < m; ir += mr {
			mw := min(mr, m-ir)
			if transA {
				kn.tile(mw, nw, k, a[ir:], 1, lda, bp[jr:], bs, c[ir*ldc+jr:], ldc, flags, bi)
				continue
			}
			kn.tile(mw, nw, k, a[ir*lda:], lda, 1, bp[jr:], bs, c[ir*ldc+jr:], ldc, flags, bi)
		}
	}
	if buf != nil {
		gemmPool.Put(buf)
	}
}

// gemmBlocked runs the blocked product with kernel kn on the calling
// goroutine: gemmZero goes with the first block of k, gemmBias and
// gemmReLU with the last.
func gemmBlocked(kn *gemmKernel, transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, flags int, bias []float64) {
	mr, nr := kn.mr, kn.nr
	directA := kn.inPlace && gemmDirectA(kn, m, n, k, ldb)
	directB := !transB && m <= gemmDirectRows
	if kn.inPlace {
		directB = !transB && gemmDirectB(kn, m, n, k, ldb)
	}
	var buf *gemmBuf
	if !directA || !directB || !kn.inPlace {
		buf = gemmPool.Get().(*gemmBuf)
		defer gemmPool.Put(buf)
	}
	kcMax := min(kn.kc, k)
	if !directA {
		buf.a = grow(buf.a, roundUp(min(kn.mc, m), mr)*kcMax)
	}
	switch {
	case !directB:
		buf.b = grow(buf.b, roundUp(min(kn.nc, n), nr)*kcMax)
	case !kn.inPlace:
		buf.b = grow(buf.b, nr*kcMax) // the last, partial panel
	}
	for jc := 0; jc < n; jc += kn.nc {
		nc := min(kn.nc, n-jc)
		for pc := 0; pc < k; pc += kn.kc {
			kc := min(kn.kc, k-pc)
			fl := flags
			if pc > 0 {
				fl &^= gemmZero
			}
			if pc+kc < k {
				fl &^= gemmBias | gemmReLU
			}
			if !directB {
				packB(nr, transB, kc, nc, b, ldb, pc, jc, buf.b)
			}
			for ic := 0; ic < m; ic += kn.mc {
				mc := min(kn.mc, m-ic)
				if !directA {
					packA(mr, transA, mc, kc, a, lda, ic, pc, buf.a)
				}
				for jr := 0; jr < nc; jr += nr {
					nw := min(nr, nc-jr)
					var bi []float64
					if fl&gemmBias != 0 {
						bi = bias[jc+jr:]
					}
					var bp []float64
					bs := nr
					switch {
					case !directB:
						bp = buf.b[jr*kc:]
					case nw == nr || kn.inPlace:
						bp, bs = b[pc*ldb+jc+jr:], ldb
					default:
						bp = buf.b
						packB(nr, false, kc, nw, b, ldb, pc, jc+jr, bp)
					}
					ir := 0
					if full := mc / mr; kn.tiles != nil && full > 1 {
						switch {
						case !directA:
							kn.tiles(full, nw, kc, buf.a, 1, mr, mr*kc, bp, bs, c[ic*ldc+jc+jr:], ldc, fl, bi)
						case transA:
							kn.tiles(full, nw, kc, a[pc*lda+ic:], 1, lda, mr, bp, bs, c[ic*ldc+jc+jr:], ldc, fl, bi)
						default:
							kn.tiles(full, nw, kc, a[ic*lda+pc:], lda, 1, mr*lda, bp, bs, c[ic*ldc+jc+jr:], ldc, fl, bi)
						}
						ir = full * mr
					}
					for ; ir < mc; ir += mr {
						mw := min(mr, mc-ir)
						var ap []float64
						ars, aps := 1, mr
						switch {
						case !directA:
							ap = buf.a[ir*kc:]
						case transA:
							ap, aps = a[pc*lda+ic+ir:], lda
						default:
							ap, ars, aps = a[(ic+ir)*lda+pc:], lda, 1
						}
						kn.tile(mw, nw, kc, ap, ars, aps, bp, bs, c[(ic+ir)*ldc+jc+jr:], ldc, fl, bi)
					}
				}
			}
		}
	}
}

// packA copies the mc×kc block of op(A) at (ic, pc) into ap as panels of
// mr rows: panel r holds, for each p, the mr values of column p (zero
// past row mc).
func packA(mr int, trans bool, mc, kc int, a []float64, lda, ic, pc int, ap []float64) {
	for ir := 0; ir < mc; ir += mr {
		mw := min(mr, mc-ir)
		dst := ap[ir*kc : ir*kc+kc*mr]
		if mw < mr {
			clear(dst)
		}
		if trans && mw == mr {
			for p := range kc {
				copy(dst[p*mr:p*mr+mr], a[(pc+p)*lda+ic+ir:])
			}
			continue
		}
		for i := range mw {
			row := ic + ir + i
			if trans {
				for p := range kc {
					dst[p*mr+i] = a[(pc+p)*lda+row]
				}
				continue
			}
			src := a[row*lda+pc : row*lda+pc+kc]
			for p, v := range src {
				dst[p*mr+i] = v
			}
		}
	}
}

// packB copies the kc×nc panel of op(B) at (pc, jc) into bp as panels of
// nr columns: panel q holds, for each p, the nr values of row p (zero
// past column nc).
func packB(nr int, trans bool, kc, nc int, b []float64, ldb, pc, jc int, bp []float64) {
	for jr := 0; jr < nc; jr += nr {
		nw := min(nr, nc-jr)
		dst := bp[jr*kc : jr*kc+kc*nr]
		if nw < nr {
			clear(dst)
		}
		if trans {
			packBTrans(nr, nw, kc, b[(jc+jr)*ldb+pc:], ldb, dst)
			continue
		}
		off := pc*ldb + jc + jr
		if nr == 8 && nw == 8 {
			// Eight explicit moves: a copy call per row costs more than the row.
			for p := range kc {
				src := b[off+p*ldb : off+p*ldb+8]
				d := dst[p*8 : p*8+8]
				d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
				d[4], d[5], d[6], d[7] = src[4], src[5], src[6], src[7]
			}
			continue
		}
		for p := range kc {
			copy(dst[p*nr:p*nr+nw], b[off+p*ldb:off+p*ldb+nw])
		}
	}
}

// packBTrans copies the kc×nw block of op(B) = bᵀ at b (row j of b holds
// column j of op(B)) into dst, nr values per step p: eight columns at a
// time in 8×8 blocks with AVX-512, else four at a time, so that each step
// writes four neighbours.
func packBTrans(nr, nw, kc int, b []float64, ldb int, dst []float64) {
	j := 0
	if gemmPackBT512 && kc >= 8 {
		for ; j+8 <= nw; j += 8 {
			done := packBT8(kc, b[j*ldb:], ldb, dst[j:], nr)
			for jj := j; jj < j+8; jj++ {
				for p := done; p < kc; p++ {
					dst[p*nr+jj] = b[jj*ldb+p]
				}
			}
		}
	}
	for ; j+4 <= nw; j += 4 {
		s0 := b[j*ldb : j*ldb+kc]
		s1 := b[(j+1)*ldb : (j+1)*ldb+kc]
		s2 := b[(j+2)*ldb : (j+2)*ldb+kc]
		s3 := b[(j+3)*ldb : (j+3)*ldb+kc]
		for p := range s0 {
			d := dst[p*nr+j : p*nr+j+4]
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	for ; j < nw; j++ {
		for p, v := range b[j*ldb : j*ldb+kc] {
			dst[p*nr+j] = v
		}
	}
}

// gemmTileGo is the portable kernel's tile (see gemmKernel.tile): eight
// columns at a time in a fixed-size array, then the rest.
func gemmTileGo(mr, nr, kc int, a []float64, ars, aps int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64) {
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		j0 := 0
		for ; j0+8 <= nr; j0 += 8 {
			var acc [8]float64
			if flags&gemmZero == 0 {
				copy(acc[:], row[j0:])
			}
			for p := range kc {
				av := a[i*ars+p*aps]
				bv := b[p*bs+j0 : p*bs+j0+8]
				for j := range acc {
					acc[j] = math.FMA(av, bv[j], acc[j])
				}
			}
			if flags&(gemmBias|gemmReLU) != 0 {
				gemmEpilogueGo(acc[:], flags, bias[j0:])
			}
			copy(row[j0:], acc[:])
		}
		if j0 == nr {
			continue
		}
		var buf [8]float64
		acc := buf[:nr-j0]
		if flags&gemmZero == 0 {
			copy(acc, row[j0:])
		}
		for p := range kc {
			av := a[i*ars+p*aps]
			bv := b[p*bs+j0 : p*bs+nr]
			for j := range acc {
				acc[j] = math.FMA(av, bv[j], acc[j])
			}
		}
		if flags&(gemmBias|gemmReLU) != 0 {
			gemmEpilogueGo(acc, flags, bias[j0:])
		}
		copy(row[j0:], acc)
	}
}

// gemmEpilogueGo adds bias[j] to acc[j] (gemmBias), then takes max(acc[j],
// 0) (gemmReLU).
func gemmEpilogueGo(acc []float64, flags int, bias []float64) {
	if flags&gemmBias != 0 {
		for j, bj := range bias[:len(acc)] {
			acc[j] += bj
		}
	}
	if flags&gemmReLU != 0 {
		for j, v := range acc {
			acc[j] = max(v, 0)
		}
	}
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
