package autograd

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestRefresh: new values written into an op's output and refreshed give
// every later value what a replay from those values gives, bit for bit,
// and leave the ops before it alone.
func TestRefresh(t *testing.T) {
	x := NewParam("x", tensor.FromValues([]float64{0.5, -1, 2, 0.25}, 2, 2))
	w := NewParam("w", tensor.FromValues([]float64{1, 2, -1, 0.5}, 2, 2))
	tp := NewTape()
	rng := rand.New(rand.NewPCG(1, 2))
	z := tp.MatMul(x, w)
	s := tp.Sigmoid(z)
	h := tp.Dropout(tp.Mul(s, tp.Exp(x)), 0.5, rng, true)
	loss := tp.Mean(tp.Square(tp.Softmax(tp.Concat(1, h, z))))

	moved := s.Value.Clone()
	for i := range moved.Data {
		moved.Data[i] += 0.01 * float64(i+1)
	}
	want := tp.Replay(loss, map[*Var]*tensor.Tensor{s: moved})
	zBefore := slices.Clone(z.Value.Data)
	copy(s.Value.Data, moved.Data)
	tp.Refresh(s.node)
	if loss.Value.Data[0] != want.Data[0] {
		t.Fatalf("refreshed loss %v, replay %v", loss.Value.Data[0], want.Data[0])
	}
	if !slices.Equal(z.Value.Data, zBefore) {
		t.Fatal("Refresh changed an op before the refreshed one")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Refresh of a node of another tape did not panic")
		}
	}()
	NewTape().Refresh(s.node)
}

// TestBackwardHook: gradients a hook puts in place of a node's are the
// ones the rest of the pass receives.
func TestBackwardHook(t *testing.T) {
	w := NewParam("w", tensor.FromValues([]float64{1, -2, 3}, 3))
	build := func(tp *Tape) *Var { return tp.Sum(tp.Square(tp.Tanh(w))) }

	tp := NewTape()
	tp.Backward(build(tp))
	plain := slices.Clone(w.Grad.Data)

	w.Grad = nil
	tp = NewTape()
	var seen []string
	tp.SetBackwardHook(func(st Step) {
		seen = append(seen, st.Node.Op)
		if st.Node.Op == "square" {
			st.Grads[0] = tensor.Scaled(st.Grads[0], 2)
		}
	})
	tp.Backward(build(tp))
	if !slices.Equal(seen, []string{"sum", "square", "tanh"}) {
		t.Fatalf("hook saw %v", seen)
	}
	for i := range plain {
		if w.Grad.Data[i] != 2*plain[i] {
			t.Fatalf("gradient %v with the doubled square, %v without", w.Grad.Data, plain)
		}
	}
}
