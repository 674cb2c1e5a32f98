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
// input position o·stride − pad + k lies in [0, size) (empty, with lo ≤
// out, when there are none).
func span(k, size, stride, pad, out int) (lo, hi int) {
	lo = min(out, max(0, ceilDiv(pad-k, stride)))
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
	parallelImages(g.N, len(col.Data), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g.im2col(col.Data[n*size:(n+1)*size], x.Data[n*g.C*g.H*g.W:])
		}
	})
	return col
}

// im2col unfolds one image (C×H×W values) into dst [C·KH·KW, OH·OW].
func (g ConvGeom) im2col(dst, img []float64) {
	if g.sameWidth() {
		g.im2colSame(dst, img)
		return
	}
	g.im2colRows(dst, img)
}

// sameWidth reports whether the window moves by 1 and the output rows are
// as wide as the input's (KW = 2·Pad + 1, as in every 3×3 pad 1 layer).
// Then column row (c, ki, kj) is image c shifted by one offset: its
// entry p = oh·W + ow is img[p + (ki−Pad)·W + kj−Pad], so one straight
// copy fills it, save for the columns that wrapped round a row's end.
func (g ConvGeom) sameWidth() bool { return g.Stride == 1 && g.OW == g.W }

// sameSpan returns, for window offset (ki, kj) of a sameWidth geometry,
// the range [lo, hi) of column entries that read the image (with the
// wrapped edge columns among them), the offset delta of their image
// position and the valid rows [hlo, hhi) and columns [wlo, whi). ok is
// false when the offset reads only padding.
func (g ConvGeom) sameSpan(ki, kj int) (lo, hi, delta, hlo, hhi, wlo, whi int, ok bool) {
	hlo, hhi = span(ki, g.H, 1, g.Pad, g.OH)
	wlo, whi = span(kj, g.W, 1, g.Pad, g.OW)
	if hlo >= hhi || wlo >= whi {
		return 0, 0, 0, 0, 0, 0, 0, false
	}
	return hlo*g.W + wlo, (hhi-1)*g.W + whi, (ki-g.Pad)*g.W + kj - g.Pad, hlo, hhi, wlo, whi, true
}

// im2colSame is im2col for a sameWidth geometry: per column row one copy
// and a few zeros (the same values as im2colRows).
func (g ConvGeom) im2colSame(dst, img []float64) {
	l, w := g.OH*g.OW, g.W
	for c := range g.C {
		ch := img[c*g.H*w : (c+1)*g.H*w]
		for ki := range g.KH {
			for kj := range g.KW {
				r := (c*g.KH+ki)*g.KW + kj
				d := dst[r*l : (r+1)*l]
				lo, hi, delta, hlo, hhi, wlo, whi, ok := g.sameSpan(ki, kj)
				if !ok {
					clear(d)
					continue
				}
				clear(d[:lo])
				copy(d[lo:hi], ch[lo+delta:hi+delta])
				clear(d[hi:])
				g.zeroWrapped(d, hlo, hhi, wlo, whi)
			}
		}
	}
}

// zeroWrapped zeroes, in column row d of a sameWidth geometry, the entries
// of rows [hlo, hhi) outside the valid columns [wlo, whi): those a straight
// copy of the shifted image filled with values wrapped round a row's end.
func (g ConvGeom) zeroWrapped(d []float64, hlo, hhi, wlo, whi int) {
	w := g.W
	if wlo == 0 && whi == w {
		return
	}
	for oh := hlo; oh < hhi; oh++ {
		row := d[oh*w : (oh+1)*w]
		for ow := 0; ow < wlo; ow++ {
			row[ow] = 0
		}
		for ow := whi; ow < w; ow++ {
			row[ow] = 0
		}
	}
}

// im2colRows is im2col for any geometry, row by row.
func (g ConvGeom) im2colRows(dst, img []float64) {
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
					if wlo == whi {
						continue // this offset reads only padding
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
	parallelImages(g.N, len(col.Data), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g.col2im(x.Data[n*img:(n+1)*img], col.Data[n*k*l:(n+1)*k*l])
		}
	})
	return x
}

// col2imInPlace is col2im for columns src that may be overwritten (the
// backward pass's scratch): for a sameWidth geometry it zeroes the
// wrapped edge columns of src, then adds each column row into the image
// with one straight loop. Each image element gets the same additions in
// the same order as col2im's, plus additions of +0 at the wrapped
// positions, which change nothing: the sums start from +0 (img must be
// cleared), so they are never −0, and x + (+0) = x for every other x.
func (g ConvGeom) col2imInPlace(img, src []float64) {
	if !g.sameWidth() {
		g.col2im(img, src)
		return
	}
	l, w := g.OH*g.OW, g.W
	for c := range g.C {
		ch := img[c*g.H*w : (c+1)*g.H*w]
		for ki := range g.KH {
			for kj := range g.KW {
				r := (c*g.KH+ki)*g.KW + kj
				s := src[r*l : (r+1)*l]
				lo, hi, delta, hlo, hhi, wlo, whi, ok := g.sameSpan(ki, kj)
				if !ok {
					continue
				}
				g.zeroWrapped(s, hlo, hhi, wlo, whi)
				addTo(ch[lo+delta:hi+delta], s[lo:hi])
			}
		}
	}
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
					if wlo == whi {
						break // this offset reads only padding
					}
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

// addTo adds src[i] to dst[i] for every i < len(src) (dst at least as
// long): one IEEE addition per element, with the AVX2 loop where the CPU
// has it.
func addTo(dst, src []float64) {
	i := addToPrefix(dst, src)
	d := dst[i:len(src)]
	for j, v := range src[i:] {
		d[j] += v
	}
}

// addConst adds c to every element of dst, with the AVX2 loop where the
// CPU has it.
func addConst(dst []float64, c float64) {
	for i := addConstPrefix(dst, c); i < len(dst); i++ {
		dst[i] += c
	}
}
