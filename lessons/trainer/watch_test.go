package trainer

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
)

// TestWatchNamesTheOpThatOverflowed builds softmax by hand without
// subtracting the maximum: exp overflows at an input of 812.4, and the
// autopsy names exp (not the division after it, which makes the NaN) with
// the input.
func TestWatchNamesTheOpThatOverflowed(t *testing.T) {
	tp := autograd.NewTape()
	w := autograd.NewParam("W", tensor.FromValues([]float64{812.4, 1, -2}, 1, 3))
	e := tp.Exp(w).Named("e")
	p := tp.Div(e, tp.Sum(e)).Named("p")
	loss := tp.Mean(p).Named("L")
	var wt Watch
	a := wt.Forward(tp, loss, 7)
	if a == nil {
		t.Fatal("no autopsy for a NaN loss")
	}
	if a.Trigger != scene.TriggerNonFinite || a.Step != 7 {
		t.Errorf("trigger %q step %d, want %q 7", a.Trigger, a.Step, scene.TriggerNonFinite)
	}
	if a.Op != "e = exp(W)" {
		t.Errorf("op %q, want e = exp(W)", a.Op)
	}
	if want := "exp at e = exp(W): largest input 812.4 → +Inf (overflow)"; a.Summary != want {
		t.Errorf("summary %q, want %q", a.Summary, want)
	}
}

// TestWatchNamesAMadeNaN: log of a negative number makes a NaN from
// finite inputs.
func TestWatchNamesAMadeNaN(t *testing.T) {
	tp := autograd.NewTape()
	x := autograd.NewParam("x", tensor.FromValues([]float64{2, -3}, 1, 2))
	loss := tp.Mean(tp.Log(tp.Square(x).Named("sq")).Named("lg")).Named("L")
	if a := (&Watch{}).Forward(tp, loss, 1); a != nil {
		t.Fatalf("a finite pass stopped: %+v", a)
	}
	tp = autograd.NewTape()
	loss = tp.Mean(tp.Log(tp.Neg(x).Named("nx")).Named("lg")).Named("L")
	a := (&Watch{}).Forward(tp, loss, 1)
	if a == nil || a.Op != "lg = log(nx)" || !strings.Contains(a.Summary, "→ NaN (not a number)") {
		t.Fatalf("autopsy %+v, want log named with a NaN", a)
	}
}

// TestWatchJump: a pass whose loss is more than ten times the largest
// before stops the run and names the parameter the update grew most and
// the first op that grew ×10; ×9 does not.
func TestWatchJump(t *testing.T) {
	w := autograd.NewParam("W", tensor.FromValues([]float64{1}, 1, 1))
	b := autograd.NewParam("b", tensor.FromValues([]float64{0.5}, 1, 1))
	x := autograd.Const("x", tensor.FromValues([]float64{1}, 1, 1))
	pass := func(wt *Watch, step int) *scene.Autopsy {
		tp := autograd.NewTape()
		z := tp.MatMul(x, w).Named("z")
		y := tp.Add(z, b).Named("y")
		return wt.Forward(tp, tp.Mean(tp.Square(y).Named("sq")).Named("L"), step)
	}
	var wt Watch
	if a := pass(&wt, 1); a != nil {
		t.Fatalf("first pass stopped: %+v", a)
	}
	// An update that multiplies W by 4: the loss (1.5² = 2.25) becomes
	// 4.5² = 20.25, ×9: below the rule.
	wt.Update([]*autograd.Var{w, b}, func() { w.Value.Data[0] = 4 }, nil, 1)
	if a := pass(&wt, 2); a != nil {
		t.Fatalf("×9 stopped the run: %+v", a)
	}
	// W ×4 again: 16.5² = 272.25, ×13.4 the largest before (20.25).
	wt.Update([]*autograd.Var{w, b}, func() { w.Value.Data[0] = 16 }, nil, 2)
	a := pass(&wt, 3)
	if a == nil || a.Trigger != scene.TriggerJump {
		t.Fatalf("autopsy %+v, want a jump", a)
	}
	if a.Param != "W" || !strings.HasPrefix(a.Summary, "W grew ×4 in the last update: ‖ΔW‖ = 12") {
		t.Errorf("param %q summary %q", a.Param, a.Summary)
	}
	// z and y grow ×4 and ×3.7; the square is the first to grow ×10.
	if a.Op != "sq = square(y)" || !strings.Contains(a.Findings[2], "largest |value| 20.25 → 272.2 (×13.44)") {
		t.Errorf("op %q, finding %q, want the square", a.Op, a.Findings[2])
	}
	if !strings.Contains(a.Findings[0], "×13.44") {
		t.Errorf("loss finding %q, want ×13.44", a.Findings[0])
	}
}

// TestWatchUpdateOverflow: an update that leaves a parameter infinite is
// named with its sizes.
func TestWatchUpdateOverflow(t *testing.T) {
	w := autograd.NewParam("W", tensor.FromValues([]float64{1e300, 1}, 1, 2))
	var wt Watch
	a := wt.Update([]*autograd.Var{w}, func() { w.Value.Data[0] *= 1e10 }, nil, 5)
	if a == nil || a.Param != "W" || a.Step != 5 || !strings.HasPrefix(a.Summary, "W became +Inf in one update") {
		t.Fatalf("autopsy %+v", a)
	}
	if !math.IsInf(wt.LastUpdate()[0].After, 1) {
		t.Errorf("after %v, want +Inf", wt.LastUpdate()[0].After)
	}
}

// TestHealthActivations: a ReLU unit is dead when it is zero on every row
// of the batch, a sigmoid unit saturated when σ(1−σ) < 1% of 0.25 on
// every row.
func TestHealthActivations(t *testing.T) {
	tp := autograd.NewTape()
	x := autograd.NewParam("x", tensor.FromValues([]float64{1, -1, 0, 9, 2, -3, 0, -9}, 2, 4))
	h := tp.ReLU(x).Named("h")
	s := tp.Sigmoid(x).Named("s")
	loss := tp.Add(tp.Mean(h), tp.Mean(s))
	w := Watch{Gauges: true}
	w.Forward(tp, loss, 1)
	hl := w.Health()
	// ReLU: units 2 (−1, −3) and 3 (0, 0) are dead, 1 and 4 are not.
	if v, _ := hl.Latest("h (relu)", GaugeDead); v != 0.5 {
		t.Errorf("dead share %v, want 0.5", v)
	}
	// Sigmoid: only unit 4 (±9: σ(1−σ) ≈ 1.2e-4) is flat on both rows.
	if v, _ := hl.Latest("s (sigmoid)", GaugeSaturated); v != 0.25 {
		t.Errorf("saturated share %v, want 0.25", v)
	}
	if p := w.HealthPanel(); p == nil || p.Table.Rows[0][3] != "50%" {
		t.Errorf("panel %+v", p)
	}
}

func TestSparkline(t *testing.T) {
	if got := Sparkline([]float64{0, 0.5, 1, math.NaN()}, true); got != "▁▅█ " {
		t.Errorf("shares: %q", got)
	}
	// Log scale over at least a decade: 1e-3 … 1e-1 spans two.
	if got := Sparkline([]float64{1e-3, 1e-2, 1e-1, 0}, false); got != "▁▅█ " {
		t.Errorf("log: %q", got)
	}
	// A change in the third digit is flat.
	if got := Sparkline([]float64{0.1011, 0.1012}, false); got != "▅▅" {
		t.Errorf("flat: %q", got)
	}
}

// TestCheckNodeEveryOpKind runs the gradient check at every node of a
// tape that records the op kinds no lesson's tape has (and a few that
// they have), and holds it to the engine's GradCheck on the same loss:
// both below 1e-6.
func TestCheckNodeEveryOpKind(t *testing.T) {
	x := autograd.NewParam("x", tensor.FromValues([]float64{0.3, 1.2, 0.7, 2.1, 0.9, 1.6}, 2, 3))
	w := autograd.NewParam("w", tensor.FromValues([]float64{0.5, -0.4, 0.8, 0.1, -0.2, 0.6}, 3, 2))
	y := autograd.Const("y", tensor.FromValues([]float64{1, 0, 0, 1}, 2, 2))
	f := func(tp *autograd.Tape) *autograd.Var {
		a := tp.Exp(tp.Scale(x, 0.5))
		b := tp.Log(tp.AddScalar(tp.Square(x), 1))
		c := tp.Div(tp.Sqrt(a), tp.Pow(tp.AddScalar(b, 1), 1.5))
		d := tp.Transpose(tp.LeakyReLU(tp.Sub(c, tp.Neg(b)), 0.1))
		e := tp.MatMul(tp.Tanh(tp.Transpose(d)), w)
		s := tp.Stack(0, tp.Select(e, 0, 0), tp.Select(e, 0, 1))
		m := tp.Add(tp.Max(s), tp.Sum(tp.MaxAxis(s, 1, false)))
		p := tp.Sigmoid(tp.Add(e, tp.MeanAxis(tp.SumAxis(s, 0, true), 1, true)))
		q := tp.Mul(tp.Softmax(e), tp.LogSoftmax(tp.Reshape(tp.Flatten(e), 2, 2)))
		return tp.Add(tp.Add(tp.BCE(p, y), tp.Mean(q)), tp.Scale(m, 0.01))
	}
	ref := autograd.GradCheck(f, []*autograd.Var{x, w}, 1e-6)
	if ref.MaxRelErr > 1e-6 {
		t.Fatalf("the engine's own check: %v", ref)
	}
	autograd.ZeroGrad(x, w)
	x.Grad, w.Grad = nil, nil
	tp := autograd.NewTape()
	loss := f(tp)
	tp.Backward(loss)
	kinds := map[string]bool{}
	for _, n := range tp.Nodes() {
		gc := CheckNode(tp, loss, n)
		for _, r := range gc.Inputs {
			if r.Checked == 0 || !(r.MaxRelErr < 1e-6) {
				t.Errorf("%s: %+v", n.Label(), r)
			}
		}
		if len(gc.Inputs) > 0 {
			kinds[n.Op] = true
		}
	}
	for _, op := range []string{"exp", "scale", "log", "addc", "square", "div", "sqrt", "pow", "transpose", "leaky_relu", "sub", "neg",
		"matmul", "tanh", "stack", "select", "max", "sum", "add", "sigmoid", "mean", "softmax", "mul", "log_softmax", "reshape", "bce"} {
		if !kinds[op] {
			t.Errorf("no %s node was checked", op)
		}
	}
}

// scanValues' fast pass over the bits agrees with a plain scan on finite
// values, and hands anything else to the classifying pass.
func TestScanValuesFastPass(t *testing.T) {
	plain := func(xs []float64) span {
		s := span{hasValues: len(xs) > 0}
		for _, x := range xs {
			switch {
			case math.IsNaN(x):
				s.nan = true
			case math.IsInf(x, 1):
				s.posInf = true
			case math.IsInf(x, -1):
				s.negInf = true
			default:
				s.max = math.Max(s.max, math.Abs(x))
			}
		}
		s.allFinite = !s.nan && !s.posInf && !s.negInf
		return s
	}
	cases := [][]float64{
		nil,
		{0},
		{math.Copysign(0, -1)},
		{-3, 2, 1e-300, -1e300},
		{math.MaxFloat64, -math.MaxFloat64},
		{5e-324, -5e-324},
		{1, math.NaN(), -7},
		{1, math.Inf(1), -8},
		{math.Inf(-1), 2},
		{math.NaN(), math.Inf(1), math.Inf(-1), 3},
	}
	for i := range 200 {
		xs := make([]float64, i%17)
		for j := range xs {
			xs[j] = math.Sin(float64(i*31+j)) * math.Pow(10, float64((i+j)%40-20))
		}
		cases = append(cases, xs)
	}
	// A non-finite value or the largest at every position of slices
	// longer than the four running maxima, and of their remainders.
	for n := 5; n <= 11; n++ {
		for at := range n {
			for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1e9} {
				xs := make([]float64, n)
				for j := range xs {
					xs[j] = float64(j%3) - 1.5
				}
				xs[at] = v
				cases = append(cases, xs)
			}
		}
	}
	for _, xs := range cases {
		if got, want := scanValues(xs), plain(xs); got != want {
			t.Fatalf("scanValues(%v) = %+v, want %+v", xs, got, want)
		}
	}
}

// scanNodes gives every node's own scan, in node order, whether the pass
// is small (scanned in order) or large (scanned side by side), and
// whether a node's output is data of its own or a view of another's (a
// reshape, which shares its input's data).
func TestScanNodesIsEachNodesScan(t *testing.T) {
	for _, size := range []int{10, parallelScanNodes/3 + 1} {
		tp := autograd.NewTape()
		x := autograd.NewParam("x", tensor.RandN(tensor.NewRNG(3), size))
		h := tp.ReLU(x)
		tp.Reshape(h, 2, size/2)
		y := tp.Scale(h, 1e308)
		z := tp.Mul(y, y) // +Inf wherever h > 1
		tp.Reshape(tp.Reshape(z, size/2, 2), size)
		tp.Sub(z, z) // NaN there
		tp.Exp(x)
		tp.Reshape(x, 1, size)
		nodes := tp.Nodes()
		got := scanNodes(nodes)
		for i, n := range nodes {
			if want := scanValues(n.Out.Value.Data); got[i] != want {
				t.Fatalf("size %d, node %d (%s): %+v, want %+v", size, i, n.Op, got[i], want)
			}
		}
	}
}

// Update's fused passes give each norm exactly as norm alone does (each
// sum of squares in its own order), copy the values, and tell a
// non-finite value wherever it is.
func TestUpdateNormsAreNorms(t *testing.T) {
	rng := tensor.NewRNG(9)
	for n := range 40 {
		xs := tensor.RandN(rng, n+1).Data
		gs := tensor.RandN(rng, n+1).Data
		for i := range xs {
			xs[i] *= math.Pow(10, float64(i%9-4))
		}
		dst := make([]float64, len(xs))
		nx, ng := copyNorms(dst, xs, gs)
		if math.Float64bits(nx) != math.Float64bits(norm(xs)) || math.Float64bits(ng) != math.Float64bits(norm(gs)) {
			t.Fatalf("n=%d: copyNorms %v %v, norm %v %v", n, nx, ng, norm(xs), norm(gs))
		}
		for i := range xs {
			if dst[i] != xs[i] {
				t.Fatalf("n=%d: copy differs at %d", n, i)
			}
		}
		diff := make([]float64, len(xs))
		for i := range xs {
			diff[i] = xs[i] - gs[i]
		}
		d, a, finite := deltaNorms(xs, gs)
		if math.Float64bits(math.Sqrt(d)) != math.Float64bits(norm(diff)) || math.Float64bits(math.Sqrt(a)) != math.Float64bits(norm(xs)) || !finite {
			t.Fatalf("n=%d: deltaNorms %v %v %v", n, d, a, finite)
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			ys := append([]float64(nil), xs...)
			ys[n%len(ys)] = bad
			if _, _, finite := deltaNorms(ys, gs); finite {
				t.Fatalf("n=%d: %v not found", n, bad)
			}
		}
	}
}
