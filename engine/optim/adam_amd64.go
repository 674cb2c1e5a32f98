package optim

import "golang.org/x/sys/cpu"

// adamAVX reports whether adamUpdate uses the AVX kernel: the CPU has AVX
// and the OS saves the YMM registers. (A variable so that tests can run
// the scalar kernel on a machine that has AVX.)
var adamAVX = cpu.X86.HasAVX

// adamAVX4 is adamKernel on four elements at a time for the first n
// elements (n a multiple of 4), with AVX's packed IEEE 754 operations in
// the order of adamKernel.
//
//go:noescape
func adamAVX4(k *adamConsts, wp, gp, mp, vp, dp *float64, n int)

// adamVector runs the vector kernel on the longest prefix it handles and
// returns its length (0 without AVX).
func adamVector(k *adamConsts, w, g, m, v, d []float64) int {
	n := len(g) &^ 3
	if !adamAVX || n == 0 {
		return 0
	}
	_, _, _, _ = w[n-1], m[n-1], v[n-1], d[n-1]
	adamAVX4(k, &w[0], &g[0], &m[0], &v[0], &d[0], n)
	return n
}

// adamAVXAvailable is what the CPU offers, whatever adamAVX is set to.
var adamAVXAvailable = cpu.X86.HasAVX
