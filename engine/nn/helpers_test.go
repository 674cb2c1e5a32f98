package nn

import (
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

// Every gradient check uses central differences with step 1e-6 and
// accepts a relative error of 1e-6.
const (
	checkEps = 1e-6
	checkTol = 1e-6
)

type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkGrad gradient-checks f with respect to params, projecting f's
// output on fixed random weights so every element counts differently.
func checkGrad(t fataler, f func(tp *autograd.Tape) *autograd.Var, params ...*autograd.Var) {
	t.Helper()
	out := f(autograd.NoGradTape())
	r := autograd.Const("R", tensor.RandN(tensor.NewRNG(99), out.Value.Shape...))
	res := autograd.GradCheck(func(tp *autograd.Tape) *autograd.Var { return tp.Sum(tp.Mul(f(tp), r)) }, params, checkEps)
	if !(res.MaxRelErr <= checkTol) {
		t.Fatalf("gradient check failed: %v", res)
	}
}

// checkLayer gradient-checks a layer with respect to its parameters and
// its input x (made a parameter for the check).
func checkLayer(t fataler, l Layer, x *autograd.Var) {
	t.Helper()
	checkGrad(t, func(tp *autograd.Tape) *autograd.Var { return l.Forward(tp, x) }, append(l.Params(), x)...)
}

func seeded(rt *rapid.T, name string) uint64 { return rapid.Uint64().Draw(rt, name) }

func input(rt *rapid.T, shape ...int) *autograd.Var {
	return autograd.NewParam("x", tensor.RandN(tensor.NewRNG(seeded(rt, "x.seed")), shape...))
}

func mustPanic(t *testing.T, f func(), wants ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		msg, ok := recover().(string)
		if !ok {
			t.Fatalf("no string panic, want one containing %q", wants)
		}
		for _, w := range wants {
			if !strings.Contains(msg, w) {
				t.Fatalf("panic %q does not contain %q", msg, w)
			}
		}
	}()
	f()
}

func names(ps []*autograd.Var) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Name
	}
	return strings.Join(s, " ")
}
