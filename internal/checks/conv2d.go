package checks

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Conv2DImpl holds the learner's functions of the conv2d exercise: a
// multi-channel 2-D convolution layer with stride and zero padding,
// forward and backward. As in every framework's conv layer, it is a
// cross-correlation: the kernel is not flipped.
//
// OutSize(n, k, s, p) is ⌊(n + 2p − k)/s⌋ + 1, the output size along an
// axis of n inputs with a kernel of k, stride s and padding p.
//
// Forward(x, w, b, s, p) takes x of C×H×W, w of F×C×kh×kw and b of F, and
// returns y of F×OH×OW, OH = OutSize(H, kh, s, p), OW = OutSize(W, kw, s, p):
//
//	y[f][i][j] = b[f] + Σ_c Σ_a Σ_b' w[f][c][a][b']·x[c][i·s−p+a][j·s−p+b']
//
// where x is 0 outside 0 ≤ row < H, 0 ≤ col < W (the zero padding).
//
// Backward(x, w, s, p, dy), given dy = ∂L/∂y (F×OH×OW), returns dx (C×H×W),
// dw (F×C×kh×kw) and db (F):
//
//	db[f]          = Σ_i Σ_j dy[f][i][j]
//	dw[f][c][a][b'] = Σ_i Σ_j dy[f][i][j]·x[c][i·s−p+a][j·s−p+b']
//	dx[c][r][q]    = Σ over every (f, i, j, a, b') with i·s−p+a = r and
//	                 j·s−p+b' = q of dy[f][i][j]·w[f][c][a][b']
//
// (dx only at real positions: what falls on the padding is dropped). No
// function changes its arguments.
type Conv2DImpl struct {
	OutSize  func(n, k, s, p int) int
	Forward  func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64
	Backward func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) (dx [][][]float64, dw [][][][]float64, db []float64)
}

// Conv2D runs the checks of the conv2d exercise as sub-tests of t.
func Conv2D(t *testing.T, impl Conv2DImpl) {
	t.Helper()
	report(t, conv2dCases(impl))
}

// CheckConv2D runs the same checks as Conv2D and returns the problems
// found; none means impl passes.
func CheckConv2D(impl Conv2DImpl) []Problem { return collect(conv2dCases(impl)) }

func c2Out(n, k, s, p int) int { return (n+2*p-k)/s + 1 }

// c2Layer is one layer: input, weights, bias, stride, padding and an
// upstream gradient.
type c2Layer struct {
	x    [][][]float64
	w    [][][][]float64
	b    []float64
	s, p int
	dy   [][][]float64
	name string // "" for a small case whose values the messages show
}

// c2Variant is a known mistake; the zero value is right.
type c2Variant struct {
	flip        bool // the kernel turned 180° (true convolution)
	lastChannel bool // forward: channels not summed, the last one kept
	noPadShift  bool // windows start at i·s, not i·s−p
	stride1     bool // windows start at i−p, the stride ignored
	noBias      bool
	dbMean      bool // db averaged over positions
	dbLast      bool // db = the last position's dy, not the sum
	overwrite   bool // dx[c][r][q] = …, not +=
	dxNoShift   bool // dx cropped from the padded gradient at 0, not at p
	dxLastF     bool // dx from the last filter only
}

func (l c2Layer) dims() (C, H, W, F, kh, kw int) {
	return len(l.x), len(l.x[0]), len(l.x[0][0]), len(l.w), len(l.w[0][0]), len(l.w[0][0][0])
}

func (l c2Layer) start(i int, v c2Variant) int {
	s := l.s
	if v.stride1 {
		s = 1
	}
	if v.noPadShift {
		return i * s
	}
	return i*s - l.p
}

func (l c2Layer) kernel(f, c, a, b int, v c2Variant) float64 {
	k := l.w[f][c]
	if v.flip {
		return k[len(k)-1-a][len(k[0])-1-b]
	}
	return k[a][b]
}

func c2Zeros3(a, b, c int) [][][]float64 {
	t := make([][][]float64, a)
	for i := range t {
		t[i] = convZeros(b, c)
	}
	return t
}

func c2Zeros4(a, b, c, d int) [][][][]float64 {
	t := make([][][][]float64, a)
	for i := range t {
		t[i] = c2Zeros3(b, c, d)
	}
	return t
}

func (l c2Layer) forward(v c2Variant) [][][]float64 {
	C, H, W, F, kh, kw := l.dims()
	y := c2Zeros3(F, c2Out(H, kh, l.s, l.p), c2Out(W, kw, l.s, l.p))
	for f := range y {
		for i := range y[f] {
			for j := range y[f][i] {
				r0, q0 := l.start(i, v), l.start(j, v)
				sum := 0.0
				for c := range C {
					part := 0.0
					for a := range kh {
						for b := range kw {
							if r, q := r0+a, q0+b; r >= 0 && r < H && q >= 0 && q < W {
								part += l.kernel(f, c, a, b, v) * l.x[c][r][q]
							}
						}
					}
					if v.lastChannel {
						sum = part
					} else {
						sum += part
					}
				}
				if !v.noBias {
					sum += l.b[f]
				}
				y[f][i][j] = sum
			}
		}
	}
	return y
}

// c2Grads are the three results of Backward.
type c2Grads struct {
	dx [][][]float64
	dw [][][][]float64
	db []float64
}

func (l c2Layer) backward(v c2Variant) c2Grads {
	C, H, W, F, kh, kw := l.dims()
	g := c2Grads{dx: c2Zeros3(C, H, W), dw: c2Zeros4(F, C, kh, kw), db: make([]float64, F)}
	for f := range l.dy {
		for i := range l.dy[f] {
			for j := range l.dy[f][i] {
				d := l.dy[f][i][j]
				if v.dbLast {
					g.db[f] = d
				} else {
					g.db[f] += d
				}
				r0, q0 := l.start(i, v), l.start(j, v)
				for c := range C {
					for a := range kh {
						for b := range kw {
							r, q := r0+a, q0+b
							ka, kb := a, b
							if v.flip {
								ka, kb = kh-1-a, kw-1-b
							}
							if r >= 0 && r < H && q >= 0 && q < W {
								g.dw[f][c][ka][kb] += d * l.x[c][r][q]
							}
							if v.dxNoShift {
								r, q = r+l.p, q+l.p
							}
							if r < 0 || r >= H || q < 0 || q >= W || v.dxLastF && f != F-1 {
								continue
							}
							if v.overwrite {
								g.dx[c][r][q] = d * l.w[f][c][ka][kb]
							} else {
								g.dx[c][r][q] += d * l.w[f][c][ka][kb]
							}
						}
					}
				}
			}
		}
		if v.dbMean {
			g.db[f] /= float64(len(l.dy[f]) * len(l.dy[f][0]))
		}
	}
	return g
}

// c2Flat3 and c2Flat4 list a tensor's elements in row-major order with
// their positions, the order the comparisons use.
func c2Flat3(t [][][]float64) []float64 {
	var out []float64
	for _, m := range t {
		out = append(out, convFlat(m)...)
	}
	return out
}

func c2Flat4(t [][][][]float64) []float64 {
	var out []float64
	for _, m := range t {
		out = append(out, c2Flat3(m)...)
	}
	return out
}

func c2Elems3(got, want [][][]float64) []elem {
	var es []elem
	for a := range want {
		for i := range want[a] {
			for j := range want[a][i] {
				es = append(es, elem{fmt.Sprintf("[%d][%d][%d]", a, i, j), got[a][i][j], want[a][i][j]})
			}
		}
	}
	return es
}

func c2Elems4(got, want [][][][]float64) []elem {
	var es []elem
	for f := range want {
		for _, e := range c2Elems3(got[f], want[f]) {
			es = append(es, elem{fmt.Sprintf("[%d]%s", f, e.index), e.got, e.want})
		}
	}
	return es
}

// c2Shape returns the dims of a nested slice of rank len(want) if it is
// rectangular, with ok false when it is nil or ragged.
func c2Shape3(t [][][]float64) ([]int, bool) {
	if t == nil {
		return nil, false
	}
	sh := []int{len(t), 0, 0}
	for a, m := range t {
		if a == 0 && len(m) > 0 {
			sh[1], sh[2] = len(m), len(m[0])
		}
		if len(m) != sh[1] {
			return sh, false
		}
		for _, r := range m {
			if len(r) != sh[2] {
				return sh, false
			}
		}
	}
	return sh, true
}

func c2Shape4(t [][][][]float64) ([]int, bool) {
	if t == nil {
		return nil, false
	}
	sh := []int{len(t), 0, 0, 0}
	for f, m := range t {
		s, ok := c2Shape3(m)
		if !ok {
			return sh, false
		}
		if f == 0 {
			copy(sh[1:], s)
		} else if s[0] != sh[1] || s[1] != sh[2] || s[2] != sh[3] {
			return sh, false
		}
	}
	return sh, true
}

func dimString(sh []int) string {
	parts := make([]string, len(sh))
	for i, d := range sh {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// shapeProblem says how a tensor of shape got (ok false: nil or ragged)
// differs from want, or "".
func shapeProblem(got []int, ok bool, want []int) string {
	switch {
	case got == nil:
		return "is nil, want " + dimString(want)
	case !ok:
		return "is ragged (its rows or planes differ in length), want " + dimString(want)
	case dimString(got) != dimString(want):
		return "has shape " + dimString(got) + ", want " + dimString(want)
	}
	return ""
}

// c2SizeMistakes are wrong output-size formulas with their hints.
var c2SizeMistakes = []struct {
	hint string
	f    func(n, k, s, p int) int
}{
	{"you forgot the +1: the first window sits at −p, and ⌊(n+2p−k)/s⌋ more fit after it: ⌊(n+2p−k)/s⌋ + 1.",
		func(n, k, s, p int) int { return (n + 2*p - k) / s }},
	{"the padding counts on both sides: the padded input has n + 2p positions, so ⌊(n+2p−k)/s⌋ + 1, not n + p.",
		func(n, k, s, p int) int { return (n+p-k)/s + 1 }},
	{"the padding is ignored: the padded input has n + 2p positions, so ⌊(n+2p−k)/s⌋ + 1.",
		func(n, k, s, p int) int { return (n-k)/s + 1 }},
	{"the stride is ignored: windows start at −p, −p+s, −p+2s, …, so there are ⌊(n+2p−k)/s⌋ + 1 of them, not n+2p−k+1.",
		func(n, k, s, p int) int { return n + 2*p - k + 1 }},
	{"a window that would run past the padded edge is dropped (floor, not ceiling): ⌊(n+2p−k)/s⌋ + 1.",
		func(n, k, s, p int) int { return (n+2*p-k+s-1)/s + 1 }},
	{"the +1 goes outside the division: ⌊(n+2p−k)/s⌋ + 1, not ⌊(n+2p−k+1)/s⌋.",
		func(n, k, s, p int) int { return (n + 2*p - k + 1) / s }},
}

// c2SizeHint names the mistakes behind outputs of size got along axes
// of n inputs with kernels of k (all four lists the same length): the
// wrong formulas that give every one of them, or, when none does, those
// that give the first wrong one.
func c2SizeHint(got, n, k []int, s, p []int) string {
	bad := -1
	for i := range got {
		if got[i] != c2Out(n[i], k[i], s[i], p[i]) {
			bad = i
			break
		}
	}
	if bad < 0 {
		return ""
	}
	var all, first []string
	for _, m := range c2SizeMistakes {
		every := true
		for i := range got {
			every = every && m.f(n[i], k[i], s[i], p[i]) == got[i]
		}
		if every {
			all = append(all, m.hint)
		}
		if m.f(n[bad], k[bad], s[bad], p[bad]) == got[bad] {
			first = append(first, m.hint)
		}
	}
	if len(all) == 0 {
		all = first
	}
	if len(all) == 0 {
		return fmt.Sprintf("with n = %d, k = %d, s = %d and p = %d the size is ⌊(n+2p−k)/s⌋ + 1 = %d.",
			n[bad], k[bad], s[bad], p[bad], c2Out(n[bad], k[bad], s[bad], p[bad]))
	}
	if len(all) > 1 {
		return "one of these (they agree on these sizes): " + strings.Join(all, " Or: ")
	}
	return all[0]
}

func (l c2Layer) given(withB, withDy bool) []string {
	C, H, W, F, kh, kw := l.dims()
	sp := fmt.Sprintf("s = %d, p = %d", l.s, l.p)
	if l.name != "" {
		return []string{fmt.Sprintf("%s: x %d×%d×%d, w %d×%d×%d×%d, %s", l.name, C, H, W, F, C, kh, kw, sp)}
	}
	var g []string
	for c := range l.x {
		g = append(g, fmt.Sprintf("x[%d] = %s", c, matString(l.x[c])))
	}
	for f := range l.w {
		for c := range l.w[f] {
			g = append(g, fmt.Sprintf("w[%d][%d] = %s", f, c, matString(l.w[f][c])))
		}
	}
	if withB {
		g = append(g, "b = "+vecString(l.b))
	}
	g = append(g, sp)
	if withDy {
		for f := range l.dy {
			g = append(g, fmt.Sprintf("dy[%d] = %s", f, matString(l.dy[f])))
		}
	}
	return g
}

// withDy fills in dy: distinct values, none of them 0.
func (l c2Layer) withDy() c2Layer {
	if l.dy == nil {
		_, H, W, F, kh, kw := l.dims()
		l.dy = c2Zeros3(F, c2Out(H, kh, l.s, l.p), c2Out(W, kw, l.s, l.p))
		n := 0
		for f := range l.dy {
			for i := range l.dy[f] {
				for j := range l.dy[f][i] {
					n++
					l.dy[f][i][j] = float64(n) * 0.25 * (1 - 2*float64(n%2))
				}
			}
		}
	}
	return l
}

func randomC2(r *rand.Rand, C, H, W, F, kh, kw, s, p int, name string) c2Layer {
	l := c2Layer{x: make([][][]float64, C), w: make([][][][]float64, F), b: randVec(r, F, -1, 1), s: s, p: p, name: name}
	for c := range l.x {
		l.x[c] = randMat(r, H, W, -1, 1)
	}
	for f := range l.w {
		l.w[f] = make([][][]float64, C)
		for c := range l.w[f] {
			l.w[f][c] = randMat(r, kh, kw, -1, 1)
		}
	}
	oh, ow := c2Out(H, kh, s, p), c2Out(W, kw, s, p)
	l.dy = make([][][]float64, F)
	for f := range l.dy {
		l.dy[f] = randMat(r, oh, ow, -1, 1)
	}
	return l
}

const (
	c2SizeHintText = "OutSize(n, k, s, p) = ⌊(n + 2p − k)/s⌋ + 1 (integer division rounds down)."
	c2ForwardHint  = "y[f][i][j] = b[f] + Σ_c Σ_a Σ_b' w[f][c][a][b']·x[c][i·s−p+a][j·s−p+b'], x being 0 outside the image; " +
		"y is F×OH×OW."
	c2DbHint = "db[f] = Σ_i Σ_j dy[f][i][j]: b[f] is added at every output position of filter f, so its gradient is the sum over them."
	c2DwHint = "dw[f][c][a][b'] = Σ_i Σ_j dy[f][i][j]·x[c][i·s−p+a][j·s−p+b'] (0 where that falls on the padding): " +
		"the input each weight met, times the gradient of the output it made."
	c2DxHint = "dx[c][r][q] adds dy[f][i][j]·w[f][c][a][b'] for every filter f and output (i, j) whose window put " +
		"w[f][c][a][b'] on x[c][r][q] (r = i·s−p+a, q = j·s−p+b'); dx has x's shape C×H×W."
)

var c2ForwardMistakes = []struct {
	hint string
	v    c2Variant
}{
	{"that is true convolution, with each kernel turned 180°; a conv layer computes cross-correlation: " +
		"w[f][c][a][b'] multiplies x[c][i·s−p+a][j·s−p+b'], no flip.", c2Variant{flip: true}},
	{"only the last input channel counts: y[f][i][j] sums over every channel c (Σ_c), so accumulate with += across channels.",
		c2Variant{lastChannel: true}},
	{"the window of output (i, j) starts at (i·s − p, j·s − p): with padding p the first window begins p positions " +
		"before the image (you padded only the bottom and right).", c2Variant{noPadShift: true}},
	{"the window of output (i, j) starts at (i·s − p, j·s − p): multiply by the stride s.", c2Variant{stride1: true}},
	{"the bias is missing: add b[f] to every output of filter f.", c2Variant{noBias: true}},
}

func (l c2Layer) backMistakes() []struct {
	hint string
	g    c2Grads
} {
	type m = struct {
		hint string
		g    c2Grads
	}
	return []m{
		{"db is averaged over the positions: b[f] is added at every position with weight 1, so db[f] is the plain sum " +
			"Σ_i Σ_j dy[f][i][j].", l.backward(c2Variant{dbMean: true})},
		{"db[f] is only the last position's dy: sum (+=) over every output position i, j of filter f.",
			l.backward(c2Variant{dbLast: true})},
		{"the gradients are those of true convolution (kernel turned 180°): the forward is a cross-correlation, " +
			"w[f][c][a][b'] met x[c][i·s−p+a][j·s−p+b'].", l.backward(c2Variant{flip: true})},
		{"where windows overlap, one input position gets gradient from several outputs and filters: " +
			"dx[c][r][q] += dy[f][i][j]·w[f][c][a][b'], not =.", l.backward(c2Variant{overwrite: true})},
		{"dx is cropped from the gradient of the padded input at the wrong place: the real image starts p positions in, " +
			"so drop the first p and last p rows and columns (dxpad[c][r+p][q+p]), not the last 2p.",
			l.backward(c2Variant{dxNoShift: true})},
		{"dx comes from the last filter only: every filter f used x, so dx sums over f.", l.backward(c2Variant{dxLastF: true})},
		{"the window of output (i, j) starts at (i·s − p, j·s − p) in the backward too: multiply by the stride s.",
			l.backward(c2Variant{stride1: true})},
		{"the window of output (i, j) starts at (i·s − p, j·s − p) in the backward too: shift by the padding p.",
			l.backward(c2Variant{noPadShift: true})},
	}
}

var c2Parts = []string{"db", "dw", "dx"}

func (g c2Grads) flat(part string) []float64 {
	switch part {
	case "dx":
		return c2Flat3(g.dx)
	case "dw":
		return c2Flat4(g.dw)
	}
	return g.db
}

func c2Clone(l c2Layer) c2Layer {
	m := l
	m.x = make([][][]float64, len(l.x))
	for c := range l.x {
		m.x[c] = convClone(l.x[c])
	}
	m.w = make([][][][]float64, len(l.w))
	for f := range l.w {
		m.w[f] = make([][][]float64, len(l.w[f]))
		for c := range l.w[f] {
			m.w[f][c] = convClone(l.w[f][c])
		}
	}
	m.b = append([]float64(nil), l.b...)
	return m
}

// c2Freeze snapshots every row of the layer's tensors.
func (l c2Layer) freeze(withB, withDy bool) frozen {
	var names []string
	var rows [][]float64
	for c := range l.x {
		for i, r := range l.x[c] {
			names, rows = append(names, fmt.Sprintf("x[%d][%d]", c, i)), append(rows, r)
		}
	}
	for f := range l.w {
		for c := range l.w[f] {
			for a, r := range l.w[f][c] {
				names, rows = append(names, fmt.Sprintf("w[%d][%d][%d]", f, c, a)), append(rows, r)
			}
		}
	}
	if withB {
		names, rows = append(names, "b"), append(rows, l.b)
	}
	if withDy {
		for f := range l.dy {
			for i, r := range l.dy[f] {
				names, rows = append(names, fmt.Sprintf("dy[%d][%d]", f, i)), append(rows, r)
			}
		}
	}
	return freeze(names, rows...)
}

var (
	// c2Hand: two channels, two filters, stride 1, no padding.
	c2Hand = c2Layer{
		x: [][][]float64{
			{{1, 2, 0}, {0, 1, 3}, {2, 1, 1}},
			{{0, 1, 1}, {2, 0, 1}, {1, 1, 0}},
		},
		w: [][][][]float64{
			{{{1, 0}, {0, -1}}, {{0, 2}, {1, 0}}},
			{{{0, 1}, {1, 1}}, {{-1, 0}, {0, 0}}},
		},
		b: []float64{0.5, -1}, s: 1, p: 0,
	}
	// c2StridePad: one channel in, one filter, stride 2, padding 1 on 4×5.
	c2StridePad = c2Layer{
		x: [][][]float64{{{1, 2, 0, 1, 3}, {0, 1, 3, 2, 1}, {2, 1, 1, 0, 2}, {1, 0, 2, 1, 1}}},
		w: [][][][]float64{{{{1, 0, 2}, {0, -1, 0}, {1, 1, 0}}}},
		b: []float64{0.25}, s: 2, p: 1,
	}
	// c2Overlap: k = 3, s = 1, p = 1 ("same" convolution), two channels in.
	c2Overlap = c2Layer{
		x: [][][]float64{{{1, 0, 2}, {0, 3, 1}, {2, 1, 0}}, {{0, 1, 0}, {1, 0, 1}, {2, 0, 1}}},
		w: [][][][]float64{{{{1, 2, 0}, {0, 1, -1}, {1, 0, 0}}, {{0, 0, 1}, {2, 0, 0}, {0, -1, 1}}}},
		b: []float64{1}, s: 1, p: 1,
	}
)

func conv2dCases(impl Conv2DImpl) []testCase {
	size := funcOf("conv2d.OutSize", impl.OutSize)
	fwd := funcOf("conv2d.Forward", impl.Forward)
	back := funcOf("conv2d.Backward", impl.Backward)
	r := newRand(13)
	const seeded = "a seeded random layer (the same every run)"
	var random []c2Layer
	for _, d := range [][8]int{{3, 7, 6, 2, 3, 3, 2, 1}, {2, 5, 5, 3, 3, 3, 1, 1}, {1, 6, 7, 2, 2, 3, 2, 0},
		{2, 8, 6, 2, 3, 2, 3, 2}, {4, 4, 4, 1, 1, 1, 1, 0}, {2, 5, 4, 3, 5, 4, 1, 0}} {
		random = append(random, randomC2(r, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], seeded))
	}
	fdLayer := randomC2(r, 2, 5, 6, 2, 3, 3, 2, 1, seeded)

	sizes := [][4]int{{5, 3, 1, 0}, {5, 3, 1, 1}, {7, 3, 2, 1}, {8, 3, 2, 1}, {6, 2, 2, 0}, {10, 4, 3, 2}, {4, 5, 1, 2}, {7, 1, 3, 0}, {28, 5, 1, 2}}
	forward := func(c *ctx, l c2Layer) bool {
		keep := l.freeze(true, false)
		var got [][][]float64
		if !call(c, fwd, func() { got = impl.Forward(l.x, l.w, l.b, l.s, l.p) }) || !keep.verify(c, fwd) {
			return false
		}
		want := l.forward(c2Variant{})
		what := fmt.Sprintf("Forward(x, w, b, %d, %d)", l.s, l.p)
		e := expect{fn: fwd, what: what, at: "y", given: l.given(true, false), tol: exactTol, hint: c2ForwardHint}
		gs, ok := c2Shape3(got)
		ws, _ := c2Shape3(want)
		if msg := shapeProblem(gs, ok, ws); msg != "" {
			hint := c2ForwardHint
			_, H, W, _, kh, kw := l.dims()
			if ok && gs[0] == ws[0] {
				hint = c2SizeHint(gs[1:], []int{H, W}, []int{kh, kw}, []int{l.s, l.s}, []int{l.p, l.p})
			} else if ok {
				hint = "y has one plane per filter: F×OH×OW, F = len(w)."
			}
			e.fail(c, what+" "+msg+".", hint)
			return false
		}
		for _, m := range c2ForwardMistakes {
			e.mistakes = append(e.mistakes, mistake{m.hint, c2Flat3(l.forward(m.v))})
		}
		return e.elems(c, c2Elems3(got, want))
	}
	backOf := func(c *ctx, l c2Layer) (c2Grads, bool) {
		keep := l.freeze(false, true)
		var g c2Grads
		ok := call(c, back, func() { g.dx, g.dw, g.db = impl.Backward(l.x, l.w, l.s, l.p, l.dy) })
		return g, ok && keep.verify(c, back)
	}
	hints := map[string]string{"db": c2DbHint, "dw": c2DwHint, "dx": c2DxHint}
	compare := func(c *ctx, l c2Layer, got, want c2Grads, t tol, only string, extra []mistake) bool {
		for _, part := range c2Parts {
			if only != "" && part != only {
				continue
			}
			var ms []mistake
			for _, m := range l.backMistakes() {
				ms = append(ms, mistake{m.hint, m.g.flat(part)})
			}
			e := expect{fn: back, what: part, at: part, given: l.given(false, true), tol: t,
				mistakes: append(extra, ms...), hint: hints[part]}
			var ok bool
			switch part {
			case "dx":
				gs, rect := c2Shape3(got.dx)
				ws, _ := c2Shape3(want.dx)
				if msg := shapeProblem(gs, rect, ws); msg != "" {
					hint := c2DxHint
					if rect && gs[0] == ws[0] && gs[1] == ws[1]+2*l.p && gs[2] == ws[2]+2*l.p && l.p > 0 {
						hint = "dx includes the padding region: the padding is not an input, so drop its p rows and " +
							"columns on every side (keep dxpad[c][r+p][q+p]); dx has x's shape C×H×W."
					}
					e.fail(c, "dx "+msg+".", hint)
					return false
				}
				ok = e.elems(c, c2Elems3(got.dx, want.dx))
			case "dw":
				gs, rect := c2Shape4(got.dw)
				ws, _ := c2Shape4(want.dw)
				if msg := shapeProblem(gs, rect, ws); msg != "" {
					e.fail(c, "dw "+msg+".", c2DwHint)
					return false
				}
				ok = e.elems(c, c2Elems4(got.dw, want.dw))
			default:
				ok = e.vec(c, got.db, want.db)
			}
			if !ok {
				return false
			}
		}
		return true
	}
	backward := func(c *ctx, l c2Layer) bool {
		l = l.withDy()
		got, ok := backOf(c, l)
		return ok && compare(c, l, got, l.backward(c2Variant{}), exactTol, "", nil)
	}
	// vsSlope compares one part of Backward with the finite-difference
	// slope of L = Σ dy ⊙ Forward(x, w, b, s, p), computed with the
	// learner's own Forward.
	vsSlope := func(c *ctx, part string) {
		l := fdLayer
		got, ok := backOf(c, l)
		if !ok {
			return
		}
		m := c2Clone(l)
		var y [][][]float64
		if !call(c, fwd, func() { y = impl.Forward(m.x, m.w, m.b, m.s, m.p) }) {
			return
		}
		gs, rect := c2Shape3(y)
		ws, _ := c2Shape3(l.dy)
		if msg := shapeProblem(gs, rect, ws); msg != "" {
			expect{fn: fwd}.fail(c, fmt.Sprintf("the finite-difference check of Backward needs Forward, and Forward(x, w, b, %d, %d) %s.",
				l.s, l.p, msg), "fix Forward first: "+c2ForwardHint)
			return
		}
		loss := func() float64 {
			y := impl.Forward(m.x, m.w, m.b, m.s, m.p)
			s := 0.0
			for f := range l.dy {
				for i := range l.dy[f] {
					for j := range l.dy[f][i] {
						s += l.dy[f][i][j] * y[f][i][j]
					}
				}
			}
			return s
		}
		var fd c2Grads
		if !call(c, fwd, func() {
			switch part {
			case "dx":
				fd.dx = make([][][]float64, len(m.x))
				for c := range m.x {
					for _, row := range m.x[c] {
						fd.dx[c] = append(fd.dx[c], centralDiff(loss, row))
					}
				}
			case "dw":
				fd.dw = make([][][][]float64, len(m.w))
				for f := range m.w {
					fd.dw[f] = make([][][]float64, len(m.w[f]))
					for c := range m.w[f] {
						for _, row := range m.w[f][c] {
							fd.dw[f][c] = append(fd.dw[f][c], centralDiff(loss, row))
						}
					}
				}
			default:
				fd.db = centralDiff(loss, m.b)
			}
		}) {
			return
		}
		right := mistake{"your Backward is right; it is the slope of your Forward that is wrong: fix Forward first.",
			l.backward(c2Variant{}).flat(part)}
		compare(c, l, got, fd, fdTol, part, []mistake{right})
	}
	cases := []testCase{
		{"OutSize_formula", func(c *ctx) {
			var got, ns, ks, ss, ps []int
			for _, n := range sizes {
				var g int
				if !call(c, size, func() { g = impl.OutSize(n[0], n[1], n[2], n[3]) }) {
					return
				}
				got, ns, ks, ss, ps = append(got, g), append(ns, n[0]), append(ks, n[1]), append(ss, n[2]), append(ps, n[3])
			}
			for i, n := range sizes {
				if want := c2Out(n[0], n[1], n[2], n[3]); got[i] != want {
					e := expect{fn: size}
					e.fail(c, fmt.Sprintf("OutSize(%d, %d, %d, %d) = %d, want %d.", n[0], n[1], n[2], n[3], got[i], want),
						c2SizeHint(got, ns, ks, ss, ps))
					return
				}
			}
		}},
		{"Forward_hand_computed", func(c *ctx) { forward(c, c2Hand) }},
		{"Forward_stride_and_padding", func(c *ctx) { _ = forward(c, c2StridePad) && forward(c, c2Overlap) }},
		{"Forward_random_shapes", func(c *ctx) {
			for _, l := range random {
				if !forward(c, l) {
					return
				}
			}
		}},
		{"Backward_hand_computed", func(c *ctx) { backward(c, c2Hand) }},
		{"Backward_stride_and_padding", func(c *ctx) { _ = backward(c, c2StridePad) && backward(c, c2Overlap) }},
		{"Backward_random_shapes", func(c *ctx) {
			for _, l := range random {
				if !backward(c, l) {
					return
				}
			}
		}},
	}
	for _, part := range c2Parts {
		cases = append(cases, testCase{"Backward_" + part + "_vs_finite_differences", func(c *ctx) { vsSlope(c, part) }})
	}
	return cases
}
