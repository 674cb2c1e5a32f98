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
