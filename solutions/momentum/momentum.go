// Package momentum is the reference solution of the momentum exercise:
// SGD with momentum, Nesterov momentum and RMSProp, one step at a time,
// with the optimizer's state passed in and returned.
package momentum

import "math"

// Momentum returns the weights and the velocity after one step of SGD
// with momentum (PyTorch's torch.optim.SGD convention):
//
//	v' = μ·v + g        w' = w − lr·v'
func Momentum(w, v, g []float64, lr, mu float64) (wNext, vNext []float64) {
	wNext, vNext = make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		vNext[i] = mu*v[i] + g[i]
		wNext[i] = w[i] - lr*vNext[i]
	}
	return wNext, vNext
}

// Nesterov returns the weights and the velocity after one step of
// Nesterov momentum (torch.optim.SGD with nesterov=True):
//
//	v' = μ·v + g        w' = w − lr·(g + μ·v')
func Nesterov(w, v, g []float64, lr, mu float64) (wNext, vNext []float64) {
	wNext, vNext = make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		vNext[i] = mu*v[i] + g[i]
		wNext[i] = w[i] - lr*(g[i]+mu*vNext[i])
	}
	return wNext, vNext
}

// RMSProp returns the weights and the running mean of g² after one step
// of RMSProp (torch.optim.RMSprop):
//
//	s' = α·s + (1−α)·g²        w' = w − lr·g/(√s' + ε)
func RMSProp(w, s, g []float64, lr, alpha, eps float64) (wNext, sNext []float64) {
	wNext, sNext = make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		sNext[i] = alpha*s[i] + (1-alpha)*g[i]*g[i]
		wNext[i] = w[i] - lr*g[i]/(math.Sqrt(sNext[i])+eps)
	}
	return wNext, sNext
}
