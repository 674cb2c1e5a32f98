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
	loss := func(tp *Tape) *Var { return tp.Sum(tp.Mul(f(tp), r)) }
	res := GradCheck(loss, params, checkEps)
	if !(res.MaxRelErr <= checkTol) {
		t.Fatalf("gradient check failed: %v", res)
	}
	checkRecycling(t, loss, params...)
}

// checkRecycling checks that a recycling tape computes the same value and
// the same gradients of params, to the last bit, as an ordinary tape, on
// its first step and again on memory recycled from it (written over with
// NaN in between, so that an op reading memory it did not write fails).
func checkRecycling(t fataler, loss func(tp *Tape) *Var, params ...*Var) {
	t.Helper()
	run := func(tp *Tape) (float64, []*tensor.Tensor) {
		for _, p := range params {
			p.Grad = nil
		}
		out := loss(tp)
		tp.Backward(out)
		grads := make([]*tensor.Tensor, len(params))
		for i, p := range params {
			if p.Grad != nil {
				grads[i] = p.Grad.Clone()
			}
		}
		return out.Item(), grads
	}
	want, wantGrads := run(NewTape())
	rt := NewRecyclingTape()
	for round := range 3 {
		got, grads := run(rt)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("recycling tape, step %d: value %v, ordinary tape %v", round, got, want)
		}
		for i, g := range grads {
			w := wantGrads[i]
			if (g == nil) != (w == nil) {
				t.Fatalf("recycling tape, step %d: gradient of %s is %v, ordinary tape %v", round, params[i].Name, g, w)
			}
			if g == nil {
				continue
			}
			for j := range g.Data {
				if math.Float64bits(g.Data[j]) != math.Float64bits(w.Data[j]) && !(math.IsNaN(g.Data[j]) && math.IsNaN(w.Data[j])) {
					t.Fatalf("recycling tape, step %d: d/d%s[%d] = %v, ordinary tape %v", round, params[i].Name, j, g.Data[j], w.Data[j])
				}
			}
		}
		// Spoil everything the step made before handing it back.
		for _, n := range rt.Nodes() {
			if rt.Arena().Owns(n.Out.Value) {
				for j := range n.Out.Value.Data {
					n.Out.Value.Data[j] = math.NaN()
				}
			}
		}
		rt.Reset()
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
