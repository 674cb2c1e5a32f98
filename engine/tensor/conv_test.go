package tensor

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// naiveConv is the textbook seven-loop convolution.
func naiveConv(g ConvGeom, x, w, b *Tensor) *Tensor {
	out := New(g.OutShape()...)
	for n := range g.N {
		for f := range g.F {
			for oh := range g.OH {
				for ow := range g.OW {
					s := b.Data[f]
					for c := range g.C {
						for ki := range g.KH {
							for kj := range g.KW {
								ih, iw := oh*g.Stride-g.Pad+ki, ow*g.Stride-g.Pad+kj
								if ih < 0 || ih >= g.H || iw < 0 || iw >= g.W {
									continue
								}
								s += x.At(n, c, ih, iw) * w.At(f, c, ki, kj)
							}
						}
					}
					out.Set(s, n, f, oh, ow)
				}
			}
		}
	}
	return out
}

func TestConv2DMatchesNaive(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c, f := rapid.IntRange(1, 3).Draw(rt, "n"), rapid.IntRange(1, 3).Draw(rt, "c"), rapid.IntRange(1, 3).Draw(rt, "f")
		h, wd := rapid.IntRange(1, 7).Draw(rt, "h"), rapid.IntRange(1, 7).Draw(rt, "w")
		k, s, p := rapid.IntRange(1, 3).Draw(rt, "k"), rapid.IntRange(1, 3).Draw(rt, "stride"), rapid.IntRange(0, 2).Draw(rt, "pad")
		if k > h+2*p || k > wd+2*p {
			rt.Skip("window larger than input")
		}
		rng := NewRNG(7)
		x, w, b := RandN(rng, n, c, h, wd), RandN(rng, f, c, k, k), RandN(rng, f)
		g := NewConvGeom("Conv2D", x.Shape, w.Shape, s, p)
		got, col := Conv2D(g, x, w, b)
		want := naiveConv(g, x, w, b)
		for i := range got.Data {
			if math.Abs(got.Data[i]-want.Data[i]) > 1e-12 {
				rt.Fatalf("geom %+v: out[%d] = %g, want %g", g, i, got.Data[i], want.Data[i])
			}
		}
		// Col2Im is the adjoint of Im2Col: <Im2Col(x), c> = <x, Col2Im(c)>.
		cr := RandN(rng, col.Shape...)
		back := Col2Im(g, cr)
		lhs, rhs := 0.0, 0.0
		for i := range col.Data {
			lhs += col.Data[i] * cr.Data[i]
		}
		for i := range x.Data {
			rhs += x.Data[i] * back.Data[i]
		}
		if math.Abs(lhs-rhs) > 1e-9*(1+math.Abs(lhs)) {
			rt.Fatalf("adjoint: %g vs %g", lhs, rhs)
		}
	})
}

func TestConvGeomPanics(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if msg != "tensor: Conv2D: shapes [1 3 5 5] and [2 2 3 3] have different channel counts 3 and 2" {
			t.Fatalf("panic %q", msg)
		}
	}()
	NewConvGeom("Conv2D", []int{1, 3, 5, 5}, []int{2, 2, 3, 3}, 1, 0)
}

// TestIm2ColSameWidthBitwise checks the one-copy im2col and the in-place
// col2im of stride-1, same-width geometries against the row-by-row
// versions, bit for bit, on random shapes and values (with ±0, ±Inf and
// NaN among them; a NaN matches any NaN, as the hardware picks which
// operand's payload a sum of two NaNs carries).
func TestIm2ColSameWidthBitwise(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN()}
	rapid.Check(t, func(rt *rapid.T) {
		c, f := rapid.IntRange(1, 3).Draw(rt, "c"), rapid.IntRange(1, 2).Draw(rt, "f")
		h, wd := rapid.IntRange(1, 9).Draw(rt, "h"), rapid.IntRange(1, 9).Draw(rt, "w")
		p := rapid.IntRange(0, 2).Draw(rt, "pad")
		kh := rapid.IntRange(1, h+2*p).Draw(rt, "kh")
		kw := 2*p + 1
		if kw > wd+2*p {
			rt.Skip("window wider than input")
		}
		g := NewConvGeom("Conv2D", []int{1, c, h, wd}, []int{f, c, kh, kw}, 1, p)
		if !g.sameWidth() {
			rt.Fatalf("geom %+v is not same-width", g)
		}
		rng := NewRNG(uint64(rapid.IntRange(0, 1000).Draw(rt, "seed")))
		fill := func(n int) []float64 {
			v := RandN(rng, n).Data
			for i := range v {
				if rng.Float64() < 0.1 {
					v[i] = special[rng.IntN(len(special))]
				}
			}
			return v
		}
		img := fill(c * h * wd)
		k, l := c*kh*kw, g.OH*g.OW
		want, got := fill(k*l), fill(k*l) // stale contents must not matter
		g.im2colRows(want, img)
		g.im2colSame(got, img)
		for i := range want {
			if !sameBits(got[i], want[i]) {
				rt.Fatalf("geom %+v: im2col[%d] = %g, want %g", g, i, got[i], want[i])
			}
		}
		src := fill(k * l)
		wantImg, gotImg := make([]float64, len(img)), make([]float64, len(img))
		g.col2im(wantImg, src)
		g.col2imInPlace(gotImg, src)
		for i := range wantImg {
			if !sameBits(gotImg[i], wantImg[i]) {
				rt.Fatalf("geom %+v: col2im[%d] = %g, want %g", g, i, gotImg[i], wantImg[i])
			}
		}
	})
}

// TestRowSumsBitwise checks rowSums (four rows side by side) against one
// chain of additions per row, bit for bit.
func TestRowSumsBitwise(t *testing.T) {
	rng := NewRNG(3)
	for rows := range 20 {
		for _, l := range []int{1, 3, 8, 49} {
			m := RandN(rng, rows*l).Data
			got := make([]float64, rows)
			rowSums(got, m, l)
			for f := range rows {
				want := 0.0
				for _, v := range m[f*l : (f+1)*l] {
					want += v
				}
				if !sameBits(got[f], want) {
					t.Fatalf("%d rows of %d: sum %d = %g, want %g", rows, l, f, got[f], want)
				}
			}
		}
	}
}

// BenchmarkConv2DBackward times the backward pass of W4's two
// convolutions (batch 32, 3×3 pad 1): conv1 1→8 on 28×28 (no input
// gradient) and conv2 8→16 on 14×14.
func BenchmarkConv2DBackward(b *testing.B) {
	for _, c := range []struct {
		name    string
		c, f, h int
		needX   bool
	}{{"conv1", 1, 8, 28, false}, {"conv2", 8, 16, 14, true}} {
		b.Run(c.name, func(b *testing.B) {
			rng := NewRNG(1)
			x, w := RandN(rng, 32, c.c, c.h, c.h), RandN(rng, c.f, c.c, 3, 3)
			g := NewConvGeom("Conv2D", x.Shape, w.Shape, 1, 1)
			out, col := Conv2D(g, x, w, nil)
			gout := RandN(rng, out.Shape...)
			b.ResetTimer()
			for range b.N {
				Conv2DBackward(g, gout, col, w, c.needX, true, true)
			}
		})
	}
}

// TestConv2DBackwardDWTBitwise checks that the weight gradient computed
// transposed (dwᵀ = cols·gᵀ) has the same bits as the direct product
// g·colsᵀ, on random geometries.
func TestConv2DBackwardDWTBitwise(t *testing.T) {
	defer func(old func(int, int) bool) { convDWT = old }(convDWT)
	rapid.Check(t, func(rt *rapid.T) {
		n, c, f := rapid.IntRange(1, 3).Draw(rt, "n"), rapid.IntRange(1, 4).Draw(rt, "c"), rapid.IntRange(1, 20).Draw(rt, "f")
		h, wd := rapid.IntRange(3, 9).Draw(rt, "h"), rapid.IntRange(3, 9).Draw(rt, "w")
		k, s, p := rapid.IntRange(1, 3).Draw(rt, "k"), rapid.IntRange(1, 2).Draw(rt, "stride"), rapid.IntRange(0, 1).Draw(rt, "pad")
		rng := NewRNG(uint64(rapid.IntRange(0, 1000).Draw(rt, "seed")))
		x, w := RandN(rng, n, c, h, wd), RandN(rng, f, c, k, k)
		g := NewConvGeom("Conv2D", x.Shape, w.Shape, s, p)
		out, col := Conv2D(g, x, w, nil)
		gout := RandN(rng, out.Shape...)
		convDWT = func(int, int) bool { return false }
		_, want, _ := Conv2DBackward(g, gout, col, w, false, true, false)
		convDWT = func(int, int) bool { return true }
		_, got, _ := Conv2DBackward(g, gout, col, w, false, true, false)
		for i := range want.Data {
			if !sameBits(got.Data[i], want.Data[i]) {
				rt.Fatalf("geom %+v: dw[%d] = %g, want %g", g, i, got.Data[i], want.Data[i])
			}
		}
	})
}

// TestAddVectorBitwise checks addTo and addConst's AVX2 loops against the
// scalar loops, bit for bit, on lengths around the vector width and
// values with ±0, ±Inf and NaN among them.
func TestAddVectorBitwise(t *testing.T) {
	if !convVectorAvailable {
		t.Skip("no AVX2 loops on this machine")
	}
	defer func() { convVector = convVectorAvailable }()
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e308}
	rng := NewRNG(5)
	for n := range 40 {
		d0, s := RandN(rng, n).Data, RandN(rng, n).Data
		for i := range n {
			if rng.IntN(4) == 0 {
				d0[i] = special[rng.IntN(len(special))]
			}
			if rng.IntN(4) == 0 {
				s[i] = special[rng.IntN(len(special))]
			}
		}
		for _, c := range []float64{0.5, math.Copysign(0, -1), math.Inf(-1)} {
			var want, got [2][]float64
			for _, vec := range []bool{false, true} {
				convVector = vec
				a, b := append([]float64(nil), d0...), append([]float64(nil), d0...)
				addTo(a, s)
				addConst(b, c)
				if vec {
					got = [2][]float64{a, b}
				} else {
					want = [2][]float64{a, b}
				}
			}
			for j := range 2 {
				for i := range n {
					if !sameBits(got[j][i], want[j][i]) {
						t.Fatalf("n %d, kernel %d, c %g: [%d] = %g, want %g", n, j, c, i, got[j][i], want[j][i])
					}
				}
			}
		}
	}
}

// TestConv2DBackwardPreBitwise checks that forming the gradient image by
// image (Conv2DBackwardPre) gives the same bits as applying the same
// element-wise function to the whole gradient first.
func TestConv2DBackwardPreBitwise(t *testing.T) {
	rng := NewRNG(11)
	x, w := RandN(rng, 5, 3, 7, 6), RandN(rng, 4, 3, 3, 3)
	g := NewConvGeom("Conv2D", x.Shape, w.Shape, 1, 1)
	out, col := Conv2D(g, x, w, nil)
	gout := RandN(rng, out.Shape...)
	mask := func(dst, src []float64, off int) {
		for i, v := range src {
			dst[i] = v * float64(b2i(out.Data[off+i] > 0))
		}
	}
	whole := New(gout.Shape...)
	mask(whole.Data, gout.Data, 0)
	wantX, wantW, wantB := Conv2DBackward(g, whole, col, w, true, true, true)
	var ar Arena
	gotX, gotW, gotB := ar.Conv2DBackwardPre(g, gout, col, w, mask, true, true, true)
	for _, c := range []struct {
		name      string
		got, want *Tensor
	}{{"dx", gotX, wantX}, {"dw", gotW, wantW}, {"db", gotB, wantB}} {
		for i := range c.want.Data {
			if !sameBits(c.got.Data[i], c.want.Data[i]) {
				t.Fatalf("%s[%d] = %g, want %g", c.name, i, c.got.Data[i], c.want.Data[i])
			}
		}
	}
}
