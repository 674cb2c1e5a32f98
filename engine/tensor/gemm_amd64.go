package tensor

// gemmFast reports whether gemm's micro-kernel is the assembly one: the
// CPU has AVX2 and FMA and the OS saves the AVX registers. Without them the
// portable Go kernel runs, slower but with the same results.
var gemmFast = hasAVX2FMA()

// hasAVX2FMA reads the CPUID feature flags and XCR0.
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

// cpuid executes the CPUID instruction for a leaf and sub-leaf.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv returns XCR0.
func xgetbv() (eax, edx uint32)

// gemmKernel6x8 is the AVX2/FMA micro-kernel: the same contract as
// gemmKernelGo on raw pointers.
//
//go:noescape
func gemmKernel6x8(kc int, ap, bp, c *float64, ldc, bs int)

// gemmKernel runs the micro-kernel for one gemmMR×gemmNR tile of C, with
// the gemmNR values of B of step p at bp[p·bs:] (bs = gemmNR when packed).
func gemmKernel(kc int, ap, bp []float64, bs int, c []float64, ldc int) {
	if kc == 0 {
		return
	}
	if !gemmFast {
		gemmKernelGo(kc, ap, bp, bs, c, ldc)
		return
	}
	_ = ap[kc*gemmMR-1]
	_ = bp[(kc-1)*bs+gemmNR-1]
	_ = c[(gemmMR-1)*ldc+gemmNR-1]
	gemmKernel6x8(kc, &ap[0], &bp[0], &c[0], ldc, bs)
}
