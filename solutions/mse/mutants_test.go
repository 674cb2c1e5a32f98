package mse

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement mse.Loss"

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.MSEImpl
	want string
}{
	{"stub", checks.MSEImpl{Loss: func(p, t []float64) float64 { panic(todo) }, Grad: Grad},
		"not implemented yet: mse.Loss (solutions/mse/mutants_test.go:"},
	{"loss is a sum", checks.MSEImpl{Loss: func(p, t []float64) float64 { return Loss(p, t) * float64(len(p)) }, Grad: Grad},
		"divide the sum by n"},
	{"loss is the RMSE", checks.MSEImpl{Loss: func(p, t []float64) float64 { return math.Sqrt(Loss(p, t)) }, Grad: Grad},
		"take no square root"},
	{"loss is halved", checks.MSEImpl{Loss: func(p, t []float64) float64 { return Loss(p, t) / 2 }, Grad: Grad},
		"no ½ here"},
	{"loss is the MAE", checks.MSEImpl{Loss: func(p, t []float64) float64 {
		s := 0.0
		for i := range p {
			s += math.Abs(p[i] - t[i])
		}
		return s / float64(len(p))
	}, Grad: Grad}, "square each difference"},
	{"gradient without the 2", checks.MSEImpl{Loss: Loss, Grad: scaled(0.5)}, "forget the factor 2"},
	{"gradient without 1/n", checks.MSEImpl{Loss: Loss, Grad: func(p, t []float64) []float64 {
		return scaled(float64(len(p)))(p, t)
	}}, "divide by the batch size n"},
	{"gradient sign flipped", checks.MSEImpl{Loss: Loss, Grad: scaled(-1)}, "sign is flipped"},
	{"gradient written into pred", checks.MSEImpl{Loss: Loss, Grad: func(p, t []float64) []float64 {
		g := Grad(p, t)
		copy(p, g)
		return p
	}}, "changed its argument pred[0]"},
	{"gradient too short", checks.MSEImpl{Loss: Loss, Grad: func(p, t []float64) []float64 { return Grad(p, t)[1:] }},
		"has length"},
	{"gradient index out of range", checks.MSEImpl{Loss: Loss, Grad: func(p, t []float64) []float64 {
		g := make([]float64, len(p))
		for i := 0; i <= len(p); i++ {
			g[i] = 2 * (p[i] - t[i]) / float64(len(p))
		}
		return g
	}}, "mse.Grad panicked at solutions/mse/mutants_test.go:"},
	{"gradient is NaN", checks.MSEImpl{Loss: Loss, Grad: func(p, t []float64) []float64 {
		g := Grad(p, t)
		g[0] = math.NaN()
		return g
	}}, "got NaN"},
}

// scaled returns Grad multiplied by k.
func scaled(k float64) func(p, t []float64) []float64 {
	return func(p, t []float64) []float64 {
		g := Grad(p, t)
		for i := range g {
			g[i] *= k
		}
		return g
	}
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckMSE(m.impl), m.want)
		})
	}
}
