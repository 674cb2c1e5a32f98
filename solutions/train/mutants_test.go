package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement train.Train"

type trainFn = func(X [][]float64, y []int, seed uint64, steps int) ([]float64, [][]float64, []float64, [][]float64, []float64)

// wrong says which mistake a mutant training loop makes; the zero value
// is the reference.
type wrong struct {
	linear    bool    // no ReLU between the layers
	unstable  bool    // softmax without subtracting the max
	initScale float64 // multiplies the initial weights (0: 1)
	signFlip  bool    // d loss/d logits with the wrong sign
	lr        float64 // the learning rate (0: the reference's)
	zeroInit  bool    // every weight starts at 0
}

// unstableCE is softmax cross-entropy without the max subtracted.
func unstableCE(z [][]float64, y []int) (float64, [][]float64) {
	n := float64(len(z))
	loss := 0.0
	dz := mat(len(z), len(z[0]))
	for k, row := range z {
		s := 0.0
		for _, v := range row {
			s += math.Exp(v)
		}
		loss += -math.Log(math.Exp(row[y[k]]) / s)
		for j, v := range row {
			dz[k][j] = math.Exp(v) / s / n
		}
		dz[k][y[k]] -= 1 / n
	}
	return loss / n, dz
}

// trainWith is Train with the mistake w.
func trainWith(w wrong) trainFn {
	return func(X [][]float64, y []int, seed uint64, steps int) ([]float64, [][]float64, []float64, [][]float64, []float64) {
		r := rand.New(rand.NewPCG(seed, 1))
		l1, l2 := newDense(r, len(X[0]), hidden), newDense(r, hidden, 3)
		for _, l := range []*dense{l1, l2} {
			for i := range l.W {
				for j := range l.W[i] {
					switch {
					case w.zeroInit:
						l.W[i][j] = 0
					case w.initScale != 0:
						l.W[i][j] *= w.initScale
					}
				}
			}
		}
		lr := 0.02
		if w.lr != 0 {
			lr = w.lr
		}
		opt := newAdam(lr)
		var losses []float64
		for range steps {
			h := l1.forward(X)
			a := h
			if !w.linear {
				a = relu(h)
			}
			z := l2.forward(a)
			ce := softmaxCE
			if w.unstable {
				ce = unstableCE
			}
			loss, dz := ce(z, y)
			if w.signFlip {
				for _, row := range dz {
					for j := range row {
						row[j] = -row[j]
					}
				}
			}
			losses = append(losses, loss)
			da := l2.backward(dz)
			dh := da
			if !w.linear {
				dh = reluBackward(h, da)
			}
			l1.backward(dh)
			opt.step([][][]float64{l1.W, l2.W}, [][][]float64{l1.dW, l2.dW}, [][]float64{l1.b, l2.b}, [][]float64{l1.db, l2.db})
		}
		return losses, l1.W, l1.b, l2.W, l2.b
	}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	fn   trainFn
	want string
}{
	{"stub", func(X [][]float64, y []int, seed uint64, steps int) ([]float64, [][]float64, []float64, [][]float64, []float64) {
		panic(todo)
	}, "not implemented yet: train.Train (solutions/train/mutants_test.go:"},
	{"no hidden non-linearity", trainWith(wrong{linear: true}), "your network is linear"},
	// An unstable softmax is harmless while the logits are small; large
	// initial weights make them large from the first step.
	{"softmax without the max, on large logits", trainWith(wrong{unstable: true, initScale: 30}),
		"the softmax overflows: exp of a large logit is +Inf"},
	{"gradient sign flipped", trainWith(wrong{signFlip: true}), "every update goes uphill"},
	{"learning rate far too small", trainWith(wrong{lr: 1e-6}), "the updates are far too small: raise the learning rate"},
	{"zero initialisation", trainWith(wrong{zeroInit: true}), "a constant (zero) initialisation"},
	{"wrong number of losses", func(X [][]float64, y []int, seed uint64, steps int) ([]float64, [][]float64, []float64, [][]float64, []float64) {
		losses, W1, b1, W2, b2 := Train(X, y, seed, steps)
		return losses[1:], W1, b1, W2, b2
	}, "one per step, the loss before its update"},
	{"W1 transposed", func(X [][]float64, y []int, seed uint64, steps int) ([]float64, [][]float64, []float64, [][]float64, []float64) {
		losses, W1, b1, W2, b2 := Train(X, y, seed, steps)
		t := mat(len(W1[0]), len(W1))
		for i := range W1 {
			for j := range W1[i] {
				t[j][i] = W1[i][j]
			}
		}
		return losses, t, b1, W2, b2
	}, "W1 has shape 64×2, want 2×64"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckTrain(checks.TrainImpl{Train: mu.fn}), mu.want)
		})
	}
}
