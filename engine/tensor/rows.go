package tensor

import "fmt"

// Row kernels: softmax over the rows of a matrix (as in attention) and its
// backward. Each row's reductions keep the scalar code's sequential order
// (the sum of the exponentials, the dot product of the backward), and
// every element goes through the same operations as the scalar code, so
// the vector kernels (rows_amd64.s) give the scalar code's bits.

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
