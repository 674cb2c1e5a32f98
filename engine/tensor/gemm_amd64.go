package tensor

import "golang.org/x/sys/cpu"

// gemmBestKernel picks the micro-kernel for this CPU: AVX-512 where the CPU
// has AVX512F and the OS saves the opmask and ZMM registers, else AVX2
// with FMA where it has those and the OS saves the YMM registers, else the
// portable Go kernel. All three give the same bits.
func gemmBestKernel() *gemmKernel {
	switch {
	case hasAVX512():
		return gemmKernel512
	case hasAVX2FMA():
		return gemmKernelAVX2
	}
	return gemmKernelGo
}

// gemmKernels lists the kernels this CPU can run, best last.
func gemmKernels() []*gemmKernel {
	ks := []*gemmKernel{gemmKernelGo}
	if hasAVX2FMA() {
		ks = append(ks, gemmKernelAVX2)
	}
	if hasAVX512() {
		ks = append(ks, gemmKernel512)
	}
	return ks
}

// hasAVX2FMA reports AVX2 and FMA with the YMM state saved by the OS
// (golang.org/x/sys/cpu, as the other vector loops ask).
func hasAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// hasAVX512 reports AVX512F (the kernels use nothing else of AVX-512) on
// top of hasAVX2FMA, with the opmask and ZMM state saved by the OS
// (x/sys/cpu also knows macOS, which saves it only once a program uses
// it).
func hasAVX512() bool { return hasAVX2FMA() && cpu.X86.HasAVX512F }

// gemmKernelAVX2 is the AVX2/FMA kernel: a 6×8 tile in twelve YMM
// registers, on packed A.
var gemmKernelAVX2 = &gemmKernel{name: "avx2", mr: 6, nr: 8, mc: 96, kc: 256, nc: 512, tile: gemmTileAVX2}

// gemmKernel6x8 is the AVX2/FMA micro-kernel for a full 6×8 tile: the 6
// values of A of step p at ap[6p:], the 8 of B at bp[p·bs:]; flags and
// bias (8 values) as for gemmKernel.tile.
//
//go:noescape
func gemmKernel6x8(kc int, ap, bp, c *float64, ldc, bs int, flags int, bias *float64)

// gemmTileAVX2 runs gemmKernel6x8 on A packed (ars = 1, aps = 6, zero
// past the last row) and B packed or in place with 8 readable columns; an
// edge tile runs on a full copy (and a bias padded to 8 columns).
func gemmTileAVX2(mr, nr, kc int, a []float64, ars, aps int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64) {
	if kc == 0 && flags == 0 || mr == 0 || nr == 0 {
		return
	}
	if ars != 1 || aps != 6 {
		panic("tensor: gemmTileAVX2 needs packed A")
	}
	var ap, bp *float64
	if kc > 0 {
		_ = a[kc*6-1]
		_ = b[(kc-1)*bs+7]
		ap, bp = &a[0], &b[0]
	}
	var bias8 [8]float64
	bz := &bias8[0]
	if flags&gemmBias != 0 {
		if nr == 8 {
			bz = &bias[:8][0]
		} else {
			copy(bias8[:], bias[:nr])
		}
	}
	if mr == 6 && nr == 8 {
		_ = c[5*ldc+7]
		gemmKernel6x8(kc, ap, bp, &c[0], ldc, bs, flags, bz)
		return
	}
	var tile [6 * 8]float64
	if flags&gemmZero == 0 {
		for i := range mr {
			copy(tile[i*8:i*8+nr], c[i*ldc:i*ldc+nr])
		}
	}
	gemmKernel6x8(kc, ap, bp, &tile[0], 8, bs, flags, bz)
	for i := range mr {
		copy(c[i*ldc:i*ldc+nr], tile[i*8:i*8+nr])
	}
}

// gemmKernel512 is the AVX-512 kernel: an 8×24 tile in 24 ZMM registers
// (two 512-bit FMA pipes with four cycles of latency need at least eight
// independent sums), reading A and B packed or in place. The blocking was
// tuned on a Zen 5 core at n = 256–1024 (BenchmarkFMAGemmSerial): a deep
// kc (the tile of C is loaded and stored once per kc steps) pays more
// than keeping B's kc×24 micro-panel in L1 (it streams from L2 at the
// rate the kernel needs). Reading A and B in place, it beats the plain
// loop from products of about a hundred multiply-adds (loopWork).
var gemmKernel512 = &gemmKernel{name: "avx512", mr: 8, nr: 24, mc: 64, kc: 512, nc: 1536, tile: gemmTile512, tiles: gemmTiles512, inPlace: true, loopWork: 128}

//go:generate go run gemm512_gen.go

// The AVX-512 micro-kernels (gemm512_amd64.s, written by gemm512_gen.go),
// one per tile of 8, 4, 2 or 1 rows by 8, 16 or 24 columns: see there.
//
//go:noescape
func gemm512x8x8(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x8x16(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x8x24(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x4x8(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x4x16(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x4x24(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x2x8(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x2x16(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x2x24(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x1x8(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x1x16(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

//go:noescape
func gemm512x1x24(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int)

// gemm512Fns[r][v-1] is the kernel for 8>>r rows and v vectors of 8.
var gemm512Fns = [4][3]func(kc int, a *float64, ars, aps int, b *float64, bs int, c *float64, ldc int, mask int, flags int, bias *float64, tiles, ats int){
	{gemm512x8x8, gemm512x8x16, gemm512x8x24},
	{gemm512x4x8, gemm512x4x16, gemm512x4x24},
	{gemm512x2x8, gemm512x2x16, gemm512x2x24},
	{gemm512x1x8, gemm512x1x16, gemm512x1x24},
}

// gemmTile512 runs the AVX-512 kernels on an mr×nr tile (mr ≤ 8,
// nr ≤ 24): nr picks the number of vectors and the mask of the last one,
// and the rows are covered by 8-, 4-, 2- and 1-row kernels in turn.
func gemmTile512(mr, nr, kc int, a []float64, ars, aps int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64) {
	if kc == 0 && flags == 0 || mr == 0 || nr == 0 {
		return
	}
	if mr > 8 || nr > 24 {
		panic("tensor: gemmTile512: tile too large")
	}
	var ap, bp, bz *float64
	if kc > 0 {
		_ = a[(mr-1)*ars+(kc-1)*aps]
		_ = b[(kc-1)*bs+nr-1]
		ap, bp = &a[0], &b[0]
	}
	if flags&gemmBias != 0 {
		bz = &bias[:nr][0]
	}
	_ = c[(mr-1)*ldc+nr-1]
	v := (nr + 7) / 8
	mask := 1<<(nr-8*(v-1)) - 1
	for r := 0; ; r++ {
		rows := 8 >> r
		if mr < rows {
			continue
		}
		gemm512Fns[r][v-1](kc, ap, ars, aps, bp, bs, &c[0], ldc, mask, flags, bz, 1, 0)
		mr -= rows
		if mr == 0 {
			return
		}
		c = c[rows*ldc:]
		if kc > 0 {
			a = a[rows*ars:]
			ap = &a[0]
		}
	}
}

// gemmTiles512 runs the 8-row AVX-512 kernel on tiles full 8×nr tiles one
// below the other (see gemmKernel.tiles), in one call.
func gemmTiles512(tiles, nr, kc int, a []float64, ars, aps, ats int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64) {
	if tiles <= 0 || nr == 0 || kc == 0 && flags == 0 {
		return
	}
	if nr > 24 {
		panic("tensor: gemmTiles512: tile too wide")
	}
	var ap, bp, bz *float64
	if kc > 0 {
		_ = a[(tiles-1)*ats+7*ars+(kc-1)*aps]
		_ = b[(kc-1)*bs+nr-1]
		ap, bp = &a[0], &b[0]
	}
	if flags&gemmBias != 0 {
		bz = &bias[:nr][0]
	}
	_ = c[(8*tiles-1)*ldc+nr-1]
	v := (nr + 7) / 8
	mask := 1<<(nr-8*(v-1)) - 1
	gemm512Fns[0][v-1](kc, ap, ars, aps, bp, bs, &c[0], ldc, mask, flags, bz, tiles, ats)
}

// gemm512PackBT transposes eight rows of b into a packed panel of B, 8×8
// blocks at a time (see gemm512_amd64.s).
//
//go:noescape
func gemm512PackBT(blocks int, b *float64, ldb int, dst *float64, nr int)

// gemmPackBT512 reports whether packBTrans transposes with AVX-512 (a
// variable so that tests can run the Go copy too).
var gemmPackBT512 = hasAVX512()

// packBT8 copies dst[p·nr + j] = b[j·ldb + p] for j < 8 and p below kc
// rounded down to a multiple of 8, and returns that p, or 0 if the CPU
// has no AVX-512.
func packBT8(kc int, b []float64, ldb int, dst []float64, nr int) int {
	blocks := kc / 8
	if !gemmPackBT512 || blocks == 0 {
		return 0
	}
	_ = b[7*ldb+blocks*8-1]
	_ = dst[(blocks*8-1)*nr+7]
	gemm512PackBT(blocks, &b[0], ldb, &dst[0], nr)
	return blocks * 8
}
