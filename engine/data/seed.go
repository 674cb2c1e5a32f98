package data

import "github.com/dlearn/dlearn/engine/tensor"

// LinReg returns the seed's linear-regression data: n points with
// X ~ U[0,1) of shape [n 1] and y = 2x + 1 + 0.5·N(0,1) of shape [n 1].
func LinReg(seed uint64, n int) (x, y *tensor.Tensor) {
	rng := tensor.NewRNG(seed)
	x = tensor.RandU(rng, 0, 1, n, 1)
	y = tensor.New(n, 1)
	for i, xi := range x.Data {
		y.Data[i] = 2*xi + 1 + 0.5*rng.NormFloat64()
	}
	return x, y
}
