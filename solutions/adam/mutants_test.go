package adam

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement adam.(*Adam).Step"

// mutant is Adam with one of the usual mistakes.
type mutant struct {
	Adam
	noBias, epsInSqrt, tFromZero, tPerWeight, shared, stub bool
}

// sharedM is the package-level state of the "shared" mutant.
var sharedM, sharedV []float64

func (a *mutant) Step(w, g []float64) {
	if a.stub {
		panic(todo)
	}
	if a.m == nil {
		a.m, a.v = make([]float64, len(w)), make([]float64, len(w))
		if a.shared {
			if sharedM == nil {
				sharedM, sharedV = make([]float64, len(w)), make([]float64, len(w))
			}
			a.m, a.v = sharedM, sharedV
		}
	}
	if !a.tFromZero && !a.tPerWeight {
		a.t++
	}
	for i := range w {
		if a.tPerWeight {
			a.t++
		}
		a.m[i] = a.Beta1*a.m[i] + (1-a.Beta1)*g[i]
		a.v[i] = a.Beta2*a.v[i] + (1-a.Beta2)*g[i]*g[i]
		mHat := a.m[i] / (1 - math.Pow(a.Beta1, float64(a.t)))
		vHat := a.v[i] / (1 - math.Pow(a.Beta2, float64(a.t)))
		if a.noBias {
			mHat, vHat = a.m[i], a.v[i]
		}
		if a.epsInSqrt {
			w[i] -= a.LR * mHat / math.Sqrt(vHat+a.Eps)
		} else {
			w[i] -= a.LR * mHat / (math.Sqrt(vHat) + a.Eps)
		}
	}
	if a.tFromZero {
		a.t++
	}
}

// mutants are known-wrong optimizers; the check must fail on each, and
// its message must contain want.
var mutants = []struct {
	name string
	set  func(*mutant)
	want string
}{
	{"stub", func(m *mutant) { m.stub = true }, "not implemented yet: adam.(*Adam).Step"},
	{"no bias correction", func(m *mutant) { m.noBias = true }, "bias correction is missing"},
	{"eps inside the sqrt", func(m *mutant) { m.epsInSqrt = true }, "ε goes outside the square root"},
	{"t from zero", func(m *mutant) { m.tFromZero = true }, "t must be 1 on the first Step"},
	{"t per weight", func(m *mutant) { m.tPerWeight = true }, "once per Step, not once per weight"},
	{"state shared between optimizers", func(m *mutant) { m.shared = true }, "not in package-level variables"},
	{"lr ignored", func(m *mutant) { m.LR = 0.001 }, "use the lr given to New"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			sharedM, sharedV = nil, nil
			impl := checks.AdamImpl{New: func(lr float64) checks.Stepper {
				m := &mutant{Adam: *New(lr)}
				mu.set(m)
				return m
			}}
			checks.Catches(t, checks.CheckAdam(impl), mu.want)
		})
	}
}
