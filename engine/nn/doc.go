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
//
// # Layers
//
// Every layer implements Layer (Forward and Params), so any of them can go
// in a Sequential:
//
//   - Dense (LeCun normal by default, Glorot uniform as in Keras with
//     NewDenseInit), Conv2D, MaxPool2D, AvgPool2D, Flatten
//   - activations as layers: ReLU, LeakyReLU, Tanh, Sigmoid, Softmax
//   - recurrent: RNN (vanilla tanh), LSTM and GRU (PyTorch's gate order
//     r, z, n), each a cell with a Step method unrolled over
//     [batch time features]
//   - Embedding, LayerNorm, BatchNorm (BatchNorm1d on [N F]; Train(false)
//     switches to its running statistics), Dropout (Train switches it
//     off), and
//     MultiHeadAttention (optionally causal; self-attention, Attend for
//     cross-attention, AttendKV for keys and values from different
//     inputs; Weights keeps the last attention weights for display)
//
// # Fused paths
//
// For training at speed, Dense.ForwardAct and Conv2D.ForwardAct record a
// layer and its activation as one op, and the Fused field of RNNCell, LSTMCell, GRUCell
// and MultiHeadAttention makes a step (for RNN, the whole sequence) or the
// attention core one op: the autograd package's fused ops, which compute
// the same values (bit for bit, or to rounding where two products are
// accumulated into one tensor) with fewer tensors and passes. They are
// off by default: a lesson that shows the forward pass op by op records
// the unfused ops.
//
// # Losses
//
// MSE, BCE (on probabilities, clamped), BCEWithLogits and CrossEntropy
// (softmax cross-entropy on logits with integer labels). Each is recorded
// on the tape, so it shows in the computation graph; the cross-entropies
// are fused ops with their own stable backward rule.
package nn
