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
//
// Every kernel gives the same bits whatever the machine's vector units and
// the number of cores. The matrix product (gemm_fma.go) computes each
// element as c = fma(a[i][p], b[p][j], c) for p = 0, 1, …, k−1 in order,
// through whichever micro-kernel the CPU supports (AVX-512 8×24, generated
// by gemm512_gen.go; AVX2/FMA 6×8; or the portable Go kernel) and however
// it is blocked or split. ExpInto and TanhInto give exactly math.Exp's and
// math.Tanh's bits, four values at a time where the CPU has AVX2 (a check
// at start-up turns the vector path off on any difference). Kernels split
// between the cores (ParallelFor, SplitRanges) give each output element to
// exactly one part, and the parts run on parked workers or, when a worker
// is busy, on the caller, so the split never changes a result.
//
// # Memory
//
// An Arena (autograd's recycling tapes) hands out a training step's
// tensors and takes them all back at Recycle, so that a fixed-shape step
// allocates almost nothing after the first; the next step gets the same
// buffers in the same order. Tensors from an Arena are valid until its
// next Recycle; those from Arena.Uninit hold whatever the buffer last held.
package tensor
