package tensor

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func naiveMatMul(a, b *Tensor, ta, tb bool) *Tensor {
	if ta {
		a = Transpose(a)
	}
	if tb {
		b = Transpose(b)
	}
	m, k, n := a.Shape[0], a.Shape[1], b.Shape[1]
	out := New(m, n)
	for i := range m {
		for j := range n {
			s := 0.0
			for l := range k {
				s += a.Data[i*k+l] * b.Data[l*n+j]
			}
			out.Data[i*n+j] = s
		}
	}
	return out
}

func TestMatMulIntoTransposes(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(0, 300).Draw(rt, "m"), rapid.IntRange(0, 300).Draw(rt, "k"), rapid.IntRange(0, 300).Draw(rt, "n")
		ta, tb := rapid.Bool().Draw(rt, "ta"), rapid.Bool().Draw(rt, "tb")
		rng := NewRNG(1)
		sa, sb := []int{m, k}, []int{k, n}
		if ta {
			sa = []int{k, m}
		}
		if tb {
			sb = []int{n, k}
		}
		a, b := RandN(rng, sa...), RandN(rng, sb...)
		dst := Full(math.NaN(), m, n)
		MatMulInto(dst, a, b, ta, tb, 0)
		want := naiveMatMul(a, b, ta, tb)
		for i, w := range want.Data {
			if math.Abs(dst.Data[i]-w) > 1e-9*(1+math.Abs(w)) {
				rt.Fatalf("[%d %d %d] ta=%v tb=%v: element %d = %g, want %g", m, k, n, ta, tb, i, dst.Data[i], w)
			}
		}
	})
}

// TestMatMulSameBitsOnAnyCores checks that the parallel product does not
// depend on the number of cores.
func TestMatMulSameBitsOnAnyCores(t *testing.T) {
	rng := NewRNG(2)
	for _, s := range [][3]int{{64, 64, 64}, {300, 700, 200}, {8, 9, 25088}, {130, 1000, 70}} {
		a, b := RandN(rng, s[0], s[1]), RandN(rng, s[1], s[2])
		var outs [][]float64
		for _, p := range []int{1, 2, 3, 8} {
			old := runtime.GOMAXPROCS(p)
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
				x, y := a, b
				if tr[0] {
					x = Transpose(a)
				}
				if tr[1] {
					y = Transpose(b)
				}
				dst := New(s[0], s[2])
				MatMulInto(dst, x, y, tr[0], tr[1], 0)
				outs = append(outs, dst.Data)
			}
			runtime.GOMAXPROCS(old)
		}
		for i := 3; i < len(outs); i++ {
			if !slices.Equal(outs[i], outs[i%3]) {
				t.Fatalf("shape %v: the product depends on GOMAXPROCS", s)
			}
		}
	}
}

// TestGemmBetaScalesC runs gemm with beta 0, 1 and 2.5 on C of every
// width up to 40 within rows wider than it (and as wide, where beta 0
// clears the block at once), C starting as NaN for beta 0, and requires
// beta·c followed by the definition's fused multiply-adds, bit for bit,
// with the columns outside untouched.
func TestGemmBetaScalesC(t *testing.T) {
	rng := NewRNG(9)
	for _, beta := range []float64{0, 1, 2.5} {
		for n := 1; n <= 40; n++ {
			for _, pad := range []int{0, 3} {
				m, k, ldc := 5, 3, n+pad
				a, b := RandN(rng, m*k).Data, RandN(rng, k*n).Data
				c := RandN(rng, m*ldc).Data
				if beta == 0 {
					for i := range m {
						for j := range n {
							c[i*ldc+j] = math.NaN()
						}
					}
				}
				want := make([]float64, m*n)
				for i := range m {
					for j := range n {
						if beta != 0 {
							want[i*n+j] = beta * c[i*ldc+j]
							if beta == 1 {
								want[i*n+j] = c[i*ldc+j]
							}
						}
					}
				}
				fmaReference(false, false, m, n, k, a, b, want)
				c0 := append([]float64(nil), c...)
				gemm(false, false, m, n, k, a, k, b, n, beta, c, ldc, false)
				for i := range c {
					r, j := i/ldc, i%ldc
					w := c0[i]
					if j < n {
						w = want[r*n+j]
					}
					if math.Float64bits(c[i]) != math.Float64bits(w) {
						t.Fatalf("beta %v, %d×%d in rows of %d: element (%d, %d) = %v, want %v", beta, m, n, ldc, r, j, c[i], w)
					}
				}
			}
		}
	}
}
