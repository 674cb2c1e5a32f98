package tensor

// MaxPool2D returns the maximum of every window of x [N C H W] under the
// pooling geometry g, as a tensor [N C OH OW], and for every output element
// the flat index into x of the first maximum of its window (what the
// backward pass routes the gradient to). It panics if x's shape differs
// from the geometry's.
func MaxPool2D(g ConvGeom, x *Tensor) (*Tensor, []int32) {
	g.mustInput("MaxPool2D", x)
	out := New(g.N, g.C, g.OH, g.OW)
	arg := make([]int32, len(out.Data))
	parallelFor(g.N*g.C, len(out.Data)*g.KH*g.KW, func(lo, hi int) {
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

// MaxPool2DBackward routes each element of gout to the input position arg
// recorded by MaxPool2D, summing where windows overlap, and returns a
// gradient of the given input shape.
func MaxPool2DBackward(gout *Tensor, arg []int32, shape []int) *Tensor {
	dx := New(shape...)
	for i, v := range gout.Data {
		dx.Data[arg[i]] += v
	}
	return dx
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
