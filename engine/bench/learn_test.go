package bench

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/data"
)

// linregSeed is a seed of data.LinReg whose 100 points have a
// least-squares line within 0.1 of the true slope 2 and intercept 1, so
// that recovering the truth to 0.1 is a fair demand on the optimizer.
const linregSeed = 1

// TestLinregRecoversLine trains W1 with a learning rate that converges in
// its 100 epochs and checks that SGD finds y = 2x + 1 to 0.1.
func TestLinregRecoversLine(t *testing.T) {
	const lr = 0.1
	w := NewLinreg(linregSeed, lr)
	for range RegressionSteps {
		w.Step()
	}
	slope, icept := w.WB()
	lsW, lsB := leastSquares(w.X.Data, w.Y.Data)
	if math.Abs(slope-2) >= 0.1 || math.Abs(icept-1) >= 0.1 {
		t.Errorf("linreg (seed %d, lr %g, %d steps): W = %.4f, b = %.4f, want |W−2| < 0.1 and |b−1| < 0.1 (least squares on this data: W = %.4f, b = %.4f)",
			linregSeed, lr, RegressionSteps, slope, icept, lsW, lsB)
	}
	if math.Abs(lsW-2) >= 0.1 || math.Abs(lsB-1) >= 0.1 {
		t.Errorf("linreg: the least-squares line of seed %d is W = %.4f, b = %.4f, more than 0.1 from the truth: pick another seed", linregSeed, lsW, lsB)
	}
}

// leastSquares returns the least-squares line y ≈ w·x + b through the
// points (x[i], y[i]).
func leastSquares(x, y []float64) (w, b float64) {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	w = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return w, (sy - w*sx) / n
}

// TestLogregSeparates trains W2 with a learning rate that converges and
// checks that the line it learns separates the two classes.
func TestLogregSeparates(t *testing.T) {
	const lr, steps = 1.0, 4000
	w := NewLogreg(1, lr)
	for range steps {
		w.Step()
	}
	if acc := w.Accuracy(); acc < 0.95 {
		t.Errorf("logreg (lr %g, %d steps): training accuracy %.3f, want ≥ 0.95", lr, steps, acc)
	}
}

// TestMLPSpiral trains W3 exactly as benchmarked (750 Adam steps) and
// checks that it fits the three-arm spiral.
func TestMLPSpiral(t *testing.T) {
	w := NewMLP(1, MLPLR)
	var loss float64
	for range MLPSteps {
		loss = w.Step()
	}
	if acc := w.Accuracy(); acc < 0.95 {
		t.Errorf("mlp: training accuracy %.3f after %d steps (last loss %.4f), want ≥ 0.95", acc, MLPSteps, loss)
	}
}

// TestCNNMNIST trains W4's model on 6,000 real MNIST digits and checks
// its accuracy on 1,000 digits it has not seen. It takes a few seconds
// on two cores (it loads and trains on real data), so it is skipped under
// -short.
func TestCNNMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("bench: the MNIST training test loads and trains on real digits; skipped under -short")
	}
	train, test, err := data.MNIST(6000, 1000)
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	const epochs, batch, lr = 4, 32, 0.02
	w := NewCNNOn(1, &train.Set, batch, lr)
	for e := range epochs {
		loss := 0.0
		for range w.StepsPerEpoch() {
			loss += w.Step()
		}
		t.Logf("epoch %d: mean loss %.4f", e+1, loss/float64(w.StepsPerEpoch()))
	}
	if acc := w.Accuracy(test.X, test.Labels); acc < 0.95 {
		t.Errorf("cnn: accuracy %.3f on %d held-out MNIST digits after %d epochs on %d, want ≥ 0.95",
			acc, len(test.Labels), epochs, len(train.Labels))
	} else {
		t.Logf("accuracy %.3f on %d held-out digits", acc, len(test.Labels))
	}
}
