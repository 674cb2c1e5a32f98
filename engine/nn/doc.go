// Package nn holds dlearn's layers and losses, built from autograd ops.
//
// A layer owns named parameters (autograd Vars made with NewParam, named
// "<layer>.<param>", for example "dense1.W") and has a Forward method that
// records its computation on a tape:
//
//	d := nn.NewDense("dense1", 1, 1, rng)
//	yhat := d.Forward(tp, x)
//	loss := nn.MSE(tp, yhat, y)
//
// Params returns a layer's parameters in a fixed order, which optimizers and
// lessons rely on. Initialisation draws from the *rand.Rand it is given, so
// a seed fixes every weight.
package nn
