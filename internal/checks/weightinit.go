package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// WeightInitImpl holds the learner's functions of the weightinit exercise: the scales
// of the usual weight initialisations, and the layer-by-layer variance of
// a deep network's activations that explains them.
//
// For a weight matrix of fanIn rows and fanOut columns:
//
//	XavierUniformLimit(fanIn, fanOut) = √(6/(fanIn + fanOut))   W ~ U(−a, a)
//	XavierNormalStd(fanIn, fanOut)    = √(2/(fanIn + fanOut))   W ~ N(0, σ²)
//	HeNormalStd(fanIn, fanOut)        = √(2/fanIn)              W ~ N(0, σ²)
//	HeUniformLimit(fanIn, fanOut)     = √(6/fanIn)              W ~ U(−a, a)
//
// (PyTorch's xavier_uniform_, xavier_normal_, and kaiming_normal_ and
// kaiming_uniform_ with mode "fan_in" and the ReLU gain √2.)
//
// LayerVariances(x, r, init, activation) runs x (batch×n₀) through
// len(r) layers without biases, hₗ = act(hₗ₋₁·Wₗ), where Wₗ = r[l]·scale:
// r[l] (nₗ₋₁×nₗ) holds numbers uniform in [−1, 1) when init is
// "xavier_uniform" or "he_uniform" (scale the limit), standard normal
// ones when init is "xavier_normal" or "he_normal" (scale the standard
// deviation), with fanIn = nₗ₋₁ and fanOut = nₗ. act is "tanh" or
// "relu". It returns, for each layer l = 1 … len(r), the variance of all
// the batch×nₗ values of hₗ: (1/N)·Σ(h − mean)² with N = batch·nₗ.
type WeightInitImpl struct {
	XavierUniformLimit func(fanIn, fanOut int) float64
	XavierNormalStd    func(fanIn, fanOut int) float64
	HeNormalStd        func(fanIn, fanOut int) float64
	HeUniformLimit     func(fanIn, fanOut int) float64
	LayerVariances     func(x [][]float64, r [][][]float64, init, activation string) []float64
}

// WeightInit runs the checks of the weightinit exercise as sub-tests of t.
func WeightInit(t *testing.T, impl WeightInitImpl) {
	t.Helper()
	report(t, weightinitCases(impl))
}

// CheckWeightInit runs the same checks as WeightInit and returns the problems found;
// none means impl passes.
func CheckWeightInit(impl WeightInitImpl) []Problem { return collect(weightinitCases(impl)) }

// initScale is the scale of one initialisation as a function of the fans.
type initScale func(fi, fo float64) float64

var initRefs = map[string]initScale{
	"xavier_uniform": func(fi, fo float64) float64 { return math.Sqrt(6 / (fi + fo)) },
	"xavier_normal":  func(fi, fo float64) float64 { return math.Sqrt(2 / (fi + fo)) },
	"he_normal":      func(fi, fo float64) float64 { return math.Sqrt(2 / fi) },
	"he_uniform":     func(fi, fo float64) float64 { return math.Sqrt(6 / fi) },
}

type initMistake struct {
	hint string
	f    initScale
}

const (
	initNoSqrtHint = "take the square root: the formula gives a variance (or the square of a limit); the scale is its square root."
	initSwapHint   = "fanIn and fanOut are swapped: He's initialisation keeps the variance of the forward pass, so it divides by fanIn, " +
		"the number of inputs each unit sums (the rows of W)."
)

// initMistakes are the usual wrong scales of each initialisation, most
// telling first.
var initMistakes = map[string][]initMistake{
	"xavier_uniform": {
		{initNoSqrtHint, func(fi, fo float64) float64 { return 6 / (fi + fo) }},
		{"that is the standard deviation of Glorot's normal init, √(2/(fanIn + fanOut)); U(−a, a) has variance a²/3, " +
			"so the uniform limit is √3 times larger: √(6/(fanIn + fanOut)).", initRefs["xavier_normal"]},
		{"Xavier averages both fans: √(6/(fanIn + fanOut)), not √(6/fanIn) (that is He's uniform limit).", initRefs["he_uniform"]},
		{"take the square root of the whole fraction: √(6/(fanIn + fanOut)), not √6/(fanIn + fanOut).",
			func(fi, fo float64) float64 { return math.Sqrt(6) / (fi + fo) }},
	},
	"xavier_normal": {
		{"Glorot normal's standard deviation is √(2/(fanIn + fanOut)); √(6/(fanIn + fanOut)) is the limit of Glorot uniform " +
			"(a uniform U(−a, a) has standard deviation a/√3).", initRefs["xavier_uniform"]},
		{initNoSqrtHint, func(fi, fo float64) float64 { return 2 / (fi + fo) }},
		{"Xavier averages both fans: √(2/(fanIn + fanOut)), not √(2/fanIn) (that is He's).", initRefs["he_normal"]},
		{"Xavier's variance is 2/(fanIn + fanOut) (1 over the mean of the fans), not 1/(fanIn + fanOut).",
			func(fi, fo float64) float64 { return math.Sqrt(1 / (fi + fo)) }},
	},
	"he_normal": {
		{"He's initialisation has the factor 2: √(2/fanIn). ReLU zeroes half of its inputs, halving the second moment at " +
			"each layer; the 2 makes up for it. √(1/fanIn) is LeCun's.", func(fi, fo float64) float64 { return math.Sqrt(1 / fi) }},
		{initSwapHint, func(fi, fo float64) float64 { return math.Sqrt(2 / fo) }},
		{initNoSqrtHint, func(fi, fo float64) float64 { return 2 / fi }},
		{"that is He's uniform limit √(6/fanIn); the standard deviation of He normal is √(2/fanIn).", initRefs["he_uniform"]},
		{"that is Glorot's √(2/(fanIn + fanOut)); He's uses fanIn alone: √(2/fanIn).", initRefs["xavier_normal"]},
	},
	"he_uniform": {
		{"He's initialisation has the factor 2: the variance is 2/fanIn, so the limit is √(3·2/fanIn) = √(6/fanIn), not √(3/fanIn).",
			func(fi, fo float64) float64 { return math.Sqrt(3 / fi) }},
		{initSwapHint, func(fi, fo float64) float64 { return math.Sqrt(6 / fo) }},
		{initNoSqrtHint, func(fi, fo float64) float64 { return 6 / fi }},
		{"that is He normal's standard deviation √(2/fanIn); U(−a, a) has variance a²/3, so the limit is √(6/fanIn).",
			initRefs["he_normal"]},
	},
}

// varVariant is a known mistake in LayerVariances; the zero value is
// right (scale nil: the reference scale of the init).
type varVariant struct {
	scale      initScale
	noAct      bool // hₗ = hₗ₋₁·Wₗ
	preAct     bool // the variance of hₗ₋₁·Wₗ, before the activation (the next layer still gets act of it)
	sampleVar  bool // divides by N − 1
	meanSquare bool // (1/N)·Σh², the mean is not taken off
	perUnit    bool // the mean over units of each unit's variance over the batch
}

// layerVariances is the reference (or a mistaken) LayerVariances.
func layerVariances(v varVariant, x [][]float64, r [][][]float64, init, act string) []float64 {
	scale := initRefs[init]
	if v.scale != nil {
		scale = v.scale
	}
	h := x
	var out []float64
	for _, rl := range r {
		fi, fo := len(rl), len(rl[0])
		s := scale(float64(fi), float64(fo))
		next := make([][]float64, len(h))
		pre := make([][]float64, len(h))
		for b, row := range h {
			next[b] = make([]float64, fo)
			pre[b] = make([]float64, fo)
			for j := range fo {
				a := 0.0
				for i := range fi {
					a += row[i] * rl[i][j] * s
				}
				pre[b][j] = a
				switch {
				case v.noAct:
					next[b][j] = a
				case act == "relu":
					next[b][j] = math.Max(0, a)
				default:
					next[b][j] = math.Tanh(a)
				}
			}
		}
		measured := next
		if v.preAct {
			measured = pre
		}
		out = append(out, initVariance(v, measured))
		h = next
	}
	return out
}

// initVariance is the population variance of all the values of m (or a
// mistaken one).
func initVariance(v varVariant, m [][]float64) float64 {
	if v.perUnit {
		sum := 0.0
		for j := range m[0] {
			col := make([][]float64, len(m))
			for b := range m {
				col[b] = []float64{m[b][j]}
			}
			sum += initVariance(varVariant{}, col)
		}
		return sum / float64(len(m[0]))
	}
	n, sum, sq := 0.0, 0.0, 0.0
	for _, row := range m {
		for _, x := range row {
			n++
			sum += x
		}
	}
	mean := sum / n
	if v.meanSquare {
		mean = 0
	}
	for _, row := range m {
		for _, x := range row {
			sq += (x - mean) * (x - mean)
		}
	}
	if v.sampleVar {
		return sq / (n - 1)
	}
	return sq / n
}

var varMistakes = []struct {
	hint string
	v    varVariant
}{
	{"the activation is missing: hₗ = act(hₗ₋₁·Wₗ), with act tanh or ReLU as asked.", varVariant{noAct: true}},
	{"measure the activations hₗ = act(hₗ₋₁·Wₗ), after the nonlinearity, not the pre-activations hₗ₋₁·Wₗ.",
		varVariant{preAct: true}},
	{"divide by N, not N − 1: this is the variance of all the layer's values, (1/N)·Σ(h − mean)².", varVariant{sampleVar: true}},
	{"take the mean off: the variance is (1/N)·Σ(h − mean)², not the mean square (1/N)·Σh² (ReLU outputs have a positive mean).",
		varVariant{meanSquare: true}},
	{"one variance over all batch×nₗ values of the layer, (1/N)·Σ(h − mean)² with the mean of them all, not the average of each unit's variance over the batch.",
		varVariant{perUnit: true}},
}

func weightinitCases(impl WeightInitImpl) []testCase {
	fns := map[string]struct {
		fn   Func
		call func(fi, fo int) float64
		name string
	}{
		"xavier_uniform": {funcOf("weightinit.XavierUniformLimit", impl.XavierUniformLimit), func(fi, fo int) float64 { return impl.XavierUniformLimit(fi, fo) }, "XavierUniformLimit"},
		"xavier_normal":  {funcOf("weightinit.XavierNormalStd", impl.XavierNormalStd), func(fi, fo int) float64 { return impl.XavierNormalStd(fi, fo) }, "XavierNormalStd"},
		"he_normal":      {funcOf("weightinit.HeNormalStd", impl.HeNormalStd), func(fi, fo int) float64 { return impl.HeNormalStd(fi, fo) }, "HeNormalStd"},
		"he_uniform":     {funcOf("weightinit.HeUniformLimit", impl.HeUniformLimit), func(fi, fo int) float64 { return impl.HeUniformLimit(fi, fo) }, "HeUniformLimit"},
	}
	formulas := map[string]string{
		"xavier_uniform": "√(6/(fanIn + fanOut))", "xavier_normal": "√(2/(fanIn + fanOut))",
		"he_normal": "√(2/fanIn)", "he_uniform": "√(6/fanIn)",
	}
	// Fans with fanIn ≠ fanOut, so that a swap shows.
	fans := [][2]int{{3, 5}, {784, 256}, {64, 10}, {1, 1}, {100, 400}}
	closed := func(c *ctx, init string) {
		f := fns[init]
		got, want := make([]float64, len(fans)), make([]float64, len(fans))
		var pairs []string
		for k, p := range fans {
			if !call(c, f.fn, func() { got[k] = f.call(p[0], p[1]) }) {
				return
			}
			want[k] = initRefs[init](float64(p[0]), float64(p[1]))
			pairs = append(pairs, fmt.Sprintf("[%d] (%d, %d)", k, p[0], p[1]))
		}
		var ms []mistake
		for _, m := range initMistakes[init] {
			vals := make([]float64, len(fans))
			for k, p := range fans {
				vals[k] = m.f(float64(p[0]), float64(p[1]))
			}
			ms = append(ms, mistake{m.hint, vals})
		}
		e := expect{fn: f.fn, what: f.name + "(fanIn, fanOut)", at: f.name,
			given: []string{"(fanIn, fanOut) = " + strings.Join(pairs, ", ")}, tol: exactTol, mistakes: ms,
			hint: f.name + "(fanIn, fanOut) = " + formulas[init] + "."}
		e.vec(c, got, want)
	}
	lv := funcOf("weightinit.LayerVariances", impl.LayerVariances)
	// net makes an input batch and the random numbers of the layers.
	net := func(stream uint64, batch int, widths []int, uniform bool) ([][]float64, [][][]float64) {
		r := newRand(stream)
		x := make([][]float64, batch)
		for b := range x {
			x[b] = make([]float64, widths[0])
			for i := range x[b] {
				x[b][i] = r.NormFloat64()
			}
		}
		var rs [][][]float64
		for l := 1; l < len(widths); l++ {
			m := make([][]float64, widths[l-1])
			for i := range m {
				m[i] = make([]float64, widths[l])
				for j := range m[i] {
					m[i][j] = initDraw(r, uniform)
				}
			}
			rs = append(rs, m)
		}
		return x, rs
	}
	variances := func(c *ctx, stream uint64, batch int, widths []int, init, act string) {
		x, rs := net(stream, batch, widths, strings.HasSuffix(init, "uniform"))
		var names []string
		var rows [][]float64
		for b, row := range x {
			names, rows = append(names, fmt.Sprintf("x[%d]", b)), append(rows, row)
		}
		for l, m := range rs {
			for i, row := range m {
				names, rows = append(names, fmt.Sprintf("r[%d][%d]", l, i)), append(rows, row)
			}
		}
		keep := freeze(names, rows...)
		var got []float64
		if !call(c, lv, func() { got = impl.LayerVariances(x, rs, init, act) }) || !keep.verify(c, lv) {
			return
		}
		want := layerVariances(varVariant{}, x, rs, init, act)
		var ms []mistake
		for _, m := range initMistakes[init] {
			ms = append(ms, mistake{"your activations are right but the weights' scale is not: " + m.hint,
				layerVariances(varVariant{scale: m.f}, x, rs, init, act)})
		}
		for _, m := range varMistakes {
			ms = append(ms, mistake{m.hint, layerVariances(m.v, x, rs, init, act)})
		}
		var shapes []string
		for l := 1; l < len(widths); l++ {
			shapes = append(shapes, fmt.Sprintf("%d×%d", widths[l-1], widths[l]))
		}
		numbers := "standard normal"
		if strings.HasSuffix(init, "uniform") {
			numbers = "uniform in [−1, 1)"
		}
		e := expect{fn: lv, what: fmt.Sprintf("LayerVariances(x, r, %q, %q)", init, act), at: "variance",
			given: []string{fmt.Sprintf("x: %d×%d standard normal", batch, widths[0]),
				fmt.Sprintf("r: %d layers of %s numbers, shapes %s", len(rs), numbers, strings.Join(shapes, ", ")),
				"the right variances, layer by layer: " + vecString(want)},
			tol: exactTol, mistakes: ms,
			hint: fmt.Sprintf("for each layer l: Wₗ = r[l]·scale with scale = %s of fanIn = rows, fanOut = columns of r[l]; "+
				"hₗ = %s(hₗ₋₁·Wₗ) (hₗ₋₁ is batch×fanIn, the product batch×fanOut); then (1/N)·Σ(h − mean)² over all its values.",
				formulas[init], act)}
		e.vec(c, got, want)
	}
	widths := []int{20, 30, 25, 40, 30, 30}
	return []testCase{
		{"XavierUniformLimit_table", func(c *ctx) { closed(c, "xavier_uniform") }},
		{"XavierNormalStd_table", func(c *ctx) { closed(c, "xavier_normal") }},
		{"HeNormalStd_table", func(c *ctx) { closed(c, "he_normal") }},
		{"HeUniformLimit_table", func(c *ctx) { closed(c, "he_uniform") }},
		{"LayerVariances_relu_he_normal", func(c *ctx) {
			// He keeps the second moment of ReLU layers about constant.
			variances(c, 40, 32, widths, "he_normal", "relu")
		}},
		{"LayerVariances_relu_xavier_normal", func(c *ctx) {
			// Glorot under ReLU: the variance shrinks layer after layer.
			variances(c, 41, 32, widths, "xavier_normal", "relu")
		}},
		{"LayerVariances_tanh_xavier_uniform", func(c *ctx) { variances(c, 42, 32, widths, "xavier_uniform", "tanh") }},
		{"LayerVariances_relu_he_uniform", func(c *ctx) { variances(c, 43, 16, []int{12, 24, 8, 16}, "he_uniform", "relu") }},
	}
}

// initDraw is one random number the learner scales: uniform in [−1, 1) or
// standard normal.
func initDraw(r *rand.Rand, uniform bool) float64 {
	if uniform {
		return 2*r.Float64() - 1
	}
	return r.NormFloat64()
}
