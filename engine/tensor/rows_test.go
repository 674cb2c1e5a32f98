package tensor

import (
	"math"
	"strings"
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
// exponential's range (into math.Exp's subnormal results and beyond its
// underflow to 0), signed zeros.
func rowValues(rt *rapid.T, label string, size int, odd bool) []float64 {
	x := rapid.SliceOfN(rapid.Float64Range(-30, 30), size, size).Draw(rt, label)
	if odd && size > 0 {
		for range rapid.IntRange(1, 3).Draw(rt, label+"odd") {
			x[rapid.IntRange(0, size-1).Draw(rt, label+"at")] = rapid.SampledFrom([]float64{
				math.NaN(), math.Inf(1), math.Inf(-1), -1e9, 800, -800, -725, -745.5, -746, 0, math.Copysign(0, -1), 1e-320,
			}).Draw(rt, label+"v")
		}
	}
	return x
}

// TestSoftmaxRowsMatchScalar: SoftmaxRows gives the scalar code's bits on
// random rows (0–13 rows, so blocks of four and rows left over; row
// lengths 1–21, so every remainder mod 4 and rows shorter than a group),
// with and without a mask, in place and not, with extreme
// values in some rows, on the kernel path and the Go path.
func TestSoftmaxRowsMatchScalar(t *testing.T) {
	rowsPaths(t, func(path string) {
		t.Run(path, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				n := rapid.IntRange(1, 21).Draw(rt, "n")
				rows := rapid.IntRange(0, 13).Draw(rt, "rows")
				odd := rapid.Bool().Draw(rt, "odd")
				src := rowValues(rt, "src", rows*n, odd)
				scale := rapid.SampledFrom([]float64{1, 0.35355339059327373, -2.5, 1e-3}).Draw(rt, "scale")
				if rapid.Bool().Draw(rt, "spread") {
					// Exponentials over most of the kernels' range, [−700, 0].
					src = rapid.SliceOfN(rapid.Float64Range(-350, 350), rows*n, rows*n).Draw(rt, "wide")
					scale = 1
				}
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
				rowsSameBits(rt, path, n, dst, want)
			})
		})
	})
}

// TestSoftmaxRowsBackwardMatchScalar: SoftmaxRowsBackward gives the scalar
// code's bits (dot in order from +0, then scale·(y·(g − dot))) on random
// rows (0–13 of them: blocks of four and the rest) of every length 1–21, in place and not, on both paths.
func TestSoftmaxRowsBackwardMatchScalar(t *testing.T) {
	rowsPaths(t, func(path string) {
		t.Run(path, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				n := rapid.IntRange(1, 21).Draw(rt, "n")
				rows := rapid.IntRange(0, 13).Draw(rt, "rows")
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
				rowsSameBits(rt, path, n, dst, want)
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

// layerNormNaive is autograd's LayerNorm forward and backward written out
// row by row: the scalar code the kernels must match. dx, dg and db may be
// nil; dg and db accumulate.
func layerNormNaive(x, gain, bias []float64, d int, eps float64, g, dx, dg, db []float64) (out, xhat, rstd []float64) {
	rows := len(x) / d
	out, xhat, rstd = make([]float64, len(x)), make([]float64, len(x)), make([]float64, rows)
	for r := range rows {
		xr := x[r*d : (r+1)*d]
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
		rstd[r] = 1 / math.Sqrt(vr+eps)
		for i, v := range xr {
			xhat[r*d+i] = (v - mean) * rstd[r]
			out[r*d+i] = xhat[r*d+i]*gain[i] + bias[i]
		}
	}
	for r := range rows {
		gr, hr := g[r*d:(r+1)*d], xhat[r*d:(r+1)*d]
		for i, v := range gr {
			if dg != nil {
				dg[i] += v * hr[i]
			}
			if db != nil {
				db[i] += v
			}
		}
		if dx == nil {
			continue
		}
		mh, mhx := 0.0, 0.0
		for i, v := range gr {
			h := v * gain[i]
			mh += h
			mhx += h * hr[i]
		}
		mh /= float64(d)
		mhx /= float64(d)
		for i, v := range gr {
			dx[r*d+i] = rstd[r] * (v*gain[i] - mh - hr[i]*mhx)
		}
	}
	return out, xhat, rstd
}

// TestLayerNormRowsMatchScalar: LayerNormRows and LayerNormRowsBackward
// give the scalar code's bits on random rows (0–21 of them, so blocks of
// four and the rows left over; d from 1 to 21, so every
// remainder mod 4), with each of dx, dg and db wanted or not, on the
// kernel path and the Go path.
func TestLayerNormRowsMatchScalar(t *testing.T) {
	defer func(old bool) { rowsKernel = old }(rowsKernel)
	for _, on := range []bool{false, true} {
		rowsKernel = on
		if on && !layerNormFast() {
			continue
		}
		rapid.Check(t, func(rt *rapid.T) {
			d := rapid.IntRange(1, 21).Draw(rt, "d")
			rows := rapid.IntRange(0, 21).Draw(rt, "rows")
			odd := rapid.Bool().Draw(rt, "odd")
			x := rowValues(rt, "x", rows*d, odd)
			shift := rapid.Float64Range(-100, 100).Draw(rt, "shift")
			for i := range x {
				x[i] += shift
			}
			gain := rowValues(rt, "gain", d, false)
			bias := rowValues(rt, "bias", d, false)
			g := rowValues(rt, "g", rows*d, odd)
			eps := rapid.SampledFrom([]float64{1e-5, 1e-12, 0.5}).Draw(rt, "eps")
			var dx, dg, db, wdx, wdg, wdb []float64
			if rapid.Bool().Draw(rt, "dx") {
				dx, wdx = make([]float64, rows*d), make([]float64, rows*d)
			}
			if rapid.Bool().Draw(rt, "dg") {
				dg = rowValues(rt, "dg0", d, false)
				wdg = append([]float64(nil), dg...)
			}
			if rapid.Bool().Draw(rt, "db") {
				db = rowValues(rt, "db0", d, false)
				wdb = append([]float64(nil), db...)
			}
			wout, wxhat, wrstd := layerNormNaive(x, gain, bias, d, eps, g, wdx, wdg, wdb)
			out, xhat, rstd := make([]float64, rows*d), make([]float64, rows*d), make([]float64, rows)
			LayerNormRows(out, xhat, rstd, x, gain, bias, d, eps)
			LayerNormRowsBackward(dx, dg, db, g, xhat, rstd, gain, d)
			for _, c := range []struct {
				name      string
				got, want []float64
			}{{"out", out, wout}, {"xhat", xhat, wxhat}, {"rstd", rstd, wrstd}, {"dx", dx, wdx}, {"dg", dg, wdg}, {"db", db, wdb}} {
				for i := range c.want {
					if !sameBits(c.got[i], c.want[i]) {
						rt.Fatalf("kernel %v: %s[%d] (rows of %d): got %v (%#x), want %v (%#x)", on, c.name, i, d, c.got[i], math.Float64bits(c.got[i]), c.want[i], math.Float64bits(c.want[i]))
					}
				}
			}
		})
	}
}

// TestArithVectorMatchScalar: same-shape Add, Sub, Mul and Div (and
// AddInto) give Go's bits element by element on random lengths 0–40
// (every remainder mod 8), into a new tensor and in place over either
// operand, on the kernel path and the Go path.
func TestArithVectorMatchScalar(t *testing.T) {
	defer func(old bool) { rowsKernel = old }(rowsKernel)
	ops := []struct {
		op arith
		f  func(a, b float64) float64
	}{
		{opAdd, func(a, b float64) float64 { return a + b }},
		{opSub, func(a, b float64) float64 { return a - b }},
		{opMul, func(a, b float64) float64 { return a * b }},
		{opDiv, func(a, b float64) float64 { return a / b }},
	}
	for _, on := range []bool{false, true} {
		rowsKernel = on
		if on && !layerNormFast() {
			continue
		}
		rapid.Check(t, func(rt *rapid.T) {
			n := rapid.IntRange(0, 40).Draw(rt, "n")
			odd := rapid.Bool().Draw(rt, "odd")
			x, y := rowValues(rt, "x", n, odd), rowValues(rt, "y", n, odd)
			o := ops[rapid.IntRange(0, len(ops)-1).Draw(rt, "op")]
			want := make([]float64, n)
			for i := range want {
				want[i] = o.f(x[i], y[i])
			}
			var got []float64
			switch rapid.IntRange(0, 3).Draw(rt, "into") {
			case 0:
				got = make([]float64, n)
				arithInner(o.op, got, x, 1, y, 1)
			case 1:
				got = append([]float64(nil), x...)
				arithInner(o.op, got, got, 1, y, 1)
			case 2:
				got = append([]float64(nil), y...)
				arithInner(o.op, got, x, 1, got, 1)
			default:
				for i := range want {
					want[i] = x[i] + y[i]
				}
				a, b := FromValues(append([]float64(nil), x...), n), FromValues(y, n)
				AddInto(a, b)
				got = a.Data
			}
			for i := range want {
				if !sameBits(got[i], want[i]) {
					rt.Fatalf("kernel %v: element %d of %d: got %v, want %v", on, i, n, got[i], want[i])
				}
			}
		})
	}
}

// TestScaledMulMatchScalar: Arena.ScaledMul gives Go's c·x·y bits element
// by element on random lengths 0–40, on the kernel path and the Go path,
// and panics naming the shapes when they differ.
func TestScaledMulMatchScalar(t *testing.T) {
	defer func(old bool) { rowsKernel = old }(rowsKernel)
	for _, on := range []bool{false, true} {
		rowsKernel = on
		if on && !layerNormFast() {
			continue
		}
		rapid.Check(t, func(rt *rapid.T) {
			n := rapid.IntRange(0, 40).Draw(rt, "n")
			odd := rapid.Bool().Draw(rt, "odd")
			x, y := rowValues(rt, "x", n, odd), rowValues(rt, "y", n, odd)
			c := rapid.SampledFrom([]float64{2, -0.5, 3.3, 1e300}).Draw(rt, "c")
			got := (*Arena)(nil).ScaledMul(FromValues(x, n), FromValues(y, n), c)
			for i := range x {
				if want := c * x[i] * y[i]; !sameBits(got.Data[i], want) {
					rt.Fatalf("kernel %v: element %d of %d: got %v, want %v", on, i, n, got.Data[i], want)
				}
			}
		})
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "[2 3]") {
			t.Errorf("shapes [2 3] and [3 2]: panic %v, want one naming the shapes", r)
		}
	}()
	(*Arena)(nil).ScaledMul(New(2, 3), New(3, 2), 2)
}

// rowsSameBits fails rt at the first element of dst (rows of n values)
// whose bits differ from want's.
func rowsSameBits(rt *rapid.T, path string, n int, dst, want []float64) {
	for i := range want {
		if !sameBits(dst[i], want[i]) {
			rt.Fatalf("%s: element %d (row %d of %d values): got %v (%#x), want %v (%#x)", path, i, i/n, n, dst[i], math.Float64bits(dst[i]), want[i], math.Float64bits(want[i]))
		}
	}
}
