package optim

import (
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// handGrads are the gradients of the three hand-computed steps. They were
// chosen so that AdaGrad's √G comes out round: G = 0.09, 0.25, 1.69 for the
// first element and 0.16, 0.25, 1.69 for the second.
var handGrads = [3][2]float64{{0.3, -0.4}, {0.4, 0.3}, {-1.2, 1.2}}

// handCases: W starts at [1, −2], lr = 0.1. The expected W after each step
// was worked out by hand (a calculator for the square roots); the working
// is in the comments.
var handCases = []struct {
	name string
	opt  func() Optimizer
	want [3][2]float64
}{
	// ΔW = −0.1·g.
	{"sgd", func() Optimizer { return NewSGD(0.1) },
		[3][2]float64{{0.97, -1.96}, {0.93, -1.99}, {1.05, -2.11}}},
	// v1 = [0.3, −0.4]; v2 = 0.9·v1 + g2 = [0.67, −0.06];
	// v3 = 0.9·v2 + g3 = [−0.597, 1.146]; ΔW = −0.1·v.
	{"momentum", func() Optimizer { return NewMomentum(0.1, 0.9) },
		[3][2]float64{{0.97, -1.96}, {0.903, -1.954}, {0.9627, -2.0686}}},
	// Same v; the step uses g + 0.9·v: [0.57, −0.76], [1.003, 0.246],
	// [−1.7373, 2.2314]; ΔW = −0.1 times that.
	{"nesterov", func() Optimizer { return NewNesterov(0.1, 0.9) },
		[3][2]float64{{0.943, -1.924}, {0.8427, -1.9486}, {1.01643, -2.17174}}},
	// √G = [0.3, 0.4], [0.5, 0.5], [1.3, 1.3];
	// ΔW = −0.1·g/√G = [−0.1, 0.1], [−0.08, −0.06], [0.12/1.3, −0.12/1.3]
	// (ε = 1e-10 moves these by less than 1e-10).
	{"adagrad", func() Optimizer { return NewAdaGrad(0.1) },
		[3][2]float64{{0.9, -1.9}, {0.82, -1.96}, {0.82 + 0.12/1.3, -1.96 - 0.12/1.3}}},
	// α = 0.9, ε = 0: v1 = 0.1·g1² = [0.009, 0.016], so ΔW1 = −0.1·sign(g)·√10
	// = ∓0.316227766; v2 = 0.9·v1 + 0.1·g2² = [0.0241, 0.0234],
	// ΔW2 = −0.1·[0.4/0.155241747, 0.3/0.152970585] = [−0.257662650, −0.196115865];
	// v3 = [0.16569, 0.16506], ΔW3 = −0.1·[−1.2/0.407050, 1.2/0.406276]
	// = [0.294803813, −0.295365880].
	{"rmsprop α=0.9 ε=0", func() Optimizer { return &RMSProp{LR: 0.1, Alpha: 0.9} },
		[3][2]float64{{0.683772233983162, -1.683772233983162}, {0.4261095834228296, -1.879888369121346}, {0.7209133968822232, -2.175254249465602}}},
	// β1 = 0.9, β2 = 0.999, ε = 1e-8.
	// t=1: m̂ = g, v̂ = g², ΔW = −0.1·g/(|g| + ε) = [−0.0999999967, 0.0999999975].
	// t=2: m = [0.067, −0.006], v = [0.00024991, 0.00024984],
	//      m̂ = m/0.19 = [0.352631579, −0.031578947], v̂ = v/0.001999 = [0.125017509, 0.124982491],
	//      ΔW = −0.1·m̂/(√v̂ + ε) = [−0.099732285, 0.008932498].
	// t=3: m = [−0.0597, 0.1146], v = [0.00168966009, 0.00168959016],
	//      m̂ = m/0.271 = [−0.220295203, 0.422878229], v̂ = v/0.002997001 = [0.563783626, 0.563760292],
	//      ΔW = [0.029339236, −0.056320705].
	{"adam", func() Optimizer { return NewAdam(0.1) },
		[3][2]float64{{0.9000000033333332, -1.9000000025}, {0.8002677183682596, -1.8910675020121357}, {0.8296069546935192, -1.947388206573939}}},
}

func TestHandComputedSteps(t *testing.T) {
	for _, tc := range handCases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opt()
			w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2}, 2))
			for step, want := range tc.want {
				before := w.Value.Clone()
				w.Grad = tensor.FromValues(handGrads[step][:], 2)
				o.Step([]*autograd.Var{w})
				d := o.LastUpdate(w)
				for i := range want {
					if !closeRel(w.Value.Data[i], want[i], 1e-9) {
						t.Errorf("step %d: w[%d] = %.12g, want %.12g", step+1, i, w.Value.Data[i], want[i])
					}
					if got := before.Data[i] + d.Data[i]; got != w.Value.Data[i] {
						t.Errorf("step %d: W before + LastUpdate = %.17g, W after = %.17g", step+1, got, w.Value.Data[i])
					}
				}
			}
			if got := Lookup(o.State(w), StateT).Item(); got != 3 {
				t.Errorf("t = %g after 3 steps, want 3", got)
			}
		})
	}
}

// TestHandAdamState checks the displayed state after the third hand step
// against the working in handCases.
func TestHandAdamState(t *testing.T) {
	o := NewAdam(0.1)
	w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2}, 2))
	for _, g := range handGrads {
		w.Grad = tensor.FromValues(g[:], 2)
		o.Step([]*autograd.Var{w})
	}
	st := o.State(w)
	want := map[string][]float64{
		StateM:        {-0.0597, 0.1146},
		StateV:        {0.00168966009, 0.00168959016},
		StateBias1:    {0.271},       // 1 − 0.9³
		StateBias2:    {0.002997001}, // 1 − 0.999³
		StateMHat:     {-0.0597 / 0.271, 0.1146 / 0.271},
		StateVHat:     {0.00168966009 / 0.002997001, 0.00168959016 / 0.002997001},
		StateStepSize: {0.1 / (0.750855 + 1e-8), 0.1 / (0.750840 + 1e-8)}, // √v̂ to 6 digits
	}
	for name, vals := range want {
		got := Lookup(st, name)
		if got == nil {
			t.Fatalf("State has no %q", name)
		}
		for i, v := range vals {
			tol := 1e-12
			if name == StateStepSize {
				tol = 1e-6
			}
			if !closeRel(got.Data[i], v, tol) {
				t.Errorf("%s[%d] = %.12g, want %.12g", name, i, got.Data[i], v)
			}
		}
	}
	// The step size times m̂ is the update.
	ss, mh, d := Lookup(st, StateStepSize), Lookup(st, StateMHat), o.LastUpdate(w)
	for i := range d.Data {
		if !closeRel(-ss.Data[i]*mh.Data[i], d.Data[i], 1e-12) {
			t.Errorf("−step size·m̂ = %.17g, ΔW = %.17g", -ss.Data[i]*mh.Data[i], d.Data[i])
		}
	}
}

// TestHandWeightDecay: with λ = 0.5, W = [1, −2] and g = [0.3, −0.4] the
// decayed gradient is g + λW = [0.8, −1.4].
func TestHandWeightDecay(t *testing.T) {
	cases := []struct {
		name string
		opt  Optimizer
		want [2]float64
	}{
		// W − 0.1·[0.8, −1.4]
		{"sgd", &SGD{LR: 0.1, WeightDecay: 0.5}, [2]float64{0.92, -1.86}},
		// first velocity is the decayed gradient: the same as SGD
		{"momentum", &Momentum{LR: 0.1, Mu: 0.9, WeightDecay: 0.5}, [2]float64{0.92, -1.86}},
		// G = [0.64, 1.96], ΔW = −0.1·[0.8/0.8, −1.4/1.4]
		{"adagrad", &AdaGrad{LR: 0.1, WeightDecay: 0.5}, [2]float64{0.9, -1.9}},
		// v = 0.5·g², ΔW = −0.1·g/(|g|/√2) = ∓0.1·√2
		{"rmsprop", &RMSProp{LR: 0.1, Alpha: 0.5, WeightDecay: 0.5}, [2]float64{1 - 0.1414213562373095, -2 + 0.1414213562373095}},
		// first Adam step: −lr·sign(g) (ε = 0 here)
		{"adam", &Adam{LR: 0.1, Beta1: 0.9, Beta2: 0.999, WeightDecay: 0.5}, [2]float64{0.9, -1.9}},
	}
	for _, tc := range cases {
		w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2}, 2))
		w.Grad = tensor.FromValues([]float64{0.3, -0.4}, 2)
		tc.opt.Step([]*autograd.Var{w})
		for i := range tc.want {
			if !closeRel(w.Value.Data[i], tc.want[i], 1e-12) {
				t.Errorf("%s: w[%d] = %.17g, want %.17g", tc.name, i, w.Value.Data[i], tc.want[i])
			}
		}
		if w.Grad.Data[0] != 0.3 || w.Grad.Data[1] != -0.4 {
			t.Errorf("%s: weight decay changed the gradient to %v", tc.name, w.Grad.Data)
		}
	}
}

// TestHandClip: gradients [3, 4] and [12] have global norm 13.
func TestHandClip(t *testing.T) {
	mk := func() []*autograd.Var {
		a := autograd.NewParam("a", tensor.New(2))
		b := autograd.NewParam("b", tensor.New(1))
		c := autograd.NewParam("c", tensor.New(3)) // nil Grad: ignored
		a.Grad = tensor.FromValues([]float64{3, 4}, 2)
		b.Grad = tensor.FromValues([]float64{12}, 1)
		return []*autograd.Var{a, b, c}
	}
	ps := mk()
	if n := ClipGradNorm(ps, 26); n != 13 {
		t.Errorf("norm = %g, want 13", n)
	}
	if ps[0].Grad.Data[1] != 4 || ps[1].Grad.Data[0] != 12 {
		t.Errorf("max norm 26 > 13 changed the gradients: %v %v", ps[0].Grad, ps[1].Grad)
	}
	ps = mk()
	ClipGradNorm(ps, 6.5)
	// halved (times 13/(13 + 1e-6), within 1e-7 of it)
	got := []float64{ps[0].Grad.Data[0], ps[0].Grad.Data[1], ps[1].Grad.Data[0]}
	for i, want := range []float64{1.5, 2, 6} {
		if !closeRel(got[i], want, 1e-7) {
			t.Errorf("clipped grad %d = %.12g, want %g", i, got[i], want)
		}
	}
	if n := GradNorm(ps); !closeRel(n, 6.5, 1e-7) {
		t.Errorf("norm after clipping = %.12g, want 6.5", n)
	}
}
