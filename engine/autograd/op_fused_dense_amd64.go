package autograd

import "golang.org/x/sys/cpu"

// biasGradVector reports whether actGradBiasSum runs its AVX-512 loop
// (a variable so that tests can run the scalar loop on a machine that has
// AVX-512); biasGradVectorAvailable is what the CPU offers.
var (
	biasGradVector          = cpu.X86.HasAVX512F
	biasGradVectorAvailable = cpu.X86.HasAVX512F
)

// biasGradAVX512: see biasgrad_amd64.s.
//
//go:noescape
func biasGradAVX512(rows, ld int, d, gp, y, gb *float64, masks int, relu bool)

// biasGradColumns runs biasGradAVX512 over the columns of d, g and y
// (rows of len(gb)) 32 at a time: gb[j] = +0 + d[0][j] + d[1][j] + …, with
// d = g ⊙ ReLU′ (written) when relu is set, else d = g (read only; d is
// not used). It reports false, doing nothing, without AVX-512.
func biasGradColumns(d, g, y, gb []float64, relu bool) bool {
	n := len(gb)
	if !biasGradVector || n == 0 {
		return false
	}
	rows := len(g) / n
	if rows == 0 {
		clear(gb)
		return true
	}
	_ = g[rows*n-1]
	if relu {
		_, _ = d[rows*n-1], y[rows*n-1]
	}
	for j := 0; j < n; j += 32 {
		masks := 0
		for v := range 4 {
			if w := min(max(n-j-8*v, 0), 8); w > 0 {
				masks |= (1<<w - 1) << (8 * v)
			}
		}
		dp, yp := &g[j], &g[j]
		if relu {
			dp, yp = &d[j], &y[j]
		}
		biasGradAVX512(rows, n, dp, &g[j], yp, &gb[j], masks, relu)
	}
	return true
}

// colProdVector reports whether columnProduct runs its AVX-512 loop (a
// variable so that tests can run the scalar loop too).
var colProdVector = cpu.X86.HasAVX512F

// colProdAVX512: see colprod_amd64.s.
//
//go:noescape
func colProdAVX512(groups, blocks int, x *float64, ld int, w *float64, out *float64)

// columnProductPrefix runs colProdAVX512 on the rows of x [m k] in groups
// of 8 and its columns in blocks of 8, writing each row's partial sum
// (fma chain over the first 8·⌊k/8⌋ columns, from +0) into out, and
// returns the number of rows and columns done (0, 0 without AVX-512).
func columnProductPrefix(out, x, w []float64) (rows, cols int) {
	m, k := len(out), len(w)
	groups, blocks := m/8, k/8
	if !colProdVector || groups == 0 || blocks == 0 {
		return 0, 0
	}
	_ = x[(groups*8-1)*k+blocks*8-1]
	colProdAVX512(groups, blocks, &x[0], k, &w[0], &out[0])
	return groups * 8, blocks * 8
}
