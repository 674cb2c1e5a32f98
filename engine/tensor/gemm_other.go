//go:build !amd64

package tensor

// gemmFast is false: without an assembly micro-kernel gemm runs the
// portable Go kernel (math.FMA is one instruction on arm64).
const gemmFast = false

// gemmKernel runs the micro-kernel for one gemmMR×gemmNR tile of C.
func gemmKernel(kc int, ap, bp []float64, bs int, c []float64, ldc int) {
	gemmKernelGo(kc, ap, bp, bs, c, ldc)
}
