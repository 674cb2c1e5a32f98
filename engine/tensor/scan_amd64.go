package tensor

import "golang.org/x/sys/cpu"

// scanVector reports whether MaxAbsBits uses the AVX2 kernel;
// scanVectorAvailable is the same, for tests that switch scanVector.
var (
	scanVector          = cpu.X86.HasAVX2
	scanVectorAvailable = cpu.X86.HasAVX2
)

// maxAbsBitsAVX2 returns the largest of the bits of |p[i]| for i < n, n a
// positive multiple of 16.
//
//go:noescape
func maxAbsBitsAVX2(p *float64, n int) uint64

// maxAbsBitsPrefix runs the vector kernel on the longest prefix of xs
// whose length is a multiple of 16 and returns its maximum and length (0
// and 0 without the kernel).
func maxAbsBitsPrefix(xs []float64) (uint64, int) {
	n := len(xs) &^ 15
	if !scanVector || n == 0 {
		return 0, 0
	}
	return maxAbsBitsAVX2(&xs[0], n), n
}
