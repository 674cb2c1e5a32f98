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
// # Operations
//
// One op (or a small family) per file, op_<name>.go, each gradient-checked
// against central differences on random shapes in op_<name>_test.go:
//
//   - arithmetic with NumPy broadcasting: Add, Sub, Mul, Div, Neg, Scale,
//     AddScalar; powers and logs: Pow, Square, Sqrt, Exp, Log
//   - activations: Sigmoid, Tanh, ReLU, LeakyReLU; Softmax and LogSoftmax
//     over the last axis (max-subtracted, so stable for large inputs)
//   - matrix products: MatMul, BatchMatMul (with transposes)
//   - shapes: Transpose, Permute, Reshape, Flatten, Concat, Stack, Slice,
//     Select, IndexSelect, Embedding
//   - reductions, whole or along an axis: Sum, Mean, Max, SumAxis,
//     MeanAxis, MaxAxis (keepdims optional)
//   - Conv2D (NCHW, stride, padding; im2col and one matrix product per
//     image), MaxPool2D, AvgPool2D, LayerNorm, Dropout (inverted)
//   - fused, numerically stable losses: BCE, BCEWithLogits,
//     SoftmaxCrossEntropy
//   - fused layers, for training at speed (op_fused_*.go): DenseAct and
//     Conv2DAct (a dense or convolution layer and its activation), RNNCellStep, LSTMCellStep and
//     GRUCellStep (a recurrent cell's step: both products and the gates),
//     RNNSequence (a vanilla cell over a whole sequence, with the backward
//     pass through time in one pass),
//     Attention (scores, scale, causal or additive mask, softmax and the
//     weighted sum), SelfAttentionQKV (the same from packed Q|K|V
//     projections, with the split into heads and their merge). Each is tested against its unfused composition (bit
//     for bit, or to 1e-12 where two products are accumulated into one
//     tensor); the lessons record the unfused ops, which they show one by
//     one
//
// Every op's comment states its shapes, its backward rule and when it
// panics. Element-wise ops also give their local derivative (Node.Local),
// which the backprop lesson multiplies by the upstream gradient on screen;
// non-tensor arguments show in the node's label ("axis=1", "stride=2").
//
// # Gradients
//
// Parameters (NewParam) accumulate gradients across backward passes, as in
// PyTorch; call ZeroGrad between training steps. Intermediate values get a
// fresh gradient on every backward pass. Constants (Const) never get one,
// and neither does anything computed only from constants or on a
// NoGradTape; Detach cuts a value off from the graph.
//
// A gradient, once an op has sent it, is read-only: an op may pass its
// upstream gradient on unchanged (Add, Reshape), and a Step shows the very
// tensors the pass used. Accumulation copies on the second contribution
// instead of writing into a shared tensor.
//
// # Replay
//
// Every recorded node also knows how to compute its op again from other
// inputs (the same op, the same non-tensor arguments, a dropout's mask).
// Tape.Replay re-runs the recorded forward pass from replaced values on
// new tensors, leaving the tape as it was: the lessons' on-demand gradient
// check moves one input by ±h and replays the loss.
//
// # Panics
//
// Shape mismatches panic with the op and both shapes (see package tensor).
package autograd
