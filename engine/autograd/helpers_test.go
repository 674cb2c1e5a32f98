package autograd

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

// Tolerances of every gradient check: central differences with step eps
// agree with the analytic gradient to about eps² plus rounding.
const (
	checkEps = 1e-6
	checkTol = 1e-6
)

type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkGrad gradient-checks f with respect to params. f's output is
// projected on fixed random weights R, L = sum(f ⊙ R), so that every output
// element matters with a different weight (a plain sum would hide errors,
// for softmax it is constant).
func checkGrad(t fataler, f func(tp *Tape) *Var, params ...*Var) {
	t.Helper()
	out := f(NoGradTape())
	r := Const("R", tensor.RandN(tensor.NewRNG(99), out.Value.Shape...))
	res := GradCheck(func(tp *Tape) *Var { return tp.Sum(tp.Mul(f(tp), r)) }, params, checkEps)
	if !(res.MaxRelErr <= checkTol) {
		t.Fatalf("gradient check failed: %v", res)
	}
}

// randParam returns a parameter of the given shape with N(0,1) values
// drawn from a seed chosen by rapid.
func randParam(rt *rapid.T, name string, shape ...int) *Var {
	seed := rapid.Uint64().Draw(rt, name+".seed")
	return NewParam(name, tensor.RandN(tensor.NewRNG(seed), shape...))
}

// uniformParam returns a parameter with values uniform in [lo, hi).
func uniformParam(rt *rapid.T, name string, lo, hi float64, shape ...int) *Var {
	seed := rapid.Uint64().Draw(rt, name+".seed")
	return NewParam(name, tensor.RandU(tensor.NewRNG(seed), lo, hi, shape...))
}

// awayFromZero pushes every element of v at least gap away from 0 (for
// kinks and poles), keeping its sign.
func awayFromZero(v *Var, gap float64) *Var {
	for i, x := range v.Value.Data {
		if math.Abs(x) < gap {
			v.Value.Data[i] = math.Copysign(gap+math.Abs(x), x)
		}
	}
	return v
}

// shapeGen draws a shape of rank in [lo, hi] with sizes in [1, maxDim].
func shapeGen(rt *rapid.T, name string, lo, hi, maxDim int) []int {
	return rapid.SliceOfN(rapid.IntRange(1, maxDim), lo, hi).Draw(rt, name)
}

// broadcastPair draws two shapes that broadcast together: each axis is
// shared, or 1 in one of them, and one shape may lose leading axes.
func broadcastPair(rt *rapid.T) (a, b []int) {
	r := rapid.IntRange(0, 3).Draw(rt, "rank")
	for range r {
		d := rapid.IntRange(1, 4).Draw(rt, "dim")
		switch rapid.IntRange(0, 2).Draw(rt, "kind") {
		case 0:
			a, b = append(a, d), append(b, d)
		case 1:
			a, b = append(a, 1), append(b, d)
		default:
			a, b = append(a, d), append(b, 1)
		}
	}
	b = b[rapid.IntRange(0, len(b)).Draw(rt, "drop"):]
	if rapid.Bool().Draw(rt, "swap") {
		a, b = b, a
	}
	return a, b
}

// mustPanic runs f and fails unless it panics with a message containing
// every one of wants.
func mustPanic(t *testing.T, f func(), wants ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok {
			t.Fatalf("no string panic (got %v), want one containing %q", r, wants)
		}
		for _, w := range wants {
			if !strings.Contains(msg, w) {
				t.Fatalf("panic %q does not contain %q", msg, w)
			}
		}
	}()
	f()
}

// near reports whether a and b agree to within tol relative to max(1, |a|).
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(a))
}
