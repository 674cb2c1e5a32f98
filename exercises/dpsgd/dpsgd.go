// Package dpsgd is an exercise of the privacy lesson (and of overfit):
// one step of differentially private SGD (Abadi et al., "Deep Learning
// with Differential Privacy", 2016). A network that
// memorises its training set can leak it; DP-SGD bounds how much any one
// example can move the weights, then hides that bounded move in noise.
//
// Run `dlearn grade dpsgd` (or `go test ./dpsgd` in this folder) to check it.
package dpsgd

// Step returns the weights after one DP-SGD step and the noisy mean
// gradient it used:
//
//	ḡᵢ = gᵢ · min(1, C/‖gᵢ‖₂)          clip each example's gradient on its own
//	g̃  = (Σᵢ ḡᵢ + sigma·C·z) / n        add the noise to the sum, then divide by n
//	newW = w − lr·g̃
//
// w is the weights (length p); grads holds the per-example gradients, n
// rows of length p, one per example of the batch (n = len(grads)); C > 0 is
// the clipping norm; sigma ≥ 0 is the noise multiplier, so the noise has
// standard deviation sigma·C; lr is the learning rate; z (length p) is a
// draw of standard normal numbers, passed in instead of drawn here so
// that the step can be checked. ‖g‖₂ = √(Σⱼ gⱼ²), the norm of the whole
// example gradient: a gradient shorter than C is kept as it is, a longer
// one scaled down to norm C in the same direction, and a zero gradient
// stays zero.
//
// Return newW and noisyGrad = g̃, both new slices of length p; do not
// change the arguments.
func Step(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) (newW, noisyGrad []float64) {
	panic("TODO: implement dpsgd.Step")
}
