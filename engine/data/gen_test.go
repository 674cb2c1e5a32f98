package data

import (
	"fmt"
	"hash/fnv"
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// generators lists every seeded generator with a digest of its output.
var generators = map[string]func(seed uint64) string{
	"LinReg": func(s uint64) string { x, y := LinReg(s, 50); return digest(x, y) },
	"LogReg": func(s uint64) string { x, y := LogReg(s, 50); return digest(x, y) },
	"Blobs":  func(s uint64) string { return digestSet(Blobs(s, 60, 3, 0.5)) },
	"XOR":    func(s uint64) string { return digestSet(XOR(s, 60, 0.1)) },
	"Moons":  func(s uint64) string { return digestSet(Moons(s, 60, 0.1)) },
	"Circles": func(s uint64) string {
		return digestSet(Circles(s, 60, 0.05, 0.5))
	},
	"Spiral":          func(s uint64) string { return digestSet(Spiral(s, 20)) },
	"Ring":            func(s uint64) string { return digestSet(Ring(s, 60)) },
	"Sine":            func(s uint64) string { return digest(Sine(s, 4, 30)) },
	"DatePairs":       func(s uint64) string { return fmt.Sprint(DatePairs(s, 20)) },
	"SyntheticDigits": func(s uint64) string { return digestSet(&SyntheticDigits(s, 10).Set) },
	"Loader": func(s uint64) string {
		l := NewLoader(10, 3, true, s)
		var out []int
		for range 8 {
			_, rows := l.Next()
			out = append(out, rows...)
		}
		return fmt.Sprint(out)
	},
}

func digest(ts ...*tensor.Tensor) string {
	h := fnv.New64a()
	for _, t := range ts {
		fmt.Fprint(h, t.Shape)
		for _, v := range t.Data {
			fmt.Fprintf(h, "%x,", math.Float64bits(v))
		}
	}
	return fmt.Sprintf("%x", h.Sum64())
}

func digestSet(s *Set) string { return digest(s.X, LabelColumn(s.Labels)) }

func TestDeterminism(t *testing.T) {
	for name, gen := range generators {
		a, b, c := gen(7), gen(7), gen(8)
		if a != b {
			t.Errorf("%s: seed 7 gave different data on two calls", name)
		}
		if a == c {
			t.Errorf("%s: seeds 7 and 8 gave the same data", name)
		}
	}
}

// TestPinnedNumbers pins a few values of each generator, so a change of
// the generators (or of math/rand/v2's PCG and NormFloat64) is caught. The
// tolerance allows for fused multiply-adds on other architectures.
func TestPinnedNumbers(t *testing.T) {
	x, y := LinReg(1, 3)
	lx, ly := LogReg(1, 2)
	cases := []struct {
		name      string
		got, want []float64
	}{
		{"LinReg x", x.Data, []float64{0.06261612482267986, 0.4311712362645682, 0.06539601459302136}},
		{"LinReg y", y.Data, []float64{0.873845992823945, 2.4081304784625424, 1.3238445007243422}},
		{"LogReg x", lx.Data, []float64{0.06261612482267986, 0.4311712362645682, 0.06539601459302136, 0.7203467938463525}},
		{"LogReg y", ly.Data, []float64{0, 0}},
		{"Sine", Sine(1, 1, 3).Data, []float64{0.3833574241568219, 0.4736483842156123, 0.5592068061866601}},
		{"Spiral", Spiral(1, 3).X.Data[:4], []float64{0, 0, 0.48470480927808757, -0.12272427576764407}},
	}
	for _, c := range cases {
		for i := range c.want {
			if math.Abs(c.got[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s[%d] = %.17g, want %.17g", c.name, i, c.got[i], c.want[i])
			}
		}
	}
	if got := DatePairs(1, 1)[0]; got.Out != "2043-01-26" || got.In != "26.1.2043" {
		t.Errorf("DatePairs(1, 1) = %+v", got)
	}
}

// TestLinRegFormula: the residual y − (2x + 1) is 0.5·N(0,1) noise.
func TestLinRegFormula(t *testing.T) {
	x, y := LinReg(42, 10000)
	if x.Shape[0] != 10000 || x.Shape[1] != 1 || y.Shape[1] != 1 {
		t.Fatalf("shapes %v %v, want [10000 1]", x.Shape, y.Shape)
	}
	var sum, sq float64
	for i, xi := range x.Data {
		if xi < 0 || xi >= 1 {
			t.Fatalf("x[%d] = %g outside [0, 1)", i, xi)
		}
		r := y.Data[i] - (2*xi + 1)
		sum += r
		sq += r * r
	}
	mean := sum / 10000
	std := math.Sqrt(sq/10000 - mean*mean)
	// The standard error of a std estimate from 10000 samples is ≈ 0.0035.
	if math.Abs(std-0.5) > 0.015 || math.Abs(mean) > 0.02 {
		t.Errorf("noise mean %.4f std %.4f, want ≈ 0 and ≈ 0.5", mean, std)
	}
}

// TestLogRegFormula: y = round(0.5·(x1 + x2)) exactly.
func TestLogRegFormula(t *testing.T) {
	x, y := LogReg(3, 1000)
	if fmt.Sprint(x.Shape, y.Shape) != "[1000 2] [1000 1]" {
		t.Fatalf("shapes %v %v", x.Shape, y.Shape)
	}
	ones := 0
	for i := range 1000 {
		x1, x2 := x.Data[2*i], x.Data[2*i+1]
		if x1 < 0 || x1 >= 1 || x2 < 0 || x2 >= 1 {
			t.Fatalf("x[%d] = (%g, %g) outside [0, 1)²", i, x1, x2)
		}
		if y.Data[i] != math.Round(0.5*(x1+x2)) {
			t.Fatalf("y[%d] = %g, round(0.5·(%g + %g)) = %g", i, y.Data[i], x1, x2, math.Round(0.5*(x1+x2)))
		}
		if (y.Data[i] == 1) != (x1+x2 >= 1) {
			t.Fatalf("y[%d] = %g but x1 + x2 = %g", i, y.Data[i], x1+x2)
		}
		ones += int(y.Data[i])
	}
	if ones < 400 || ones > 600 {
		t.Errorf("%d of 1000 labels are 1, want about half", ones)
	}
}
