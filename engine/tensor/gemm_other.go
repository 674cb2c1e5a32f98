//go:build !amd64

package tensor

// gemmBestKernel is the portable Go kernel: there is no assembly kernel
// for this architecture (math.FMA is one instruction on arm64).
func gemmBestKernel() *gemmKernel { return gemmKernelGo }

// gemmKernels lists the kernels this CPU can run.
func gemmKernels() []*gemmKernel { return []*gemmKernel{gemmKernelGo} }

// gemmPackBT512 is false: packBTrans copies in Go.
const gemmPackBT512 = false

// packBT8 does nothing without AVX-512 (see the amd64 version).
func packBT8(kc int, b []float64, ldb int, dst []float64, nr int) int { return 0 }
