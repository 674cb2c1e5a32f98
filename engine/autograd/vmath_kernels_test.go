package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

// TestExpKernelsMatchScalar: the kernels that take their exponentials a
// stretch at a time (sigmoid, tanh, softmax and log-softmax rows) give the
// bits of their element-by-element definitions with math.Exp and
// math.Tanh, on rows longer than their buffers, in place and not, with
// values of every size and sign (NaN and infinities included).
func TestExpKernelsMatchScalar(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 600).Draw(rt, "n")
		val := rapid.OneOf(rapid.Float64Range(-5, 5), rapid.Float64Range(-800, 800),
			rapid.SampledFrom([]float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 0.625, -0.625, 44.02}))
		x := rapid.SliceOfN(val, n, n).Draw(rt, "x")
		check := func(name string, got []float64, want func(i int) float64) {
			for i := range got {
				if w := want(i); !sameFloat(got[i], w) {
					rt.Fatalf("%s: element %d of %d (x = %v): %v, want %v", name, i, n, x[i], got[i], w)
				}
			}
		}
		sig := append([]float64(nil), x...)
		sigmoidKernel(sig, sig)
		check("sigmoid", sig, func(i int) float64 {
			if x[i] >= 0 {
				return 1 / (1 + math.Exp(-x[i]))
			}
			e := math.Exp(x[i])
			return e / (1 + e)
		})
		th := make([]float64, n)
		tanhKernel(th, x)
		check("tanh", th, func(i int) float64 { return math.Tanh(x[i]) })
		// Softmax rows of finite values, as the ops see them.
		fin := make([]float64, n)
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 1
			}
			fin[i] = v
		}
		m := fin[0]
		for _, v := range fin[1:] {
			m = max(m, v)
		}
		s := 0.0
		for _, v := range fin {
			s += math.Exp(v - m)
		}
		sm := make([]float64, n)
		softmaxRow(sm, fin)
		check("softmax", sm, func(i int) float64 { return math.Exp(fin[i]-m) * (1 / s) })
		ls := make([]float64, n)
		logSoftmaxRow(ls, fin)
		check("log-softmax", ls, func(i int) float64 { return fin[i] - m - math.Log(s) })
		inPlace := append([]float64(nil), fin...)
		logSoftmaxRow(inPlace, inPlace)
		check("log-softmax in place", inPlace, func(i int) float64 { return fin[i] - m - math.Log(s) })
	})
}

// TestBCEOneLogPerTarget: BCE's value, which takes one log for a target of
// 0 or 1, has the bits of the two-term definition, for probabilities at
// and beyond the clamp and targets 0, −0, 1 and in between.
func TestBCEOneLogPerTarget(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(rt, "n")
		p := rapid.SliceOfN(rapid.OneOf(rapid.Float64Range(0, 1), rapid.SampledFrom([]float64{0, 1, 1e-9, 1 - 1e-9, 0.5})), n, n).Draw(rt, "p")
		y := rapid.SliceOfN(rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1, 0.3}), n, n).Draw(rt, "y")
		s := 0.0
		for i, pv := range p {
			pc := clampProb(pv)
			s -= y[i]*math.Log(pc) + (1-y[i])*math.Log(1-pc)
		}
		want := s * (1 / float64(n))
		got := NoGradTape().BCE(Const("p", tensor.FromValues(p, n)), Const("y", tensor.FromValues(y, n))).Item()
		if math.Float64bits(got) != math.Float64bits(want) {
			rt.Fatalf("BCE = %v, definition %v", got, want)
		}
	})
}
