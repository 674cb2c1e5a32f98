package conv

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement conv.Conv2D"

func with(f func(*checks.ConvImpl)) checks.ConvImpl {
	impl := checks.ConvImpl{Conv2D: Conv2D, KernelGrad: KernelGrad, InputGrad: InputGrad}
	f(&impl)
	return impl
}

// correlateWith is Conv2D reading the kernel through at and making an
// output of (H−kh+1+grow)×(W−kw+1+grow): the skeleton of the mutants.
func correlateWith(x, k [][]float64, grow int, at func(k [][]float64, a, b int) float64) [][]float64 {
	kh, kw := len(k), len(k[0])
	y := newMatrix(len(x)-kh+1+grow, len(x[0])-kw+1+grow)
	for i := range y {
		for j := range y[i] {
			for a := range kh {
				for b := range kw {
					y[i][j] += x[i+a][j+b] * at(k, a, b)
				}
			}
		}
	}
	return y
}

func plain(k [][]float64, a, b int) float64   { return k[a][b] }
func turned(k [][]float64, a, b int) float64  { return k[len(k)-1-a][len(k[0])-1-b] }
func swapped(k [][]float64, a, b int) float64 { return k[b][a] }

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.ConvImpl
	want string
}{
	{"stub", with(func(m *checks.ConvImpl) { m.Conv2D = func(x, k [][]float64) [][]float64 { panic(todo) } }),
		"not implemented yet: conv.Conv2D"},
	{"flipped kernel: true convolution", with(func(m *checks.ConvImpl) {
		m.Conv2D = func(x, k [][]float64) [][]float64 { return correlateWith(x, k, 0, turned) }
	}), "that is true convolution"},
	{"output one too small", with(func(m *checks.ConvImpl) {
		m.Conv2D = func(x, k [][]float64) [][]float64 { return correlateWith(x, k, -1, plain) }
	}), "Conv2D(x, k) has shape 2×2, want 3×3"},
	{"output one too large", with(func(m *checks.ConvImpl) {
		m.Conv2D = func(x, k [][]float64) [][]float64 { return correlateWith(x, k, 1, plain) }
	}), "index out of range"},
	{"transposed kernel indices", with(func(m *checks.ConvImpl) {
		m.Conv2D = func(x, k [][]float64) [][]float64 { return correlateWith(x, k, 0, swapped) }
	}), "the kernel's indices are exchanged"},
	{"kernel grad with transposed indices", with(func(m *checks.ConvImpl) {
		m.KernelGrad = func(x, dy [][]float64) [][]float64 {
			kh, kw := len(x)-len(dy)+1, len(x[0])-len(dy[0])+1
			dk := newMatrix(kh, kw)
			for a := range kh {
				for b := range kw {
					for i := range dy {
						for j := range dy[i] {
							dk[a][b] += dy[i][j] * x[i+b][j+a]
						}
					}
				}
			}
			return dk
		}
	}), "rows and columns are exchanged"},
	{"kernel grad with dy turned", with(func(m *checks.ConvImpl) {
		m.KernelGrad = func(x, dy [][]float64) [][]float64 { return correlateWith(x, dy, 0, turned) }
	}), "dy is turned 180°"},
	{"input grad without the flip", with(func(m *checks.ConvImpl) {
		m.InputGrad = func(k, dy [][]float64) [][]float64 {
			kh, kw := len(k), len(k[0])
			padded := newMatrix(len(dy)+2*(kh-1), len(dy[0])+2*(kw-1))
			for i := range dy {
				copy(padded[i+kh-1][kw-1:], dy[i])
			}
			return correlateWith(padded, k, 0, plain)
		}
	}), "the kernel is not turned"},
	{"input grad as a valid convolution", with(func(m *checks.ConvImpl) {
		m.InputGrad = func(k, dy [][]float64) [][]float64 { return correlateWith(dy, k, 0, turned) }
	}), "dx has x's shape"},
	{"conv changes its input", with(func(m *checks.ConvImpl) {
		m.Conv2D = func(x, k [][]float64) [][]float64 {
			y := Conv2D(x, k)
			x[0][0] = 0
			return y
		}
	}), "changed its argument x[0][0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckConv(m.impl), m.want)
		})
	}
}
