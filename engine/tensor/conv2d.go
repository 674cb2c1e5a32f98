package tensor

// Conv2D convolves x [N C H W] with w [F C KH KW] (cross-correlation, as in
// every deep-learning framework) and adds b [F] if b is non-nil, returning
// the output [N F OH OW] and the im2col columns of x [N, C·KH·KW, OH·OW],
// which Conv2DBackward needs. It panics if the shapes do not match the
// geometry g.
func Conv2D(g ConvGeom, x, w, b *Tensor) (out, col *Tensor) {
	out = New(g.OutShape()...)
	col = New(g.N, g.C*g.KH*g.KW, g.OH*g.OW)
	Conv2DInto(g, out, col, x, w, b)
	return out, col
}

// Conv2DInto is Conv2D writing the output into out [N F OH OW] and the
// columns into col [N, C·KH·KW, OH·OW]; their previous contents do not
// matter (col may come from Scratch). Each image is one matrix product
// [F, C·KH·KW]·[C·KH·KW, OH·OW] written straight into its output; images
// are spread over the cores. It panics if any shape does not match the
// geometry g.
func Conv2DInto(g ConvGeom, out, col, x, w, b *Tensor) {
	g.mustInput("Conv2D", x)
	MustSameShape("Conv2D", w, &Tensor{Shape: []int{g.F, g.C, g.KH, g.KW}})
	if b != nil {
		MustSameShape("Conv2D bias", b, &Tensor{Shape: []int{g.F}})
	}
	k, l := g.C*g.KH*g.KW, g.OH*g.OW
	MustSameShape("Conv2D output", out, &Tensor{Shape: g.OutShape()})
	MustSameShape("Conv2D columns", col, &Tensor{Shape: []int{g.N, k, l}})
	img := g.C * g.H * g.W
	parallelImages(g.N, g.N*k*l*(g.F+1), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			cn := col.Data[n*k*l : (n+1)*k*l]
			g.im2col(cn, x.Data[n*img:(n+1)*img])
			on := out.Data[n*g.F*l : (n+1)*g.F*l]
			gemm(false, false, g.F, l, k, w.Data, k, cn, l, 0, on, l, false)
			if b == nil {
				continue
			}
			for f, bf := range b.Data {
				addConst(on[f*l:(f+1)*l], bf)
			}
		}
	})
}

// Conv2DBackward returns the gradients of a Conv2D with respect to x, w and
// b given the upstream gradient gout [N F OH OW] and the columns the
// forward pass returned: per image n, dw += g_n·col_nᵀ, dcol_n = wᵀ·g_n
// (folded back by col2im into dx_n), db += Σ g_n. A gradient whose flag
// (needX, needW, needB) is false is returned as nil and not computed.
// Images are spread over the cores; the per-image weight gradients are
// summed in image order, so the result does not depend on the number of
// cores. It panics if the shapes do not match the geometry g.
func Conv2DBackward(g ConvGeom, gout, col, w *Tensor, needX, needW, needB bool) (dx, dw, db *Tensor) {
	return conv2DBackward(nil, g, gout, col, w, needX, needW, needB)
}

func conv2DBackward(ar *Arena, g ConvGeom, gout, col, w *Tensor, needX, needW, needB bool) (dx, dw, db *Tensor) {
	return conv2DBackwardPre(ar, g, gout, col, w, nil, needX, needW, needB)
}

// Conv2DBackwardPre is the arena's form of Conv2DBackward for the upstream
// gradient pre(gout): pre(dst, src, off) writes into dst the gradient of
// the image whose upstream gradient src starts at gout.Data[off] (an
// activation's derivative, say). It is called once per image, on the
// cores, into a buffer that stays in the cache for the image's products,
// instead of a pass over the whole gradient before them; it must not
// depend on which goroutine calls it.
func (a *Arena) Conv2DBackwardPre(g ConvGeom, gout, col, w *Tensor, pre func(dst, src []float64, off int), needX, needW, needB bool) (dx, dw, db *Tensor) {
	return conv2DBackwardPre(a, g, gout, col, w, pre, needX, needW, needB)
}

func conv2DBackwardPre(ar *Arena, g ConvGeom, gout, col, w *Tensor, pre func(dst, src []float64, off int), needX, needW, needB bool) (dx, dw, db *Tensor) {
	k, l := g.C*g.KH*g.KW, g.OH*g.OW
	MustSameShape("Conv2DBackward", gout, &Tensor{Shape: g.OutShape()})
	MustSameShape("Conv2DBackward", col, &Tensor{Shape: []int{g.N, k, l}})
	dwT := convDWT(g.F, k)
	var parts []float64 // per-image weight gradients [N, F·k]
	if needW {
		parts = ar.Scratch(g.N * g.F * k) // fully written by the beta = 0 products
	}
	var sums []float64 // per-image bias gradients [N, F]
	if needB {
		sums = ar.Scratch(g.N * g.F) // fully written by rowSums
	}
	if needX {
		dx = ar.Uninit(g.N, g.C, g.H, g.W) // each image cleared before col2im adds into it
	}
	img := g.C * g.H * g.W
	parallelImages(g.N, g.N*k*l*g.F*2, func(lo, hi int) {
		var dcol []float64
		if needX {
			dcol = ar.take(k * l) // fully written by the beta = 0 product
			defer ar.give(dcol)
		}
		var pbuf []float64
		if pre != nil {
			pbuf = ar.take(g.F * l) // fully written by pre
			defer ar.give(pbuf)
		}
		for n := lo; n < hi; n++ {
			gn := gout.Data[n*g.F*l : (n+1)*g.F*l]
			if pre != nil {
				pre(pbuf, gn, n*g.F*l)
				gn = pbuf
			}
			if needB {
				rowSums(sums[n*g.F:(n+1)*g.F], gn, l)
			}
			if needW && dwT {
				gemm(false, true, k, g.F, l, col.Data[n*k*l:(n+1)*k*l], l, gn, l, 0, parts[n*g.F*k:(n+1)*g.F*k], g.F, false)
			} else if needW {
				gemm(false, true, g.F, k, l, gn, l, col.Data[n*k*l:(n+1)*k*l], l, 0, parts[n*g.F*k:(n+1)*g.F*k], k, false)
			}
			if needX {
				gemm(true, false, k, l, g.F, w.Data, k, gn, l, 0, dcol, l, false)
				clear(dx.Data[n*img : (n+1)*img])
				g.col2imInPlace(dx.Data[n*img:(n+1)*img], dcol)
			}
		}
	})
	if needW {
		dw = ar.New(w.Shape...)
		for n := range g.N {
			pn := parts[n*g.F*k : (n+1)*g.F*k]
			if !dwT {
				for i, v := range pn {
					dw.Data[i] += v
				}
				continue
			}
			for r := range k {
				for f, v := range pn[r*g.F : (r+1)*g.F] {
					dw.Data[f*k+r] += v
				}
			}
		}
		if ar == nil {
			ReleaseScratch(parts)
		}
	}
	if needB {
		db = ar.New(g.F)
		for n := range g.N {
			for f, s := range sums[n*g.F : (n+1)*g.F] {
				db.Data[f] += s
			}
		}
		if ar == nil {
			ReleaseScratch(sums)
		}
	}
	return dx, dw, db
}

// rowSums sets dst[f] to the sum of row f of the len(dst)×l matrix m,
// added from 0 in order. Eight (then four) rows are summed side by side:
// each sum is a chain of dependent additions, and eight chains keep both
// adders busy.
func rowSums(dst, m []float64, l int) {
	f := 0
	for ; f+8 <= len(dst); f += 8 {
		r := m[f*l : (f+8)*l]
		r0, r1, r2, r3 := r[:l], r[l:2*l], r[2*l:3*l], r[3*l:4*l]
		r4, r5, r6, r7 := r[4*l:5*l], r[5*l:6*l], r[6*l:7*l], r[7*l:8*l]
		var s0, s1, s2, s3, s4, s5, s6, s7 float64
		for i, v := range r0 {
			s0 += v
			s1 += r1[i]
			s2 += r2[i]
			s3 += r3[i]
			s4 += r4[i]
			s5 += r5[i]
			s6 += r6[i]
			s7 += r7[i]
		}
		d := dst[f : f+8]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
	for ; f+4 <= len(dst); f += 4 {
		r0, r1, r2, r3 := m[f*l:(f+1)*l], m[(f+1)*l:(f+2)*l], m[(f+2)*l:(f+3)*l], m[(f+3)*l:(f+4)*l]
		s0, s1, s2, s3 := 0.0, 0.0, 0.0, 0.0
		for i, v := range r0 {
			s0 += v
			s1 += r1[i]
			s2 += r2[i]
			s3 += r3[i]
		}
		dst[f], dst[f+1], dst[f+2], dst[f+3] = s0, s1, s2, s3
	}
	for ; f < len(dst); f++ {
		s := 0.0
		for _, v := range m[f*l : (f+1)*l] {
			s += v
		}
		dst[f] = s
	}
}

// convDWT reports whether Conv2DBackward computes each image's weight
// gradient transposed, as colsᵀ·… : dwᵀ = cols·gᵀ, whose transposed
// operand (g, F rows) is smaller to pack than cols (k rows) when F < k.
// Each element is the same chain of fused multiply-adds either way.
var convDWT = func(f, k int) bool { return f < k }
