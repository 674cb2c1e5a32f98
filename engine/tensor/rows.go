package tensor

import (
	"fmt"
	"math"
)

// Row kernels: softmax over the rows of a matrix (as in attention) and
// LayerNorm, forward and backward. Each row's reductions keep the scalar
// code's sequential order (a row's sum, its dot product), with rows side
// by side in the lanes of a vector instead, and every element goes
// through the same operations as the scalar code (no fused multiply-add
// where it multiplies then adds), so the vector kernels (rows_amd64.s)
// give the scalar code's bits; the scalar code below is their reference
// and runs where they do not.

// SoftmaxRows writes, for each row of n values of src (len(src)/n rows),
// softmax(scale·src + mask) into dst (which may be src): per element
// v = scale·x, then v + mask, then e^(v − max) (math.Exp's bits) divided
// by the sum of the row's exponentials taken in order. mask is nil or
// holds one value per element of src. It panics if n < 1 or the lengths
// disagree.
func SoftmaxRows(dst, src []float64, n int, scale float64, mask []float64) {
	if n < 1 || len(src)%n != 0 || len(dst) != len(src) || (mask != nil && len(mask) != len(src)) {
		panic(fmt.Sprintf("tensor: SoftmaxRows: lengths %d, %d and mask %d for rows of %d", len(dst), len(src), len(mask), n))
	}
	rows := len(src) / n
	for r := 0; r < rows; r++ {
		done, staged := softmaxRowsPrefix(dst[r*n:], src[r*n:], maskFrom(mask, r*n), rows-r, n, scale)
		if r += done; r >= rows {
			return
		}
		// The kernel stopped at this row (a NaN, an infinity or a spread
		// beyond its exponential's range) after writing the row's scaled
		// and masked values into dst (staged), or there is no kernel.
		d := dst[r*n : (r+1)*n]
		if !staged {
			scaleMaskRow(d, src[r*n:(r+1)*n], scale, maskFrom(mask, r*n))
		}
		softmaxRowRef(d, d)
	}
}

// maskFrom is mask from offset o on, or nil.
func maskFrom(mask []float64, o int) []float64 {
	if mask == nil {
		return nil
	}
	return mask[o:]
}

// scaleMaskRow writes scale·x (+ mask) into dst.
func scaleMaskRow(dst, x []float64, scale float64, mask []float64) {
	dst = dst[:len(x)]
	for j, s := range x {
		dst[j] = scale * s
	}
	if mask != nil {
		for j, m := range mask[:len(x)] {
			dst[j] += m
		}
	}
}

// softmaxRowRef writes the softmax of x into dst (both of the same
// length): the scalar reference.
func softmaxRowRef(dst, x []float64) {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v - m
	}
	ExpInto(dst, dst)
	s := 0.0
	for _, e := range dst {
		s += e
	}
	inv := 1 / s
	for i := range dst {
		dst[i] *= inv
	}
}

// SoftmaxRowsBackward writes, for each row of n values of the softmax
// output y and the upstream gradient g, scale·(y ⊙ (g − dot)) into dst
// (which may be g), where dot = Σ y·g is taken in order from 0. It panics
// if n < 1 or the lengths disagree.
func SoftmaxRowsBackward(dst, y, g []float64, n int, scale float64) {
	if n < 1 || len(y)%n != 0 || len(g) != len(y) || len(dst) != len(y) {
		panic(fmt.Sprintf("tensor: SoftmaxRowsBackward: lengths %d, %d and %d for rows of %d", len(dst), len(y), len(g), n))
	}
	rows := len(y) / n
	r := softmaxBackPrefix(dst, y, g, rows, n, scale)
	for ; r < rows; r++ {
		softmaxBackRowRef(dst[r*n:(r+1)*n], y[r*n:(r+1)*n], g[r*n:(r+1)*n], scale)
	}
}

// softmaxBackRowRef is one row of SoftmaxRowsBackward: the scalar
// reference.
func softmaxBackRowRef(dst, y, g []float64, scale float64) {
	g, dst = g[:len(y)], dst[:len(y)]
	dot := 0.0
	for j, w := range y {
		dot += w * g[j]
	}
	for j, w := range y {
		dst[j] = scale * (w * (g[j] - dot))
	}
}

// LayerNormRows normalises each row of d values of x (len(x)/d rows):
// mean = (0 + x₀ + x₁ + …)/d and var = (0 + (x₀−mean)² + …)/d in order,
// rs = 1/√(var + eps), xhat = (x − mean)·rs and out = xhat·gain + bias,
// writing xhat, out and rstd[r] = rs. Rows run four at a time (their
// sums side by side, each in its own order) where the CPU has the kernel,
// with the scalar code's bits. It panics if the lengths disagree.
func LayerNormRows(out, xhat, rstd, x, gain, bias []float64, d int, eps float64) {
	if d < 1 || len(x)%d != 0 || len(out) != len(x) || len(xhat) != len(x) || len(rstd) != len(x)/d || len(gain) != d || len(bias) != d {
		panic(fmt.Sprintf("tensor: LayerNormRows: lengths out %d, xhat %d, rstd %d, x %d, gain %d, bias %d for rows of %d",
			len(out), len(xhat), len(rstd), len(x), len(gain), len(bias), d))
	}
	rows := len(x) / d
	for r := layerNormPrefix(out, xhat, rstd, x, gain, bias, rows, d, eps); r < rows; r++ {
		layerNormRowRef(out[r*d:(r+1)*d], xhat[r*d:(r+1)*d], &rstd[r], x[r*d:(r+1)*d], gain, bias, eps)
	}
}

// layerNormRowRef is one row of LayerNormRows: the scalar reference.
func layerNormRowRef(or, hr []float64, rstd *float64, xr, gv, bv []float64, eps float64) {
	d := len(xr)
	or, hr, gv, bv = or[:d], hr[:d], gv[:d], bv[:d]
	mean := 0.0
	for _, v := range xr {
		mean += v
	}
	mean /= float64(d)
	vr := 0.0
	for _, v := range xr {
		vr += (v - mean) * (v - mean)
	}
	vr /= float64(d)
	rs := 1 / math.Sqrt(vr+eps)
	*rstd = rs
	for i, v := range xr {
		h := (v - mean) * rs
		hr[i] = h
		or[i] = h*gv[i] + bv[i]
	}
}

// LayerNormRowsBackward is LayerNormRows's backward for the upstream
// gradient g: with h = g·gain per element, mh = (0 + h₀ + h₁ + …)/d and
// mhx = (0 + h₀·xhat₀ + …)/d in order, dx = rs·(h − mh − xhat·mhx) per
// row; dg += g·xhat and db += g element-wise, row after row. Any of dx,
// dg and db may be nil (not wanted). It panics if the lengths disagree.
func LayerNormRowsBackward(dx, dg, db, g, xhat, rstd, gain []float64, d int) {
	if d < 1 || len(g)%d != 0 || len(xhat) != len(g) || len(rstd) != len(g)/d || len(gain) != d ||
		(dx != nil && len(dx) != len(g)) || (dg != nil && len(dg) != d) || (db != nil && len(db) != d) {
		panic(fmt.Sprintf("tensor: LayerNormRowsBackward: lengths dx %d, dg %d, db %d, g %d, xhat %d, rstd %d, gain %d for rows of %d",
			len(dx), len(dg), len(db), len(g), len(xhat), len(rstd), len(gain), d))
	}
	rows := len(g) / d
	for r := layerNormBackPrefix(dx, dg, db, g, xhat, rstd, gain, rows, d); r < rows; r++ {
		var dr []float64
		if dx != nil {
			dr = dx[r*d : (r+1)*d]
		}
		layerNormBackRowRef(dr, dg, db, g[r*d:(r+1)*d], xhat[r*d:(r+1)*d], rstd[r], gain)
	}
}

// layerNormBackRowRef is one row of LayerNormRowsBackward: the scalar
// reference.
func layerNormBackRowRef(dr, dg, db, gr, hr []float64, rs float64, gv []float64) {
	d := len(gr)
	hr, gv = hr[:d], gv[:d]
	if dg != nil {
		for i, v := range gr {
			dg[i] += v * hr[i]
		}
	}
	if db != nil {
		for i, v := range gr {
			db[i] += v
		}
	}
	if dr == nil {
		return
	}
	mh, mhx := 0.0, 0.0
	for i, v := range gr {
		h := v * gv[i]
		mh += h
		mhx += h * hr[i]
	}
	mh /= float64(d)
	mhx /= float64(d)
	dr = dr[:d]
	for i, v := range gr {
		dr[i] = rs * (v*gv[i] - mh - hr[i]*mhx)
	}
}
