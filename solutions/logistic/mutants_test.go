package logistic

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement logistic.Sigmoid"

func with(f func(*checks.LogisticImpl)) checks.LogisticImpl {
	impl := checks.LogisticImpl{Sigmoid: Sigmoid, BCE: BCE, Grad: Grad}
	f(&impl)
	return impl
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.LogisticImpl
	want string
}{
	{"sigmoid stub", with(func(m *checks.LogisticImpl) { m.Sigmoid = func(float64) float64 { panic(todo) } }),
		"not implemented yet: logistic.Sigmoid"},
	{"sigmoid sign", with(func(m *checks.LogisticImpl) { m.Sigmoid = func(z float64) float64 { return 1 / (1 + math.Exp(z)) } }),
		"mind the sign in the exponent"},
	{"sigmoid overflows", with(func(m *checks.LogisticImpl) {
		m.Sigmoid = func(z float64) float64 { return math.Exp(z) / (1 + math.Exp(z)) }
	}), "Sigmoid(800) is wrong"},
	{"sigmoid loses digits", with(func(m *checks.LogisticImpl) {
		m.Sigmoid = func(z float64) float64 { return 1 - 1/(1+math.Exp(z)) }
	}), "loses every digit"},
	{"bce is a sum", with(func(m *checks.LogisticImpl) {
		m.BCE = func(p, y []float64) float64 { return BCE(p, y) * float64(len(p)) }
	}), "divide the sum by n"},
	{"bce sign", with(func(m *checks.LogisticImpl) { m.BCE = func(p, y []float64) float64 { return -BCE(p, y) } }),
		"check the sign"},
	{"bce branches on y", with(func(m *checks.LogisticImpl) {
		m.BCE = func(p, y []float64) float64 {
			s := 0.0
			for i := range p {
				if y[i] >= 0.5 {
					s -= math.Log(p[i])
				} else {
					s -= math.Log(1 - p[i])
				}
			}
			return s / float64(len(p))
		}
	}), "labels can be fractional"},
	{"bce unclamped", with(func(m *checks.LogisticImpl) {
		m.BCE = func(p, y []float64) float64 {
			s := 0.0
			for i := range p {
				s -= y[i]*math.Log(p[i]) + (1-y[i])*math.Log(1-p[i])
			}
			return s / float64(len(p))
		}
	}), "clamp p into [ε, 1−ε]"},
	{"grad without 1/n", with(func(m *checks.LogisticImpl) {
		m.Grad = func(z, y []float64) []float64 {
			g := Grad(z, y)
			for i := range g {
				g[i] *= float64(len(z))
			}
			return g
		}
	}), "divide by the batch size n"},
	{"grad z minus y", with(func(m *checks.LogisticImpl) {
		m.Grad = func(z, y []float64) []float64 {
			g := make([]float64, len(z))
			for i := range z {
				g[i] = (z[i] - y[i]) / float64(len(z))
			}
			return g
		}
	}), "apply the sigmoid first"},
	{"grad with an extra sigmoid derivative", with(func(m *checks.LogisticImpl) {
		m.Grad = func(z, y []float64) []float64 {
			g := Grad(z, y)
			for i := range g {
				s := Sigmoid(z[i])
				g[i] *= s * (1 - s)
			}
			return g
		}
	}), "no extra σ'(z)"},
	{"grad through log p", with(func(m *checks.LogisticImpl) {
		m.Grad = func(z, y []float64) []float64 {
			g := make([]float64, len(z))
			for i := range z {
				p := 1 / (1 + math.Exp(-z[i]))
				dp := p * (1 - p)
				g[i] = (p - y[i]) / (p * (1 - p)) * dp / float64(len(z))
			}
			return g
		}
	}), "Grad(z, y) is wrong"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckLogistic(m.impl), m.want)
		})
	}
}
