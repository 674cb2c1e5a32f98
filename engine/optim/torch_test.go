package optim

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// The numbers in torchCases come from torch.optim (PyTorch 1.13, float64),
// generated once with testdata/torch_ref.py (Debian's python3-torch) and
// pasted here, so the tests do not need Python. Each case starts from
// W = [1, −2] on the bowl
//
//	f(W) = 1.5·w0² + 0.5·w1² + w0·w1 − 0.7·w1,  ∇f = [3w0 + w1, w0 + w1 − 0.7]
//
// takes three steps, and halves the learning rate before the third (PyTorch:
// param_groups[0]["lr"] /= 2), which pins down how a mid-run change of the
// learning rate acts on the state.

type cfg struct{ lr, mu, wd, alpha, eps, b1, b2 float64 }

var torchCases = []struct {
	label, name string
	cfg         cfg
	want        [3][2]float64         // W after each step
	state       map[string][2]float64 // state after the third step
}{
	{"sgd", "sgd", cfg{lr: 0.1}, [3][2]float64{{0.9, -1.83}, {0.8130000000000001, -1.667}, {0.7744000000000001, -1.5893}}, map[string][2]float64{}},
	{"sgd wd", "sgd", cfg{lr: 0.1, wd: 0.01}, [3][2]float64{{0.899, -1.828}, {0.8112010000000001, -1.663272}, {0.7722788495, -1.584836814}}, map[string][2]float64{}},
	{"momentum", "momentum", cfg{lr: 0.1, mu: 0.9}, [3][2]float64{{0.9, -1.83}, {0.723, -1.514}, {0.6105999999999999, -1.29725}}, map[string][2]float64{StateVelocity: {2.248, -4.335000000000001}}},
	{"momentum wd", "momentum", cfg{lr: 0.05, mu: 0.5, wd: 0.1}, [3][2]float64{{0.945, -1.905}, {0.8662749999999999, -1.764975}, {0.8235818125, -1.6855888125}}, map[string][2]float64{StateVelocity: {1.7077274999999998, -3.1754475}}},
	{"nesterov", "nesterov", cfg{lr: 0.1, mu: 0.9}, [3][2]float64{{0.81, -1.677}, {0.58593, -1.24157}, {0.46994259999999993, -0.9873557000000001}}, map[string][2]float64{StateVelocity: {2.00392, -4.14294}}},
	{"adagrad", "adagrad", cfg{lr: 0.1}, [3][2]float64{{0.90000000001, -1.9000000000058823}, {0.8375304952582873, -1.8292893218902544}, {0.8139929781654874, -1.8005153297839278}}, map[string][2]float64{StateG: {2.1069018472079755, 8.642047927473168}}},
	{"adagrad wd", "adagrad", cfg{lr: 0.5, wd: 0.01}, [3][2]float64{{0.500000000049505, -1.5000000000290696}, {0.4975247827960079, -1.146961617214436}, {0.41554497452818423, -1.0247619439321523}}, map[string][2]float64{StateG: {1.1430369310215893, 7.751691367189934}}},
	{"rmsprop", "rmsprop", cfg{lr: 0.01}, [3][2]float64{{0.9000000099999991, -1.9000000058823527}, {0.8373391777616068, -1.8291118884228945}, {0.8136640283178194, -1.8001927973051328}}, map[string][2]float64{StateV: {0.020800601579866344, 0.0855568389067825}}},
	{"rmsprop alpha wd", "rmsprop", cfg{lr: 0.01, alpha: 0.9, eps: 1e-06, wd: 0.01}, [3][2]float64{{0.9683773224079072, -1.9683772815377443}, {0.9461548497516775, -1.9454377372409537}, {0.9370326557434122, -1.9358368781703594}}, map[string][2]float64{StateV: {0.24469374217125456, 0.8011942709749544}}},
	{"adam", "adam", cfg{lr: 0.1}, [3][2]float64{{0.900000001, -1.9000000005882354}, {0.8011874216550927, -1.8000000011771027}, {0.7530197586289938, -1.7500012385790333}}, map[string][2]float64{StateM: {0.21335622659587633, -0.46058125791514204}, StateV: {0.0020016484101240736, 0.008657297068943633}}},
	{"adam betas wd", "adam", cfg{lr: 0.01, b1: 0.8, b2: 0.99, eps: 1e-06, wd: 0.01}, [3][2]float64{{0.9900000099009802, -1.9900000058139502}, {0.9800111871138737, -1.9800000424733708}, {0.9750261644744421, -1.975000088701135}}, map[string][2]float64{StateM: {0.4816307299859577, -0.8393017705122235}, StateV: {0.029104803182296773, 0.08785676984659649}}},
	{"adamw", "adamw", cfg{lr: 0.1}, [3][2]float64{{0.899000001, -1.8980000005882354}, {0.7992983392553679, -1.7961035392301197}, {0.750746415266011, -1.7452087901287165}}, map[string][2]float64{StateM: {0.21308914807065713, -0.46029051996041626}, StateV: {0.001997916586488673, 0.008647085174263587}}},
	{"adamw betas wd", "adamw", cfg{lr: 0.05, b1: 0.8, b2: 0.99, eps: 1e-06, wd: 0.5}, [3][2]float64{{0.92500004999995, -1.9000000294117474}, {0.8523388686863064, -1.8025407215606097}, {0.8173369121132157, -1.7550631501937815}}, map[string][2]float64{StateM: {0.4188951961937582, -0.8156403672807481}, StateV: {0.023073028192084108, 0.08333223836949018}}},
}

// torchBowlGrad is ∇f of the bowl above.
func torchBowlGrad(w []float64) []float64 { return []float64{3*w[0] + w[1], w[0] + w[1] - 0.7} }

func TestAgainstTorch(t *testing.T) {
	for _, tc := range torchCases {
		t.Run(tc.label, func(t *testing.T) {
			var opts []Option
			if tc.cfg.mu != 0 {
				opts = append(opts, WithMomentum(tc.cfg.mu))
			}
			if tc.cfg.wd != 0 {
				opts = append(opts, WithWeightDecay(tc.cfg.wd))
			}
			if tc.cfg.alpha != 0 {
				opts = append(opts, WithAlpha(tc.cfg.alpha))
			}
			if tc.cfg.eps != 0 {
				opts = append(opts, WithEps(tc.cfg.eps))
			}
			if tc.cfg.b1 != 0 {
				opts = append(opts, WithBetas(tc.cfg.b1, tc.cfg.b2))
			}
			o, err := New(tc.name, tc.cfg.lr, opts...)
			if err != nil {
				t.Fatal(err)
			}
			w := autograd.NewParam("w", tensor.FromValues([]float64{1, -2}, 2))
			for step, want := range tc.want {
				if step == 2 {
					o.SetLearningRate(tc.cfg.lr / 2)
				}
				w.Grad = tensor.FromValues(torchBowlGrad(w.Value.Data), 2)
				o.Step([]*autograd.Var{w})
				for i := range want {
					if !closeRel(w.Value.Data[i], want[i], 1e-13) {
						t.Errorf("step %d: w[%d] = %.17g, torch.optim gives %.17g", step+1, i, w.Value.Data[i], want[i])
					}
				}
			}
			st := o.State(w)
			for name, want := range tc.state {
				got := Lookup(st, name)
				if got == nil {
					t.Fatalf("State has no %q", name)
				}
				for i := range want {
					if !closeRel(got.Data[i], want[i], 1e-13) {
						t.Errorf("state %s[%d] = %.17g, torch.optim gives %.17g", name, i, got.Data[i], want[i])
					}
				}
			}
		})
	}
}

// TestClipAgainstTorch: torch.nn.utils.clip_grad_norm_ on gradients
// [3, 4] and [12] with max_norm 6.5 returns 13 and leaves
// [1.4999998846153937, 1.9999998461538582] and [5.999999538461575].
func TestClipAgainstTorch(t *testing.T) {
	a := autograd.NewParam("a", tensor.New(2))
	b := autograd.NewParam("b", tensor.New(1))
	a.Grad = tensor.FromValues([]float64{3, 4}, 2)
	b.Grad = tensor.FromValues([]float64{12}, 1)
	n := ClipGradNorm([]*autograd.Var{a, b}, 6.5)
	if n != 13 {
		t.Errorf("norm = %.17g, want 13", n)
	}
	want := []float64{1.4999998846153937, 1.9999998461538582, 5.999999538461575}
	got := []float64{a.Grad.Data[0], a.Grad.Data[1], b.Grad.Data[0]}
	for i := range want {
		if !closeRel(got[i], want[i], 1e-14) {
			t.Errorf("clipped grad %d = %.17g, torch gives %.17g", i, got[i], want[i])
		}
	}
}

func closeRel(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}
