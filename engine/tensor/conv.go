package tensor

import "fmt"

// ConvGeom is the geometry of a 2-D convolution or pooling window over an
// NCHW input: N images of C channels of H×W, F output channels, a KH×KW
// window moved by Stride with Pad zeros on every side, giving OH×OW outputs.
type ConvGeom struct {
	N, C, H, W  int
	F, KH, KW   int
	Stride, Pad int
	OH, OW      int
}

// NewConvGeom returns the geometry of convolving x of shape [N C H W] with
// weights of shape [F C KH KW]. It panics, naming op and both shapes, if x
// or w is not 4-D, the channel counts differ, stride < 1, pad < 0 or the
// window does not fit the padded input.
func NewConvGeom(op string, x, w []int, stride, pad int) ConvGeom {
	if len(x) != 4 || len(w) != 4 {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v must both be 4-D (NCHW input, [F C KH KW] weights)", op, x, w))
	}
	if x[1] != w[1] {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v have different channel counts %d and %d", op, x, w, x[1], w[1]))
	}
	return newGeom(op, x, w[0], w[2], w[3], stride, pad, fmt.Sprintf("shapes %v and %v", x, w))
}

// NewPoolGeom returns the geometry of a k×k pooling window moved by stride
// over x of shape [N C H W] (no padding). It panics, naming op, if x is not
// 4-D, k < 1, stride < 1 or the window does not fit.
func NewPoolGeom(op string, x []int, k, stride int) ConvGeom {
	if len(x) != 4 {
		panic(fmt.Sprintf("tensor: %s: shape %v must be 4-D (NCHW)", op, x))
	}
	if k < 1 {
		panic(fmt.Sprintf("tensor: %s: kernel size %d < 1 for shape %v", op, k, x))
	}
	return newGeom(op, x, x[1], k, k, stride, 0, fmt.Sprintf("shape %v", x))
}

func newGeom(op string, x []int, f, kh, kw, stride, pad int, what string) ConvGeom {
	if stride < 1 || pad < 0 {
		panic(fmt.Sprintf("tensor: %s: %s: stride %d must be ≥ 1 and padding %d ≥ 0", op, what, stride, pad))
	}
	g := ConvGeom{N: x[0], C: x[1], H: x[2], W: x[3], F: f, KH: kh, KW: kw, Stride: stride, Pad: pad}
	hp, wp := g.H+2*pad, g.W+2*pad
	if kh > hp || kw > wp || kh < 1 || kw < 1 {
		panic(fmt.Sprintf("tensor: %s: %s: window %d×%d does not fit the padded input %d×%d", op, what, kh, kw, hp, wp))
	}
	g.OH = (hp-kh)/stride + 1
	g.OW = (wp-kw)/stride + 1
	return g
}

// OutShape returns the output shape [N F OH OW].
func (g ConvGeom) OutShape() []int { return []int{g.N, g.F, g.OH, g.OW} }

// span returns the range [lo, hi) of output positions o for which the
// input position o·stride − pad + k lies in [0, size).
func span(k, size, stride, pad, out int) (lo, hi int) {
	lo = max(0, ceilDiv(pad-k, stride))
	hi = min(out, ceilDiv(size+pad-k, stride))
	return lo, max(lo, hi)
}

func ceilDiv(a, b int) int {
	if a <= 0 {
		return -((-a) / b)
	}
	return (a + b - 1) / b
}

// Im2Col unfolds x [N C H W] into columns: a tensor [N, C·KH·KW, OH·OW]
// whose column p of image n holds the window of image n under output
// position p (zeros where it covers padding), so the convolution of image n
// is one matrix product [F, C·KH·KW]·[C·KH·KW, OH·OW]. It panics if x's
// shape differs from the geometry's.
func Im2Col(g ConvGeom, x *Tensor) *Tensor {
	g.mustInput("Im2Col", x)
	col := New(g.N, g.C*g.KH*g.KW, g.OH*g.OW)
	size := len(col.Data) / max(g.N, 1)
	parallelFor(g.N, len(col.Data), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g.im2col(col.Data[n*size:(n+1)*size], x.Data[n*g.C*g.H*g.W:])
		}
	})
	return col
}

// im2col unfolds one image (C×H×W values) into dst [C·KH·KW, OH·OW].
func (g ConvGeom) im2col(dst, img []float64) {
	l := g.OH * g.OW
	for c := range g.C {
		ch := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := range g.KH {
			hlo, hhi := span(ki, g.H, g.Stride, g.Pad, g.OH)
			for kj := range g.KW {
				r := (c*g.KH+ki)*g.KW + kj
				d := dst[r*l : (r+1)*l]
				wlo, whi := span(kj, g.W, g.Stride, g.Pad, g.OW)
				if hlo > 0 {
					clear(d[:hlo*g.OW])
				}
				if hhi < g.OH {
					clear(d[hhi*g.OW:])
				}
				for oh := hlo; oh < hhi; oh++ {
					src := ch[(oh*g.Stride-g.Pad+ki)*g.W:]
					row := d[oh*g.OW : (oh+1)*g.OW]
					// The padding at a row's ends is a column or two: a
					// loop, not a call to clear.
					for ow := 0; ow < wlo; ow++ {
						row[ow] = 0
					}
					for ow := whi; ow < len(row); ow++ {
						row[ow] = 0
					}
					iw := wlo*g.Stride - g.Pad + kj
					if g.Stride == 1 {
						copy(row[wlo:whi], src[iw:iw+whi-wlo])
						continue
					}
					for ow := wlo; ow < whi; ow++ {
						row[ow] = src[iw]
						iw += g.Stride
					}
				}
			}
		}
	}
}

// Col2Im is the adjoint of Im2Col: it sums every column entry of col
// [N, C·KH·KW, OH·OW] back into the input position it was copied from,
// returning a tensor of shape [N C H W]. It panics if col's shape differs
// from the geometry's.
func Col2Im(g ConvGeom, col *Tensor) *Tensor {
	k, l := g.C*g.KH*g.KW, g.OH*g.OW
	if len(col.Shape) != 3 || col.Shape[0] != g.N || col.Shape[1] != k || col.Shape[2] != l {
		panic(fmt.Sprintf("tensor: Col2Im: shape %v, want [%d %d %d]", col.Shape, g.N, k, l))
	}
	x := New(g.N, g.C, g.H, g.W)
	img := g.C * g.H * g.W
	parallelFor(g.N, len(col.Data), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g.col2im(x.Data[n*img:(n+1)*img], col.Data[n*k*l:(n+1)*k*l])
		}
	})
	return x
}

// col2im adds the columns src [C·KH·KW, OH·OW] of one image into img.
func (g ConvGeom) col2im(img, src []float64) {
	l := g.OH * g.OW
	for c := range g.C {
		ch := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := range g.KH {
			hlo, hhi := span(ki, g.H, g.Stride, g.Pad, g.OH)
			for kj := range g.KW {
				r := (c*g.KH+ki)*g.KW + kj
				s := src[r*l : (r+1)*l]
				wlo, whi := span(kj, g.W, g.Stride, g.Pad, g.OW)
				for oh := hlo; oh < hhi; oh++ {
					dst := ch[(oh*g.Stride-g.Pad+ki)*g.W:]
					row := s[oh*g.OW : (oh+1)*g.OW]
					iw := wlo*g.Stride - g.Pad + kj
					if g.Stride == 1 {
						d := dst[iw : iw+whi-wlo]
						for j, v := range row[wlo:whi] {
							d[j] += v
						}
						continue
					}
					for ow := wlo; ow < whi; ow++ {
						dst[iw] += row[ow]
						iw += g.Stride
					}
				}
			}
		}
	}
}

func (g ConvGeom) mustInput(op string, x *Tensor) {
	if len(x.Shape) != 4 || x.Shape[0] != g.N || x.Shape[1] != g.C || x.Shape[2] != g.H || x.Shape[3] != g.W {
		panic(fmt.Sprintf("tensor: %s: shape %v, want [%d %d %d %d]", op, x.Shape, g.N, g.C, g.H, g.W))
	}
}
