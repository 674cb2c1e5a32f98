package weightinit

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement weightinit.HeNormalStd"

var right = checks.WeightInitImpl{XavierUniformLimit: XavierUniformLimit, XavierNormalStd: XavierNormalStd,
	HeNormalStd: HeNormalStd, HeUniformLimit: HeUniformLimit, LayerVariances: LayerVariances}

func with(f func(*checks.WeightInitImpl)) checks.WeightInitImpl {
	impl := right
	f(&impl)
	return impl
}

// varianceOf is LayerVariances with its own per-layer forward step and
// measure, for the mutants.
func varianceOf(x [][]float64, r [][][]float64, init, act string,
	scale func(int, int) float64, apply func(a float64) float64, measure func(pre, post [][]float64) float64) []float64 {
	h := x
	var out []float64
	for _, rl := range r {
		fi, fo := len(rl), len(rl[0])
		s := scale(fi, fo)
		pre, post := make([][]float64, len(h)), make([][]float64, len(h))
		for b, row := range h {
			pre[b], post[b] = make([]float64, fo), make([]float64, fo)
			for j := range fo {
				for i := range fi {
					pre[b][j] += row[i] * rl[i][j] * s
				}
				post[b][j] = apply(pre[b][j])
			}
		}
		out = append(out, measure(pre, post))
		h = post
	}
	return out
}

func relu(a float64) float64 { return math.Max(0, a) }

func sampleVariance(m [][]float64) float64 {
	n := float64(len(m) * len(m[0]))
	return variance(m) * n / (n - 1)
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.WeightInitImpl
	want string
}{
	{"stub", with(func(m *checks.WeightInitImpl) {
		m.HeNormalStd = func(fi, fo int) float64 { panic(todo) }
	}), "not implemented yet: weightinit.HeNormalStd (solutions/weightinit/mutants_test.go:"},
	{"He without the factor 2", with(func(m *checks.WeightInitImpl) {
		m.HeNormalStd = func(fi, fo int) float64 { return math.Sqrt(1 / float64(fi)) }
	}), "He's initialisation has the factor 2"},
	{"He with fanIn and fanOut swapped", with(func(m *checks.WeightInitImpl) {
		m.HeNormalStd = func(fi, fo int) float64 { return HeNormalStd(fo, fi) }
	}), "fanIn and fanOut are swapped"},
	{"He uniform with fanIn and fanOut swapped", with(func(m *checks.WeightInitImpl) {
		m.HeUniformLimit = func(fi, fo int) float64 { return HeUniformLimit(fo, fi) }
	}), "fanIn and fanOut are swapped"},
	{"Glorot normal with the uniform limit", with(func(m *checks.WeightInitImpl) {
		m.XavierNormalStd = XavierUniformLimit
	}), "√(6/(fanIn + fanOut)) is the limit of Glorot uniform"},
	{"Glorot uniform without the square root", with(func(m *checks.WeightInitImpl) {
		m.XavierUniformLimit = func(fi, fo int) float64 { return 6 / float64(fi+fo) }
	}), "take the square root"},
	{"Glorot uniform with the normal std", with(func(m *checks.WeightInitImpl) {
		m.XavierUniformLimit = XavierNormalStd
	}), "the uniform limit is √3 times larger"},
	{"no activation", with(func(m *checks.WeightInitImpl) {
		m.LayerVariances = func(x [][]float64, r [][][]float64, init, act string) []float64 {
			return varianceOf(x, r, init, act, HeNormalStd, func(a float64) float64 { return a },
				func(_, post [][]float64) float64 { return variance(post) })
		}
	}), "the activation is missing"},
	{"variance of the pre-activations", with(func(m *checks.WeightInitImpl) {
		m.LayerVariances = func(x [][]float64, r [][][]float64, init, act string) []float64 {
			return varianceOf(x, r, init, act, HeNormalStd, relu, func(pre, _ [][]float64) float64 { return variance(pre) })
		}
	}), "not the pre-activations"},
	{"sample variance", with(func(m *checks.WeightInitImpl) {
		m.LayerVariances = func(x [][]float64, r [][][]float64, init, act string) []float64 {
			return varianceOf(x, r, init, act, HeNormalStd, relu, func(_, post [][]float64) float64 { return sampleVariance(post) })
		}
	}), "divide by N, not N − 1"},
	{"mean square", with(func(m *checks.WeightInitImpl) {
		m.LayerVariances = func(x [][]float64, r [][][]float64, init, act string) []float64 {
			return varianceOf(x, r, init, act, HeNormalStd, relu, func(_, post [][]float64) float64 {
				s := 0.0
				for _, row := range post {
					for _, v := range row {
						s += v * v
					}
				}
				return s / float64(len(post)*len(post[0]))
			})
		}
	}), "take the mean off"},
	{"LeCun's scale inside LayerVariances", with(func(m *checks.WeightInitImpl) {
		m.LayerVariances = func(x [][]float64, r [][][]float64, init, act string) []float64 {
			return varianceOf(x, r, init, act, func(fi, fo int) float64 { return math.Sqrt(1 / float64(fi)) }, relu,
				func(_, post [][]float64) float64 { return variance(post) })
		}
	}), "your activations are right but the weights' scale is not: He's initialisation has the factor 2"},
	{"input scaled in place", with(func(m *checks.WeightInitImpl) {
		m.LayerVariances = func(x [][]float64, r [][][]float64, init, act string) []float64 {
			out := LayerVariances(x, r, init, act)
			r[0][0][0] *= 2
			return out
		}
	}), "changed its argument r[0][0][0]"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckWeightInit(mu.impl), mu.want)
		})
	}
}
