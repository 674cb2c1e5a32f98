package tensor

import (
	"math"
	"slices"
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
		vals := []float64{0, math.Copysign(0, -1), 1, -1, 2, math.NaN(), math.Inf(-1), math.Inf(1)}
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

// TestMaxPool2DGradMatchesBackward: for random pooling geometries (2×2 by
// 2 among them, with odd sizes that leave a row or column out), gradients
// holding −0, and an arena whose memory is dirty, MaxPool2DGrad gives
// MaxPool2DBackward's bits.
func TestMaxPool2DGradMatchesBackward(t *testing.T) {
	a := NewArena()
	rapid.Check(t, func(rt *rapid.T) {
		k := rapid.IntRange(1, 3).Draw(rt, "k")
		stride := rapid.IntRange(1, 3).Draw(rt, "stride")
		if rapid.Bool().Draw(rt, "2x2") {
			k, stride = 2, 2
		}
		shape := []int{rapid.IntRange(1, 3).Draw(rt, "n"), rapid.IntRange(1, 3).Draw(rt, "c"),
			rapid.IntRange(k, 9).Draw(rt, "h"), rapid.IntRange(k, 9).Draw(rt, "w")}
		rng := NewRNG(rapid.Uint64().Draw(rt, "seed"))
		x := RandN(rng, shape...)
		g := NewPoolGeom("MaxPool2D", shape, k, stride)
		out, arg := MaxPool2D(g, x)
		gout := RandN(rng, out.Shape...)
		for i := range gout.Data {
			if i%3 == 0 {
				gout.Data[i] = math.Copysign(0, -1)
			}
		}
		want := MaxPool2DBackward(gout, arg, shape)
		for _, got := range []*Tensor{MaxPool2DGrad(g, gout, arg), a.MaxPool2DGrad(g, gout, arg)} {
			if !slices.Equal(got.Shape, want.Shape) {
				rt.Fatalf("shape %v, want %v", got.Shape, want.Shape)
			}
			for i := range want.Data {
				if math.Float64bits(got.Data[i]) != math.Float64bits(want.Data[i]) {
					rt.Fatalf("k %d stride %d shape %v: element %d = %v, want %v", k, stride, shape, i, got.Data[i], want.Data[i])
				}
			}
			for i := range got.Data {
				got.Data[i] = math.NaN() // dirty memory for the arena's next use
			}
		}
		a.Recycle()
	})
}

// TestMaxPool2x2VectorBitwise checks the AVX2 loop of 2×2 max pooling
// against the scalar loop: the same maxima (bits) and positions, on
// random shapes whose values repeat (ties) and include ±0, ±Inf and NaN.
func TestMaxPool2x2VectorBitwise(t *testing.T) {
	if !convVectorAvailable {
		t.Skip("no AVX2 loops on this machine")
	}
	defer func() { convVector = convVectorAvailable }()
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 2, 0.5, math.Inf(1), math.Inf(-1), math.NaN()}
	rapid.Check(t, func(rt *rapid.T) {
		n, c := rapid.IntRange(1, 2).Draw(rt, "n"), rapid.IntRange(1, 3).Draw(rt, "c")
		h, w := rapid.IntRange(2, 12).Draw(rt, "h"), rapid.IntRange(2, 30).Draw(rt, "w")
		special := rapid.IntRange(0, 3).Draw(rt, "special") // 0: no NaN or Inf
		rng := NewRNG(uint64(rapid.IntRange(0, 1000).Draw(rt, "seed")))
		x := New(n, c, h, w)
		for i := range x.Data {
			x.Data[i] = vals[rng.IntN(len(vals)-3+special)]
			if rng.IntN(3) == 0 {
				x.Data[i] = rng.NormFloat64()
			}
		}
		g := NewPoolGeom("MaxPool2D", x.Shape, 2, 2)
		convVector = false
		want, wantArg := MaxPool2D(g, x)
		convVector = true
		got, gotArg := MaxPool2D(g, x)
		for i := range want.Data {
			if math.Float64bits(got.Data[i]) != math.Float64bits(want.Data[i]) || gotArg[i] != wantArg[i] {
				rt.Fatalf("geom %+v: out[%d] = %g at %d, want %g at %d", g, i, got.Data[i], gotArg[i], want.Data[i], wantArg[i])
			}
		}
	})
}

// TestMaxPool2x2GradVectorBitwise checks the AVX2 loop of 2×2 max
// pooling's gradient against the scalar loop and against the general
// scatter (MaxPool2DBackward), bit for bit, on random shapes (odd sizes
// included) and gradients with ±0, ±Inf and NaN.
func TestMaxPool2x2GradVectorBitwise(t *testing.T) {
	if !convVectorAvailable {
		t.Skip("no AVX2 loops on this machine")
	}
	defer func() { convVector = convVectorAvailable }()
	vals := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN()}
	rapid.Check(t, func(rt *rapid.T) {
		n, c := rapid.IntRange(1, 2).Draw(rt, "n"), rapid.IntRange(1, 3).Draw(rt, "c")
		h, w := rapid.IntRange(2, 12).Draw(rt, "h"), rapid.IntRange(2, 30).Draw(rt, "w")
		rng := NewRNG(uint64(rapid.IntRange(0, 1000).Draw(rt, "seed")))
		x := New(n, c, h, w)
		for i := range x.Data {
			x.Data[i] = float64(rng.IntN(4)) // ties
		}
		g := NewPoolGeom("MaxPool2D", x.Shape, 2, 2)
		out, arg := MaxPool2D(g, x)
		gout := RandN(rng, out.Shape...)
		for i := range gout.Data {
			if rng.IntN(3) == 0 {
				gout.Data[i] = vals[rng.IntN(len(vals))]
			}
		}
		convVector = false
		want := MaxPool2DGrad(g, gout, arg)
		convVector = true
		got := MaxPool2DGrad(g, gout, arg)
		ref := MaxPool2DBackward(gout, arg, x.Shape)
		for i := range want.Data {
			if math.Float64bits(got.Data[i]) != math.Float64bits(want.Data[i]) || !sameBits(got.Data[i], ref.Data[i]) {
				rt.Fatalf("geom %+v: dx[%d] = %g, want %g (scatter %g)", g, i, got.Data[i], want.Data[i], ref.Data[i])
			}
		}
	})
}
