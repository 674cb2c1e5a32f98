// Package autograd is dlearn's reverse-mode automatic differentiation: a
// define-by-run tape of operations on tensors.
//
// Every operation is a method on a *Tape. Calling one computes its output at
// once and records a Node (its inputs, its label and how to push a gradient
// back to them). Because nodes are appended as they are created, the tape is
// already in topological order, and the backward pass is a cursor walking it
// in reverse:
//
//	tp := autograd.NewTape()
//	x := autograd.Const("x", xs)
//	w := autograd.NewParam("dense.W", tensor.RandN(rng, 1, 1))
//	yhat := tp.MatMul(x, w).Named("ŷ")
//	loss := tp.Mean(tp.Square(tp.Sub(yhat, y)))
//	tp.Backward(loss) // w.Grad now holds dL/dW
//
// # Two forms of the backward pass, one code path
//
// Backward runs the whole reverse pass. BackwardSteps is a Go iterator that
// yields one node at a time with its upstream gradient, the gradient it sends
// to each input and, for element-wise ops, the local derivative: the chain
// rule in numbers, for the lessons to show. Backward is implemented as a loop
// over BackwardSteps, so both give bit-for-bit the same gradients.
//
// # Gradients
//
// Parameters (NewParam) accumulate gradients across backward passes, as in
// PyTorch; call ZeroGrad between training steps. Intermediate values get a
// fresh gradient on every backward pass. Constants (Const) never get one.
//
// # Panics
//
// Shape mismatches panic with the op and both shapes (see package tensor).
package autograd
