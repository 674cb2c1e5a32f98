// Package train is an exercise of the backpropagation lesson: train a
// network end to end with your own pieces — dense layers, an activation,
// softmax cross-entropy and an optimizer, assembled into a training loop
// that must fit the spiral data set.
//
// Run `dlearn grade train` (or `go test ./train` in this folder) to check
// it.
package train

// Train trains a two-layer network on the spiral data set and returns
// the loss history and the trained weights.
//
// The data: X holds N points (N×2, coordinates in [−1, 1]), y their
// classes 0, 1 or 2 — three interleaved spiral arms of 100 points each,
// which no straight line separates. seed is for your random
// initialisation (math/rand/v2: rand.New(rand.NewPCG(seed, 1))); steps
// is the budget: take exactly steps updates.
//
// The network, with H hidden units of your choice (1 ≤ H ≤ 256; 64 is
// plenty):
//
//	Hid    = X·W1 + b1            N×H    W1: 2×H, b1: H
//	A      = ReLU(Hid) = max(Hid, 0)
//	logits = A·W2 + b2            N×3    W2: H×3, b2: 3
//	loss   = mean over the N points of −log softmax(logits)[y]
//
// Write the pieces as functions of your own in this package (you may
// reuse your dense, softmax and adam exercises):
//
//   - a dense layer's forward and backward: dW = Xᵀ·dY, db = Σ_rows dY,
//     dX = dY·Wᵀ;
//   - ReLU and its backward: dHid = dA where Hid > 0, else 0;
//   - softmax cross-entropy, stable: subtract each row's largest logit
//     before exp; its gradient d loss/d logits = (softmax − onehot(y))/N;
//   - an optimizer: Adam with lr ≈ 0.01–0.05 (or plain gradient descent
//     with lr ≈ 1);
//   - random initial weights: He's N(0, 2/fan_in) for W1 and W2, zero
//     biases. Never all zeros: every hidden unit would stay the same.
//
// One step: forward on all N points (full batch), record the loss, back
// propagate, update every weight. Return
//
//   - losses: steps values, losses[k] = the mean loss before update k;
//   - W1 (2×H), b1 (H), W2 (H×3), b2 (3): the weights after the last
//     update, as [row][column].
//
// The check runs Train once (200 steps), evaluates your weights with its
// own forward pass (the formula above) and wants at least 95% of the
// training points classified right (argmax of the logits). When training
// stalls, it says where from your losses: rising, not falling, NaN, or a
// plateau. Keep it fast: the reference takes a fraction of a second.
func Train(X [][]float64, y []int, seed uint64, steps int) (losses []float64, W1 [][]float64, b1 []float64, W2 [][]float64, b2 []float64) {
	panic("TODO: implement train.Train")
}
