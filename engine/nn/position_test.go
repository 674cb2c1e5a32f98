package nn

import (
	"math"
	"strings"
	"testing"
)

func TestSinusoidalPositionsValues(t *testing.T) {
	p := SinusoidalPositions(4, 6)
	if got := p.Shape; len(got) != 2 || got[0] != 4 || got[1] != 6 {
		t.Fatalf("shape %v, want [4 6]", got)
	}
	// Position 0 is sin 0 = 0 and cos 0 = 1 in every pair.
	for j, want := range []float64{0, 1, 0, 1, 0, 1} {
		if p.At(0, j) != want {
			t.Errorf("P[0][%d] = %g, want %g", j, p.At(0, j), want)
		}
	}
	// Worked by hand: the pairs of d = 6 turn at 1, 10000^(−2/6) and
	// 10000^(−4/6) radians per position.
	for _, c := range []struct {
		pos, j int
		want   float64
	}{
		{1, 0, math.Sin(1)}, {1, 1, math.Cos(1)},
		{3, 2, math.Sin(3 / math.Pow(10000, 2.0/6))}, {3, 3, math.Cos(3 / math.Pow(10000, 2.0/6))},
		{2, 4, math.Sin(2 / math.Pow(10000, 4.0/6))}, {2, 5, math.Cos(2 / math.Pow(10000, 4.0/6))},
	} {
		if got := p.At(c.pos, c.j); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("P[%d][%d] = %.17g, want %.17g", c.pos, c.j, got, c.want)
		}
	}
}

// Each (sin, cos) pair has length 1, and moving k positions rotates it by
// the same angle whatever the start: P[pos+k] depends on P[pos] linearly.
func TestSinusoidalPositionsRotate(t *testing.T) {
	const n, d, k = 12, 8, 3
	p := SinusoidalPositions(n, d)
	for j := 0; j < d; j += 2 {
		w := 1 / math.Pow(10000, float64(j)/d)
		c, s := math.Cos(k*w), math.Sin(k*w)
		for pos := range n - k {
			sn, cs := p.At(pos, j), p.At(pos, j+1)
			if r := sn*sn + cs*cs; math.Abs(r-1) > 1e-12 {
				t.Fatalf("pair %d at %d has length² %g", j, pos, r)
			}
			if got, want := p.At(pos+k, j), sn*c+cs*s; math.Abs(got-want) > 1e-12 {
				t.Fatalf("P[%d][%d] = %g, want the rotation %g", pos+k, j, got, want)
			}
		}
	}
}

func TestSinusoidalPositionsOddWidthAndDistinctRows(t *testing.T) {
	p := SinusoidalPositions(6, 5)
	if got, want := p.At(2, 4), math.Sin(2/math.Pow(10000, 4.0/5)); got != want {
		t.Errorf("last column of an odd width: %g, want the sine %g", got, want)
	}
	for a := range 6 {
		for b := range a {
			same := true
			for j := range 5 {
				same = same && p.At(a, j) == p.At(b, j)
			}
			if same {
				t.Errorf("positions %d and %d have the same encoding", a, b)
			}
		}
	}
}

func TestSinusoidalPositionsPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "nn: SinusoidalPositions") {
			t.Fatalf("panic %v", r)
		}
	}()
	SinusoidalPositions(0, 4)
}
