package conv2d

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement conv2d."

type (
	fwdFunc  = func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64
	backFunc = func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64)
)

func withSize(f func(n, k, s, p int) int) checks.Conv2DImpl {
	return checks.Conv2DImpl{OutSize: f, Forward: Forward, Backward: Backward}
}

func withForward(f fwdFunc) checks.Conv2DImpl {
	return checks.Conv2DImpl{OutSize: OutSize, Forward: f, Backward: Backward}
}

func withBackward(f backFunc) checks.Conv2DImpl {
	return checks.Conv2DImpl{OutSize: OutSize, Forward: Forward, Backward: f}
}

// bug is one learner's mistake in the loops below; the zero value is
// right.
type bug struct {
	size        func(n, k, s, p int) int
	flip        bool // kernel turned 180°
	lastChannel bool // y = the last channel's sum only
	noPadShift  bool // window at i·s, not i·s−p
	stride1     bool // window at i−p
	noBias      bool
	dbMean      bool
	overwrite   bool // dx = , not +=
	padded      bool // dx returned with the padding rows and columns
	cropAt0     bool // dx cropped from the padded gradient at 0
}

func (m bug) at(i, s, p int) int {
	if m.stride1 {
		s = 1
	}
	if m.noPadShift {
		p = 0
	}
	return i*s - p
}

func (m bug) forward(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
	size := OutSize
	if m.size != nil {
		size = m.size
	}
	H, W := len(x[0]), len(x[0][0])
	kh, kw := len(w[0][0]), len(w[0][0][0])
	y := zeros3(len(w), size(H, kh, s, p), size(W, kw, s, p))
	for f := range y {
		for i := range y[f] {
			for j := range y[f][i] {
				sum := 0.0
				for c := range x {
					part := 0.0
					for a := range kh {
						for bb := range kw {
							r, q := m.at(i, s, p)+a, m.at(j, s, p)+bb
							if r < 0 || r >= H || q < 0 || q >= W {
								continue
							}
							k := w[f][c][a][bb]
							if m.flip {
								k = w[f][c][kh-1-a][kw-1-bb]
							}
							part += k * x[c][r][q]
						}
					}
					if m.lastChannel {
						sum = part
					} else {
						sum += part
					}
				}
				if !m.noBias {
					sum += b[f]
				}
				y[f][i][j] = sum
			}
		}
	}
	return y
}

// backward computes the gradient of the padded input, dxp, then crops it.
func (m bug) backward(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64) {
	C, H, W := len(x), len(x[0]), len(x[0][0])
	kh, kw := len(w[0][0]), len(w[0][0][0])
	dxp := zeros3(C, H+2*p, W+2*p)
	dw := make([][][][]float64, len(w))
	db := make([]float64, len(w))
	for f := range w {
		dw[f] = zeros3(C, kh, kw)
		for i := range dy[f] {
			for j := range dy[f][i] {
				g := dy[f][i][j]
				db[f] += g
				for c := range C {
					for a := range kh {
						for bb := range kw {
							r, q := m.at(i, s, p)+a, m.at(j, s, p)+bb
							if r+p < 0 || r+p >= H+2*p || q+p < 0 || q+p >= W+2*p {
								continue
							}
							ka, kb := a, bb
							if m.flip {
								ka, kb = kh-1-a, kw-1-bb
							}
							if r >= 0 && r < H && q >= 0 && q < W {
								dw[f][c][ka][kb] += g * x[c][r][q]
							}
							if m.overwrite {
								dxp[c][r+p][q+p] = g * w[f][c][ka][kb]
							} else {
								dxp[c][r+p][q+p] += g * w[f][c][ka][kb]
							}
						}
					}
				}
			}
		}
		if m.dbMean {
			db[f] /= float64(len(dy[f]) * len(dy[f][0]))
		}
	}
	if m.padded {
		return dxp, dw, db
	}
	off := p
	if m.cropAt0 {
		off = 0
	}
	dx := zeros3(C, H, W)
	for c := range dx {
		for r := range dx[c] {
			copy(dx[c][r], dxp[c][r+off][off:off+W])
		}
	}
	return dx, dw, db
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.Conv2DImpl
	want string
}{
	{"OutSize stub", withSize(func(n, k, s, p int) int { panic(todo + "OutSize") }), "not implemented yet: conv2d.OutSize"},
	{"Forward stub", withForward(func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
		panic(todo + "Forward")
	}), "not implemented yet: conv2d.Forward"},
	{"Backward stub", withBackward(func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64) {
		panic(todo + "Backward")
	}), "not implemented yet: conv2d.Backward"},
	{"OutSize without the +1", withSize(func(n, k, s, p int) int { return (n + 2*p - k) / s }), "you forgot the +1"},
	{"OutSize with the padding once", withSize(func(n, k, s, p int) int { return (n+p-k)/s + 1 }), "the padding counts on both sides"},
	{"OutSize ignores the stride", withSize(func(n, k, s, p int) int { return n + 2*p - k + 1 }), "the stride is ignored"},
	{"Forward output size off by one in the stride (ceiling)", withForward(bug{size: func(n, k, s, p int) int {
		return (n+2*p-k+s-1)/s + 1
	}}.forward), "floor, not ceiling"},
	{"Forward output size ignores the padding", withForward(bug{size: func(n, k, s, p int) int { return (n-k)/s + 1 }}.forward),
		"the padding is ignored"},
	{"Forward flips the kernel (true convolution)", withForward(bug{flip: true}.forward), "that is true convolution"},
	{"Forward does not sum the channels", withForward(bug{lastChannel: true}.forward), "only the last input channel counts"},
	{"Forward pads only bottom and right", withForward(bug{noPadShift: true}.forward), "you padded only the bottom and right"},
	{"Forward windows step by 1", withForward(bug{stride1: true}.forward), "multiply by the stride s"},
	{"Forward without the bias", withForward(bug{noBias: true}.forward), "the bias is missing"},
	{"db averaged over positions", withBackward(bug{dbMean: true}.backward), "db is averaged over the positions"},
	{"Backward flips the kernel", withBackward(bug{flip: true}.backward), "those of true convolution"},
	{"dx overwritten where windows overlap", withBackward(bug{overwrite: true}.backward), "not ="},
	{"dx with the padding region", withBackward(bug{padded: true}.backward), "dx includes the padding region"},
	{"dx cropped at 0, not p", withBackward(bug{cropAt0: true}.backward), "cropped from the gradient of the padded input"},
	{"Backward windows step by 1", withBackward(bug{stride1: true}.backward), "in the backward too: multiply by the stride s"},
	{"Backward ignores the padding shift", withBackward(bug{noPadShift: true}.backward), "in the backward too: shift by the padding p"},
	{"Backward's fine, Forward flips (finite differences)", checks.Conv2DImpl{OutSize: OutSize, Forward: bug{flip: true}.forward,
		Backward: Backward}, "that is true convolution"},
	{"Forward changes x", withForward(func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
		y := Forward(x, w, b, s, p)
		x[1][0][2] = 0
		return y
	}), "changed its argument x[1][0][2]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckConv2D(m.impl), m.want)
		})
	}
}

// The mistake helpers are right when no mistake is switched on.
func TestBugZeroIsRight(t *testing.T) {
	checks.Conv2D(t, checks.Conv2DImpl{OutSize: OutSize, Forward: bug{}.forward, Backward: bug{}.backward})
}
