package autograd

import "github.com/dlearn/dlearn/engine/tensor"

// Element-wise kernels over large tensors (a convolution's activations)
// are split between the cores by tensor.ParallelFor; each element is
// written by one goroutine with the same arithmetic, so the result does
// not depend on the number of cores. Small tensors run on the caller's
// goroutine without making a closure.

// Costs of an element, in the units of tensor.MinParallelWork, for the
// kernels below: a transcendental function costs several multiply-adds.
const (
	costCheap = 1
	costExp   = 8
)

// each2 calls k(dst, a), or k on matching parts of dst and a on several
// goroutines when len(dst)·cost is large.
func each2(cost int, dst, a []float64, k func(dst, a []float64)) {
	n := len(dst)
	if !tensor.ParallelWorth(n * cost) {
		k(dst, a)
		return
	}
	a = a[:n]
	tensor.ParallelFor(n, n*cost, func(lo, hi int) { k(dst[lo:hi], a[lo:hi]) })
}

// each3 is each2 for kernels of two operands.
func each3(cost int, dst, a, b []float64, k func(dst, a, b []float64)) {
	n := len(dst)
	if !tensor.ParallelWorth(n * cost) {
		k(dst, a, b)
		return
	}
	a, b = a[:n], b[:n]
	tensor.ParallelFor(n, n*cost, func(lo, hi int) { k(dst[lo:hi], a[lo:hi], b[lo:hi]) })
}
