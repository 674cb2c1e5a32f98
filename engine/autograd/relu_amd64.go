package autograd

import "golang.org/x/sys/cpu"

// reluVector reports whether reluKernel and reluGradKernel use their AVX2
// loops (a variable so that tests can run the scalar loops on a machine
// that has AVX2); reluVectorAvailable is what the CPU offers.
var (
	reluVector          = cpu.X86.HasAVX2
	reluVectorAvailable = cpu.X86.HasAVX2
)

// reluAVX2 writes max(a[i], 0) into dst[i] for i < n (n a multiple of 8).
//
//go:noescape
func reluAVX2(dst, a *float64, n int)

// reluGradAVX2 writes gp[i] where a[i]'s bits are a positive integer (a > 0,
// or a NaN without the sign bit), else 0, into dst[i] for i < n (n a
// multiple of 8).
//
//go:noescape
func reluGradAVX2(dst, gp, a *float64, n int)

// reluPrefix runs the vector loop of reluKernel on the longest prefix it
// handles and returns its length.
func reluPrefix(dst, a []float64) int {
	n := len(a) &^ 7
	if !reluVector || n == 0 {
		return 0
	}
	_ = dst[n-1]
	reluAVX2(&dst[0], &a[0], n)
	return n
}

// reluGradPrefix is reluPrefix for reluGradKernel.
func reluGradPrefix(dst, g, a []float64) int {
	n := len(a) &^ 7
	if !reluVector || n == 0 {
		return 0
	}
	_, _ = dst[n-1], g[n-1]
	reluGradAVX2(&dst[0], &g[0], &a[0], n)
	return n
}
