package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// TestExpTanhIntoMatchMath: ExpInto and TanhInto give math.Exp's and
// math.Tanh's bits (NaN for NaN) on 200 000 values spread over every range
// the kernels treat differently (near 0, Tanh's branch points, the ends of
// the vector range, overflow and underflow, infinities, NaN), in place and
// not, at every offset of a group of four, with the vector kernel and
// without.
func TestExpTanhIntoMatchMath(t *testing.T) {
	defer func(old bool) { vmathFast = old }(vmathFast)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	x := make([]float64, n)
	scales := []float64{1e-9, 0.01, 0.7, 1, 3, 10, 45, 200, 708.5, 800}
	for i := range x {
		x[i] = (2*rng.Float64() - 1) * scales[rng.IntN(len(scales))]
		if i%97 == 0 {
			x[i] = vmathProbe[rng.IntN(len(vmathProbe))]
		}
	}
	x[5], x[11], x[17] = math.NaN(), math.Inf(1), math.Inf(-1)
	for _, fast := range []bool{false, true} {
		if fast && !vmathAvailable {
			continue
		}
		vmathFast = fast
		for off := range 4 {
			src := x[off:]
			e, th := make([]float64, len(src)), append([]float64(nil), src...)
			ExpInto(e, src)
			TanhInto(th, th) // in place
			for i, v := range src {
				if !sameBits(e[i], math.Exp(v)) || !sameBits(th[i], math.Tanh(v)) {
					t.Fatalf("vector %v, x = %v (%#x): exp %v / %v, tanh %v / %v (ours / math)",
						fast, v, math.Float64bits(v), e[i], math.Exp(v), th[i], math.Tanh(v))
				}
			}
		}
	}
}

// TestExpIntoEveryPosition: a value outside the vector range, wherever it
// falls in a slice, sends only its group to math.Exp; every element is
// still math.Exp's.
func TestExpIntoEveryPosition(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 23).Draw(rt, "n")
		x := rapid.SliceOfN(rapid.Float64Range(-20, 20), n, n).Draw(rt, "x")
		if n > 0 {
			x[rapid.IntRange(0, n-1).Draw(rt, "at")] = rapid.SampledFrom([]float64{-750, 750, math.NaN(), 1e-320}).Draw(rt, "odd")
		}
		e := make([]float64, n)
		ExpInto(e, x)
		for i, v := range x {
			if !sameBits(e[i], math.Exp(v)) {
				rt.Fatalf("element %d of %d: exp(%v) = %v, want %v", i, n, v, e[i], math.Exp(v))
			}
		}
	})
}

// sameBits reports whether x and y have the same bits, or are both NaN.
func sameBits(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || (x != x && y != y)
}

// BenchmarkTanhInto times TanhInto against math.Tanh in a loop over an RNN
// layer's pre-activations (values of either sign, mostly |x| < 3).
func BenchmarkTanhInto(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	x, d := make([]float64, 32*64), make([]float64, 32*64)
	for i := range x {
		x[i] = 3 * rng.NormFloat64()
	}
	b.Run("math.Tanh", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				d[i] = math.Tanh(v)
			}
		}
	})
	b.Run("TanhInto", func(b *testing.B) {
		for b.Loop() {
			TanhInto(d, x)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				d[i] = math.Exp(v)
			}
		}
	})
	b.Run("ExpInto", func(b *testing.B) {
		for b.Loop() {
			ExpInto(d, x)
		}
	})
}
