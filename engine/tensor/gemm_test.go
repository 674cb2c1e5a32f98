package tensor

import (
	"math"
	"runtime"
	"slices"
	"strings"
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

// TestMatMulBiasIntoSameBits runs MatMulBiasInto on random shapes (empty
// ones and k = 0 included), with and without a bias and ReLU, on every
// kernel this CPU has, dst starting as NaN, and requires the bits of
// MatMulInto followed by adding the bias to every row and max(·, 0).
func TestMatMulBiasIntoSameBits(t *testing.T) {
	ks := gemmKernels()
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(0, 140).Draw(rt, "m"), rapid.IntRange(0, 90).Draw(rt, "k"), rapid.IntRange(0, 140).Draw(rt, "n")
		withBias, relu := rapid.Bool().Draw(rt, "bias"), rapid.Bool().Draw(rt, "relu")
		kn := ks[rapid.IntRange(0, len(ks)-1).Draw(rt, "kernel")]
		rng := NewRNG(uint64(m*1000000 + k*1000 + n))
		a, b := RandN(rng, m, k), RandN(rng, k, n)
		var bias *Tensor
		if withBias {
			bias = RandN(rng, n)
		}
		got, want := Full(math.NaN(), m, n), Full(math.NaN(), m, n)
		withKernel(kn, func() {
			MatMulBiasInto(got, a, b, bias, relu)
			MatMulInto(want, a, b, false, false, 0)
		})
		for i := range m {
			for j := range n {
				v := want.Data[i*n+j]
				if bias != nil {
					v += bias.Data[j]
				}
				if relu {
					v = max(v, 0)
				}
				want.Data[i*n+j] = v
			}
		}
		for i := range want.Data {
			if math.Float64bits(got.Data[i]) != math.Float64bits(want.Data[i]) {
				rt.Fatalf("[%d %d %d] bias=%v relu=%v %s kernel: element %d = %v, want %v", m, k, n, withBias, relu, kn.name, i, got.Data[i], want.Data[i])
			}
		}
	})
}

func TestMatMulBiasIntoPanicsOnShapes(t *testing.T) {
	for _, c := range []struct {
		dst, a, b, bias []int
		want            string
	}{
		{[]int{2, 3}, []int{2, 4}, []int{5, 3}, nil, "[2 4] and [5 3]"},
		{[]int{3, 3}, []int{2, 4}, []int{4, 3}, nil, "destination shape [3 3]"},
		{[]int{2, 3}, []int{2, 4}, []int{4, 3}, []int{4}, "bias shape [4]"},
		{[]int{2, 3}, []int{2, 4}, []int{4, 3}, []int{1, 3}, "bias shape [1 3]"},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, c.want) || !strings.Contains(s, "MatMulBias") {
					t.Errorf("shapes %v = %v·%v + %v: panic %v, want one naming %q", c.dst, c.a, c.b, c.bias, r, c.want)
				}
			}()
			var bias *Tensor
			if c.bias != nil {
				bias = New(c.bias...)
			}
			MatMulBiasInto(New(c.dst...), New(c.a...), New(c.b...), bias, false)
		}()
	}
}
