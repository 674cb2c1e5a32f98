package intgrad

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement intgrad."

type igFn = func(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) ([]float64, float64)

// opts are the places where integrated gradients commonly go wrong.
type opts struct {
	first, last func(m int) int // the range of k
	noDiff      bool            // the (x − x′) factor forgotten
	noBaseline  bool            // the baseline taken as 0
	gradInput   bool            // x·∇f(x)
	gapNoBase   bool            // gap = Σ attr − f(x)
	gapFlipped  bool            // gap = (f(x) − f(x′)) − Σ attr
}

// wrong is IntegratedGradients with the mistakes of o.
func wrong(o opts) igFn {
	return func(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) ([]float64, float64) {
		D := len(x)
		x0 := baseline
		if o.noBaseline {
			x0 = make([]float64, D)
		}
		first, last := 1, m
		if o.first != nil {
			first, last = o.first(m), o.last(m)
		}
		sum, pt := make([]float64, D), make([]float64, D)
		for k := first; k <= last; k++ {
			for i := range pt {
				pt[i] = x0[i] + float64(k)/float64(m)*(x[i]-x0[i])
			}
			for i, g := range Gradient(W1, b1, w2, b2, pt) {
				sum[i] += g
			}
		}
		attr, total := make([]float64, D), 0.0
		for i := range attr {
			attr[i] = sum[i] / float64(m)
			if !o.noDiff {
				attr[i] *= x[i] - x0[i]
			}
		}
		if o.gradInput {
			for i, g := range Gradient(W1, b1, w2, b2, x) {
				attr[i] = x[i] * g
			}
		}
		for _, a := range attr {
			total += a
		}
		fx, f0 := Forward(W1, b1, w2, b2, x), Forward(W1, b1, w2, b2, baseline)
		switch {
		case o.gapNoBase:
			return attr, total - fx
		case o.gapFlipped:
			return attr, (fx - f0) - total
		}
		return attr, total - (fx - f0)
	}
}

type fwdFn = func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64
type gradFn = func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64

func impl(f fwdFn, g gradFn, ig igFn) checks.IntGradImpl {
	if f == nil {
		f = Forward
	}
	if g == nil {
		g = Gradient
	}
	if ig == nil {
		ig = IntegratedGradients
	}
	return checks.IntGradImpl{Forward: f, Gradient: g, IntegratedGradients: ig}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.IntGradImpl
	want string
}{
	{"Forward stub", impl(func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64 { panic(todo + "Forward") }, nil, nil),
		"not implemented yet: intgrad.Forward"},
	{"Gradient stub", impl(nil, func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64 { panic(todo + "Gradient") }, nil),
		"not implemented yet: intgrad.Gradient"},
	{"IntegratedGradients stub", impl(nil, nil, func(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) ([]float64, float64) {
		panic(todo + "IntegratedGradients")
	}), "not implemented yet: intgrad.IntegratedGradients"},
	{"the right IG reassembled (sanity of the mutant harness)", impl(nil, nil, wrong(opts{})), ""},
	{"Forward without b2", impl(func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64 {
		return Forward(W1, b1, w2, 0, x)
	}, nil, nil), "add b2 at the end"},
	{"Gradient without tanh's derivative", impl(nil, func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64 {
		g := make([]float64, len(x))
		for h := range W1 {
			for i := range g {
				g[i] += w2[h] * W1[h][i]
			}
		}
		return g
	}, nil), "multiply by tanh's derivative"},
	{"left Riemann sum", impl(nil, nil, wrong(opts{first: func(int) int { return 0 }, last: func(m int) int { return m - 1 }})),
		"this is the left Riemann sum"},
	{"m+1 points divided by m", impl(nil, nil, wrong(opts{first: func(int) int { return 0 }, last: func(m int) int { return m }})),
		"count one point too many"},
	{"(x − x′) forgotten", impl(nil, nil, wrong(opts{noDiff: true})), "multiply by (xᵢ − x′ᵢ)"},
	{"gradient × input", impl(nil, nil, wrong(opts{gradInput: true})), "gradient × input"},
	{"baseline ignored", impl(nil, nil, wrong(opts{noBaseline: true})), "use the baseline"},
	{"gap without f(x′)", impl(nil, nil, wrong(opts{gapNoBase: true})), "subtract f at the baseline too"},
	{"gap with the sign flipped", impl(nil, nil, wrong(opts{gapFlipped: true})), "in that order"},
	{"IntegratedGradients changes the baseline", impl(nil, nil, func(W1 [][]float64, b1, w2 []float64, b2 float64, x, baseline []float64, m int) ([]float64, float64) {
		attr, gap := IntegratedGradients(W1, b1, w2, b2, x, baseline, m)
		baseline[0] = math.Nextafter(baseline[0], 10)
		return attr, gap
	}), "changed its argument baseline[0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			p := checks.CheckIntGrad(m.impl)
			if m.want == "" {
				if len(p) != 0 {
					t.Fatalf("the mutants' own IG, with no mistake, fails:\n%s", checks.Summary(p))
				}
				return
			}
			checks.Catches(t, p, m.want)
		})
	}
}
