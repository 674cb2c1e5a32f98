package data

import (
	"fmt"
	"math"
	"testing"
)

func checkSet(t *testing.T, name string, s *Set, n, classes int) {
	t.Helper()
	if fmt.Sprint(s.X.Shape) != fmt.Sprint([]int{n, 2}) || s.Len() != n || s.Classes != classes {
		t.Fatalf("%s: X %v, %d labels, %d classes; want [%d 2], %d, %d", name, s.X.Shape, s.Len(), s.Classes, n, n, classes)
	}
	for i, c := range s.Counts() {
		if c < n/classes-1 || c > n/classes+1 {
			if name != "Ring" { // Ring draws its modes at random
				t.Errorf("%s: class %d has %d of %d examples", name, i, c, n)
			}
		}
	}
	for i, l := range s.Labels {
		if l < 0 || l >= classes {
			t.Fatalf("%s: label %d = %d outside [0, %d)", name, i, l, classes)
		}
	}
	if s.X.HasNaNOrInf() {
		t.Fatalf("%s: NaN or Inf in X", name)
	}
}

func TestBlobs(t *testing.T) {
	s := Blobs(1, 300, 5, 0.3)
	checkSet(t, "Blobs", s, 300, 5)
	for i, l := range s.Labels {
		a := 2 * math.Pi * float64(l) / 5
		if d := math.Hypot(s.X.Data[2*i]-3*math.Cos(a), s.X.Data[2*i+1]-3*math.Sin(a)); d > 6*0.3 {
			t.Errorf("point %d is %.2f from its centre", i, d)
		}
	}
}

func TestXOR(t *testing.T) {
	s := XOR(1, 200, 0.1)
	checkSet(t, "XOR", s, 200, 2)
	for i, l := range s.Labels {
		a, b := math.Round(s.X.Data[2*i]), math.Round(s.X.Data[2*i+1])
		if int(a)^int(b) != l {
			t.Errorf("point %d near corner (%g, %g) has label %d", i, a, b, l)
		}
	}
}

func TestMoonsAndCircles(t *testing.T) {
	m := Moons(1, 200, 0)
	checkSet(t, "Moons", m, 200, 2)
	for i, l := range m.Labels {
		x, y := m.X.Data[2*i], m.X.Data[2*i+1]
		if l == 1 {
			x, y = 1-x, 0.5-y
		}
		if math.Abs(math.Hypot(x, y)-1) > 1e-12 || y < 0 {
			t.Fatalf("moon point %d (%g, %g) label %d is off its half circle", i, m.X.Data[2*i], m.X.Data[2*i+1], l)
		}
	}
	c := Circles(1, 200, 0, 0.4)
	checkSet(t, "Circles", c, 200, 2)
	for i, l := range c.Labels {
		want := map[int]float64{0: 1, 1: 0.4}[l]
		if r := math.Hypot(c.X.Data[2*i], c.X.Data[2*i+1]); math.Abs(r-want) > 1e-12 {
			t.Fatalf("circle point %d has radius %g, label %d", i, r, l)
		}
	}
}

// TestSpiral checks CS231n's formula: radius i/(N−1) on arm j, in order.
func TestSpiral(t *testing.T) {
	s := Spiral(1, 100)
	checkSet(t, "Spiral", s, 300, 3)
	for k, l := range s.Labels {
		j, i := k/100, k%100
		if l != j {
			t.Fatalf("point %d has label %d, want arm %d", k, l, j)
		}
		if r := math.Hypot(s.X.Data[2*k], s.X.Data[2*k+1]); math.Abs(r-float64(i)/99) > 1e-12 {
			t.Fatalf("point %d has radius %g, want %g", k, r, float64(i)/99)
		}
	}
}

func TestRing(t *testing.T) {
	s := Ring(1, 800)
	checkSet(t, "Ring", s, 800, RingModes)
	for i, l := range s.Labels {
		mode, d := NearestRingMode(s.X.Data[2*i], s.X.Data[2*i+1])
		if mode != l || d > 6*RingStd {
			t.Fatalf("point %d of mode %d is %.3f from mode %d", i, l, d, mode)
		}
	}
	for j, c := range s.Counts() {
		if c < 60 || c > 140 {
			t.Errorf("mode %d has %d of 800 points, want about 100", j, c)
		}
	}
	if x, y := RingCenter(2); math.Abs(x) > 1e-15 || y != 2 {
		t.Errorf("RingCenter(2) = (%g, %g), want (0, 2)", x, y)
	}
}

func TestSetHelpers(t *testing.T) {
	s := XOR(1, 8, 0)
	x, labels := s.Batch([]int{3, 1})
	if fmt.Sprint(x.Data, labels) != "[1 1 1 0] [0 1]" {
		t.Errorf("Batch = %v %v", x.Data, labels)
	}
	if oh := s.OneHot(); fmt.Sprint(oh.Shape, oh.Data[:4]) != "[8 2] [1 0 0 1]" {
		t.Errorf("OneHot = %v", oh)
	}
	if y := s.Y(); fmt.Sprint(y.Shape, y.Data[:4]) != "[8 1] [0 1 1 0]" {
		t.Errorf("Y = %v", y)
	}
}

func TestGeneratorPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Blobs k":       func() { Blobs(1, 10, 0, 1) },
		"Moons noise":   func() { Moons(1, 10, -1) },
		"Circles f":     func() { Circles(1, 10, 0, 0) },
		"Spiral":        func() { Spiral(1, 1) },
		"Sine":          func() { Sine(1, 0, 5) },
		"OneHot":        func() { OneHot([]int{2}, 2) },
		"Loader":        func() { NewLoader(0, 1, false, 1) },
		"Digits":        func() { SyntheticDigits(1, 0) },
		"SkipGrams":     func() { SkipGrams(nil, 0) },
		"Batches":       func() { Batches(3, 0, nil) },
		"NextStep":      func() { NextStep(Sine(1, 2, 1)) },
		"Rows":          func() { Rows(XOR(1, 4, 0).X, []int{4}) },
		"DatePairs":     func() { DatePairs(1, -1) },
		"Words.IDs":     func() { NewWords(nil).IDs([][]string{{"zebra"}}) },
		"Loader.Seek":   func() { NewLoader(4, 2, false, 1).Seek(0, 2) },
		"XOR noise NaN": func() { XOR(1, 4, math.NaN()) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
				} else if msg := fmt.Sprint(r); len(msg) < 6 || msg[:6] != "data: " {
					t.Errorf("%s: panic %q lacks the data: prefix", name, msg)
				}
			}()
			f()
		}()
	}
}
