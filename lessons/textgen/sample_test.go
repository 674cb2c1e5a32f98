package textgen

import (
	"math"
	"testing"
)

func TestDistribution(t *testing.T) {
	z := []float64{1, 3, 2, 3}
	// Temperature 1, all kept: softmax, worked out by hand.
	e := []float64{math.Exp(-2), 1, math.Exp(-1), 1}
	s := e[0] + e[1] + e[2] + e[3]
	p := Distribution(z, 1, 0)
	for i := range z {
		if math.Abs(p[i]-e[i]/s) > 1e-15 {
			t.Errorf("p[%d] = %v, want %v", i, p[i], e[i]/s)
		}
	}
	// Temperature 0.5 squares the ratios; top-2 keeps the tied 3s only.
	p = Distribution(z, 0.5, 2)
	if p[1] != 0.5 || p[3] != 0.5 || p[0] != 0 || p[2] != 0 {
		t.Errorf("τ 0.5, top-2: %v, want [0 0.5 0 0.5]", p)
	}
	// top-3 keeps 3, 3, 2: p ∝ e^(2z) over them.
	p = Distribution(z, 0.5, 3)
	w := 2 + math.Exp(-2)
	if math.Abs(p[2]-math.Exp(-2)/w) > 1e-15 || math.Abs(p[1]-1/w) > 1e-15 || p[0] != 0 {
		t.Errorf("τ 0.5, top-3: %v", p)
	}
	// top-1 on a tie keeps the lower index.
	if p = Distribution(z, 1, 1); p[1] != 1 || p[3] != 0 {
		t.Errorf("top-1 on a tie: %v, want all on index 1", p)
	}
	// Huge logits do not overflow.
	p = Distribution([]float64{1000, 999}, 1, 0)
	if math.Abs(p[0]-1/(1+math.Exp(-1))) > 1e-12 {
		t.Errorf("large logits: %v", p)
	}
}

func TestSample(t *testing.T) {
	z := []float64{0, math.Log(3), 0} // p = 0.2, 0.6, 0.2
	for _, c := range []struct {
		u    float64
		want int
	}{{0, 0}, {0.199, 0}, {0.2, 1}, {0.79, 1}, {0.8, 2}, {0.9999, 2}} {
		if got := Sample(z, 1, 0, c.u); got != c.want {
			t.Errorf("u = %v: %d, want %d", c.u, got, c.want)
		}
	}
	if got := Sample(z, 0, 0, 0.99); got != 1 {
		t.Errorf("temperature 0: %d, want the argmax 1", got)
	}
	// top-2 of [0, ln3, 0] keeps indices 0 and 1 (the tie at 0 goes to the
	// lower index): p = 0.25, 0.75.
	if got := Sample(z, 1, 2, 0.26); got != 1 {
		t.Errorf("top-2, u = 0.26: %d, want 1", got)
	}
	if got := Sample(z, 1, 2, 0.9999999); got != 1 {
		t.Errorf("top-2, u near 1: %d, want 1 (index 2 is not kept)", got)
	}
}

func TestWordRate(t *testing.T) {
	vocab := map[string]bool{"the": true, "light": true, "of": true}
	r, n := WordRate("the light, of thx (the) ligh", vocab)
	if n != 5 || math.Abs(r-0.8) > 1e-15 {
		t.Errorf("rate %v of %d words, want 0.8 of 5 (the cut last word left out)", r, n)
	}
	if r, n = WordRate("thx of ", vocab); n != 2 || r != 0.5 {
		t.Errorf("rate %v of %d, want 0.5 of 2", r, n)
	}
	if r, n = WordRateMin("the light, of thx (the) lighx ", vocab, 4); n != 2 || r != 0.5 {
		t.Errorf("words of 4 letters or more: rate %v of %d, want 0.5 of 2", r, n)
	}
}
