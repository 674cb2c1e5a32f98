package optim

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

// adamReference is Adam.Step's loop before the kernels: one element at a
// time, the hyper-parameters read from o. The kernels must give its bits.
func adamReference(o *Adam, steps int, w, grad, m, v, d []float64) {
	bc1 := 1 - math.Pow(o.Beta1, float64(steps))
	bc2 := math.Sqrt(1 - math.Pow(o.Beta2, float64(steps)))
	stepSize := o.LR / bc1
	decay := 1 - o.LR*o.WeightDecay
	for i, g := range grad {
		if o.WeightDecay != 0 && !o.Decoupled {
			g += float64(o.WeightDecay * w[i])
		}
		m[i] = float64(o.Beta1*m[i]) + float64((1-o.Beta1)*g)
		v[i] = float64(o.Beta2*v[i]) + float64(float64((1-o.Beta2)*g)*g)
		step := float64(-stepSize * (m[i] / (math.Sqrt(v[i])/bc2 + o.Eps)))
		if o.Decoupled {
			old := w[i]
			w[i] = float64(w[i]*decay) + step
			d[i] = w[i] - old
			continue
		}
		d[i] = step
		w[i] += d[i]
	}
}

// TestAdamKernelsMatchReference runs Adam.Step with the vector kernel and
// with the scalar one against adamReference, in the three modes, on random
// lengths (tails included) and values, for several steps: the bits agree.
func TestAdamKernelsMatchReference(t *testing.T) {
	defer func(old bool) { adamAVX = old }(adamAVX)
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 41).Draw(rt, "n")
		mode := rapid.IntRange(0, 2).Draw(rt, "mode")
		avx := rapid.Bool().Draw(rt, "avx")
		adamAVX = avx && cpuHasVector()
		o := NewAdam(rapid.Float64Range(1e-4, 0.5).Draw(rt, "lr"))
		o.Beta1 = rapid.Float64Range(0, 0.99).Draw(rt, "beta1")
		o.Beta2 = rapid.Float64Range(0.5, 0.9999).Draw(rt, "beta2")
		switch mode {
		case 1:
			o.WeightDecay = rapid.Float64Range(1e-4, 0.1).Draw(rt, "wd")
		case 2:
			o.WeightDecay, o.Decoupled = rapid.Float64Range(0, 0.1).Draw(rt, "wd"), true
		}
		vals := func(label string) []float64 {
			return rapid.SliceOfN(rapid.Float64Range(-3, 3), n, n).Draw(rt, label)
		}
		p := autograd.NewParam("p", tensor.FromValues(vals("w"), n))
		w := append([]float64(nil), p.Value.Data...)
		m, v, d := make([]float64, n), make([]float64, n), make([]float64, n)
		for s := 1; s <= 3; s++ {
			p.Grad = tensor.FromValues(vals("g"), n)
			o.Step([]*autograd.Var{p})
			adamReference(o, s, w, p.Grad.Data, m, v, d)
			got := o.LastUpdate(p).Data
			for i := range n {
				if math.Float64bits(p.Value.Data[i]) != math.Float64bits(w[i]) || math.Float64bits(got[i]) != math.Float64bits(d[i]) {
					rt.Fatalf("step %d, element %d of %d (mode %d, vector %v): w %v ΔW %v, reference %v %v",
						s, i, n, mode, adamAVX, p.Value.Data[i], got[i], w[i], d[i])
				}
			}
		}
	})
}

// TestAdamKernelsAgreeOnSpecialValues feeds both kernels zeros, huge and
// tiny gradients, infinities and NaNs: the same bits from each.
func TestAdamKernelsAgreeOnSpecialValues(t *testing.T) {
	if !cpuHasVector() {
		t.Skip("no vector kernel on this machine: the scalar one is the only path")
	}
	special := []float64{0, math.Copysign(0, -1), 1e-300, -1e300, 1e308, math.Inf(1), math.Inf(-1), 3, -0.5, 5e-324, 1, 2}
	for mode := range 3 {
		k := adamConsts{b1: 0.9, c1: 0.1, b2: 0.999, c2: 1 - 0.999, negStep: -0.01, bc2: 0.03, eps: 1e-8, wd: 0.01, decay: 0.9999, mode: mode}
		run := func(avx bool) (w, m, v, d []float64) {
			defer func(old bool) { adamAVX = old }(adamAVX)
			adamAVX = avx
			n := len(special)
			w, m, v, d = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range n {
				w[i], m[i], v[i] = special[(i+3)%n], special[(i+5)%n], math.Abs(special[(i+7)%n])
			}
			adamUpdate(&k, w, special, m, v, d)
			return w, m, v, d
		}
		w0, m0, v0, d0 := run(false)
		w1, m1, v1, d1 := run(true)
		for _, pair := range [][2][]float64{{w0, w1}, {m0, m1}, {v0, v1}, {d0, d1}} {
			for i := range pair[0] {
				a, b := pair[0][i], pair[1][i]
				if math.Float64bits(a) != math.Float64bits(b) && !(math.IsNaN(a) && math.IsNaN(b)) {
					t.Fatalf("mode %d element %d: scalar %v, vector %v", mode, i, a, b)
				}
			}
		}
	}
}

// cpuHasVector reports whether this machine can run the vector kernel.
func cpuHasVector() bool { return adamAVXAvailable }
