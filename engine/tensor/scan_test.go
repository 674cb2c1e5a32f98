package tensor

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// maxAbsBitsPlain is MaxAbsBits as its definition reads: one running
// maximum of the bits of |x|.
func maxAbsBitsPlain(xs []float64) uint64 {
	var top uint64
	for _, x := range xs {
		top = max(top, math.Float64bits(math.Abs(x)))
	}
	return top
}

// withScanVector runs f with the vector kernel on or off, restoring it.
func withScanVector(t *testing.T, on bool, f func()) {
	t.Helper()
	if on && !scanVectorAvailable {
		t.Skip("no vector kernel of MaxAbsBits on this CPU")
	}
	defer func(v bool) { scanVector = v }(scanVector)
	scanVector = on
	f()
}

// scanValue draws a value of any kind: finite of any size and sign,
// ±0, subnormal, the largest, ±Inf, NaN (of either sign and payload).
func scanValue(rt *rapid.T, label string) float64 {
	switch rapid.IntRange(0, 9).Draw(rt, label+" kind") {
	case 0:
		return math.Copysign(0, -1)
	case 1:
		return 5e-324 * float64(rapid.IntRange(-1000, 1000).Draw(rt, label+" subnormal"))
	case 2:
		return math.Inf(rapid.IntRange(-1, 0).Draw(rt, label+" inf")*2 + 1)
	case 3:
		return math.Float64frombits(0x7ff0_0000_0000_0001 | uint64(rapid.Uint64Range(0, 1<<51).Draw(rt, label+" nan"))<<1 | uint64(rapid.IntRange(0, 1).Draw(rt, label+" nan sign"))<<63)
	case 4:
		return math.Copysign(math.MaxFloat64, float64(rapid.IntRange(-1, 0).Draw(rt, label+" max sign")*2+1))
	}
	return rapid.Float64().Draw(rt, label)
}

// MaxAbsBits is the maximum of the bits of |x|, on either path, for slices
// of any length and values of any kind at any position (the kernel's
// groups of 16 and the Go tail).
func TestMaxAbsBits(t *testing.T) {
	for _, vec := range []bool{false, true} {
		name := map[bool]string{false: "go", true: "avx2"}[vec]
		t.Run(name, func(t *testing.T) {
			withScanVector(t, vec, func() {
				rapid.Check(t, func(rt *rapid.T) {
					n := rapid.IntRange(0, 200).Draw(rt, "n")
					xs := make([]float64, n)
					finite := rapid.Bool().Draw(rt, "finite")
					for i := range xs {
						if finite {
							xs[i] = rapid.Float64Range(-1e300, 1e300).Draw(rt, "x")
						} else {
							xs[i] = scanValue(rt, "x")
						}
					}
					off := rapid.IntRange(0, min(3, n)).Draw(rt, "offset") // unaligned starts
					if got, want := MaxAbsBits(xs[off:]), maxAbsBitsPlain(xs[off:]); got != want {
						rt.Fatalf("MaxAbsBits = %#x, want %#x", got, want)
					}
				})
				// The largest value, or a non-finite one, at every position of
				// slices around the kernel's group of 16.
				for n := 1; n <= 70; n++ {
					for at := range n {
						for _, v := range []float64{-1e9, 1e-320, math.Inf(-1), math.NaN()} {
							xs := make([]float64, n)
							for i := range xs {
								xs[i] = float64(i%5) - 2.5
							}
							xs[at] = v
							if got, want := MaxAbsBits(xs), maxAbsBitsPlain(xs); got != want {
								t.Fatalf("n %d, %v at %d: %#x, want %#x", n, v, at, got, want)
							}
						}
					}
				}
				if MaxAbsBits(nil) != 0 || MaxAbsBits([]float64{math.Copysign(0, -1)}) != 0 {
					t.Fatal("MaxAbsBits of nothing or of −0 is not 0")
				}
			})
		})
	}
}
