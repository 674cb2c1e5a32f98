package tensor

import "golang.org/x/sys/cpu"

// convVector reports whether addTo, addConst and maxPool2x2 use their AVX2 loops (a
// variable so that tests can run the scalar loops on a machine that has
// AVX2); convVectorAvailable is what the CPU offers.
var (
	convVector          = cpu.X86.HasAVX2
	convVectorAvailable = cpu.X86.HasAVX2
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
	if !convVector || n == 0 {
		return 0
	}
	_ = dst[n-1]
	addToAVX2(&dst[0], &src[0], n)
	return n
}

// addConstPrefix is addToPrefix for addConstAVX2.
func addConstPrefix(dst []float64, c float64) int {
	n := len(dst) &^ 7
	if !convVector || n == 0 {
		return 0
	}
	addConstAVX2(&dst[0], c, n)
	return n
}

// maxPool2x2AVX2 is maxPool2x2's loop for windows 0 … n−1 of one row
// pair (n a multiple of 4), stopping before a group of four holding a
// NaN; it returns how many windows it wrote.
//
//go:noescape
func maxPool2x2AVX2(out *float64, arg *int32, r0, r1 *float64, n, top, w int) int

// maxPool2x2Prefix runs maxPool2x2AVX2 on the longest prefix of a row's
// windows it handles and returns its length. A row whose window count is
// not a multiple of 4 ends with one more group of four, the last four
// windows (those it redoes get the same values again).
func maxPool2x2Prefix(dst []float64, at []int32, r0, r1 []float64, top, w int) int {
	n := len(dst) &^ 3
	if !convVector || n == 0 {
		return 0
	}
	_, _, _ = at[len(dst)-1], r0[2*len(dst)-1], r1[2*len(dst)-1]
	done := maxPool2x2AVX2(&dst[0], &at[0], &r0[0], &r1[0], n, top, w)
	if done < n || n == len(dst) {
		return done
	}
	k := len(dst) - 4
	if maxPool2x2AVX2(&dst[k], &at[k], &r0[2*k], &r1[2*k], 4, top+2*k, w) == 4 {
		return len(dst)
	}
	return done
}

// maxPool2x2GradAVX2 is maxPool2x2Grad's loop for windows 0 … n−1 of one
// row pair (n a multiple of 4).
//
//go:noescape
func maxPool2x2GradAVX2(r0, r1, gout *float64, arg *int32, n, top, w int)

// maxPool2x2GradPrefix runs maxPool2x2GradAVX2 on a row pair's windows
// (the last four again when their count is not a multiple of 4: the
// windows it redoes get the same values) and returns how many it did.
func maxPool2x2GradPrefix(r0, r1, gs []float64, at []int32, top, w int) int {
	n := len(gs) &^ 3
	if !convVector || n == 0 {
		return 0
	}
	_, _, _ = at[len(gs)-1], r0[2*len(gs)-1], r1[2*len(gs)-1]
	maxPool2x2GradAVX2(&r0[0], &r1[0], &gs[0], &at[0], n, top, w)
	if k := len(gs) - 4; k > n-4 {
		maxPool2x2GradAVX2(&r0[2*k], &r1[2*k], &gs[k], &at[k], 4, top+2*k, w)
	}
	return len(gs)
}
