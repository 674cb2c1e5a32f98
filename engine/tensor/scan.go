package tensor

import "math"

// MaxAbsBits returns the largest of the bits of |x| (x's bits with the
// sign bit cleared) over xs, 0 for none. With the sign bit cleared, the
// ordering of finite float64s is the ordering of their bits, and every
// ±Inf or NaN is at or above the bits of +Inf: so the result is the bits
// of the largest |x| when every value is finite, and at or above
// 0x7ff0000000000000 when any is not. It is a maximum, exact in any
// order: the vector kernel (AVX2, where the CPU has it) and the Go loop
// give the same result.
func MaxAbsBits(xs []float64) uint64 {
	top, n := maxAbsBitsPrefix(xs)
	return max(top, maxAbsBitsGo(xs[n:]))
}

// maxAbsBitsGo is MaxAbsBits in Go. Four running maxima, not one: a
// single chain of max waits on the previous at every value, four proceed
// side by side (the result is the same, max being exact).
func maxAbsBitsGo(xs []float64) uint64 {
	const signBit = 1 << 63
	var t0, t1, t2, t3 uint64
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		t0 = max(t0, math.Float64bits(xs[i])&^signBit)
		t1 = max(t1, math.Float64bits(xs[i+1])&^signBit)
		t2 = max(t2, math.Float64bits(xs[i+2])&^signBit)
		t3 = max(t3, math.Float64bits(xs[i+3])&^signBit)
	}
	for ; i < len(xs); i++ {
		t0 = max(t0, math.Float64bits(xs[i])&^signBit)
	}
	return max(t0, t1, t2, t3)
}
