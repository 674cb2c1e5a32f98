//go:build !amd64

package tensor

// gemmBestKernel is the portable Go kernel: there is no assembly kernel
// for this architecture (math.FMA is one instruction on arm64).
func gemmBestKernel() *gemmKernel { return gemmKernelGo }

// gemmKernels lists the kernels this CPU can run.
func gemmKernels() []*gemmKernel { return []*gemmKernel{gemmKernelGo} }
