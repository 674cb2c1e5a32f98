package privacy

import (
	"fmt"
	"math"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.9g, want %.9g (±%g)", what, got, want, tol)
	}
}

// TestRDPMatchesTFPrivacy holds RDP to the values TF Privacy's own tests
// assert for its rdp_accountant (compute_rdp(0.1, 2, 10, 5) = 0.07737;
// compute_rdp(0.01, 2.5, 50, [5, 50, 100]) = 0.00218075, 0.023846,
// 167.416307, to 5 places), integer orders only.
func TestRDPMatchesTFPrivacy(t *testing.T) {
	near(t, "10·RDP(q=0.1, σ=2, α=5)", 10*RDP(0.1, 2, 5), 0.07737, 5e-6)
	for _, c := range []struct {
		alpha int
		want  float64
	}{{5, 0.00218075}, {50, 0.023846}, {100, 167.416307}} {
		near(t, "50·RDP(q=0.01, σ=2.5)", 50*RDP(0.01, 2.5, c.alpha), c.want, 5e-6)
	}
}

// TestEpsilonMatchesAbadi is the published example: q = 0.01, σ = 4,
// 10,000 steps, δ = 1e-5 gives ε ≈ 1.26 (Abadi et al. 2016, with the
// moments accountant); TF Privacy's test asserts 1.258575 at order 20
// over the orders 2 … 32.
func TestEpsilonMatchesAbadi(t *testing.T) {
	eps, order := Epsilon(0.01, 4, 10_000, 1e-5)
	near(t, "ε", eps, 1.258575, 5e-6)
	if order != 20 {
		t.Errorf("best order %d, want 20", order)
	}
}

// TestEpsilonMatchesReimplementation: values from a separate Python
// implementation of the same formulas (binomial expansion in log space,
// classic conversion, the same orders), at the lesson's defaults and the
// TF Privacy MNIST tutorial's (60,000 examples, batch 256, σ = 1.1, 60
// epochs), whose documentation reports ε ≈ 3.01.
func TestEpsilonMatchesReimplementation(t *testing.T) {
	for _, c := range []struct {
		q, sigma float64
		steps    int
		eps      float64
		order    int
	}{
		{0.1, 1.6, 400, 8.061894697223378, 4},
		{0.1, 1.7, 400, 7.436059215714185, 4},
		{256.0 / 60000, 1.1, 14062, 3.0090995257323536, 9},
	} {
		eps, order := Epsilon(c.q, c.sigma, c.steps, 1e-5)
		near(t, "ε", eps, c.eps, 1e-9)
		if order != c.order {
			t.Errorf("q %g σ %g: best order %d, want %d", c.q, c.sigma, order, c.order)
		}
	}
}

// TestLogAMatchesIntegral checks the binomial expansion against its
// definition, A_α = E_{z∼N(0,σ²)}[((1−q) + q·e^{(2z−1)/(2σ²)})^α] (the
// α-th moment of the likelihood ratio of the mixture (1−q)N(0,σ²) +
// qN(1,σ²) to N(0,σ²)), integrated numerically.
func TestLogAMatchesIntegral(t *testing.T) {
	for _, c := range []struct {
		q, sigma float64
		alpha    int
	}{{0.1, 1.6, 8}, {0.05, 1, 3}, {0.3, 0.8, 12}, {0.01, 4, 20}} {
		s2 := c.sigma * c.sigma
		lo, hi := -30*c.sigma, 30*c.sigma+float64(c.alpha)
		const n = 400_000
		h := (hi - lo) / n
		sum := 0.0
		for i := 0; i <= n; i++ {
			z := lo + float64(i)*h
			w := 1.0
			if i == 0 || i == n {
				w = 0.5
			}
			pdf := math.Exp(-z*z/(2*s2)) / math.Sqrt(2*math.Pi*s2)
			r := (1 - c.q) + c.q*math.Exp((2*z-1)/(2*s2))
			sum += w * pdf * math.Pow(r, float64(c.alpha))
		}
		got, want := logAInt(c.q, c.sigma, c.alpha), math.Log(sum*h)
		if math.Abs(got-want) > 1e-8*math.Max(1, math.Abs(want)) {
			t.Errorf("q %g σ %g α %d: log A = %.12g, integral %.12g", c.q, c.sigma, c.alpha, got, want)
		}
	}
}

func TestRDPEdgeCases(t *testing.T) {
	// q = 1 is the Gaussian mechanism, α/(2σ²); the expansion agrees as
	// q → 1.
	near(t, "RDP(q=1, σ=2, α=4)", RDP(1, 2, 4), 0.5, 0)
	near(t, "RDP(q=1−1e-12) vs q=1", RDP(1-1e-12, 2, 4), 0.5, 1e-9)
	if RDP(0, 1, 3) != 0 {
		t.Error("q = 0 must spend nothing")
	}
	if !math.IsInf(RDP(0.1, 0, 3), 1) {
		t.Error("σ = 0 must be +Inf")
	}
	// More noise, less RDP; a higher order, more RDP.
	if !(RDP(0.1, 2, 8) < RDP(0.1, 1, 8) && RDP(0.1, 1, 8) < RDP(0.1, 1, 16)) {
		t.Error("RDP must fall with σ and grow with α")
	}
	for _, bad := range []func(){
		func() { RDP(0.1, 1, 1) }, func() { RDP(1.5, 1, 2) }, func() { RDP(0.1, -1, 2) },
		func() { RDP(math.NaN(), 1, 2) }, func() { var a Accountant; a.Epsilon(0) },
		func() { var a Accountant; a.Steps(0.1, 1, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic on invalid arguments")
				}
			}()
			bad()
		}()
	}
}

func TestAccountantComposes(t *testing.T) {
	var a Accountant
	if eps, o := a.Epsilon(1e-5); eps != 0 || o != 0 {
		t.Errorf("nothing spent: ε %g order %d", eps, o)
	}
	// 400 steps accounted one at a time equal 400 at once.
	for range 400 {
		a.Steps(0.1, 1.6, 1)
	}
	e1, _ := a.Epsilon(1e-5)
	e2, _ := Epsilon(0.1, 1.6, 400, 1e-5)
	near(t, "ε step by step", e1, e2, 1e-9)
	if a.Count() != 400 {
		t.Errorf("count %d", a.Count())
	}
	// A copy is independent: steps on it do not reach the original.
	b := a
	b.Steps(0.1, 1.6, 100)
	if e, _ := a.Epsilon(1e-5); e != e1 {
		t.Errorf("a copy's steps changed the original: %g → %g", e1, e)
	}
	// Steps of another σ add their RDP: between the two pure runs.
	var mix Accountant
	mix.Steps(0.1, 1, 200)
	mix.Steps(0.1, 3, 200)
	em, _ := mix.Epsilon(1e-5)
	lo, _ := Epsilon(0.1, 3, 400, 1e-5)
	hi, _ := Epsilon(0.1, 1, 400, 1e-5)
	if !(lo < em && em < hi) {
		t.Errorf("mixed σ: ε %g not between %g and %g", em, lo, hi)
	}
	var none Accountant
	none.Steps(0.1, 0, 1)
	if e, _ := none.Epsilon(1e-5); !math.IsInf(e, 1) {
		t.Errorf("no noise: ε %g, want +Inf", e)
	}
}

func ExampleEpsilon() {
	eps, order := Epsilon(0.01, 4, 10_000, 1e-5)
	fmt.Printf("ε = %.4f at order %d\n", eps, order)
	// Output: ε = 1.2586 at order 20
}
