package autograd

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// CheckResult is the outcome of a finite-difference gradient check.
type CheckResult struct {
	// MaxRelErr is the largest relative error over all checked elements,
	// |analytic − numeric| / max(1, |analytic|, |numeric|).
	MaxRelErr float64
	// Worst names the parameter and Index the flat element of the largest
	// error; Analytic and Numeric are the two values there.
	Worst             string
	Index             int
	Analytic, Numeric float64
}

func (r CheckResult) String() string {
	return fmt.Sprintf("max rel err %.3g at %s[%d] (analytic %.6g, numeric %.6g)", r.MaxRelErr, r.Worst, r.Index, r.Analytic, r.Numeric)
}

// GradCheck compares the gradients Backward computes for params with
// central differences (f(x+eps) − f(x−eps)) / 2eps of the scalar f. f must
// build its graph on the tape it is given and return a one-element Var; it
// is called 2·(number of elements) + 1 times and must be deterministic.
// GradCheck panics if f returns more than one element.
func GradCheck(f func(t *Tape) *Var, params []*Var, eps float64) CheckResult {
	ZeroGrad(params...)
	for _, p := range params {
		p.Grad = nil
	}
	tp := NewTape()
	out := f(tp)
	if len(out.Value.Data) != 1 {
		panic(fmt.Sprintf("autograd: GradCheck: f returned shape %v, want a scalar", out.Value.Shape))
	}
	tp.Backward(out)
	eval := func() float64 { return f(NoGradTape()).Value.Data[0] }
	var res CheckResult
	for _, p := range params {
		analytic := p.Grad
		if analytic == nil {
			analytic = tensor.New(p.Value.Shape...)
		}
		for i := range p.Value.Data {
			orig := p.Value.Data[i]
			p.Value.Data[i] = orig + eps
			fp := eval()
			p.Value.Data[i] = orig - eps
			fm := eval()
			p.Value.Data[i] = orig
			num := (fp - fm) / (2 * eps)
			an := analytic.Data[i]
			rel := math.Abs(an-num) / math.Max(1, math.Max(math.Abs(an), math.Abs(num)))
			worse := rel > res.MaxRelErr || (math.IsNaN(rel) && !math.IsNaN(res.MaxRelErr))
			if worse || res.Worst == "" {
				res = CheckResult{MaxRelErr: rel, Worst: p.displayName(), Index: i, Analytic: an, Numeric: num}
			}
		}
	}
	return res
}
