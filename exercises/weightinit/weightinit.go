// Package weightinit is an exercise of the backprop lesson: the scales of
// Xavier (Glorot) and He (Kaiming) weight initialisation, and the
// experiment that explains them — the variance of a deep network's
// activations, layer by layer.
//
// A weight matrix W of a dense layer has fanIn rows (the inputs each unit
// sums) and fanOut columns (the units). If the inputs have variance v,
// each pre-activation Σᵢ xᵢ·Wᵢⱼ has variance fanIn·Var(W)·v: to keep it
// at v, Var(W) = 1/fanIn. Glorot and Bengio (2010) average the forward
// and backward passes, Var(W) = 2/(fanIn + fanOut), for tanh; He et al.
// (2015) double 1/fanIn for ReLU, which zeroes half of its inputs:
// Var(W) = 2/fanIn. A uniform U(−a, a) has variance a²/3, so its limit is
// a = √(3·Var(W)); a normal N(0, σ²) has σ = √Var(W).
//
// Run `dlearn grade weightinit` (or `go test ./weightinit` in this folder)
// to check it.
package weightinit

// XavierUniformLimit returns the limit a of Glorot's uniform
// initialisation (PyTorch's xavier_uniform_), W ~ U(−a, a):
//
//	a = √(6/(fanIn + fanOut))
func XavierUniformLimit(fanIn, fanOut int) float64 {
	panic("TODO: implement weightinit.XavierUniformLimit")
}

// XavierNormalStd returns the standard deviation σ of Glorot's normal
// initialisation (PyTorch's xavier_normal_), W ~ N(0, σ²):
//
//	σ = √(2/(fanIn + fanOut))
func XavierNormalStd(fanIn, fanOut int) float64 {
	panic("TODO: implement weightinit.XavierNormalStd")
}

// HeNormalStd returns the standard deviation σ of He's normal
// initialisation for ReLU (PyTorch's kaiming_normal_ with mode "fan_in"
// and nonlinearity "relu"), W ~ N(0, σ²):
//
//	σ = √(2/fanIn)
//
// fanOut is not used; it is there so that every init takes the same
// arguments.
func HeNormalStd(fanIn, fanOut int) float64 {
	panic("TODO: implement weightinit.HeNormalStd")
}

// HeUniformLimit returns the limit a of He's uniform initialisation
// (PyTorch's kaiming_uniform_ with mode "fan_in" and nonlinearity
// "relu"), W ~ U(−a, a):
//
//	a = √(6/fanIn)
//
// fanOut is not used.
func HeUniformLimit(fanIn, fanOut int) float64 {
	panic("TODO: implement weightinit.HeUniformLimit")
}

// LayerVariances runs a batch through a deep network initialised with
// your functions above and returns the variance of the activations of
// each layer.
//
// x is the input, batch×n₀. r holds, for each layer l = 1 … len(r), a
// matrix r[l-1] of nₗ₋₁×nₗ random numbers (fanIn = its rows, fanOut =
// its columns): uniform in [−1, 1) when init is "xavier_uniform" or
// "he_uniform", standard normal when init is "xavier_normal" or
// "he_normal". The layer's weights are r[l-1] times the scale of init,
//
//	Wₗ = r[l-1]·XavierUniformLimit(fanIn, fanOut)  (and so on for each init)
//
// and the layer, with no bias, is
//
//	hₗ = act(hₗ₋₁·Wₗ)      h₀ = x, hₗ is batch×nₗ,
//	hₗ[b][j] = act(Σᵢ hₗ₋₁[b][i]·Wₗ[i][j])
//
// with act "tanh" (math.Tanh) or "relu" (max(0, a)), as activation says.
// Return len(r) values: for each layer, the variance of all its batch×nₗ
// activations together, (1/N)·Σ(h − mean)² with N = batch·nₗ and mean the
// mean of them all. Do not change the arguments.
//
// Try it: with ReLU, He keeps the variance about level from layer to
// layer while Glorot's lets it shrink at every layer.
func LayerVariances(x [][]float64, r [][][]float64, init, activation string) []float64 {
	panic("TODO: implement weightinit.LayerVariances")
}
