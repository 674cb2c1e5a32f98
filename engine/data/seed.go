package data

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

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

// LogReg returns the seed's logistic-regression data: n points
// X ~ U[0,1)² of shape [n 2] and the labels y = round(0.5·(x1 + x2)) of
// shape [n 1], so y is 1 exactly when x1 + x2 ≥ 1 (no noise: the classes
// are separated by that line).
func LogReg(seed uint64, n int) (x, y *tensor.Tensor) {
	rng := tensor.NewRNG(seed)
	x = tensor.RandU(rng, 0, 1, n, 2)
	y = tensor.New(n, 1)
	for i := range n {
		y.Data[i] = math.Round(0.5 * (x.Data[2*i] + x.Data[2*i+1]))
	}
	return x, y
}
