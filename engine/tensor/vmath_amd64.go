package tensor

import (
	"math"

	"golang.org/x/sys/cpu"
)

// vmathFast reports whether ExpInto and TanhInto use the vector kernel: the
// CPU has AVX2 and FMA (math.Exp then takes its FMA path, which the kernel
// copies) and the start-up check passed. vmathAvailable is the same, for
// tests that switch vmathFast.
var vmathFast, vmathAvailable bool

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		vmathFast = true
		vmathFast = vmathSelfCheck()
	}
	vmathAvailable = vmathFast
}

// expConsts are the constants of math.Exp's amd64 kernel, in the order
// expAVX2 reads them.
var expConsts = [...]float64{
	1.4426950408889634073599246810018920,                  // 0: log₂e
	0.69314718055966295651160180568695068359375,           // 8: ln 2, upper part
	0.28235290563031577122588448175013436025525412068e-12, // 16: ln 2, lower part
	0.0625,                   // 24
	2.4801587301587301587e-5, // 32: 1/8!
	1.9841269841269841270e-4, // 40: 1/7!
	1.3888888888888888889e-3, // 48: 1/6!
	8.3333333333333333333e-3, // 56: 1/5!
	4.1666666666666666667e-2, // 64: 1/4!
	1.6666666666666666667e-1, // 72: 1/3!
	0.5,                      // 80
	1.0,                      // 88
	2.0,                      // 96
	-708,                     // 104: the vector range
	709,                      // 112
	// For tanhAVX2:
	math.Float64frombits(1<<63 - 1), // 120: |·| mask
	math.Float64frombits(1 << 63),   // 128: sign mask
	0.5 * tanhMaxLog,                // 136
	0.625,                           // 144
	700,                             // 152: a bound on 2|x| that keeps the exponential in range
	tanhP[0], tanhP[1], tanhP[2],    // 160, 168, 176
	tanhQ[0], tanhQ[1], tanhQ[2], // 184, 192, 200
}

// expAVX2 writes exp(src[i]) into dst[i] for groups of four from the
// start while every value of a group lies in [−708, 709], for up to n
// values (n a multiple of 4), and returns how many it wrote.
//
//go:noescape
func expAVX2(dst, src *float64, n int, k *float64) int

// expPrefix runs the vector kernel on the longest prefix of src it
// handles and returns its length (0 without the kernel).
func expPrefix(dst, src []float64) int {
	n := len(src) &^ 3
	if !vmathFast || n == 0 {
		return 0
	}
	_ = dst[n-1]
	return expAVX2(&dst[0], &src[0], n, &expConsts[0])
}

// tanhAVX2 writes math.Tanh(src[i]) into dst[i] for groups of four from
// the start while a group holds no NaN, for up to n values (n a multiple
// of 4), and returns how many it wrote.
//
//go:noescape
func tanhAVX2(dst, src *float64, n int, k *float64) int

// tanhPrefix is expPrefix for tanhAVX2.
func tanhPrefix(dst, src []float64) int {
	n := len(src) &^ 3
	if !vmathFast || n == 0 {
		return 0
	}
	_ = dst[n-1]
	return tanhAVX2(&dst[0], &src[0], n, &expConsts[0])
}
