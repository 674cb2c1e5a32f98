package checks

import (
	"math"
	"strings"
	"testing"
)

func TestTrainHelpers(t *testing.T) {
	X, y := spiral(41, trainPerClass)
	if len(X) != 3*trainPerClass || len(y) != len(X) {
		t.Fatalf("spiral: %d points, %d labels", len(X), len(y))
	}
	for i, x := range X {
		if math.Hypot(x[0], x[1]) > 1+1e-12 {
			t.Fatalf("point %d outside the unit disc: %v", i, x)
		}
	}
	for _, c := range []struct {
		losses []float64
		want   string
	}{
		{[]float64{math.Inf(1), math.NaN()}, "from the very first step"},
		{[]float64{1.1, 2, math.NaN()}, "training diverged"},
		{[]float64{1.1, 1.5, 2, 3}, "goes uphill"},
		{[]float64{1.1, 1.1, 1.09, 1.09}, "far too small"},
		{[]float64{1.1, 0.5, 0.2, 0.1}, ""},
	} {
		what, hint := trainStall(c.losses)
		if c.want == "" && what != "" || !strings.Contains(what+" "+hint, c.want) {
			t.Errorf("trainStall(%v) = %q, %q, want it to mention %q", c.losses, what, hint, c.want)
		}
	}
	zero := trainNet{W1: matZeros(2, 4), b1: make([]float64, 4), W2: matZeros(4, 3), b2: make([]float64, 3)}
	if !zero.symmetric() {
		t.Error("a zero network is not symmetric")
	}
	zero.W1[1][2] = 0.5
	if zero.symmetric() {
		t.Error("a network with one different unit is symmetric")
	}
	loss, acc := trainNet{W1: matZeros(2, 4), b1: make([]float64, 4), W2: matZeros(4, 3), b2: make([]float64, 3)}.evaluate(X, y, false)
	near(t, "loss of a zero network", loss, math.Log(3), 1e-12)
	near(t, "accuracy of a zero network", acc, 1.0/3, 1e-12)
}
