package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestGRUGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		b, steps := rapid.IntRange(1, 2).Draw(rt, "batch"), rapid.IntRange(1, 4).Draw(rt, "time")
		in, hid := rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		g := NewGRU("gru", in, hid, tensor.NewRNG(seeded(rt, "seed")))
		g.Cell.Bx.Value = tensor.RandN(tensor.NewRNG(2), 3*hid)
		g.Cell.Bh.Value = tensor.RandN(tensor.NewRNG(3), 3*hid)
		x := input(rt, b, steps, in)
		checkLayer(rt, g, x)
		h0 := autograd.NewParam("h0", tensor.RandN(tensor.NewRNG(4), b, hid))
		checkGrad(rt, func(tp *autograd.Tape) *autograd.Var {
			_, h := g.ForwardFrom(tp, x, h0)
			return h
		}, append(g.Params(), x, h0)...)
	})
}

// TestGRUHandCase checks one step against PyTorch's documented GRUCell
// formulas, written out by hand for one input and one hidden unit.
func TestGRUHandCase(t *testing.T) {
	c := NewGRUCell("g", 1, 1, tensor.NewRNG(1))
	copy(c.Wx.Value.Data, []float64{0.5, -0.3, 0.8}) // r, z, n
	copy(c.Wh.Value.Data, []float64{-0.2, 0.4, 0.6})
	copy(c.Bx.Value.Data, []float64{0.1, 0.2, -0.1})
	copy(c.Bh.Value.Data, []float64{0.05, -0.05, 0.3})
	x, h := 1.5, -0.7
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	r := sig(0.5*x + 0.1 + -0.2*h + 0.05)
	z := sig(-0.3*x + 0.2 + 0.4*h - 0.05)
	n := math.Tanh(0.8*x - 0.1 + r*(0.6*h+0.3))
	want := (1-z)*n + z*h
	tp := autograd.NoGradTape()
	got := c.Step(tp, autograd.Const("x", tensor.FromValues([]float64{x}, 1, 1)), autograd.Const("h", tensor.FromValues([]float64{h}, 1, 1)))
	if d := math.Abs(got.Value.Data[0] - want); d > 1e-15 {
		t.Fatalf("h' = %.17g, want %.17g (|Δ| = %g)", got.Value.Data[0], want, d)
	}
}

func TestGRUShapes(t *testing.T) {
	rng := tensor.NewRNG(1)
	x := autograd.Const("x", tensor.RandN(rng, 3, 5, 2))
	g := NewGRU("gru", 2, 4, rng)
	tp := autograd.NoGradTape()
	all, last := g.ForwardFrom(tp, x, nil)
	if !slices.Equal(all.Value.Shape, []int{3, 5, 4}) || !slices.Equal(last.Value.Shape, []int{3, 4}) {
		t.Fatalf("shapes %v %v", all.Value.Shape, last.Value.Shape)
	}
	if got := names(g.Params()); got != "gru.Wx gru.Wh gru.bx gru.bh" {
		t.Errorf("params %q", got)
	}
	mustPanic(t, func() { g.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(3, 5, 3))) }, "nn: GRU gru", "[3 5 3]")
	mustPanic(t, func() { NewGRUCell("g", 0, 2, rng) }, "nn: NewGRUCell g")
}

// TestGRUAgainstTorch compares one step and its gradients (of sum(h'))
// with torch.nn.GRUCell in float64, numbers generated once by
// testdata/gru_ref.py (PyTorch 1.13) with the same weights.
func TestGRUAgainstTorch(t *testing.T) {
	for _, fused := range []bool{false, true} {
		testGRUAgainstTorch(t, fused)
	}
}

// testGRUAgainstTorch is TestGRUAgainstTorch on the unfused or the fused
// path.
func testGRUAgainstTorch(t *testing.T, fused bool) {
	c := NewGRUCell("g", 2, 2, tensor.NewRNG(1))
	c.Fused = fused
	copy(c.Wx.Value.Data, []float64{0.3, -0.5, 0.8, 0.1, -0.2, 0.4, 0.6, 0.2, -0.7, 0.5, 0.9, -0.3})
	copy(c.Wh.Value.Data, []float64{-0.4, 0.7, 0.2, -0.6, 0.3, 0.5, 0.1, -0.8, 0.6, 0.4, -0.5, 0.2})
	copy(c.Bx.Value.Data, []float64{0.1, -0.2, 0.05, 0.3, -0.1, 0.2})
	copy(c.Bh.Value.Data, []float64{-0.05, 0.15, 0.2, -0.3, 0.25, -0.1})
	x := autograd.NewParam("x", tensor.FromValues([]float64{0.9, -1.3}, 1, 2))
	h := autograd.NewParam("h", tensor.FromValues([]float64{0.4, -0.2}, 1, 2))
	tp := autograd.NewTape()
	out := c.Step(tp, x, h)
	tp.Backward(tp.Sum(out))
	want := map[string][]float64{
		"h":   {0.22751657007014514, 0.47218664623459},
		"dx":  {0.2143273386908618, -0.2595500309242638},
		"dh":  {1.0811359348344545, 0.32014224133104663},
		"dWx": {0.0034455539166304405, 0.004055658274414042, 0.13395991761910775, -0.17736316915825884, 0.032430530705608265, 0.2773581418641371, -0.004976911212910636, -0.005858173063042506, -0.19349765878315564, 0.25619124433970725, -0.04684409990810083, -0.4006284271370869},
		"dWh": {0.0015313572962801958, 0.0018025147886284632, 0.05953774116404789, -0.07882807518144838, 0.004976234887471892, 0.05185681944503515, -0.0007656786481400979, -0.0009012573943142316, -0.029768870582023946, 0.03941403759072419, -0.002488117443735946, -0.025928409722517577},
		"dbx": {0.0038283932407004893, 0.004506286971571158, 0.14884435291011971, -0.19707018795362094, 0.03603392300623141, 0.3081757131823745},
		"dbh": {0.0038283932407004893, 0.004506286971571158, 0.14884435291011971, -0.19707018795362094, 0.01244058721867973, 0.12964204861258788},
	}
	got := map[string][]float64{"h": out.Value.Data, "dx": x.Grad.Data, "dh": h.Grad.Data,
		"dWx": c.Wx.Grad.Data, "dWh": c.Wh.Grad.Data, "dbx": c.Bx.Grad.Data, "dbh": c.Bh.Grad.Data}
	for k, w := range want {
		for i := range w {
			if math.Abs(got[k][i]-w[i]) > 1e-14 {
				t.Errorf("fused %v: %s[%d] = %.17g, torch %.17g", fused, k, i, got[k][i], w[i])
			}
		}
	}
}
