package tensor

import "math"

// MaxPool2D returns the maximum of every window of x [N C H W] under the
// pooling geometry g, as a tensor [N C OH OW], and for every output element
// the flat index into x of the first maximum of its window (what the
// backward pass routes the gradient to). It panics if x's shape differs
// from the geometry's.
func MaxPool2D(g ConvGeom, x *Tensor) (*Tensor, []int32) { return maxPool2D(nil, g, x) }

func maxPool2D(ar *Arena, g ConvGeom, x *Tensor) (*Tensor, []int32) {
	g.mustInput("MaxPool2D", x)
	out := ar.Uninit(g.N, g.C, g.OH, g.OW) // every element is written
	arg := ar.Int32s(len(out.Data))
	parallelImages(g.N*g.C, len(out.Data)*g.KH*g.KW, func(lo, hi int) {
		if g.KH == 2 && g.KW == 2 && g.Stride == 2 {
			g.maxPool2x2(x.Data, out.Data, arg, lo, hi)
			return
		}
		for nc := lo; nc < hi; nc++ {
			base := nc * g.H * g.W
			img := x.Data[base : base+g.H*g.W]
			o := nc * g.OH * g.OW
			for oh := range g.OH {
				for ow := range g.OW {
					h0, w0 := oh*g.Stride, ow*g.Stride
					best, at := img[h0*g.W+w0], h0*g.W+w0
					for ki := range g.KH {
						row := (h0 + ki) * g.W
						for kj := range g.KW {
							if v := img[row+w0+kj]; v > best || (v != v && best == best) {
								best, at = v, row+w0+kj
							}
						}
					}
					out.Data[o] = best
					arg[o] = int32(base + at)
					o++
				}
			}
		}
	})
	return out, arg
}

// maxPool2x2 is MaxPool2D's loop for 2×2 windows moved by 2, for the
// images lo … hi−1 of x. The first maximum of a window is found by a
// tournament (a against b, c against d, then the two winners; a tie keeps
// the earlier) with selections by bit masks instead of branches, which are
// unpredictable on real data. A window holding a NaN (or infinities of
// both signs: its sum is then NaN too) takes the general rule.
func (g ConvGeom) maxPool2x2(x, out []float64, arg []int32, lo, hi int) {
	for nc := lo; nc < hi; nc++ {
		base := nc * g.H * g.W
		o := nc * g.OH * g.OW
		for oh := range g.OH {
			top := base + 2*oh*g.W
			r0 := x[top : top+g.W]
			r1 := x[top+g.W : top+2*g.W]
			dst, at := out[o:o+g.OW], arg[o:o+g.OW]
			for ow := maxPool2x2Prefix(dst, at, r0, r1, top, g.W); ow < len(dst); ow++ {
				a, b, c, d := r0[2*ow], r0[2*ow+1], r1[2*ow], r1[2*ow+1]
				if s := a + b + c + d; s != s {
					dst[ow], at[ow] = g.maxPool2x2Slow(x, base, oh, ow)
					continue
				}
				kb, kd := uint64(b2i(b > a)), uint64(b2i(d > c))
				ab := selectBits(kb, math.Float64bits(b), math.Float64bits(a))
				cd := selectBits(kd, math.Float64bits(d), math.Float64bits(c))
				kf := uint64(b2i(math.Float64frombits(cd) > math.Float64frombits(ab)))
				dst[ow] = math.Float64frombits(selectBits(kf, cd, ab))
				// Offsets in the window: b is +1, c is +W, d is +W+1.
				off := selectBits(kf, uint64(g.W)+kd, kb)
				at[ow] = int32(top + 2*ow + int(off))
			}
			o += g.OW
		}
	}
}

// selectBits returns x if k is 1 and y if k is 0, without a branch.
func selectBits(k, x, y uint64) uint64 {
	m := -k
	return x&m | y&^m
}

// maxPool2x2Slow is the general rule for one 2×2 window (oh, ow) of the
// image at base: the first maximum, a NaN counting as larger than
// everything (its first NaN).
func (g ConvGeom) maxPool2x2Slow(x []float64, base, oh, ow int) (float64, int32) {
	at := base + 2*oh*g.W + 2*ow
	best := x[at]
	for _, p := range [3]int{at + 1, at + g.W, at + g.W + 1} {
		if v := x[p]; v > best || (v != v && best == best) {
			best, at = v, p
		}
	}
	return best, int32(at)
}

// b2i is 1 for true and 0 for false (compiled to a SETcc).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MaxPool2DBackward routes each element of gout to the input position arg
// recorded by MaxPool2D, summing where windows overlap, and returns a
// gradient of the given input shape.
func MaxPool2DBackward(gout *Tensor, arg []int32, shape []int) *Tensor {
	return maxPool2DBackward(nil, gout, arg, shape)
}

func maxPool2DBackward(ar *Arena, gout *Tensor, arg []int32, shape []int) *Tensor {
	dx := ar.Uninit(shape...)
	// Every window lies in its own image plane, so the planes are split
	// between the cores: each plane is cleared and summed into by one
	// goroutine, in the serial order, while it is in its cache.
	planes := 1
	if len(shape) == 4 {
		planes = shape[0] * shape[1]
	}
	if planes == 0 || len(gout.Data)%planes != 0 || len(dx.Data)%planes != 0 {
		planes = 1
	}
	per, size := len(gout.Data)/planes, len(dx.Data)/planes
	parallelImages(planes, len(gout.Data)+len(dx.Data), func(lo, hi int) {
		clear(dx.Data[lo*size : hi*size])
		for i := lo * per; i < hi*per; i++ {
			dx.Data[arg[i]] += gout.Data[i]
		}
	})
	return dx
}

// MaxPool2DGrad is MaxPool2DBackward for the output of MaxPool2D(g, x):
// with the pooling geometry it writes the gradient of a 2×2 window moved
// by 2 in one pass over the window, without clearing dx first (the same
// bits). It panics if gout does not have the geometry's output shape.
func MaxPool2DGrad(g ConvGeom, gout *Tensor, arg []int32) *Tensor {
	return maxPool2DGrad(nil, g, gout, arg)
}

func maxPool2DGrad(ar *Arena, g ConvGeom, gout *Tensor, arg []int32) *Tensor {
	MustSameShape("MaxPool2DGrad", gout, &Tensor{Shape: []int{g.N, g.C, g.OH, g.OW}})
	if len(arg) != len(gout.Data) {
		panic("tensor: MaxPool2DGrad: " + shapeString([]int{len(arg)}) + " positions for gradient " + shapeString(gout.Shape))
	}
	shape := []int{g.N, g.C, g.H, g.W}
	if g.KH != 2 || g.KW != 2 || g.Stride != 2 {
		return maxPool2DBackward(ar, gout, arg, shape)
	}
	dx := ar.Uninit(shape...)
	parallelImages(g.N*g.C, 2*len(dx.Data), func(lo, hi int) {
		g.maxPool2x2Grad(dx.Data, gout.Data, arg, lo, hi)
	})
	return dx
}

// maxPool2x2Grad writes the gradient of the planes lo … hi−1 for 2×2
// windows moved by 2: each window's four elements are set to 0 and its
// first maximum (arg, inside the window) to 0 + g, the value the sum into
// a cleared tensor gives (−0 included); a last row or column no window
// covers is cleared.
func (g ConvGeom) maxPool2x2Grad(dx, gout []float64, arg []int32, lo, hi int) {
	for nc := lo; nc < hi; nc++ {
		base := nc * g.H * g.W
		o := nc * g.OH * g.OW
		for oh := range g.OH {
			r0 := dx[base+2*oh*g.W : base+(2*oh+1)*g.W]
			r1 := dx[base+(2*oh+1)*g.W : base+(2*oh+2)*g.W]
			gs, at := gout[o:o+g.OW], arg[o:o+g.OW]
			for ow := maxPool2x2GradPrefix(r0, r1, gs, at, base+2*oh*g.W, g.W); ow < len(gs); ow++ {
				v := gs[ow]
				r0[2*ow], r0[2*ow+1], r1[2*ow], r1[2*ow+1] = 0, 0, 0, 0
				dx[at[ow]] = 0 + v
			}
			if g.W > 2*g.OW {
				clear(r0[2*g.OW:])
				clear(r1[2*g.OW:])
			}
			o += g.OW
		}
		clear(dx[base+2*g.OH*g.W : base+g.H*g.W])
	}
}

// AvgPool2D returns the mean of every window of x [N C H W] under the
// pooling geometry g, as a tensor [N C OH OW]. It panics if x's shape
// differs from the geometry's.
func AvgPool2D(g ConvGeom, x *Tensor) *Tensor {
	g.mustInput("AvgPool2D", x)
	out := New(g.N, g.C, g.OH, g.OW)
	inv := 1 / float64(g.KH*g.KW)
	o := 0
	for nc := range g.N * g.C {
		img := x.Data[nc*g.H*g.W : (nc+1)*g.H*g.W]
		for oh := range g.OH {
			for ow := range g.OW {
				h0, w0 := oh*g.Stride, ow*g.Stride
				s := 0.0
				for ki := range g.KH {
					for _, v := range img[(h0+ki)*g.W+w0 : (h0+ki)*g.W+w0+g.KW] {
						s += v
					}
				}
				out.Data[o] = s * inv
				o++
			}
		}
	}
	return out
}

// AvgPool2DBackward spreads each element of gout evenly over its window,
// summing where windows overlap, and returns a gradient [N C H W].
func AvgPool2DBackward(g ConvGeom, gout *Tensor) *Tensor {
	dx := New(g.N, g.C, g.H, g.W)
	inv := 1 / float64(g.KH*g.KW)
	o := 0
	for nc := range g.N * g.C {
		img := dx.Data[nc*g.H*g.W : (nc+1)*g.H*g.W]
		for oh := range g.OH {
			for ow := range g.OW {
				v := gout.Data[o] * inv
				o++
				h0, w0 := oh*g.Stride, ow*g.Stride
				for ki := range g.KH {
					row := img[(h0+ki)*g.W+w0 : (h0+ki)*g.W+w0+g.KW]
					for j := range row {
						row[j] += v
					}
				}
			}
		}
	}
	return dx
}
