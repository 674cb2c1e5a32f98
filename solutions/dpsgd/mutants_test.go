package dpsgd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement dpsgd.Step"

type stepFn = func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64)

// opts are the places where a DP-SGD step commonly goes wrong.
type opts struct {
	noClip    bool
	clipSum   bool // clip the summed gradient
	clipMean  bool // average, clip, then add noise/n
	byValue   bool // clamp each element to [−C, C]
	noiseNoC  bool // noise σ·z
	noiseN2   bool // noise divided by n twice
	noiseNotN bool // noise added after the mean
	plusStep  bool // w + lr·g̃
	cleanStep bool // the weights updated with the clean mean
}

// wrong is Step with the mistakes of o.
func wrong(o opts) stepFn {
	return func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		n, p := float64(len(grads)), len(w)
		sum := make([]float64, p)
		for _, g := range grads {
			switch {
			case o.byValue:
				c := make([]float64, p)
				for j, x := range g {
					c[j] = math.Max(-C, math.Min(C, x))
				}
				g = c
			case !o.clipSum && !o.clipMean && !o.noClip:
				g = clipped(g, C)
			}
			for j, x := range g {
				sum[j] += x
			}
		}
		mean := make([]float64, p)
		for j := range sum {
			mean[j] = sum[j] / n
		}
		if o.clipSum {
			mean = clipped(sum, C)
			for j := range mean {
				mean[j] /= n
			}
		}
		if o.clipMean {
			mean = clipped(mean, C)
		}
		std := sigma * C
		if o.noiseNoC {
			std = sigma
		}
		g, newW := make([]float64, p), make([]float64, p)
		for j := range g {
			switch {
			case o.noiseN2:
				g[j] = mean[j] + std*z[j]/(n*n)
			case o.noiseNotN:
				g[j] = mean[j] + std*z[j]
			default:
				g[j] = mean[j] + std*z[j]/n
			}
			switch {
			case o.plusStep:
				newW[j] = w[j] + lr*g[j]
			case o.cleanStep:
				newW[j] = w[j] - lr*mean[j]
			default:
				newW[j] = w[j] - lr*g[j]
			}
		}
		return newW, g
	}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl stepFn
	want string
}{
	{"stub", func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		panic(todo)
	},
		"not implemented yet: dpsgd.Step"},
	{"the right step reassembled (sanity of the mutant harness)", wrong(opts{}), ""},
	{"the summed gradient clipped, not each example", wrong(opts{clipSum: true}), "clip each example's gradient on its own, before the sum"},
	{"averaged before clipping", wrong(opts{clipMean: true}), "not the clipped mean"},
	{"clipped by value", wrong(opts{byValue: true}), "clipping by value"},
	{"noise σ·z without C", wrong(opts{noiseNoC: true}), "add σ·C·z, not σ·z"},
	{"noise divided by n twice", wrong(opts{noiseN2: true}), "divided by n twice"},
	{"noise not divided by n", wrong(opts{noiseNotN: true}), "n times too large"},
	{"no clipping", wrong(opts{noClip: true}), "clip each example's gradient to norm C"},
	{"short gradients scaled up to C", func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		up := make([][]float64, len(grads))
		for i, g := range grads {
			s := 0.0
			for _, x := range g {
				s += x * x
			}
			up[i] = append([]float64(nil), g...)
			if s > 0 {
				for j := range up[i] {
					up[i][j] *= C / math.Sqrt(s)
				}
			}
		}
		return Step(w, up, C, sigma, lr, z)
	}, "a gradient already shorter than C stays as it is"},
	{"step along the gradient", wrong(opts{plusStep: true}), "not w + lr·g̃"},
	{"weights updated with the clean mean", wrong(opts{cleanStep: true}), "update with the noisy gradient"},
	{"Step changes w", func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		newW, g := Step(w, grads, C, sigma, lr, z)
		copy(w, newW)
		return newW, g
	}, "changed its argument w[0]"},
	{"a zero gradient gives NaN (min(‖g‖, C)/‖g‖)", func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		n, p := float64(len(grads)), len(w)
		sum := make([]float64, p)
		for _, g := range grads {
			s := 0.0
			for _, x := range g {
				s += x * x
			}
			norm := math.Sqrt(s)
			scale := math.Min(norm, C) / norm // 0/0 for a zero gradient
			for j, x := range g {
				sum[j] += x * scale
			}
		}
		g, newW := make([]float64, p), make([]float64, p)
		for j := range g {
			g[j] = (sum[j] + sigma*C*z[j]) / n
			newW[j] = w[j] - lr*g[j]
		}
		return newW, g
	}, "leave a zero gradient as it is"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			p := checks.CheckDPSGD(checks.DPSGDImpl{Step: m.impl})
			if m.want == "" {
				if len(p) != 0 {
					t.Fatalf("the mutants' own step, with no mistake, fails:\n%s", checks.Summary(p))
				}
				return
			}
			checks.Catches(t, p, m.want)
		})
	}
}
