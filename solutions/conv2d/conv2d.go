// Package conv2d is the reference solution of the conv2d exercise: a
// multi-channel 2-D convolution layer (a cross-correlation, as in every
// framework) with stride and zero padding, forward and backward.
package conv2d

// OutSize returns ⌊(n + 2p − k)/s⌋ + 1.
func OutSize(n, k, s, p int) int { return (n+2*p-k)/s + 1 }

func zeros3(a, b, c int) [][][]float64 {
	t := make([][][]float64, a)
	for i := range t {
		t[i] = make([][]float64, b)
		for j := range t[i] {
			t[i][j] = make([]float64, c)
		}
	}
	return t
}

// Forward returns y (F×OH×OW) with y[f][i][j] = b[f] + Σ_c Σ_a Σ_b'
// w[f][c][a][b']·x[c][i·s−p+a][j·s−p+b'], x being 0 outside the image.
func Forward(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
	H, W := len(x[0]), len(x[0][0])
	kh, kw := len(w[0][0]), len(w[0][0][0])
	y := zeros3(len(w), OutSize(H, kh, s, p), OutSize(W, kw, s, p))
	for f := range y {
		for i := range y[f] {
			for j := range y[f][i] {
				sum := b[f]
				for c := range x {
					for a := range kh {
						r := i*s - p + a
						if r < 0 || r >= H {
							continue
						}
						for bb := range kw {
							if q := j*s - p + bb; q >= 0 && q < W {
								sum += w[f][c][a][bb] * x[c][r][q]
							}
						}
					}
				}
				y[f][i][j] = sum
			}
		}
	}
	return y
}

// Backward returns dx (C×H×W), dw (F×C×kh×kw) and db (F) given dy.
func Backward(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) (dx [][][]float64, dw [][][][]float64, db []float64) {
	C, H, W := len(x), len(x[0]), len(x[0][0])
	kh, kw := len(w[0][0]), len(w[0][0][0])
	dx = zeros3(C, H, W)
	dw = make([][][][]float64, len(w))
	db = make([]float64, len(w))
	for f := range w {
		dw[f] = zeros3(C, kh, kw)
		for i := range dy[f] {
			for j := range dy[f][i] {
				g := dy[f][i][j]
				db[f] += g
				for c := range C {
					for a := range kh {
						r := i*s - p + a
						if r < 0 || r >= H {
							continue
						}
						for bb := range kw {
							if q := j*s - p + bb; q >= 0 && q < W {
								dw[f][c][a][bb] += g * x[c][r][q]
								dx[c][r][q] += g * w[f][c][a][bb]
							}
						}
					}
				}
			}
		}
	}
	return dx, dw, db
}
