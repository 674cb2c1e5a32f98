package tensor

import "math"

// ExpInto writes math.Exp(src[i]) into dst[i] (dst may be src; it must be
// at least as long). Where the CPU has AVX2 and FMA, which is where
// math.Exp itself uses fused multiply-adds, groups of four run through a
// vector copy of math.Exp's own sequence of operations, so the bits are
// math.Exp's; a group holding a value outside [−708, 709] (or a NaN) goes
// through math.Exp. At start-up the vector kernel is checked against
// math.Exp on a set of values and left unused if any differs.
func ExpInto(dst, src []float64) {
	dst = dst[:len(src)]
	i := 0
	for i < len(src) {
		i += expPrefix(dst[i:], src[i:])
		if i >= len(src) {
			return
		}
		// A group the vector kernel left (or the tail): scalar.
		for end := min(i+4, len(src)); i < end; i++ {
			dst[i] = math.Exp(src[i])
		}
	}
}

// TanhInto writes math.Tanh(src[i]) into dst[i] (dst may be src; it must
// be at least as long), with the same bits: where ExpInto has its vector
// kernel, groups of four without a NaN run through a vector copy of
// math.Tanh's steps (its exponential EXP's), the others through math.Tanh.
func TanhInto(dst, src []float64) {
	dst = dst[:len(src)]
	i := 0
	for i < len(src) {
		i += tanhPrefix(dst[i:], src[i:])
		for end := min(i+4, len(src)); i < end; i++ {
			dst[i] = math.Tanh(src[i])
		}
	}
}

// tanhMaxLog is log(2¹²⁷), as in math.Tanh.
const tanhMaxLog = 8.8029691931113054295988e+01

// The coefficients of math.Tanh's rational approximation near 0.
var (
	tanhP = [...]float64{-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3}
	tanhQ = [...]float64{1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3}
)

// vmathProbe holds values on which the vector kernels are compared with
// math.Exp and math.Tanh at start-up: both signs, the ends of the vector
// range, values near the branch points of Tanh, ties of the rounding of
// x·log₂e.
var vmathProbe = []float64{
	0, math.Copysign(0, -1), 1e-300, -1e-300, 1e-8, -1e-8, 0.1, -0.3, 0.5, 0.6249999, 0.625, -0.625, 0.7, -0.9,
	1, -1, 1.5, 2, -2.5, 3.3, -4.7, 7, 10, -12.5, 20, 30, -37.2, 44, 44.0148459655565, -44.02, 50, -88,
	0.34657359027997264, -0.34657359027997264, 1.0397207708399179, 708, -708, 709, -707.9, 400.25, -300.5,
	0.5 * tanhMaxLog, -0.5 * tanhMaxLog, math.Nextafter(0.5*tanhMaxLog, 0), math.Nextafter(0.5*tanhMaxLog, 100),
	math.Nextafter(0.625, 0), math.Nextafter(-0.625, 0), math.Inf(1), math.Inf(-1), 1e-320,
}

// vmathSelfCheck reports whether ExpInto and TanhInto with the vector
// kernel give math.Exp's and math.Tanh's bits on vmathProbe.
func vmathSelfCheck() bool {
	n := len(vmathProbe)
	e, th := make([]float64, n), make([]float64, n)
	ExpInto(e, vmathProbe)
	TanhInto(th, vmathProbe)
	for i, x := range vmathProbe {
		if math.Float64bits(e[i]) != math.Float64bits(math.Exp(x)) || math.Float64bits(th[i]) != math.Float64bits(math.Tanh(x)) {
			return false
		}
	}
	return true
}
