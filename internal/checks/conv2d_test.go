package checks

import (
	"math"
	"strings"
	"testing"
)

// The conv2d check's references against numbers worked out by hand, and
// the identity of a bilinear layer: with L = Σ dy ⊙ y and y = x ⋆ w + b,
// Σ dx ⊙ x = Σ dw ⊙ w = L − Σ db ⊙ b.
func TestConv2DReference(t *testing.T) {
	y := c2Hand.forward(c2Variant{})
	sameMat(t, "hand y[0]", y[0], [][]float64{{4.5, 1.5}, {0.5, 3.5}})
	sameMat(t, "hand y[1]", y[1], [][]float64{{2, 2}, {1, 4}})
	sameMat(t, "stride-pad y", c2StridePad.forward(c2Variant{})[0], [][]float64{{-0.75, 4.25, 0.25}, {1.25, 6.25, 2.25}})
	l := c2StridePad
	l.dy = [][][]float64{{{1, 2, 3}, {4, 5, 6}}}
	g := l.backward(c2Variant{})
	near(t, "db", g.db[0], 21, 1e-15)
	// x[0][1][1] sits under w[2][2], w[2][0], w[0][2] and w[0][0] of the
	// four windows (0,0), (0,1), (1,0), (1,1).
	near(t, "dx[0][1][1]", g.dx[0][1][1], 0*1+2*1+4*2+5*1, 1e-15)
	near(t, "dw[0][0][0][0]", g.dw[0][0][0][0], 5*1+6*2, 1e-15)
	for _, n := range [][5]int{{5, 3, 1, 0, 3}, {5, 3, 1, 1, 5}, {7, 3, 2, 1, 4}, {8, 3, 2, 1, 4}, {10, 4, 3, 2, 4}} {
		if got := c2Out(n[0], n[1], n[2], n[3]); got != n[4] {
			t.Errorf("c2Out%v = %d, want %d", n[:4], got, n[4])
		}
	}
	r := newRand(99)
	for _, d := range [][8]int{{3, 7, 6, 2, 3, 3, 2, 1}, {2, 8, 6, 2, 3, 2, 3, 2}} {
		l := randomC2(r, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], "")
		g := l.backward(c2Variant{})
		dot := func(a, b []float64) float64 {
			s := 0.0
			for i := range a {
				s += a[i] * b[i]
			}
			return s
		}
		L := dot(c2Flat3(l.dy), c2Flat3(l.forward(c2Variant{}))) - dot(g.db, l.b)
		xs, ws := dot(c2Flat3(g.dx), c2Flat3(l.x)), dot(c2Flat4(g.dw), c2Flat4(l.w))
		if math.Abs(xs-L) > 1e-12 || math.Abs(ws-L) > 1e-12 {
			t.Errorf("%v: Σ dx⊙x = %v, Σ dw⊙w = %v, want both %v", d, xs, ws, L)
		}
	}

	// Every known mistake is wrong on some case of the checks that carry it.
	hand := []c2Layer{c2Hand, c2StridePad, c2Overlap}
	for _, m := range c2ForwardMistakes {
		wrong := false
		for _, l := range hand {
			wrong = wrong || !sameVec(c2Flat3(l.forward(m.v)), c2Flat3(l.forward(c2Variant{})))
		}
		if !wrong {
			t.Errorf("Forward mistake %q gives the right answers", m.hint)
		}
	}
	for i := range c2StridePad.withDy().backMistakes() {
		wrong := false
		for _, l := range hand {
			l = l.withDy()
			m, right := l.backMistakes()[i], l.backward(c2Variant{})
			for _, part := range c2Parts {
				wrong = wrong || !sameVec(m.g.flat(part), right.flat(part))
			}
		}
		if !wrong {
			t.Errorf("Backward mistake %d gives the right answers", i)
		}
	}
}

func TestConv2DCheckPassesTheReference(t *testing.T) {
	impl := Conv2DImpl{
		OutSize: c2Out,
		Forward: func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
			return c2Layer{x: x, w: w, b: b, s: s, p: p}.forward(c2Variant{})
		},
		Backward: func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64) {
			g := c2Layer{x: x, w: w, s: s, p: p, dy: dy}.backward(c2Variant{})
			return g.dx, g.dw, g.db
		},
	}
	if p := CheckConv2D(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.Backward = func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64) {
		panic("TODO: implement conv2d.Backward")
	}
	p := CheckConv2D(impl)
	if len(p) != 6 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"conv2d.Backward") {
		t.Fatalf("stub Backward: %d problems\n%s", len(p), Summary(p))
	}
}
