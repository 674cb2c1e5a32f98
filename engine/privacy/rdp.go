package privacy

import (
	"fmt"
	"math"
)

// Orders are the integer Rényi orders α the accountant tracks, 2 … 64
// and a few beyond: the best order for the (ε, δ) conversion is small
// when ε is large and grows as ε shrinks.
var Orders = func() []int {
	var o []int
	for a := 2; a <= 64; a++ {
		o = append(o, a)
	}
	return append(o, 80, 96, 128, 192, 256)
}()

// RDP returns the Rényi differential privacy at integer order alpha of
// one step of the sampled Gaussian mechanism with sampling rate q and
// noise multiplier sigma (noise standard deviation over the l2
// sensitivity): log(A_α)/(α−1) with A_α the binomial expansion of the
// package comment. It is 0 for q = 0, α/(2σ²) (the Gaussian mechanism)
// for q = 1, and +Inf for sigma = 0 (no noise: no privacy). It panics if
// alpha < 2, q is outside [0, 1] or sigma is negative or NaN.
func RDP(q, sigma float64, alpha int) float64 {
	if alpha < 2 {
		panic(fmt.Sprintf("privacy: RDP: order %d, want ≥ 2", alpha))
	}
	if !(q >= 0 && q <= 1) {
		panic(fmt.Sprintf("privacy: RDP: sampling rate %g outside [0, 1]", q))
	}
	if !(sigma >= 0) {
		panic(fmt.Sprintf("privacy: RDP: noise multiplier %g, want ≥ 0", sigma))
	}
	switch {
	case q == 0:
		return 0
	case sigma == 0:
		return math.Inf(1)
	case q == 1:
		return float64(alpha) / (2 * sigma * sigma)
	}
	return logAInt(q, sigma, alpha) / float64(alpha-1)
}

// logAInt is log A_α for integer α, summed in log space so that large
// orders and small σ do not overflow.
func logAInt(q, sigma float64, alpha int) float64 {
	logA := math.Inf(-1)
	a := float64(alpha)
	lq, l1q := math.Log(q), math.Log1p(-q)
	for k := 0; k <= alpha; k++ {
		kf := float64(k)
		term := logBinom(a, kf) + kf*lq + (a-kf)*l1q + (kf*kf-kf)/(2*sigma*sigma)
		logA = logAdd(logA, term)
	}
	return logA
}

// logBinom is log C(n, k).
func logBinom(n, k float64) float64 {
	ln, _ := math.Lgamma(n + 1)
	lk, _ := math.Lgamma(k + 1)
	lnk, _ := math.Lgamma(n - k + 1)
	return ln - lk - lnk
}

// logAdd is log(eˣ + eʸ).
func logAdd(x, y float64) float64 {
	if math.IsInf(x, -1) {
		return y
	}
	if math.IsInf(y, -1) {
		return x
	}
	hi, lo := math.Max(x, y), math.Min(x, y)
	return hi + math.Log1p(math.Exp(lo-hi))
}

// Accountant adds up the RDP of a run's steps at every order in Orders.
// Its zero value is an accountant that has spent nothing; it is a plain
// value, so copying it saves its state.
type Accountant struct {
	// rdp[i] is the total RDP at order Orders[i].
	rdp []float64
	// steps counts the steps accounted.
	steps int
}

// Steps accounts for n steps of the sampled Gaussian mechanism with
// sampling rate q and noise multiplier sigma: RDP adds up over steps, so
// steps with other q or σ (a noise multiplier changed mid-run) can be
// accounted one after another. It panics as RDP does, or if n < 0.
func (a *Accountant) Steps(q, sigma float64, n int) {
	if n < 0 {
		panic(fmt.Sprintf("privacy: Accountant.Steps: %d steps", n))
	}
	if a.rdp == nil {
		a.rdp = make([]float64, len(Orders))
	} else {
		a.rdp = append([]float64(nil), a.rdp...) // copies stay independent
	}
	for i, o := range Orders {
		a.rdp[i] += float64(n) * RDP(q, sigma, o)
	}
	a.steps += n
}

// Count is the number of steps accounted.
func (a *Accountant) Count() int { return a.steps }

// Epsilon returns the smallest ε over the tracked orders for which the
// steps accounted so far are (ε, delta)-DP, ε = min_α RDP_total(α) +
// log(1/δ)/(α−1), and the order α that gives it. With no step accounted
// it returns 0 and order 0; with no noise, +Inf. It panics unless
// 0 < delta < 1.
func (a *Accountant) Epsilon(delta float64) (eps float64, order int) {
	if !(delta > 0 && delta < 1) {
		panic(fmt.Sprintf("privacy: Epsilon: δ = %g, want 0 < δ < 1", delta))
	}
	if a.steps == 0 {
		return 0, 0
	}
	eps = math.Inf(1)
	for i, o := range Orders {
		e := a.rdp[i] + math.Log(1/delta)/float64(o-1)
		if e < eps {
			eps, order = e, o
		}
	}
	return eps, order
}

// Epsilon is the ε at delta of steps steps of the sampled Gaussian
// mechanism with rate q and noise multiplier sigma, over Orders: the
// one-call form of an Accountant.
func Epsilon(q, sigma float64, steps int, delta float64) (eps float64, order int) {
	var a Accountant
	a.Steps(q, sigma, steps)
	return a.Epsilon(delta)
}
