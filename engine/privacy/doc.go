// Package privacy accounts for the privacy that differentially private
// SGD spends: the Rényi differential privacy (RDP) of the sampled
// Gaussian mechanism, composed over training steps and converted to an
// (ε, δ) guarantee.
//
// One step of DP-SGD (Abadi et al., "Deep Learning with Differential
// Privacy", 2016) includes each training example in its batch with
// probability q, clips every example's gradient to norm C and adds
// Gaussian noise of standard deviation σ·C to their sum: a sampled
// Gaussian mechanism with noise multiplier σ. For an integer order α ≥ 2
// its RDP is (Mironov, Talwar and Zhang, "Rényi Differential Privacy of
// the Sampled Gaussian Mechanism", 2019, Section 3.3)
//
//	RDP(α) = 1/(α−1) · log A_α,
//	A_α    = Σ_{k=0}^{α} C(α,k) (1−q)^{α−k} q^k exp((k²−k)/(2σ²)),
//
// the same binomial expansion TF Privacy and Opacus compute in
// _compute_log_a_int. RDP composes by addition (Mironov, "Rényi
// Differential Privacy", 2017, Proposition 1): T steps have RDP T·RDP(α).
// An (α, ρ)-RDP mechanism is (ρ + log(1/δ)/(α−1), δ)-DP for every δ in
// (0, 1) (Mironov 2017, Proposition 3), so
//
//	ε(δ) = min over α of  T·RDP(α) + log(1/δ)/(α−1).
//
// This is the classic conversion TF Privacy's rdp_accountant used; a
// tighter one exists (Balle et al., 2020) and gives a smaller ε, but is
// not what this package computes.
//
// # Example
//
//	var a privacy.Accountant
//	a.Steps(0.01, 4, 10_000)           // q = 1%, σ = 4, 10,000 steps
//	eps, order := a.Epsilon(1e-5)      // 1.2586, at α = 20 (Abadi et al.: 1.26)
package privacy
