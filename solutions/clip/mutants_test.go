package clip

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement clip.ClipGradNorm"

type clipFn = func(grads [][]float64, maxNorm float64) ([][]float64, float64)

// scaled multiplies every element by s.
func scaled(grads [][]float64, s float64) [][]float64 {
	out := make([][]float64, len(grads))
	for i, g := range grads {
		out[i] = make([]float64, len(g))
		for j, x := range g {
			out[i][j] = x * s
		}
	}
	return out
}

func norm(grads [][]float64) float64 {
	s := 0.0
	for _, g := range grads {
		for _, x := range g {
			s += x * x
		}
	}
	return math.Sqrt(s)
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	fn   clipFn
	want string
}{
	{"stub", func(g [][]float64, m float64) ([][]float64, float64) { panic(todo) },
		"not implemented yet: clip.ClipGradNorm (solutions/clip/mutants_test.go:"},
	{"per-tensor norm", func(grads [][]float64, m float64) ([][]float64, float64) {
		out := make([][]float64, len(grads))
		for i, g := range grads {
			c, _ := ClipGradNorm([][]float64{g}, m)
			out[i] = c[0]
		}
		return out, norm(grads)
	}, "clipped tensor by tensor"},
	{"clip by value", func(grads [][]float64, m float64) ([][]float64, float64) {
		out := scaled(grads, 1)
		for _, g := range out {
			for j := range g {
				g[j] = math.Max(-m, math.Min(m, g[j]))
			}
		}
		return out, norm(grads)
	}, "that is clipping by value"},
	{"scaling below the threshold", func(grads [][]float64, m float64) ([][]float64, float64) {
		n := norm(grads)
		return scaled(grads, m/(n+1e-6)), n
	}, "scale only when the norm is too large"},
	{"no square root", func(grads [][]float64, m float64) ([][]float64, float64) {
		n := norm(grads)
		n *= n
		return scaled(grads, math.Min(1, m/(n+1e-6))), n
	}, "the square root of the sum of squares"},
	{"sum of the tensors' norms", func(grads [][]float64, m float64) ([][]float64, float64) {
		n := 0.0
		for _, g := range grads {
			n += norm([][]float64{g})
		}
		return scaled(grads, math.Min(1, m/(n+1e-6))), n
	}, "not the sum of the tensors' norms"},
	{"no 1e-6", func(grads [][]float64, m float64) ([][]float64, float64) {
		n := norm(grads)
		if n > m {
			return scaled(grads, m/n), n
		}
		return scaled(grads, 1), n
	}, "PyTorch adds 1e-6 to the norm"},
	{"norm after clipping", func(grads [][]float64, m float64) ([][]float64, float64) {
		c, _ := ClipGradNorm(grads, m)
		return c, norm(c)
	}, "return the total norm before clipping"},
	{"clipped in place", func(grads [][]float64, m float64) ([][]float64, float64) {
		c, n := ClipGradNorm(grads, m)
		for i := range grads {
			copy(grads[i], c[i])
		}
		return grads, n
	}, "changed its argument grads[0][0]"},
	{"no guard against a zero norm", func(grads [][]float64, m float64) ([][]float64, float64) {
		n := norm(grads)
		s := math.Min(1, m/n)
		if n == 0 {
			s = n / n
		}
		return scaled(grads, s), n
	}, "with all gradients zero the norm is 0"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckClip(checks.ClipImpl{ClipGradNorm: mu.fn}), mu.want)
		})
	}
}
