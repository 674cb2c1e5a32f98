package tensor

// Conv2D convolves x [N C H W] with w [F C KH KW] (cross-correlation, as in
// every deep-learning framework) and adds b [F] if b is non-nil, returning
// the output [N F OH OW] and the im2col matrix of x, which Conv2DBackward
// needs. It is one matrix product [F, C·KH·KW]·[C·KH·KW, N·OH·OW]. It
// panics if the shapes do not match the geometry g.
func Conv2D(g ConvGeom, x, w, b *Tensor) (out, col *Tensor) {
	col = Im2Col(g, x)
	k := g.C * g.KH * g.KW
	l := g.OH * g.OW
	wf := w.Reshape(g.F, k)
	y := New(g.F, g.N*l)
	MatMulInto(y, wf, col, false, false, 0)
	out = New(g.N, g.F, g.OH, g.OW)
	if b != nil {
		MustSameShape("Conv2D bias", b, New(g.F))
	}
	for n := range g.N {
		for f := range g.F {
			dst := out.Data[(n*g.F+f)*l : (n*g.F+f+1)*l]
			src := y.Data[f*g.N*l+n*l : f*g.N*l+(n+1)*l]
			if b == nil {
				copy(dst, src)
				continue
			}
			bf := b.Data[f]
			for i, v := range src {
				dst[i] = v + bf
			}
		}
	}
	return out, col
}

// Conv2DBackward returns the gradients of a Conv2D with respect to x, w and
// b given the upstream gradient gout [N F OH OW] and the im2col matrix the
// forward pass returned. A gradient whose flag (needX, needW, needB) is
// false is returned as nil and not computed. It panics if the shapes do
// not match the geometry g.
func Conv2DBackward(g ConvGeom, gout, col, w *Tensor, needX, needW, needB bool) (dx, dw, db *Tensor) {
	k := g.C * g.KH * g.KW
	l := g.OH * g.OW
	MustSameShape("Conv2DBackward", gout, &Tensor{Shape: g.OutShape()})
	gy := New(g.F, g.N*l)
	for n := range g.N {
		for f := range g.F {
			copy(gy.Data[f*g.N*l+n*l:f*g.N*l+(n+1)*l], gout.Data[(n*g.F+f)*l:(n*g.F+f+1)*l])
		}
	}
	if needB {
		db = New(g.F)
		for f := range g.F {
			s := 0.0
			for _, v := range gy.Data[f*g.N*l : (f+1)*g.N*l] {
				s += v
			}
			db.Data[f] = s
		}
	}
	if needW {
		dwf := New(g.F, k)
		MatMulInto(dwf, gy, col, false, true, 0)
		dw = dwf.Reshape(w.Shape...)
	}
	if needX {
		dcol := New(k, g.N*l)
		MatMulInto(dcol, w.Reshape(g.F, k), gy, true, false, 0)
		dx = Col2Im(g, dcol)
	}
	return dx, dw, db
}
