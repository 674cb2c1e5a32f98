// Package tensor holds dlearn's n-dimensional array: float64 values in
// row-major order with a shape, and the numerical kernels the autograd ops
// are built from (element-wise maths with NumPy broadcasting, reductions,
// matrix products through gonum's BLAS).
//
// # Contract
//
// A Tensor's Data always has exactly Size(Shape) elements, laid out
// row-major (the last axis varies fastest). A scalar has an empty shape and
// one element. Functions that return a new tensor never alias their inputs;
// functions whose name ends in "Into" write into a destination the caller
// owns, so training loops can reuse buffers.
//
// # Panics
//
// A shape mismatch is a programmer error, not user input: every kernel
// checks its shapes and panics with a message that names the operation and
// both shapes, for example
//
//	tensor: MatMul: shapes [3 4] and [5 2] do not match (inner sizes 4 and 5)
//
// # Determinism
//
// Random constructors take a *rand.Rand from math/rand/v2 seeded with PCG
// (see NewRNG), so the same seed gives the same tensors on every machine.
package tensor
