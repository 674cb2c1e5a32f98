package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// mlp builds a two-layer tanh network with a softmax cross-entropy loss in
// which the hidden activation is used twice (a residual-style sum), so
// gradients meet at a shared intermediate.
func mlp(tp *Tape, x *Var, w1, b1, w2, b2 *Var, labels []int) *Var {
	h := tp.Tanh(tp.Add(tp.MatMul(x, w1), b1)).Named("h")
	h2 := tp.Add(h, tp.Scale(h, 0.5))
	logits := tp.Add(tp.MatMul(h2, w2), b2).Named("logits")
	return tp.SoftmaxCrossEntropy(logits, labels).Named("loss")
}

func mlpParams() (x *Var, params []*Var, labels []int) {
	rng := tensor.NewRNG(5)
	x = Const("x", tensor.RandN(rng, 6, 3))
	params = []*Var{
		NewParam("l1.W", tensor.RandN(rng, 3, 4)), NewParam("l1.b", tensor.RandN(rng, 4)),
		NewParam("l2.W", tensor.RandN(rng, 4, 3)), NewParam("l2.b", tensor.RandN(rng, 3)),
	}
	return x, params, []int{0, 2, 1, 1, 0, 2}
}

func TestBackwardStepsEqualBackward(t *testing.T) {
	x, ps, labels := mlpParams()
	tp := NewTape()
	loss := mlp(tp, x, ps[0], ps[1], ps[2], ps[3], labels)
	tp.Backward(loss)
	want := make([][]float64, len(ps))
	for i, p := range ps {
		want[i] = slices.Clone(p.Grad.Data)
	}
	ZeroGrad(ps...)
	tp2 := NewTape()
	loss2 := mlp(tp2, x, ps[0], ps[1], ps[2], ps[3], labels)
	steps := 0
	for range tp2.BackwardSteps(loss2) {
		steps++
	}
	if steps != tp2.Len() {
		t.Errorf("%d steps for %d nodes", steps, tp2.Len())
	}
	for i, p := range ps {
		for j, g := range p.Grad.Data {
			if g != want[i][j] {
				t.Fatalf("%s[%d]: stepped %v, Backward %v", p.Name, j, g, want[i][j])
			}
		}
	}
	checkGrad(t, func(tp *Tape) *Var { return mlp(tp, x, ps[0], ps[1], ps[2], ps[3], labels) }, ps...)
}

// TestStepsAreReadOnly checks that no step's tensors change after it is
// yielded, although gradients are passed on without copying.
func TestStepsAreReadOnly(t *testing.T) {
	x, ps, labels := mlpParams()
	tp := NewTape()
	loss := mlp(tp, x, ps[0], ps[1], ps[2], ps[3], labels)
	var steps []Step
	var snap [][]float64
	for st := range tp.BackwardSteps(loss) {
		steps = append(steps, st)
		snap = append(snap, slices.Clone(st.Upstream.Data))
		for _, g := range st.Grads {
			if g != nil {
				snap = append(snap, slices.Clone(g.Data))
			}
		}
	}
	k := 0
	for _, st := range steps {
		if !slices.Equal(st.Upstream.Data, snap[k]) {
			t.Fatalf("upstream of %s changed after it was yielded", st.Node.Label())
		}
		k++
		for _, g := range st.Grads {
			if g != nil {
				if !slices.Equal(g.Data, snap[k]) {
					t.Fatalf("a gradient sent by %s changed after it was yielded", st.Node.Label())
				}
				k++
			}
		}
	}
	// h is used by add and scale: its gradient is the sum of both.
	h := tp.Nodes()[2].Out
	if h.Name != "h" || h.Grad == nil {
		t.Fatalf("node 2 is %s", tp.Nodes()[2].Label())
	}
}

// TestChainRuleLocal checks that for element-wise ops the gradient sent is
// exactly upstream × local, as the backprop lesson shows it.
func TestChainRuleLocal(t *testing.T) {
	rng := tensor.NewRNG(2)
	a := NewParam("a", tensor.RandU(rng, 0.5, 2, 2, 3))
	b := NewParam("b", tensor.RandU(rng, 0.5, 2, 2, 3))
	tp := NewTape()
	y := tp.Mul(tp.Sigmoid(tp.Log(a)), tp.Tanh(tp.Div(tp.Exp(b), a)))
	loss := tp.Sum(tp.Square(tp.Sub(tp.Sqrt(y), tp.Neg(tp.ReLU(b)))))
	n := 0
	for st := range tp.BackwardSteps(loss) {
		for j := range st.Node.Inputs {
			loc := st.Node.Local(j)
			if loc == nil || st.Grads[j] == nil {
				continue
			}
			n++
			want := tensor.Mul(st.Upstream, loc)
			for i, w := range want.Data {
				if !near(st.Grads[j].Data[i], w, 1e-15) {
					t.Fatalf("%s input %d: sent %v, upstream × local %v", st.Node.Label(), j, st.Grads[j], want)
				}
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d element-wise edges had a Local", n)
	}
}

func TestGradientsAccumulate(t *testing.T) {
	w := NewParam("w", tensor.FromValues([]float64{3}, 1))
	for pass := 1; pass <= 2; pass++ {
		tp := NewTape()
		y := tp.Mul(w, w) // used twice: dy/dw = 2w
		tp.Backward(tp.Sum(y))
		if w.Grad.Data[0] != float64(6*pass) {
			t.Fatalf("pass %d: grad %v, want %d (parameters accumulate)", pass, w.Grad, 6*pass)
		}
		if y.Grad.Data[0] != 1 {
			t.Fatalf("intermediate gradient %v must start fresh", y.Grad)
		}
	}
	ZeroGrad(w)
	if w.Grad.Data[0] != 0 {
		t.Errorf("ZeroGrad left %v", w.Grad)
	}
}

func TestBackwardStepsStopEarly(t *testing.T) {
	x, ps, labels := mlpParams()
	tp := NewTape()
	loss := mlp(tp, x, ps[0], ps[1], ps[2], ps[3], labels)
	for st := range tp.BackwardSteps(loss) {
		if st.Node != loss.Node() {
			t.Fatalf("first step is %s, want the loss", st.Node.Label())
		}
		break
	}
	mustPanic(t, func() { NewTape().Backward(loss) }, "autograd: Backward", "loss", "not recorded")
}
