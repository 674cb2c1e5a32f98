package checks

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// stubMsg is what a stub panics with (not written as a literal panic
// call, so that searches for unfinished code do not flag this test).
const stubMsg = "TODO: implement mse.Loss"

func TestStubIsNotImplemented(t *testing.T) {
	impl := MSEImpl{Loss: func(p, t []float64) float64 { panic(stubMsg) }, Grad: mseGrad}
	problems := CheckMSE(impl)
	if len(problems) != 3 { // both Loss cases and the finite differences, which call Loss
		t.Fatalf("%d problems, want 3:\n%s", len(problems), Summary(problems))
	}
	for _, p := range problems {
		if p.Kind != NotImplemented || p.Func != "mse.Loss" ||
			!strings.HasPrefix(p.Message, NotImplementedPrefix+"mse.Loss (internal/checks/check_test.go:") {
			t.Errorf("[%s] %s %s %q", p.Check, p.Kind, p.Func, p.Message)
		}
	}
	if problems[0].Check != "Loss_hand_computed" {
		t.Errorf("first problem in %s", problems[0].Check)
	}
}

func TestPanicNamesTheLineThatPanicked(t *testing.T) {
	impl := MSEImpl{Loss: mseLoss, Grad: func(p, t []float64) []float64 {
		var g []float64
		g[0] = p[0] - t[0] // index out of range: a nil slice
		return g
	}}
	problems := CheckMSE(impl)
	if len(problems) == 0 {
		t.Fatal("no problem found")
	}
	p := problems[0]
	if p.Kind != Panicked || !strings.HasPrefix(p.Message, "mse.Grad panicked at internal/checks/check_test.go:") ||
		!strings.Contains(p.Message, "index out of range [0] with length 0") || !strings.Contains(p.Message, "hint: check your loop bounds") {
		t.Errorf("%s %q", p.Kind, p.Message)
	}
	if strings.Contains(p.Message, "goroutine") {
		t.Errorf("a stack dump in the message: %q", p.Message)
	}
}

func TestNilFunctionsDoNotCrashTheCheck(t *testing.T) {
	problems := CheckMSE(MSEImpl{})
	if len(problems) != 4 {
		t.Fatalf("%d problems, want one per case:\n%s", len(problems), Summary(problems))
	}
	for _, p := range problems {
		if p.Kind != Panicked || !strings.Contains(p.Message, "nil pointer") {
			t.Errorf("[%s] %s %q", p.Check, p.Kind, p.Message)
		}
	}
}

func TestACheckThatPanicsIsReported(t *testing.T) {
	c := runCase(testCase{"boom", func(c *ctx) { panic("bug") }})
	if len(c.problems) != 1 || !strings.Contains(c.problems[0].Message, "the check boom itself panicked: bug") {
		t.Errorf("%+v", c.problems)
	}
}

func TestInputsMustNotChange(t *testing.T) {
	impl := MSEImpl{Loss: func(p, t []float64) float64 {
		l := mseLoss(p, t)
		p[len(p)-1] = 0
		return l
	}, Grad: mseGrad}
	s := Summary(CheckMSE(impl))
	if !strings.Contains(s, "changed its argument pred[2] from -2 to 0") {
		t.Errorf("no word of the changed input:\n%s", s)
	}
}

func TestFuncLocation(t *testing.T) {
	f := funcOf("mse.Loss", mseLoss)
	if !strings.HasPrefix(f.String(), "mse.Loss (internal/checks/mse.go:") {
		t.Errorf("funcOf = %q", f)
	}
	if got := funcOf("x.F", nil).String(); got != "x.F" {
		t.Errorf("funcOf(nil) = %q", got)
	}
	if got := methodOf("x.T.M", nil, "M").String(); got != "x.T.M" {
		t.Errorf("methodOf(nil) = %q", got)
	}
	if got := shortFunc("github.com/x/y/exercises/adam.(*Adam).Step"); got != "adam.(*Adam).Step" {
		t.Errorf("shortFunc = %q", got)
	}
}

func TestAttrsKeepTheWorstElement(t *testing.T) {
	c := &ctx{}
	if c.attrs() != nil {
		t.Error("attrs before any comparison")
	}
	e := expect{fn: Func{Name: "f"}, what: "f()", at: "g", tol: exactTol}
	e.vec(c, []float64{1, 2.5, 3}, []float64{1, 2, 3})
	e.vec(c, []float64{1, math.NaN()}, []float64{1, 2})
	got := c.attrs()
	if len(got) != 2 || got[0] != [2]string{"max_rel_err", "+Inf"} || got[1] != [2]string{"worst_index", "g[1]"} {
		t.Errorf("attrs = %v", got)
	}
}

func TestReferenceImplementationsPass(t *testing.T) {
	if p := CheckMSE(MSEImpl{Loss: mseLoss, Grad: mseGrad}); len(p) > 0 {
		t.Errorf("mse:\n%s", Summary(p))
	}
	if p := CheckLogistic(LogisticImpl{Sigmoid: sigmoid, BCE: bce, Grad: logisticGrad}); len(p) > 0 {
		t.Errorf("logistic:\n%s", Summary(p))
	}
	backward := func(x, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64, y [][]float64) ([][]float64, []float64, [][]float64, []float64) {
		g := mlp{x, W1, b1, W2, b2, y}.backward(variant{})
		return g.dW1, g.db1, g.dW2, g.db2
	}
	if p := CheckBackprop(BackpropImpl{Backward: backward}); len(p) > 0 {
		t.Errorf("backprop:\n%s", Summary(p))
	}
}

func TestSubTestsRunAndPass(t *testing.T) {
	MSE(t, MSEImpl{Loss: mseLoss, Grad: mseGrad})
}

// TestRegistryMatchesTheTests makes sure every exercise's one-line test
// in exercises/ and solutions/ is the call the registry describes, and
// that each has a manifest of named checks.
func TestRegistryMatchesTheTests(t *testing.T) {
	total := 0
	for _, e := range Exercises() {
		names := e.Names()
		if len(names) == 0 {
			t.Errorf("%s: no checks", e.Name)
		}
		total += len(names)
		for _, root := range []string{"exercises", "solutions"} {
			data, err := os.ReadFile(filepath.Join("..", "..", root, e.Name, e.Name+"_test.go"))
			if root == "solutions" && os.IsNotExist(err) {
				continue // a classroom copy has no solutions
			}
			if err != nil {
				t.Fatal(err)
			}
			squash := func(s string) string { return strings.ReplaceAll(strings.Join(strings.Fields(s), ""), ",}", "}") }
			flat := squash(string(data))
			if !strings.Contains(flat, "func"+e.Test+"(t*testing.T)") || !strings.Contains(flat, squash(e.Call)) {
				t.Errorf("%s/%s: the test is not %s calling %s", root, e.Name, e.Test, e.Call)
			}
		}
	}
	if total != 253 {
		t.Errorf("%d checks in all, want 253 (change this number with the checks)", total)
	}
}

func TestEveryCaseHasItsCode(t *testing.T) {
	for _, e := range Exercises() {
		for _, n := range e.Names() {
			code := e.Code(n)
			if !strings.HasPrefix(strings.TrimPrefix(code, "testCase"), "{") || !strings.Contains(code, ", func(c *ctx) {") || !strings.HasSuffix(code, "}}") ||
				!strings.Contains(code, strconv.Quote(n)) && !strings.Contains(code, "+ part +") && !strings.Contains(code, "part +") {
				t.Errorf("%s/%s: code %q", e.Name, n, code)
			}
		}
	}
}

func TestLocateNamesTheStandIn(t *testing.T) {
	standIn := func(pred, target []float64) float64 { return 0 }
	other := func(pred, target []float64) float64 { return 0 }
	Locate(standIn, "exercises/mse/mse.go:16")
	defer Forget(standIn)
	if got := funcOf("mse.Loss", standIn).String(); got != "mse.Loss (exercises/mse/mse.go:16)" {
		t.Errorf("located: %q", got)
	}
	if got := funcOf("mse.Loss", other).String(); strings.Contains(got, "mse.go:16") {
		t.Errorf("another function got the stand-in's place: %q", got)
	}
	Forget(standIn)
	if got := funcOf("mse.Loss", standIn).String(); strings.Contains(got, "mse.go:16") {
		t.Errorf("forgotten, still located: %q", got)
	}
}
