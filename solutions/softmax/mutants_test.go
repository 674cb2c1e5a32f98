package softmax

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement softmax.CrossEntropy"

func with(f func(*checks.SoftmaxImpl)) checks.SoftmaxImpl {
	impl := checks.SoftmaxImpl{Softmax: Softmax, CrossEntropy: CrossEntropy, Grad: Grad}
	f(&impl)
	return impl
}

// naive is the softmax without the maximum subtracted.
func naive(z []float64) []float64 {
	p := make([]float64, len(z))
	s := 0.0
	for i, v := range z {
		p[i] = math.Exp(v)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// gradOf returns Grad with f applied to each entry (index, softmax, right value).
func gradOf(f func(i, target int, p, g float64) float64) func([]float64, int) []float64 {
	return func(z []float64, target int) []float64 {
		p, g := Softmax(z), Grad(z, target)
		out := make([]float64, len(z))
		for i := range out {
			out[i] = f(i, target, p[i], g[i])
		}
		return out
	}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.SoftmaxImpl
	want string
}{
	{"cross-entropy stub", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func([]float64, int) float64 { panic(todo) }
	}), "not implemented yet: softmax.CrossEntropy"},
	{"softmax without the max", with(func(m *checks.SoftmaxImpl) { m.Softmax = naive }),
		"subtract m = max(z) from every z before exp"},
	{"softmax of −z", with(func(m *checks.SoftmaxImpl) {
		m.Softmax = func(z []float64) []float64 {
			neg := make([]float64, len(z))
			for i, v := range z {
				neg[i] = -v
			}
			return Softmax(neg)
		}
	}), "mind the sign"},
	{"softmax not normalised", with(func(m *checks.SoftmaxImpl) {
		m.Softmax = func(z []float64) []float64 {
			p := make([]float64, len(z))
			for i, v := range z {
				p[i] = math.Exp(v)
			}
			return p
		}
	}), "divide by the sum"},
	{"softmax in place", with(func(m *checks.SoftmaxImpl) {
		m.Softmax = func(z []float64) []float64 {
			copy(z, Softmax(z))
			return z
		}
	}), "changed its argument z[0]"},
	{"cross-entropy as the log of the softmax", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func(z []float64, target int) float64 { return -math.Log(Softmax(z)[target]) }
	}), "use log-sum-exp"},
	{"cross-entropy through the naive softmax", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func(z []float64, target int) float64 { return -math.Log(naive(z)[target]) }
	}), "is −Inf once that probability underflows"},
	{"cross-entropy sign", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func(z []float64, target int) float64 { return -CrossEntropy(z, target) }
	}), "the loss is −log p, not log p"},
	{"cross-entropy in log10", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func(z []float64, target int) float64 { return CrossEntropy(z, target) / math.Ln10 }
	}), "math.Log10"},
	{"cross-entropy without z[target]", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func(z []float64, target int) float64 { return CrossEntropy(z, target) + z[target] }
	}), "subtract z[target]"},
	{"gradient without the −1", with(func(m *checks.SoftmaxImpl) {
		m.Grad = func(z []float64, _ int) []float64 { return Softmax(z) }
	}), "subtract 1 at the target"},
	{"gradient sign", with(func(m *checks.SoftmaxImpl) {
		m.Grad = gradOf(func(_, _ int, _, g float64) float64 { return -g })
	}), "the sign is flipped"},
	{"gradient −1 everywhere", with(func(m *checks.SoftmaxImpl) {
		m.Grad = gradOf(func(_, _ int, p, _ float64) float64 { return p - 1 })
	}), "only at the target index"},
	{"gradient only at the target", with(func(m *checks.SoftmaxImpl) {
		m.Grad = gradOf(func(i, target int, _, g float64) float64 {
			if i != target {
				return 0
			}
			return g
		})
	}), "every entry gets a gradient"},
	{"gradient divided by n", with(func(m *checks.SoftmaxImpl) {
		m.Grad = func(z []float64, target int) []float64 {
			return gradOf(func(_, _ int, _, g float64) float64 { return g / float64(len(z)) })(z, target)
		}
	}), "no 1/n here"},
	{"gradient through the naive softmax", with(func(m *checks.SoftmaxImpl) {
		m.Grad = func(z []float64, target int) []float64 {
			g := naive(z)
			g[target]--
			return g
		}
	}), "subtract m = max(z) from every z before exp"},
	{"right gradient, wrong loss slope", with(func(m *checks.SoftmaxImpl) {
		m.CrossEntropy = func(z []float64, target int) float64 { return 2 * CrossEntropy(z, target) }
	}), "fix CrossEntropy first"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckSoftmax(m.impl), m.want)
		})
	}
}
