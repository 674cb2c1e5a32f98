package checks

import (
	"math"
	"strings"
	"testing"
)

func TestTolerance(t *testing.T) {
	for _, c := range []struct {
		got, want float64
		ok        bool
	}{
		{1, 1, true}, {1 + 1e-9, 1, true}, {1.001, 1, false}, {0, 1e-10, true},
		{math.NaN(), 1, false}, {math.Inf(1), math.Inf(1), true}, {math.Inf(1), 1e300, false},
	} {
		if got := exactTol.ok(c.got, c.want); got != c.ok {
			t.Errorf("ok(%g, %g) = %v", c.got, c.want, got)
		}
	}
	if relErr(3, 2) != 0.5 || relErr(1e-3, 0) != 1e-3 || !math.IsInf(relErr(math.NaN(), 1), 1) {
		t.Error("relErr")
	}
}

func TestWrongVectorMessage(t *testing.T) {
	c := &ctx{name: "case"}
	e := expect{fn: Func{Name: "mse.Grad", file: "exercises/mse/mse.go", line: 27}, what: "Grad(pred, target)",
		given: []string{"pred = [1 2]"}, tol: exactTol,
		mistakes: []mistake{{"too big by 2", []float64{2, 4, 6, 8, 10}}}, hint: "fallback"}
	if e.vec(c, []float64{2, 4, 6, 8, 10}, []float64{1, 2, 3, 4, 5}) {
		t.Fatal("a wrong vector passed")
	}
	want := "mse.Grad (exercises/mse/mse.go:27): Grad(pred, target) is wrong at 5 of 5 elements.\n" +
		"  [0]: want 1, got 2 (off by 1, 100% relative)\n" +
		"  [1]: want 2, got 4 (off by 2, 100% relative)\n" +
		"  [2]: want 3, got 6 (off by 3, 100% relative)\n" +
		"  … and 2 more\n" +
		"  worst at [4].\n" +
		"  given pred = [1 2]\n" +
		"  hint: too big by 2"
	if got := c.problems[0].Message; got != want {
		t.Errorf("message:\n%s\nwant:\n%s", got, want)
	}
	if c.problems[0].Check != "case" || c.problems[0].Kind != Wrong || c.problems[0].Func != "mse.Grad" {
		t.Errorf("problem %+v", c.problems[0])
	}
}

func TestMistakeMustDifferFromTheTruth(t *testing.T) {
	// A "mistake" equal to the right answer (here at n = 1) gives no hint.
	e := expect{tol: exactTol, mistakes: []mistake{{"wrong hint", []float64{1}}}, hint: "fallback"}
	if got := e.hintFor([]elem{{"", 1, 1}}); got != "fallback" {
		t.Errorf("hint %q", got)
	}
	if got := e.hintFor([]elem{{"", math.NaN(), 1}}); !strings.HasPrefix(got, "a NaN comes from") {
		t.Errorf("NaN hint %q", got)
	}
	e.nanHint = "overflow"
	if got := e.hintFor([]elem{{"", math.Inf(1), 1}}); got != "overflow" {
		t.Errorf("nanHint %q", got)
	}
}

func TestShapesAndLengths(t *testing.T) {
	c := &ctx{}
	e := expect{fn: Func{Name: "f"}, what: "dW2", tol: exactTol, hint: "h×k"}
	e.mat(c, [][]float64{{1, 2, 3}, {4, 5, 6}}, [][]float64{{1, 2}, {3, 4}, {5, 6}})
	e.mat(c, [][]float64{{1, 2}, {3}}, [][]float64{{1, 2}, {3, 4}})
	e.mat(c, nil, [][]float64{{1}})
	e.vec(c, nil, []float64{1})
	e.vec(c, []float64{1}, []float64{1, 2})
	want := []string{
		"f: dW2 has shape 2×3, want 3×2\n  hint: h×k",
		"f: dW2 row 1 has 1 columns, want 2 (shape 2×2)\n  hint: h×k",
		"f: dW2 is nil, want a 1×1 matrix\n  hint: h×k",
		"f: dW2 returned nil, want length 1.\n  hint: h×k",
		"f: dW2 has length 1, want length 2.\n  hint: h×k",
	}
	for i, p := range c.problems {
		if p.Message != want[i] {
			t.Errorf("problem %d: %q, want %q", i, p.Message, want[i])
		}
	}
}

func TestVecString(t *testing.T) {
	if got := vecString([]float64{1, 0.5, -2}); got != "[1 0.5 -2]" {
		t.Errorf("%q", got)
	}
	if got := vecString(make([]float64, 10)); got != "[0 0 0 0 0 0 … (10 values)]" {
		t.Errorf("%q", got)
	}
	if got := matString([][]float64{{1, 2}, {3, 4}}); got != "[[1 2] [3 4]]" {
		t.Errorf("%q", got)
	}
}
