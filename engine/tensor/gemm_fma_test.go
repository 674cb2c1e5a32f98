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

// withKernel runs f with gemm running kernel kn.
func withKernel(kn *gemmKernel, f func()) {
	saved := gemmKern
	gemmKern = kn
	defer func() { gemmKern = saved }()
	f()
}

func kernelNames(ks []*gemmKernel) []string {
	var names []string
	for _, kn := range ks {
		names = append(names, kn.name)
	}
	return names
}

// tileReference is the definition of gemmKernel.tile: for each element,
// s = C[i][j] (+0 with gemmZero), s = fma(A[i][p], B[p][j], s) for p = 0
// … kc−1, then s + bias[j] (gemmBias) and max(s, 0) (gemmReLU).
func tileReference(mr, nr, kc int, a []float64, ars, aps int, b []float64, bs int, c []float64, ldc int, flags int, bias []float64) {
	for i := range mr {
		for j := range nr {
			s := c[i*ldc+j]
			if flags&gemmZero != 0 {
				s = 0
			}
			for p := range kc {
				s = math.FMA(a[i*ars+p*aps], b[p*bs+j], s)
			}
			if flags&gemmBias != 0 {
				s += bias[j]
			}
			if flags&gemmReLU != 0 {
				s = max(s, 0)
			}
			c[i*ldc+j] = s
		}
	}
}

// withSpecials puts −0 into every fifth element of x and 0 into every
// seventh, so that sums of −0, signed zeros through ReLU and exact zeros
// of the products are tested too.
func withSpecials(x []float64) []float64 {
	for i := range x {
		switch {
		case i%5 == 2:
			x[i] = math.Copysign(0, -1)
		case i%7 == 3:
			x[i] = 0
		}
	}
	return x
}

// TestGemmTileSameBitsAsGo runs each kernel's tile on every tile size
// from 1×1 to mr×nr, on packed operands and (for kernels that take any
// strides) on A and B in place, transposed or not, with every combination
// of the flags (start from +0, bias, ReLU), and requires the bits of the
// definition (tileReference) from it and from the portable kernel; the
// elements of C around the tile must not move, and with gemmZero the tile
// of C must not be read (it holds NaNs).
func TestGemmTileSameBitsAsGo(t *testing.T) {
	rng := NewRNG(3)
	for _, kn := range gemmKernels() {
		for _, kc := range []int{0, 1, 7, 64} {
			for mr := 1; mr <= kn.mr; mr++ {
				for nr := 1; nr <= kn.nr; nr++ {
					type layout struct{ ars, aps, bs int }
					layouts := []layout{{1, kn.mr, kn.nr}}
					if kn.inPlace {
						layouts = append(layouts, layout{kc + 3, 1, nr + 5}, layout{1, mr + 2, nr})
					}
					for _, l := range layouts {
						a := withSpecials(RandN(rng, max(1, kn.mr*l.ars+kc*l.aps)).Data)
						b := RandN(rng, max(1, kc*l.bs+kn.nr)).Data
						if !kn.inPlace { // packed: zero past the tile
							for p := range kc {
								clear(a[p*kn.mr+mr : p*kn.mr+kn.mr])
								clear(b[p*kn.nr+nr : p*kn.nr+kn.nr])
							}
						}
						bias := withSpecials(RandN(rng, nr).Data)
						for flags := range gemmReLU << 1 {
							const ldc = 31
							c := withSpecials(RandN(rng, (kn.mr+2)*ldc).Data)
							if flags&gemmZero != 0 {
								for i := range mr {
									for j := range nr {
										c[(i+1)*ldc+1+j] = math.NaN()
									}
								}
							}
							want := append([]float64(nil), c...)
							goTile := append([]float64(nil), c...)
							kn.tile(mr, nr, kc, a, l.ars, l.aps, b, l.bs, c[ldc+1:], ldc, flags, bias)
							gemmTileGo(mr, nr, kc, a, l.ars, l.aps, b, l.bs, goTile[ldc+1:], ldc, flags, bias)
							tileReference(mr, nr, kc, a, l.ars, l.aps, b, l.bs, want[ldc+1:], ldc, flags, bias)
							for i := range c {
								if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
									t.Fatalf("%s kernel, %d×%d tile, kc=%d, strides %+v, flags %03b: element %d = %v, definition %v", kn.name, mr, nr, kc, l, flags, i, c[i], want[i])
								}
								if math.Float64bits(goTile[i]) != math.Float64bits(want[i]) {
									t.Fatalf("portable tile, %d×%d tile, kc=%d, strides %+v, flags %03b: element %d = %v, definition %v", mr, nr, kc, l, flags, i, goTile[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestFMAGemmSameBitsAsDefinition checks every kernel this CPU has, with
// A and B packed or read in place, on random shapes and transposes,
// against the definition, to the bit.
func TestFMAGemmSameBitsAsDefinition(t *testing.T) {
	ks := gemmKernels()
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(1, 160).Draw(rt, "m"), rapid.IntRange(1, 300).Draw(rt, "k"), rapid.IntRange(1, 160).Draw(rt, "n")
		ta, tb, par := rapid.Bool().Draw(rt, "ta"), rapid.Bool().Draw(rt, "tb"), rapid.Bool().Draw(rt, "parallel")
		kn := ks[rapid.IntRange(0, len(ks)-1).Draw(rt, "kernel")]
		da, db := rapid.IntRange(0, 2).Draw(rt, "directA"), rapid.IntRange(0, 2).Draw(rt, "directB")
		oneBlock := rapid.Bool().Draw(rt, "oneBlock")
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
		withOneBlock(oneBlock, func() {
			withDirect(da, db, func() {
				withKernel(kn, func() { fmaGemm(ta, tb, m, n, k, a, lda, b, ldb, c, n, par) })
			})
		})
		fmaReference(ta, tb, m, n, k, a, b, want)
		for i := range c {
			if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
				rt.Fatalf("[%d %d %d] ta=%v tb=%v %s kernel: element %d = %v, definition %v", m, k, n, ta, tb, kn.name, i, c[i], want[i])
			}
		}
	})
}

// TestFMAGemmEpiSameBitsAsDefinition checks fmaGemmEpi with every
// combination of the flags (overwrite C, add a bias, ReLU) on every
// kernel this CPU has and every path (the plain loop, one block, blocked
// with A and B packed or in place, split between the cores), with the
// kernel's blocks shrunk at random so that k spans several blocks of kc
// (the first starts from +0, the last adds the bias) and m, n several
// blocks of mc, nc, against the definition: C (or +0), the fused
// multiply-adds in order, + bias[j], max(·, 0); to the bit, with C
// outside the product untouched and, when overwritten, not read.
func TestFMAGemmEpiSameBitsAsDefinition(t *testing.T) {
	ks := gemmKernels()
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(1, 100).Draw(rt, "m"), rapid.IntRange(1, 120).Draw(rt, "k"), rapid.IntRange(1, 100).Draw(rt, "n")
		ta, tb := rapid.Bool().Draw(rt, "ta"), rapid.Bool().Draw(rt, "tb")
		split := rapid.Bool().Draw(rt, "split")
		flags := rapid.IntRange(0, gemmZero|gemmBias|gemmReLU).Draw(rt, "flags")
		kn := *ks[rapid.IntRange(0, len(ks)-1).Draw(rt, "kernel")]
		if rapid.Bool().Draw(rt, "shrink") {
			kn.kc = rapid.IntRange(1, 40).Draw(rt, "kc")
			kn.mc = kn.mr * rapid.IntRange(1, 3).Draw(rt, "mc/mr")
			kn.nc = kn.nr * rapid.IntRange(1, 3).Draw(rt, "nc/nr")
		}
		da, db := rapid.IntRange(0, 2).Draw(rt, "directA"), rapid.IntRange(0, 2).Draw(rt, "directB")
		oneBlock := rapid.Bool().Draw(rt, "oneBlock")
		rng := NewRNG(uint64(m*1000000 + k*1000 + n))
		ldc := n + rapid.IntRange(0, 3).Draw(rt, "ldc-n")
		a, b := withSpecials(RandN(rng, m*k).Data), RandN(rng, k*n).Data
		c, bias := withSpecials(RandN(rng, m*ldc).Data), withSpecials(RandN(rng, n).Data)
		want := append([]float64(nil), c...)
		if flags&gemmZero != 0 {
			for i := range m {
				for j := range n {
					c[i*ldc+j] = math.NaN()
					want[i*ldc+j] = 0
				}
			}
		}
		lda, ldb := k, n
		if ta {
			lda = m
		}
		if tb {
			ldb = k
		}
		savedPar := gemmParWork
		if split {
			gemmParWork = 0
		}
		withOneBlock(oneBlock, func() {
			withDirect(da, db, func() {
				withKernel(&kn, func() { fmaGemmEpi(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, true, flags, bias) })
			})
		})
		gemmParWork = savedPar
		// The definition on a dense copy of the m×n block.
		dense := make([]float64, m*n)
		for i := range m {
			copy(dense[i*n:(i+1)*n], want[i*ldc:])
		}
		fmaReference(ta, tb, m, n, k, a, b, dense)
		for i := range m {
			for j := range n {
				s := dense[i*n+j]
				if flags&gemmBias != 0 {
					s += bias[j]
				}
				if flags&gemmReLU != 0 {
					s = max(s, 0)
				}
				want[i*ldc+j] = s
			}
		}
		for i := range c {
			if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
				rt.Fatalf("[%d %d %d] ldc=%d ta=%v tb=%v flags=%03b %s kernel (kc %d, mc %d, nc %d): element (%d, %d) = %v, definition %v", m, k, n, ldc, ta, tb, flags, kn.name, kn.kc, kn.mc, kn.nc, i/ldc, i%ldc, c[i], want[i])
			}
		}
	})
}

// withOneBlock runs f with gemmOneBlock taking the products it is for (on)
// or none.
func withOneBlock(on bool, f func()) {
	saved := gemmOneBlockWork
	defer func() { gemmOneBlockWork = saved }()
	if !on {
		gemmOneBlockWork = 0
	}
	f()
}

// TestGemmOneBlockSameBits runs the products that fit one block (the
// attention heads' shapes among them, and edges around one tile) with
// every kernel, every transpose, in rows of C wider than n, through
// gemmOneBlock and through gemmBlocked, and requires the definition's
// bits from both, with the elements of C outside the product untouched.
func TestGemmOneBlockSameBits(t *testing.T) {
	shapes := [][3]int{{16, 8, 16}, {16, 16, 8}, {16, 16, 16}, {1, 1, 1}, {7, 23, 5}, {9, 25, 3}, {33, 17, 40}, {64, 64, 2}, {8, 24, 64}}
	rng := NewRNG(5)
	for _, kn := range gemmKernels() {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					lda, ldb, ldc := k+3, n+2, n+5 // strided, as attention's heads
					if ta {
						lda = m + 3
					}
					if tb {
						ldb = k + 2
					}
					a, b := RandN(rng, max(m, k)*lda).Data, RandN(rng, max(n, k)*ldb).Data
					c0 := RandN(rng, m*ldc).Data
					want := make([]float64, m*n)
					for i := range m {
						copy(want[i*n:(i+1)*n], c0[i*ldc:])
					}
					// The definition on dense copies of op(A) and op(B).
					da, db := make([]float64, m*k), make([]float64, k*n)
					for i := range m {
						for p := range k {
							da[i*k+p] = opAt(a, ta, lda, i, p)
						}
					}
					for p := range k {
						for j := range n {
							db[p*n+j] = opAt(b, !tb, ldb, j, p)
						}
					}
					fmaReference(false, false, m, n, k, da, db, want)
					for _, on := range []bool{true, false} {
						c := append([]float64(nil), c0...)
						withOneBlock(on, func() {
							withKernel(kn, func() { fmaGemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, false) })
						})
						for i := range c {
							r, j := i/ldc, i%ldc
							w := c0[i]
							if j < n {
								w = want[r*n+j]
							}
							if math.Float64bits(c[i]) != math.Float64bits(w) {
								t.Fatalf("%s kernel, [%d %d %d] ta=%v tb=%v oneBlock=%v: element (%d, %d) = %v, want %v", kn.name, m, n, k, ta, tb, on, r, j, c[i], w)
							}
						}
					}
				}
			}
		}
	}
}

// withDirect runs f with gemm reading A (da) and B (db) in place: 0 as it
// chooses, 1 never, 2 whenever the kernel can.
func withDirect(da, db int, f func()) {
	sa, sb := gemmDirectA, gemmDirectB
	defer func() { gemmDirectA, gemmDirectB = sa, sb }()
	force := func(v bool) func(*gemmKernel, int, int, int, int) bool {
		return func(*gemmKernel, int, int, int, int) bool { return v }
	}
	if da > 0 {
		gemmDirectA = force(da == 2)
	}
	if db > 0 {
		gemmDirectB = force(db == 2)
	}
	f()
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
	for _, s := range [][3]int{{64, 64, 64}, {128, 64, 64}, {64, 128, 64}, {128, 128, 64}, {256, 96, 32}, {256, 32, 96}, {32, 784, 10}, {128, 128, 128}, {256, 256, 64}, {256, 256, 256}} {
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

// TestPackBTrans checks the packing of a transposed B, with AVX-512 where
// the CPU has it and in Go, against the definition, on every width up to
// 24 and depths around multiples of 8.
func TestPackBTrans(t *testing.T) {
	rng := NewRNG(9)
	for _, nr := range []int{8, 24} {
		for nw := 1; nw <= nr; nw++ {
			for _, kc := range []int{1, 7, 8, 9, 16, 23, 64} {
				ldb := kc + 3
				b := RandN(rng, nw*ldb).Data
				for _, asm := range []bool{false, true} {
					dst := Full(math.NaN(), kc*nr).Data
					withPackBT512(asm, func() { packBTrans(nr, nw, kc, b, ldb, dst) })
					for p := range kc {
						for j := range nw {
							if got, want := dst[p*nr+j], b[j*ldb+p]; got != want {
								t.Fatalf("nr=%d nw=%d kc=%d asm=%v: dst[%d][%d] = %v, want %v", nr, nw, kc, asm, p, j, got, want)
							}
						}
						for j := nw; j < nr; j++ {
							if !math.IsNaN(dst[p*nr+j]) {
								t.Fatalf("nr=%d nw=%d kc=%d asm=%v: dst[%d][%d] written past the width", nr, nw, kc, asm, p, j)
							}
						}
					}
				}
			}
		}
	}
}

// BenchmarkGemmShapes times the products the workloads W3–W7 run (shape
// m×n×k and transposes, as recorded from their steps), on one goroutine,
// with each kernel this CPU has.
func BenchmarkGemmShapes(b *testing.B) {
	shapes := []struct {
		ta, tb  bool
		m, n, k int
	}{
		{false, false, 64, 64, 64}, {false, true, 64, 64, 64}, {true, false, 64, 64, 64}, {false, false, 64, 64, 2}, // W3
		{false, false, 8, 784, 9}, {false, true, 8, 9, 784}, {false, false, 16, 196, 72}, {false, true, 16, 72, 196}, {true, false, 72, 196, 16}, // W4
		{false, false, 16, 32, 32}, {false, true, 16, 32, 32}, {true, false, 32, 32, 784}, // W5
		{false, false, 256, 96, 32}, {false, true, 256, 32, 96}, {true, false, 32, 96, 256}, {false, false, 16, 8, 16}, {false, true, 16, 16, 8}, {true, false, 16, 8, 16}, // W6
		{false, false, 128, 64, 64}, {false, true, 128, 64, 64}, {true, false, 64, 64, 128}, {false, false, 128, 64, 2}, // W7
	}
	for _, kn := range gemmKernels() {
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%s/%dx%dx%d/ta=%v/tb=%v", kn.name, s.m, s.n, s.k, s.ta, s.tb), func(b *testing.B) {
				rng := NewRNG(1)
				x, y, c := RandN(rng, s.m*s.k).Data, RandN(rng, s.k*s.n).Data, make([]float64, s.m*s.n)
				lda, ldb := s.k, s.n
				if s.ta {
					lda = s.m
				}
				if s.tb {
					ldb = s.k
				}
				withKernel(kn, func() {
					for range b.N {
						fmaGemm(s.ta, s.tb, s.m, s.n, s.k, x, lda, y, ldb, c, s.n, false)
					}
				})
			})
		}
	}
}
