package tensor

import "golang.org/x/sys/cpu"

// addVector reports whether addTo and addConst use their AVX2 loops (a
// variable so that tests can run the scalar loops on a machine that has
// AVX2); addVectorAvailable is what the CPU offers.
var (
	addVector          = cpu.X86.HasAVX2
	addVectorAvailable = cpu.X86.HasAVX2
)

// addToAVX2 adds src[i] to dst[i] for i < n (n a multiple of 8).
//
//go:noescape
func addToAVX2(dst, src *float64, n int)

// addConstAVX2 adds c to dst[i] for i < n (n a multiple of 8).
//
//go:noescape
func addConstAVX2(dst *float64, c float64, n int)

// addToPrefix runs addToAVX2 on the longest prefix of src it handles and
// returns its length.
func addToPrefix(dst, src []float64) int {
	n := len(src) &^ 7
	if !addVector || n == 0 {
		return 0
	}
	_ = dst[n-1]
	addToAVX2(&dst[0], &src[0], n)
	return n
}

// addConstPrefix is addToPrefix for addConstAVX2.
func addConstPrefix(dst []float64, c float64) int {
	n := len(dst) &^ 7
	if !addVector || n == 0 {
		return 0
	}
	addConstAVX2(&dst[0], c, n)
	return n
}
