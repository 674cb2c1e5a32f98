package tensor

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// naiveMaxPool is the definition of MaxPool2D: each window's first
// largest value, a NaN counting as larger than everything.
func naiveMaxPool(g ConvGeom, x *Tensor) ([]float64, []int32) {
	var out []float64
	var arg []int32
	for nc := range g.N * g.C {
		for oh := range g.OH {
			for ow := range g.OW {
				at := -1
				for ki := range g.KH {
					for kj := range g.KW {
						i := nc*g.H*g.W + (oh*g.Stride+ki)*g.W + ow*g.Stride + kj
						v := x.Data[i]
						if at < 0 || v > x.Data[at] || (v != v && x.Data[at] == x.Data[at]) {
							at = i
						}
					}
				}
				out = append(out, x.Data[at])
				arg = append(arg, int32(at))
			}
		}
	}
	return out, arg
}

func TestMaxPool2DMatchesDefinition(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c := rapid.IntRange(1, 3).Draw(rt, "n"), rapid.IntRange(1, 3).Draw(rt, "c")
		h, w := rapid.IntRange(2, 9).Draw(rt, "h"), rapid.IntRange(2, 9).Draw(rt, "w")
		k := rapid.IntRange(1, 2).Draw(rt, "k")
		stride := rapid.IntRange(1, 2).Draw(rt, "stride")
		// Few distinct values, so ties, signed zeros and NaNs all occur.
		vals := []float64{0, math.Copysign(0, -1), 1, -1, 2, math.NaN(), math.Inf(-1)}
		x := New(n, c, h, w)
		for i := range x.Data {
			x.Data[i] = vals[rapid.IntRange(0, len(vals)-1).Draw(rt, "v")]
		}
		g := NewPoolGeom("MaxPool2D", x.Shape, k, stride)
		out, arg := MaxPool2D(g, x)
		want, wantArg := naiveMaxPool(g, x)
		for i := range want {
			if arg[i] != wantArg[i] || math.Float64bits(out.Data[i]) != math.Float64bits(want[i]) {
				rt.Fatalf("output %d: %v at %d, want %v at %d", i, out.Data[i], arg[i], want[i], wantArg[i])
			}
		}
	})
}
