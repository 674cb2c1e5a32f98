package checks

import (
	"math"
	"strings"
	"testing"
)

func TestDiagnose(t *testing.T) {
	p, y := []float64{0.9, 0.2, 0.6}, []float64{1, 0, 0.3}
	n := float64(len(p))
	neg := 0.0
	for i := range p {
		neg += y[i]*math.Log(p[i]) + (1-y[i])*math.Log(1-p[i])
	}
	for _, c := range []struct {
		ex, fn string
		args   []any
		got    any
		want   string // a part of the hint; "" for no diagnosis
	}{
		{"logistic", "Sigmoid", []any{2.0}, 1 / (1 + math.Exp(2)), "mind the sign"},
		{"logistic", "Sigmoid", []any{2.0}, math.Tanh(2), "tanh"},
		{"logistic", "Sigmoid", []any{2.0}, 0.3, ""},
		{"logistic", "BCE", []any{p, y}, neg / n, "check the sign"},
		{"logistic", "BCE", []any{p, y}, -neg, "divide the sum by n"},
		{"logistic", "BCE", []any{p, y}, math.Inf(1), "clamp p"},
		{"softmax", "Softmax", []any{[]float64{1, 2}}, []float64{math.E, math.E * math.E}, "divide by the sum"},
		{"softmax", "Softmax", []any{[]float64{1, 2}}, []float64{0.5, 0.5}, ""},
		{"softmax", "Softmax", []any{[]float64{1000, 0}}, []float64{math.NaN(), 0}, "subtract m = max(z)"},
		{"mse", "Loss", []any{p, y}, 1.0, ""},
		{"mse", "Loss", []any{p, y}, mseLoss(p, y) * n, "divide the sum by n"},
		{"mse", "Grad", []any{p, y}, mapVec(p, y, func(a, b float64) float64 { return (a - b) / n }), "factor 2"},
		{"mse", "Grad", []any{p, y}, mseGrad(p, y), ""},
		{"regularize", "L2Grad", []any{p, y, 0.1}, mapVec(p, y, func(w, g float64) float64 { return g + 0.05*w }), "do not halve"},
		{"regularize", "DropoutBackward", []any{y, []float64{2, 0, 2}}, y, "multiply by the mask"},
		{"adam", "New", []any{0.1, []float64{1, 2}, [][]float64{{0.5, -1}, {0.2, 0.3}}}, adamStepFrom(adamVariant{}, []float64{1, 2}), ""},
		{"adam", "New", []any{0.1, []float64{1, 2}, [][]float64{{0.5, -1}, {0.2, 0.3}}},
			adamStepFrom(adamVariant{noBiasCorrection: true}, []float64{1, 2}), "bias correction is missing"},
		{"adam", "New", []any{0.1, []float64{1, 2}, [][]float64{{0.5, -1}, {0.2, 0.3}}},
			adamStepFrom(adamVariant{tStuck: true}, []float64{1, 2}), "increment t on every Step"},
		{"adam", "New", []any{0.1, []float64{1, 2}, [][]float64{{0.5, -1}}}, []float64{1.1, 1.9}, "subtract the update"},
		{"gan", "DiscriminatorLoss", []any{[]float64{2, 1}, []float64{0.5}}, ganDLoss([]float64{2, 1}, []float64{0.5}), ""},
		{"gan", "DiscriminatorLoss", []any{[]float64{2, 1}, []float64{0.5}},
			meanOf([]float64{2, 1}, softplus) + softplus(-0.5), "labels are swapped"},
		{"gan", "GeneratorLoss", []any{[]float64{2, -1}}, -meanOf([]float64{2, -1}, softplus), "saturating"},
		{"gan", "GeneratorGrad", []any{[]float64{2, -1}}, []float64{sigmoid(2) - 1, sigmoid(-1) - 1}, "divide by the batch size"},
		{"gan", "DiscriminatorGrad", []any{[]float64{2}, []float64{-1}}, []float64{sigmoid(2) - 1, sigmoid(-1)}, "divide by the batch size"},
		{"gan", "DiscriminatorGrad", []any{[]float64{2}, []float64{-1}}, []float64{sigmoid(2) - 1}, ""},
		{"momentum", "Momentum", []any{[]float64{1, 2}, []float64{0.5, -1}, []float64{0.2, 0.3}, 0.1, 0.9},
			[]float64{0.2, 0.3, 1 - 0.1*0.2, 2 - 0.1*0.3}, "velocity is not carried"},
		{"momentum", "RMSProp", []any{[]float64{1}, []float64{0.5}, []float64{0.2}, 0.1, 0.9, 1e-8},
			[]float64{0.1*0.5 + 0.9*0.04, 1 - 0.1*0.2/(math.Sqrt(0.1*0.5+0.9*0.04)+1e-8)}, "α and 1 − α are swapped"},
		{"momentum", "Nesterov", []any{[]float64{1}, []float64{0.5}, []float64{0.2}, 0.1, 0.9}, []float64{0.65, 1 - 0.1*0.65}, "look-ahead is missing"},
		{"logistic", "Sigmoid", []any{"x"}, 1.0, ""},
		{"dpsgd", "Step", dpArgs(dpHand), dpRun(dpVariant{}, dpHand), ""},
		{"dpsgd", "Step", dpArgs(dpHand), dpRun(dpVariant{noClip: true}, dpHand), "clip each example's gradient to norm C"},
		{"dpsgd", "Step", dpArgs(dpC2), dpRun(dpVariant{noiseNoC: true}, dpC2), "σ·C·z, not σ·z"},
		{"dpsgd", "Step", dpArgs(dpHand), dpRun(dpVariant{noiseNoC: true}, dpHand), ""}, // C = 1: σ·z is right
		{"melbank", "MelFilterBank", []any{24, 256, 8000, 0.0, 4000.0}, melRun(melVariant{}, 24, 256, 8000, 0, 4000), ""},
		{"melbank", "MelFilterBank", []any{24, 256, 8000, 0.0, 4000.0}, melRun(melVariant{slaney: true}, 24, 256, 8000, 0, 4000), "Slaney"},
		{"melbank", "PowerSpectrum", []any{[]float64{0.1, -0.4, 0.3, 0.9, -0.2, 0.5, 0, -0.7}},
			powRun(powVariant{noWindow: true}, []float64{0.1, -0.4, 0.3, 0.9, -0.2, 0.5, 0, -0.7}), "not windowed"},
		{"melbank", "PowerSpectrum", []any{[]float64{0.1, -0.4, 0.3, 0.9, -0.2, 0.5, 0, -0.7}},
			powRun(powVariant{}, []float64{0.1, -0.4, 0.3, 0.9, -0.2, 0.5, 0, -0.7}), ""},
	} {
		got := Diagnose(c.ex, c.fn, c.args, c.got)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("Diagnose(%s.%s, %v, %v) = %q, want it to say %q", c.ex, c.fn, c.args, c.got, got, c.want)
		}
	}
}

// dpC2 is dpHand with C = 2 (σ·z and σ·C·z differ).
var dpC2 = dpCase{w: dpHand.w, grads: dpHand.grads, C: 2, sigma: dpHand.sigma, lr: dpHand.lr, z: dpHand.z}

// dpArgs are Step's arguments for k.
func dpArgs(k dpCase) []any { return []any{k.w, k.grads, k.C, k.sigma, k.lr, k.z} }

// adamStepFrom is w after the second of the steps fed {0.5, −1} then
// {0.2, 0.3} at lr 0.1, by an Adam with mistake v, w being the weights
// before that step.
func adamStepFrom(v adamVariant, w []float64) []float64 {
	path := adamRun(v, 0.1, []float64{0, 0}, [][]float64{{0.5, -1}, {0.2, 0.3}})
	return []float64{w[0] + path[1][0] - path[0][0], w[1] + path[1][1] - path[0][1]}
}
