// Package momentum is an exercise of the optimizers lesson: SGD with
// momentum, Nesterov momentum and RMSProp, one step at a time.
//
// Each function is pure: it is given the weights w, the optimizer's state
// (the velocity v, or the running mean s of g²) and the gradient g, and
// returns the new weights and the new state as new slices, changing none
// of its arguments. The caller carries the state: the state one step
// returns is the state passed to the next, starting from zeros. The
// learning rate lr may change from one step to the next (a schedule), so
// keep lr out of the state. All slices have the same length.
//
// Run `dlearn grade momentum` (or `go test ./momentum` in this folder) to
// check it.
package momentum

// Momentum returns the weights and the velocity after one step of SGD
// with momentum, in PyTorch's convention (torch.optim.SGD, no dampening):
//
//	v' = μ·v + g        v'[i] = mu·v[i] + g[i]
//	w' = w − lr·v'      w'[i] = w[i] − lr·v'[i]
//
// v is a running sum of gradients; lr is applied only when the weights
// move. (TensorFlow and Sutskever et al. keep lr inside v: v' = μ·v − lr·g,
// w' = w + v'. That is the same only while lr is constant; do not use it
// here.)
func Momentum(w, v, g []float64, lr, mu float64) (wNext, vNext []float64) {
	panic("TODO: implement momentum.Momentum")
}

// Nesterov returns the weights and the velocity after one step of
// Nesterov momentum, in PyTorch's convention (torch.optim.SGD with
// nesterov=True):
//
//	v' = μ·v + g
//	w' = w − lr·(g + μ·v')
//
// The step looks ahead: it adds the gradient once more to where the new
// velocity is about to carry the weights.
func Nesterov(w, v, g []float64, lr, mu float64) (wNext, vNext []float64) {
	panic("TODO: implement momentum.Nesterov")
}

// RMSProp returns the weights and the running mean of the squared
// gradient after one step of RMSProp (torch.optim.RMSprop, whose defaults
// are α = 0.99 and ε = 1e-8):
//
//	s' = α·s + (1−α)·g²        s'[i] = alpha·s[i] + (1−alpha)·g[i]²
//	w' = w − lr·g/(√s' + ε)    w'[i] = w[i] − lr·g[i]/(√s'[i] + eps)
//
// ε is added after the square root, not inside it.
func RMSProp(w, s, g []float64, lr, alpha, eps float64) (wNext, sNext []float64) {
	panic("TODO: implement momentum.RMSProp")
}
