package trainer

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The network lessons' adapters (mine_nets.go), with implementations
// written here that are right, then wrong in one known way each.

func netsMSELoss(p, t []float64) float64 {
	s := 0.0
	for i := range p {
		s += (p[i] - t[i]) * (p[i] - t[i])
	}
	return s / float64(len(p))
}

func netsMSEGrad(p, t []float64) []float64 {
	g := make([]float64, len(p))
	for i := range p {
		g[i] = 2 * (p[i] - t[i]) / float64(len(p))
	}
	return g
}

func netsLogisticGrad(z, y []float64) []float64 {
	g := make([]float64, len(z))
	for i := range z {
		g[i] = (sigmoid(z[i]) - y[i]) / float64(len(z))
	}
	return g
}

func netsMatMul(a, b [][]float64) [][]float64 {
	c := make([][]float64, len(a))
	for i := range a {
		c[i] = make([]float64, len(b[0]))
		for k := range b {
			for j := range b[0] {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

func netsT(a [][]float64) [][]float64 {
	t := make([][]float64, len(a[0]))
	for j := range t {
		t[j] = make([]float64, len(a))
		for i := range a {
			t[j][i] = a[i][j]
		}
	}
	return t
}

func netsDenseForward(X, W [][]float64, b []float64) [][]float64 {
	Y := netsMatMul(X, W)
	for i := range Y {
		for j := range Y[i] {
			Y[i][j] += b[j]
		}
	}
	return Y
}

func netsDenseBackward(X, W, dY [][]float64) (dX, dW [][]float64, db []float64) {
	db = make([]float64, len(dY[0]))
	for _, r := range dY {
		for j, v := range r {
			db[j] += v
		}
	}
	return netsMatMul(dY, netsT(W)), netsMatMul(netsT(X), dY), db
}

func netsDropoutBackward(dy, mask []float64) []float64 {
	out := make([]float64, len(dy))
	for i := range dy {
		out[i] = dy[i] * mask[i]
	}
	return out
}

// netsLoop is a one-step run of a small network whose loss adds the three
// losses the adapters know, each with upstream gradient 1:
//
//	z1 = matmul(x, W1), a1 = add(z1, b1), h1 = relu(a1), h1~ = dropout(h1),
//	z2 = matmul(h1~, W2), logit = add(z2, b2), p = sigmoid(logit),
//	Lb = bce(p, y), Ll = bce_logits(logit, y), e = sub(logit, y),
//	e² = square(e), Lm = mean(e²), L = Lm + Lb + Ll.
func netsLoop(z2Shift float64) *Loop {
	rng := tensor.NewRNG(11)
	fill := func(shape ...int) *tensor.Tensor {
		t := tensor.New(shape...)
		for i := range t.Data {
			t.Data[i] = 2*rng.Float64() - 1
		}
		return t
	}
	x, w1, b1, w2, b2 := fill(6, 3), fill(3, 5), fill(5), fill(5, 1), fill(1)
	y := tensor.FromValues([]float64{0, 1, 1, 0, 1, 0}, 6, 1)
	b2.Data[0] += z2Shift
	W1, B1, W2, B2 := autograd.NewParam("W1", w1), autograd.NewParam("b1", b1), autograd.NewParam("W2", w2), autograd.NewParam("b2", b2)
	return &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true, Params: []*autograd.Var{W1, B1, W2, B2},
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				xv, yv := autograd.Const("x", x), autograd.Const("y", y)
				a1 := tp.Add(tp.MatMul(xv, W1).Named("z1"), B1).Named("a1")
				h := tp.Dropout(tp.ReLU(a1).Named("h1"), 0.5, tensor.NewRNG(3), true).Named("h1~")
				logit := tp.Add(tp.MatMul(h, W2).Named("z2"), B2).Named("logit")
				lb := tp.BCE(tp.Sigmoid(logit).Named("p"), yv).Named("Lb")
				ll := tp.BCEWithLogits(logit, yv).Named("Ll")
				lm := tp.Mean(tp.Square(tp.Sub(logit, yv).Named("e")).Named("e²")).Named("Lm")
				return tp.Add(tp.Add(lm, lb), ll).Named("L")
			}, func() {}
		}}
}

func netsBCE(p, y []float64) float64 {
	s := 0.0
	for i := range p {
		q := min(max(p[i], 1e-7), 1-1e-7)
		s -= y[i]*math.Log(q) + (1-y[i])*math.Log(1-q)
	}
	return s / float64(len(p))
}

func netsLogistic(grad func(z, y []float64) []float64) *checks.LogisticImpl {
	return &checks.LogisticImpl{Sigmoid: sigmoid, BCE: netsBCE, Grad: grad}
}

func netsImpls() map[string]any {
	return map[string]any{
		"mse":        &checks.MSEImpl{Loss: netsMSELoss, Grad: netsMSEGrad},
		"logistic":   netsLogistic(netsLogisticGrad),
		"dense":      &checks.DenseImpl{Forward: netsDenseForward, Backward: netsDenseBackward},
		"regularize": &checks.RegularizeImpl{DropoutBackward: netsDropoutBackward},
	}
}

func TestMineNetsAdapters(t *testing.T) {
	// The checks in the order a right run makes them: the forward pass in
	// tape order, then the backward pass in reverse.
	want := []string{
		"a1 = add(z1, b1)", "logit = add(z2, b2)", "p = sigmoid(logit)", "Lb = bce(p, y)", "Lm = mean(e²)",
		"∂ e = sub(logit, y)", "∂ Ll = bce_logits(logit, y)", "∂ p = sigmoid(logit)",
		"∂ logit = add(z2, b2)", "∂ z2 = matmul(h1~, W2)", "∂ h1~ = dropout(h1, p=0.5)",
		"∂ a1 = add(z1, b1)", "∂ z1 = matmul(x, W1)",
	}
	for _, c := range []struct {
		name  string
		wrong func(map[string]any)
		node  string // the first failing node ("": none)
		says  string // in its diagnosis or problem
	}{
		{"right", func(map[string]any) {}, "", ""},
		{"mse loss without the mean", func(m map[string]any) {
			m["mse"].(*checks.MSEImpl).Loss = func(p, t []float64) float64 { return netsMSELoss(p, t) * float64(len(p)) }
		}, "Lm = mean(e²)", "divide the sum by n"},
		{"mse grad without the 2", func(m map[string]any) {
			m["mse"].(*checks.MSEImpl).Grad = func(p, t []float64) []float64 {
				g := netsMSEGrad(p, t)
				for i := range g {
					g[i] /= 2
				}
				return g
			}
		}, "∂ e = sub(logit, y)", "factor 2"},
		{"logistic grad sign", func(m map[string]any) {
			m["logistic"] = netsLogistic(func(z, y []float64) []float64 {
				g := netsLogisticGrad(z, y)
				for i := range g {
					g[i] = -g[i]
				}
				return g
			})
		}, "∂ Ll = bce_logits(logit, y)", "the sign is flipped"},
		{"dense forward without bias", func(m map[string]any) {
			m["dense"].(*checks.DenseImpl).Forward = func(X, W [][]float64, b []float64) [][]float64 { return netsMatMul(X, W) }
		}, "a1 = add(z1, b1)", ""},
		{"dense db averaged", func(m map[string]any) {
			m["dense"].(*checks.DenseImpl).Backward = func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
				dX, dW, db := netsDenseBackward(X, W, dY)
				for j := range db {
					db[j] /= float64(len(dY))
				}
				return dX, dW, db
			}
		}, "∂ logit = add(z2, b2)", ""},
		{"dense dX without W", func(m map[string]any) {
			m["dense"].(*checks.DenseImpl).Backward = func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
				_, dW, db := netsDenseBackward(X, W, dY)
				dX := make([][]float64, len(X))
				for i := range dX {
					dX[i] = make([]float64, len(X[0]))
				}
				return dX, dW, db
			}
		}, "∂ z2 = matmul(h1~, W2)", ""},
		{"dense dW of the wrong shape", func(m map[string]any) {
			m["dense"].(*checks.DenseImpl).Backward = func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
				dX, dW, db := netsDenseBackward(X, W, dY)
				return dX, netsT(dW), db
			}
		}, "∂ logit = add(z2, b2)", "dW returned 1 rows, want 5"}, // its first call, for db
		{"dropout backward without the mask", func(m map[string]any) {
			m["regularize"] = &checks.RegularizeImpl{DropoutBackward: func(dy, _ []float64) []float64 { return append([]float64(nil), dy...) }}
		}, "∂ h1~ = dropout(h1, p=0.5)", "multiply by the mask"},
		{"dense backward panics", func(m map[string]any) {
			m["dense"].(*checks.DenseImpl).Backward = func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
				panic("TODO: implement dense.Backward")
			}
		}, "∂ logit = add(z2, b2)", "panic: TODO"},
	} {
		t.Run(c.name, func(t *testing.T) {
			impls := netsImpls()
			c.wrong(impls)
			l := netsLoop(0)
			l.SetMine(&lessons.Mine{Impls: impls})
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if c.node == "" {
				if rep.Stopped() || !l.Done() || l.Step != 1 {
					t.Fatalf("right code: %s %+v", rep.Message(), rep)
				}
				if len(rep.Checks) != len(want) {
					t.Fatalf("%d checks, want %d: %+v", len(rep.Checks), len(want), rep.Checks)
				}
				for i, ch := range rep.Checks {
					if ch.Node != want[i] || !ch.OK || ch.Checked == 0 || ch.Checked != min(ch.Total, MineCap) || ch.MaxErr > 1e-12 || ch.Used != ch.Checked {
						t.Errorf("check %d: %+v, want %s all agreeing and used", i, ch, want[i])
					}
				}
				return
			}
			if !rep.Stopped() || !l.Done() || l.Step != 0 {
				t.Fatalf("report %+v, done %v", rep, l.Done())
			}
			first := rep.Checks[rep.First]
			if first.Node != c.node || !strings.Contains(first.Diagnosis+first.Problem, c.says) {
				t.Errorf("first failure %+v, want %s saying %q", first, c.node, c.says)
			}
			t.Log(rep.Message())
		})
	}
}

// TestMineNetsTrainsWithYours: gradients that agree within MineTol but not
// bit for bit are the ones the parameters receive.
func TestMineNetsTrainsWithYours(t *testing.T) {
	const off = 4e-10
	impls := netsImpls()
	impls["dense"].(*checks.DenseImpl).Backward = func(X, W, dY [][]float64) ([][]float64, [][]float64, []float64) {
		dX, dW, db := netsDenseBackward(X, W, dY)
		for j := range db {
			db[j] += off
		}
		return dX, dW, db
	}
	eng, l := netsLoop(0), netsLoop(0)
	l.SetMine(&lessons.Mine{Impls: impls})
	eng.Advance(lessons.Step)
	l.Advance(lessons.Step)
	if rep := l.MineReport(); rep.Stopped() {
		t.Fatal(rep.Message())
	}
	// b1 takes one gradient, from a1's add: the learner's.
	for _, k := range []int{1, 3} {
		for i, g := range l.Params[k].Grad.Data {
			if d := g - eng.Params[k].Grad.Data[i]; math.Abs(d-off) > 1e-15 {
				t.Errorf("%s.Grad[%d] = engine's %+.3g", l.Params[k].Name, i, d)
			}
		}
	}
}

// TestMineNetsClampedBCE: where the engine's BCE clamped p, the engine's
// gradient (0) is not the exercise's (σ(z) − y)/n, and is not compared.
func TestMineNetsClampedBCE(t *testing.T) {
	l := netsLoop(40) // every logit near 40: p = σ(40) is clamped to 1 − 1e-7
	l.SetMine(&lessons.Mine{Impls: map[string]any{"logistic": netsLogistic(netsLogisticGrad)}})
	l.Advance(lessons.Step)
	rep := l.MineReport()
	if rep.Stopped() || l.Step != 1 {
		t.Fatalf("report %+v", rep)
	}
	// Sigmoid and BCE forward, then the gradient of bce_logits; not the
	// sigmoid's: its every p was clamped.
	if len(rep.Checks) != 3 || rep.Checks[2].Op != "bce_logits" || rep.Checks[2].Checked != 6 {
		t.Errorf("checks %+v", rep.Checks)
	}
}

// TestMineNetsPatterns: nodes that look like a pattern's anchor but are not
// the pattern are not checked.
func TestMineNetsPatterns(t *testing.T) {
	tp := autograd.NewTape()
	a := autograd.NewParam("a", tensor.FromValues([]float64{1, 2, 3, 4}, 2, 2))
	b := autograd.Const("b", tensor.FromValues([]float64{1, 1}, 2))
	m := tp.Mean(tp.Square(tp.Sub(a, b))) // broadcast: not the exercise's MSE
	if msePattern(tp, m.Node()) != nil {
		t.Error("mse on a broadcast sub")
	}
	ab := tp.MatMul(a, a)
	s := tp.Add(ab, b)
	tp.Sum(ab) // the product is used twice: not a dense layer
	if _, ok := densePattern(tp, s.Node()); ok {
		t.Error("dense on a product used twice")
	}
	e := tp.Sub(a, a)
	m2 := tp.Mean(tp.Square(e))
	if msePattern(tp, m2.Node()) == nil {
		t.Error("mean(square(sub(a, a))) not matched")
	}
	tp.Sum(e)
	if msePattern(tp, m2.Node()) != nil {
		t.Error("mse whose difference is used elsewhere")
	}
}

// netsEval is a scalar autograd engine in Eval's encoding; wrong, when
// set, is the tanh derivative of the input instead of the output.
func netsEval(wrongTanh bool) func(ops []string, args [][]int, consts []float64) ([]float64, []float64) {
	return func(ops []string, args [][]int, consts []float64) ([]float64, []float64) {
		v, g := make([]float64, len(ops)), make([]float64, len(ops))
		for i, op := range ops {
			a := args[i]
			switch op {
			case "leaf":
				v[i] = consts[i]
			case "add":
				v[i] = v[a[0]] + v[a[1]]
			case "mul":
				v[i] = v[a[0]] * v[a[1]]
			case "tanh":
				v[i] = math.Tanh(v[a[0]])
			case "exp":
				v[i] = math.Exp(v[a[0]])
			case "pow":
				v[i] = math.Pow(v[a[0]], consts[i])
			}
		}
		g[len(g)-1] = 1
		for i := len(ops) - 1; i >= 0; i-- {
			a := args[i]
			switch ops[i] {
			case "add":
				g[a[0]] += g[i]
				g[a[1]] += g[i]
			case "mul":
				g[a[0]] += v[a[1]] * g[i]
				g[a[1]] += v[a[0]] * g[i]
			case "tanh":
				d := 1 - v[i]*v[i]
				if wrongTanh {
					d = 1 - v[a[0]]*v[a[0]]
				}
				g[a[0]] += d * g[i]
			case "exp":
				g[a[0]] += v[i] * g[i]
			case "pow":
				g[a[0]] += consts[i] * math.Pow(v[a[0]], consts[i]-1) * g[i]
			}
		}
		return v, g
	}
}

// netsXORLoop is the backprop lesson's network on a small batch: tanh
// hidden layer, sigmoid output, MSE; act replaces the tanh.
func netsXORLoop(act func(tp *autograd.Tape, v *autograd.Var) *autograd.Var) *Loop {
	rng := tensor.NewRNG(5)
	fill := func(shape ...int) *tensor.Tensor {
		t := tensor.New(shape...)
		for i := range t.Data {
			t.Data[i] = 2*rng.Float64() - 1
		}
		return t
	}
	x, y := tensor.FromRows([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}), tensor.FromValues([]float64{0, 1, 1, 0}, 4, 1)
	W1, B1 := autograd.NewParam("W1", fill(2, 3)), autograd.NewParam("b1", fill(3))
	W2, B2 := autograd.NewParam("W2", fill(3, 1)), autograd.NewParam("b2", fill(1))
	return &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true, Params: []*autograd.Var{W1, B1, W2, B2},
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				z1 := tp.Add(tp.MatMul(autograd.Const("x", x), W1).Named("xW1"), B1).Named("z1")
				h := act(tp, z1).Named("h")
				p := tp.Sigmoid(tp.Add(tp.MatMul(h, W2).Named("hW2"), B2).Named("z2")).Named("p")
				return tp.Mean(tp.Square(tp.Sub(p, autograd.Const("y", y)).Named("e")).Named("e²")).Named("L")
			}, func() {}
		}}
}

func TestMineNetsAutograd(t *testing.T) {
	for _, c := range []struct {
		name  string
		eval  func([]string, [][]int, []float64) ([]float64, []float64)
		act   func(tp *autograd.Tape, v *autograd.Var) *autograd.Var
		node  string // the first failing node ("": none)
		count int    // checks made
	}{
		{"right", netsEval(false), (*autograd.Tape).Tanh, "", 18},
		{"tanh derivative of the input", netsEval(true), (*autograd.Tape).Tanh, "∂ h = tanh(z1)", 16},
		{"relu is not in the vocabulary", netsEval(false), (*autograd.Tape).ReLU, "", 0},
		{"panics", func([]string, [][]int, []float64) ([]float64, []float64) { panic("TODO: implement Backward") },
			(*autograd.Tape).Tanh, "xW1 = matmul(x, W1)", 1},
		{"short", func(ops []string, a [][]int, cs []float64) ([]float64, []float64) {
			v, g := netsEval(false)(ops, a, cs)
			return v[1:], g
		}, (*autograd.Tape).Tanh, "xW1 = matmul(x, W1)", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := netsXORLoop(c.act)
			l.SetMine(&lessons.Mine{Impls: map[string]any{"autograd": &checks.AutogradImpl{Eval: c.eval}}})
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if len(rep.Checks) != c.count {
				t.Errorf("%d checks, want %d: %+v", len(rep.Checks), c.count, rep.Checks)
			}
			if c.node == "" {
				if rep.Stopped() || l.Step != 1 {
					t.Fatalf("report %s %+v", rep.Message(), rep)
				}
				for _, ch := range rep.Checks {
					if !ch.OK || ch.Checked == 0 || ch.MaxErr > 1e-12 {
						t.Errorf("%+v", ch)
					}
				}
				return
			}
			if !rep.Stopped() || rep.Checks[rep.First].Node != c.node {
				t.Fatalf("report %+v, want the first failure at %s", rep, c.node)
			}
			t.Log(rep.Message())
		})
	}
}

func TestMineNetsBroadcast(t *testing.T) {
	for _, c := range []struct {
		flat    int
		out, in []int
		want    int
	}{
		{5, []int{2, 3}, []int{3}, 2},
		{5, []int{2, 3}, []int{2, 3}, 5},
		{5, []int{2, 3}, []int{2, 1}, 1},
		{5, []int{2, 3}, []int{}, 0},
		{5, []int{2, 3}, []int{2}, -1},
	} {
		if got := bcast(c.flat, c.out, c.in); got != c.want {
			t.Errorf("bcast(%d, %v, %v) = %d, want %d", c.flat, c.out, c.in, got, c.want)
		}
	}
}

func netsClip(grads [][]float64, maxNorm float64) ([][]float64, float64) {
	s := 0.0
	for _, g := range grads {
		for _, v := range g {
			s += v * v
		}
	}
	total := math.Sqrt(s)
	scale := maxNorm / (total + 1e-6)
	out := make([][]float64, len(grads))
	for i, g := range grads {
		out[i] = append([]float64(nil), g...)
		if scale < 1 {
			for k := range out[i] {
				out[i][k] *= scale
			}
		}
	}
	return out, total
}

func netsL2(w, g []float64, lambda float64) []float64 {
	out := make([]float64, len(g))
	for i := range g {
		out[i] = g[i] + lambda*w[i]
	}
	return out
}

// netsUpdateLoop is netsXORLoop whose update clips the gradients to 0.01
// and decays the weights by λ = 0.1 through the Loop's mine checks, then
// takes an SGD step.
func netsUpdateLoop() *Loop {
	l := netsXORLoop((*autograd.Tape).Tanh)
	start := l.Start
	l.Start = func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
		build, _ := start(rows)
		return build, func() {
			if _, ok := l.MineClip(l.Params, 0.01); !ok {
				return
			}
			weights := []*autograd.Var{l.Params[0], l.Params[2]}
			applied, ok := l.MineL2(weights, 0.1)
			if !ok {
				return
			}
			sgd := optim.NewSGD(0.5)
			if !applied {
				sgd.WeightDecay = 0.1
			}
			sgd.Step(weights)
			sgd.WeightDecay = 0
			sgd.Step([]*autograd.Var{l.Params[1], l.Params[3]})
		}
	}
	return l
}

func TestMineNetsUpdate(t *testing.T) {
	eng := netsUpdateLoop()
	eng.Advance(lessons.Step)
	if eng.Step != 1 {
		t.Fatal("the engine's run did not step")
	}
	for _, c := range []struct {
		name string
		clip func([][]float64, float64) ([][]float64, float64)
		l2   func(w, g []float64, lambda float64) []float64
		node string // the first failing check ("": none)
		says string // its diagnosis
	}{
		{"right", netsClip, netsL2, "", ""},
		{"clip without the 1e-6", func(g [][]float64, m float64) ([][]float64, float64) {
			_, total := netsClip(g, m)
			return netsClip(g, m*(total+1e-6)/total)
		}, netsL2, "update: clip grad norm to 0.01", ""},
		{"clip returns the clipped norm", func(g [][]float64, m float64) ([][]float64, float64) {
			out, _ := netsClip(g, m)
			return out, m
		}, netsL2, "update: clip grad norm to 0.01", ""},
		{"L2 with half of λ", netsClip, func(w, g []float64, lambda float64) []float64 { return netsL2(w, g, lambda/2) },
			"update: weight decay of W1, λ=0.1", "do not halve"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := netsUpdateLoop()
			l.SetMine(&lessons.Mine{Impls: map[string]any{
				"clip": &checks.ClipImpl{ClipGradNorm: c.clip}, "regularize": &checks.RegularizeImpl{L2Grad: c.l2}}})
			before := l.Params[0].Value.Clone()
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if c.node == "" {
				if rep.Stopped() || l.Step != 1 || len(rep.Checks) != 3 {
					t.Fatalf("report %s %+v", rep.Message(), rep)
				}
				for _, ch := range rep.Checks {
					if !ch.OK || ch.Used == 0 {
						t.Errorf("%+v", ch)
					}
				}
				for k, p := range l.Params {
					for i, v := range p.Value.Data {
						if e := eng.Params[k].Value.Data[i]; math.Abs(v-e) > 1e-15 {
							t.Errorf("%s[%d] = %v, the engine's %v", p.Name, i, v, e)
						}
					}
				}
				return
			}
			if !rep.Stopped() || rep.Checks[rep.First].Node != c.node || !strings.Contains(rep.Checks[rep.First].Diagnosis, c.says) || l.Step != 0 || !l.Done() {
				t.Fatalf("report %+v, step %d", rep, l.Step)
			}
			if ph, block := l.Phase(); ph != "update" || block != "update" {
				t.Errorf("phase %s %s", ph, block)
			}
			if !slices.Equal(before.Data, l.Params[0].Value.Data) {
				t.Error("a halted update moved W1")
			}
			l.Advance(lessons.Op)
			if l.Step != 0 {
				t.Error("a halted step went on")
			}
			t.Log(rep.Message())
		})
	}
}

// netsBN is batch normalisation in the exercise's convention; unbiased
// uses the n − 1 variance, noMeanTerms drops dx's two mean terms.
type netsBN struct{ unbiased, noMeanTerms bool }

func (b netsBN) stats(x [][]float64, eps float64) (xh [][]float64, sd []float64) {
	n, f := len(x), len(x[0])
	xh, sd = make([][]float64, n), make([]float64, f)
	for i := range xh {
		xh[i] = make([]float64, f)
	}
	for j := range f {
		mu, v := 0.0, 0.0
		for i := range n {
			mu += x[i][j]
		}
		mu /= float64(n)
		for i := range n {
			v += (x[i][j] - mu) * (x[i][j] - mu)
		}
		if b.unbiased {
			v /= float64(n - 1)
		} else {
			v /= float64(n)
		}
		sd[j] = math.Sqrt(v + eps)
		for i := range n {
			xh[i][j] = (x[i][j] - mu) / sd[j]
		}
	}
	return xh, sd
}

func (b netsBN) impl() *checks.BatchNormImpl {
	return &checks.BatchNormImpl{
		TrainForward: func(x [][]float64, g, be, rm, rv []float64, m, eps float64) ([][]float64, []float64, []float64) {
			xh, _ := b.stats(x, eps)
			for i := range xh {
				for j := range xh[i] {
					xh[i][j] = xh[i][j]*g[j] + be[j]
				}
			}
			return xh, rm, rv
		},
		Backward: func(x [][]float64, g []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
			xh, sd := b.stats(x, eps)
			n, f := len(x), len(x[0])
			dx, dg, db := make([][]float64, n), make([]float64, f), make([]float64, f)
			for i := range dx {
				dx[i] = make([]float64, f)
			}
			for j := range f {
				mg, mgx := 0.0, 0.0
				for i := range n {
					db[j] += dy[i][j]
					dg[j] += dy[i][j] * xh[i][j]
					mg += dy[i][j] * g[j]
					mgx += dy[i][j] * g[j] * xh[i][j]
				}
				mg, mgx = mg/float64(n), mgx/float64(n)
				if b.noMeanTerms {
					mg, mgx = 0, 0
				}
				for i := range n {
					dx[i][j] = (dy[i][j]*g[j] - mg - xh[i][j]*mgx) / sd[j]
				}
			}
			return dx, dg, db
		},
	}
}

// netsBNLoop: a dense layer, batch normalisation (γ, β moved off 1 and 0)
// and a loss that weighs each output differently.
func netsBNLoop() *Loop {
	rng := tensor.NewRNG(9)
	fill := func(shape ...int) *tensor.Tensor {
		t := tensor.New(shape...)
		for i := range t.Data {
			t.Data[i] = 2*rng.Float64() - 1
		}
		return t
	}
	x, w, b, c := fill(6, 3), fill(3, 4), fill(4), fill(6, 4)
	bn := nn.NewBatchNorm("bn1", 4)
	copy(bn.Gamma.Value.Data, []float64{1.5, 0.5, -1, 2})
	copy(bn.Beta.Value.Data, []float64{0.1, -0.2, 0.3, 0})
	W, B := autograd.NewParam("W", w), autograd.NewParam("b", b)
	return &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true, Params: []*autograd.Var{W, B, bn.Gamma, bn.Beta},
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				a := tp.Add(tp.MatMul(autograd.Const("x", x), W).Named("m"), B).Named("a")
				z := bn.Forward(tp, a).Named("z")
				return tp.Sum(tp.Mul(tp.Tanh(z).Named("h"), autograd.Const("c", c)).Named("hc")).Named("L")
			}, func() {}
		}}
}

func TestMineNetsBatchNorm(t *testing.T) {
	for _, c := range []struct {
		name string
		bn   netsBN
		node string
	}{
		{"right", netsBN{}, ""},
		{"unbiased variance", netsBN{unbiased: true}, "z = add(v9, bn1.beta)"},
		{"dx without the mean terms", netsBN{noMeanTerms: true}, "∂ bn1.mean = mean(a, axis=0, keepdims)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			eng, l := netsBNLoop(), netsBNLoop()
			l.SetMine(&lessons.Mine{Impls: map[string]any{"batchnorm": c.bn.impl()}})
			eng.Advance(lessons.Step)
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if c.node == "" {
				if rep.Stopped() || l.Step != 1 || len(rep.Checks) != 4 {
					t.Fatalf("%s %+v", rep.Message(), rep.Checks)
				}
				for _, ch := range rep.Checks {
					if !ch.OK || ch.Used != ch.Checked || ch.Checked == 0 || ch.MaxErr > 1e-12 {
						t.Errorf("%+v", ch)
					}
				}
				// The learner's dx reached the layer below: W's gradient.
				for k, p := range l.Params {
					for i, v := range p.Grad.Data {
						if e := eng.Params[k].Grad.Data[i]; math.Abs(v-e) > 1e-12 {
							t.Errorf("%s.Grad[%d] = %v, the engine's %v", p.Name, i, v, e)
						}
					}
				}
				return
			}
			if !rep.Stopped() || rep.Checks[rep.First].Node != c.node {
				t.Fatalf("report %+v, want the first failure at %s", rep.Checks, c.node)
			}
			t.Log(rep.Message())
		})
	}
}

// TestMineNetsNaN: where the engine's value is NaN and the learner's too,
// they agree: the run stops as the divergence it is (the watch's
// autopsy), not at a disagreement.
func TestMineNetsNaN(t *testing.T) {
	y := tensor.FromValues([]float64{1, math.NaN(), 2}, 3, 1)
	w := autograd.NewParam("w", tensor.FromValues([]float64{0.5}, 1, 1))
	l := &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true, Params: []*autograd.Var{w},
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				x := autograd.Const("x", tensor.FromValues([]float64{1, 2, 3}, 3, 1))
				return tp.Mean(tp.Square(tp.Sub(tp.MatMul(x, w).Named("ŷ"), autograd.Const("y", y)).Named("e")).Named("e²")).Named("L")
			}, func() {}
		}}
	l.SetMine(&lessons.Mine{Impls: map[string]any{"mse": &checks.MSEImpl{Loss: netsMSELoss, Grad: netsMSEGrad}}})
	l.Advance(lessons.Step)
	rep := l.MineReport()
	if rep.Stopped() || l.MineStopped || !l.Diverged || l.Autopsy == nil || len(rep.Checks) != 1 || !rep.Checks[0].OK {
		t.Fatalf("report %+v, mine stopped %v, diverged %v", rep, l.MineStopped, l.Diverged)
	}
}
