package tensor

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// rowsPaths runs f with the row kernels on (where the CPU has them) and
// off, naming the path.
func rowsPaths(t interface{ Helper() }, f func(path string)) {
	t.Helper()
	defer func(old bool) { rowsKernel = old }(rowsKernel)
	for _, on := range []bool{false, true} {
		rowsKernel = on
		if on && !rowsFast() {
			continue
		}
		name := "go"
		if on {
			name = "kernel"
		}
		f(name)
	}
}

// softmaxRowsNaive is the attention's softmax written out with math.Exp:
// the scalar code the kernels must match.
func softmaxRowsNaive(src []float64, n int, scale float64, mask []float64) []float64 {
	out := make([]float64, len(src))
	for r := 0; r < len(src); r += n {
		row := out[r : r+n]
		for j := range row {
			row[j] = scale * src[r+j]
			if mask != nil {
				row[j] += mask[r+j]
			}
		}
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		s := 0.0
		for j, v := range row {
			row[j] = math.Exp(v - m)
			s += row[j]
		}
		inv := 1 / s
		for j := range row {
			row[j] *= inv
		}
	}
	return out
}

// rowValues draws rows·n values, most moderate, some (when odd) extreme:
// NaN, infinities, a padding mask's −1e9, spreads beyond the vector
// exponential's range, signed zeros.
func rowValues(rt *rapid.T, label string, size int, odd bool) []float64 {
	x := rapid.SliceOfN(rapid.Float64Range(-30, 30), size, size).Draw(rt, label)
	if odd && size > 0 {
		for range rapid.IntRange(1, 3).Draw(rt, label+"odd") {
			x[rapid.IntRange(0, size-1).Draw(rt, label+"at")] = rapid.SampledFrom([]float64{
				math.NaN(), math.Inf(1), math.Inf(-1), -1e9, 800, -800, 0, math.Copysign(0, -1), 1e-320,
			}).Draw(rt, label+"v")
		}
	}
	return x
}

// TestSoftmaxRowsMatchScalar: SoftmaxRows gives the scalar code's bits on
// random rows (row lengths 1–21, so every remainder mod 4 and rows shorter
// than a group), with and without a mask, in place and not, with extreme
// values in some rows, on the kernel path and the Go path.
func TestSoftmaxRowsMatchScalar(t *testing.T) {
	rowsPaths(t, func(path string) {
		t.Run(path, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				n := rapid.IntRange(1, 21).Draw(rt, "n")
				rows := rapid.IntRange(0, 9).Draw(rt, "rows")
				odd := rapid.Bool().Draw(rt, "odd")
				src := rowValues(rt, "src", rows*n, odd)
				scale := rapid.SampledFrom([]float64{1, 0.35355339059327373, -2.5, 1e-3}).Draw(rt, "scale")
				var mask []float64
				if rapid.Bool().Draw(rt, "masked") {
					mask = rowValues(rt, "mask", rows*n, odd)
				}
				want := softmaxRowsNaive(src, n, scale, mask)
				dst := make([]float64, len(src))
				if rapid.Bool().Draw(rt, "inplace") {
					dst = append(dst[:0], src...)
					SoftmaxRows(dst, dst, n, scale, mask)
				} else {
					SoftmaxRows(dst, src, n, scale, mask)
				}
				for i := range want {
					if !sameBits(dst[i], want[i]) {
						rt.Fatalf("%s: element %d (row %d of %d values): got %v (%#x), want %v (%#x)", path, i, i/n, n, dst[i], math.Float64bits(dst[i]), want[i], math.Float64bits(want[i]))
					}
				}
			})
		})
	})
}

// TestSoftmaxRowsBackwardMatchScalar: SoftmaxRowsBackward gives the scalar
// code's bits (dot in order from +0, then scale·(y·(g − dot))) on random
// rows of every length 1–21, in place and not, on both paths.
func TestSoftmaxRowsBackwardMatchScalar(t *testing.T) {
	rowsPaths(t, func(path string) {
		t.Run(path, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				n := rapid.IntRange(1, 21).Draw(rt, "n")
				rows := rapid.IntRange(0, 9).Draw(rt, "rows")
				odd := rapid.Bool().Draw(rt, "odd")
				y := rowValues(rt, "y", rows*n, odd)
				g := rowValues(rt, "g", rows*n, odd)
				scale := rapid.SampledFrom([]float64{1, 0.35355339059327373, -2.5}).Draw(rt, "scale")
				want := make([]float64, len(y))
				for r := 0; r < len(y); r += n {
					dot := 0.0
					for j := r; j < r+n; j++ {
						dot += y[j] * g[j]
					}
					for j := r; j < r+n; j++ {
						want[j] = scale * (y[j] * (g[j] - dot))
					}
				}
				dst := make([]float64, len(y))
				if rapid.Bool().Draw(rt, "inplace") {
					dst = append(dst[:0], g...)
					SoftmaxRowsBackward(dst, y, dst, n, scale)
				} else {
					SoftmaxRowsBackward(dst, y, g, n, scale)
				}
				for i := range want {
					if !sameBits(dst[i], want[i]) {
						rt.Fatalf("%s: element %d (row %d of %d values): got %v (%#x), want %v (%#x)", path, i, i/n, n, dst[i], math.Float64bits(dst[i]), want[i], math.Float64bits(want[i]))
					}
				}
			})
		})
	})
}

// TestSoftmaxRowsPanics: a row length that does not divide the data, or
// lengths that disagree, panic naming the lengths.
func TestSoftmaxRowsPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"rows":     func() { SoftmaxRows(make([]float64, 5), make([]float64, 5), 2, 1, nil) },
		"zero":     func() { SoftmaxRows(nil, nil, 0, 1, nil) },
		"mask":     func() { SoftmaxRows(make([]float64, 4), make([]float64, 4), 2, 1, make([]float64, 2)) },
		"backward": func() { SoftmaxRowsBackward(make([]float64, 4), make([]float64, 4), make([]float64, 6), 2, 1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
