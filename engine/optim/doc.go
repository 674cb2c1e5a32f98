// Package optim holds dlearn's optimizers. Each one updates parameters in
// place from their gradients and keeps, for every parameter, its state and
// the last update it applied, because the lessons display them.
//
// # The optimizers
//
// All implement Optimizer. The update rules, with g = dW + λ·W (λ the
// optional L2 weight decay, 0 by default):
//
//	SGD       W ← W − lr·g
//	Momentum  v ← μ·v + g;  W ← W − lr·v                 (PyTorch's convention)
//	Nesterov  v ← μ·v + g;  W ← W − lr·(g + μ·v)
//	AdaGrad   G ← G + g²;   W ← W − lr·g/(√G + ε)
//	RMSProp   v ← α·v + (1−α)·g²;  W ← W − lr·g/(√v + ε)
//	Adam      m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
//	          W ← W − lr·m̂/(√v̂ + ε),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
//	AdamW     W ← W·(1 − lr·λ), then Adam with g = dW    (decoupled decay)
//
// They follow torch.optim exactly (the tests compare three steps of each
// with numbers PyTorch produced), including the defaults: μ = 0.9 from New,
// AdaGrad ε = 1e-10, RMSProp α = 0.99 and ε = 1e-8, Adam β1 = 0.9,
// β2 = 0.999 and ε = 1e-8, AdamW λ = 0.01.
//
// # A training step
//
//	opt, err := optim.New("adam", 0.01) // or optim.NewAdam(0.01)
//	...
//	optim.ZeroGrad(params)
//	tp.Backward(loss)
//	optim.ClipGradNorm(params, 5) // optional
//	opt.Step(params)
//	dW := opt.LastUpdate(params[0])  // what the step did
//	st := opt.State(params[0])       // m, v, t, bias corrections, step sizes
//
// # What lessons can show and change
//
// LastUpdate returns ΔW of the last step. State returns copies of the
// per-parameter state as named tensors (look them up with Lookup and the
// State… constants); scalars such as t and Adam's bias corrections are
// tensors of shape []. The adaptive methods also report their effective
// per-element step size, lr/(√… + ε).
//
// SetLearningRate (or the LR field) changes the learning rate between
// steps and keeps the state; in the momentum methods the new rate applies
// to the whole velocity at once, as in PyTorch. Clone copies an optimizer
// with its state (for rewinding a run, or moving it to cloned
// parameters); Reset forgets the state. Replaying a run from its seed
// with a fresh optimizer gives bit-identical numbers too.
//
// # Contract
//
// Parameters whose Grad is nil are skipped and keep their state (Adam's t
// is per parameter). The state buffers are made on a parameter's first
// step and reused, so later steps allocate nothing. Step never changes
// Grad. A NaN or Inf spreads into the parameters like any other number, so
// a diverging run shows as such.
//
// # Errors and panics
//
// New and its Options validate what a user can type and return one-line
// errors starting with "optim: ". A gradient whose shape differs from its
// parameter's is a programmer error: Step panics with the optimizer, the
// parameter's name and both shapes. SetLearningRate panics on a negative,
// NaN or infinite rate (check user input with CheckLR first) and
// ClipGradNorm on a max norm that is not > 0.
package optim
