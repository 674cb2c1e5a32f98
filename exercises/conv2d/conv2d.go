// Package conv2d is an exercise of the convolutional-network lesson (cnn):
// a convolution layer in full — several input channels, several filters,
// a bias, stride and zero padding — its forward pass and its backward pass
// for the input, the kernels and the bias, written from scratch with plain
// slices.
//
// Convention: like every framework's conv layer (PyTorch's Conv2d,
// TensorFlow's Conv2D), this "convolution" is a cross-correlation: the
// kernel slides over the image as it is, without being turned 180°.
//
// Shapes (row-major nested slices):
//
//	x  C×H×W         x[c][r][q]: channel c, row r, column q
//	w  F×C×kh×kw     w[f][c][a][b]: filter f's kernel on input channel c
//	b  F             one bias per filter
//	y  F×OH×OW       one output plane per filter
//
// Run `dlearn grade conv2d` (or `go test ./conv2d` in this folder) to check
// it.
package conv2d

// OutSize returns the number of outputs along one axis of n inputs for a
// kernel of size k, stride s and zero padding p on each side:
//
//	OutSize(n, k, s, p) = ⌊(n + 2p − k) / s⌋ + 1
//
// The padded axis has n + 2p positions; the first window starts at its
// beginning, each next one s further, and a window that would run past
// the padded end is left out (integer division rounds down). For example
// OutSize(7, 3, 2, 1) = 4 and OutSize(5, 3, 1, 1) = 5 ("same" padding).
func OutSize(n, k, s, p int) int {
	panic("TODO: implement conv2d.OutSize")
}

// Forward returns y, a new F×OH×OW tensor with OH = OutSize(H, kh, s, p),
// OW = OutSize(W, kw, s, p) and
//
//	y[f][i][j] = b[f] + Σ_c Σ_a Σ_b' w[f][c][a][b'] · x[c][i·s−p+a][j·s−p+b']
//
// summing over every input channel c < C and kernel position a < kh,
// b' < kw. The window of output (i, j) has its top-left corner at
// (i·s − p, j·s − p); a position outside 0 ≤ row < H, 0 ≤ col < W lies in
// the zero padding and adds nothing. The kernel is not flipped. Do not
// change x, w or b.
func Forward(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
	panic("TODO: implement conv2d.Forward")
}

// Backward returns the gradients of a loss L given the layer's input x,
// its kernels w, the same s and p, and dy = ∂L/∂y (F×OH×OW):
//
//	db[f]           = Σ_i Σ_j dy[f][i][j]                       (F)
//	dw[f][c][a][b'] = Σ_i Σ_j dy[f][i][j] · x[c][i·s−p+a][j·s−p+b']   (F×C×kh×kw)
//	dx[c][r][q]     = Σ dy[f][i][j] · w[f][c][a][b']            (C×H×W)
//
// where the sum for dx runs over every filter f, output (i, j) and kernel
// position (a, b') with i·s−p+a = r and j·s−p+b' = q: each window adds
// (+=) its share to the inputs it covered, so where windows overlap the
// shares add up. Terms whose input position falls in the zero padding are
// dropped: they add nothing to dw, and dx has x's shape C×H×W, not the
// padded one. b[f] is added at every output position of filter f, so db
// sums (not averages) over them. Do not change x, w or dy.
func Backward(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) (dx [][][]float64, dw [][][][]float64, db []float64) {
	panic("TODO: implement conv2d.Backward")
}
