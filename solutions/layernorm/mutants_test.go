package layernorm

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement layernorm."

// fwdOpts are the places where a forward pass commonly goes wrong.
type fwdOpts struct {
	unbiased, epsOutside, overBatch, swap bool
}

// fwd returns the solution with the forward mistakes set by f.
func fwd(f func(*fwdOpts)) checks.LayerNormImpl {
	var o fwdOpts
	f(&o)
	return checks.LayerNormImpl{Backward: Backward, Forward: func(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
		n, d := len(x), len(gamma)
		y := newMatrix(n, d)
		// groups of positions normalised together: rows, or columns
		var groups [][][2]int
		if o.overBatch {
			for j := range d {
				var g [][2]int
				for i := range n {
					g = append(g, [2]int{i, j})
				}
				groups = append(groups, g)
			}
		} else {
			for i := range n {
				var g [][2]int
				for j := range d {
					g = append(g, [2]int{i, j})
				}
				groups = append(groups, g)
			}
		}
		for _, g := range groups {
			mu, v := 0.0, 0.0
			for _, p := range g {
				mu += x[p[0]][p[1]] / float64(len(g))
			}
			div := float64(len(g))
			if o.unbiased {
				div--
			}
			for _, p := range g {
				v += (x[p[0]][p[1]] - mu) * (x[p[0]][p[1]] - mu) / div
			}
			sd := math.Sqrt(v + eps)
			if o.epsOutside {
				sd = math.Sqrt(v) + eps
			}
			for _, p := range g {
				xh := (x[p[0]][p[1]] - mu) / sd
				j := p[1]
				if o.swap {
					y[p[0]][j] = beta[j]*xh + gamma[j]
				} else {
					y[p[0]][j] = gamma[j]*xh + beta[j]
				}
			}
		}
		return y
	}}
}

// bwdOpts are the places where a backward pass commonly goes wrong.
type bwdOpts struct {
	noMeanTerms, noXhatTerm, noGamma bool // dx
	dgLastRow, dgNoXhat, averaged    bool // dγ, dβ
}

// bwd returns the solution with the backward mistakes set by f.
func bwd(f func(*bwdOpts)) checks.LayerNormImpl {
	var o bwdOpts
	f(&o)
	return checks.LayerNormImpl{Forward: Forward, Backward: func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		n, d := len(x), len(gamma)
		dx, dgamma, dbeta := newMatrix(n, d), make([]float64, d), make([]float64, d)
		for i, row := range x {
			xhat, inv := normalize(row, eps)
			g := make([]float64, d)
			meanG, meanGX := 0.0, 0.0
			for j := range d {
				g[j] = dy[i][j] * gamma[j]
				if o.noGamma {
					g[j] = dy[i][j]
				}
				meanG += g[j] / float64(d)
				meanGX += g[j] * xhat[j] / float64(d)
				dg := dy[i][j] * xhat[j]
				if o.dgNoXhat {
					dg = dy[i][j]
				}
				if o.dgLastRow {
					dgamma[j] = dg
				} else {
					dgamma[j] += dg
				}
				dbeta[j] += dy[i][j]
			}
			for j := range d {
				switch {
				case o.noMeanTerms:
					dx[i][j] = inv * g[j]
				case o.noXhatTerm:
					dx[i][j] = inv * (g[j] - meanG)
				default:
					dx[i][j] = inv * (g[j] - meanG - xhat[j]*meanGX)
				}
			}
		}
		if o.averaged {
			for j := range d {
				dgamma[j] /= float64(n)
				dbeta[j] /= float64(n)
			}
		}
		return dx, dgamma, dbeta
	}}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.LayerNormImpl
	want string
}{
	{"Forward stub", checks.LayerNormImpl{Backward: Backward, Forward: func(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
		panic(todo + "Forward")
	}}, "not implemented yet: layernorm.Forward"},
	{"Backward stub", checks.LayerNormImpl{Forward: Forward, Backward: func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		panic(todo + "Backward")
	}}, "not implemented yet: layernorm.Backward"},
	{"variance with 1/(d−1)", fwd(func(o *fwdOpts) { o.unbiased = true }), "divides by d, not d − 1"},
	{"ε outside the square root", fwd(func(o *fwdOpts) { o.epsOutside = true }), "ε goes inside the square root"},
	{"normalised over the batch (columns)", fwd(func(o *fwdOpts) { o.overBatch = true }), "normalises each column, over the batch"},
	{"γ and β swapped", fwd(func(o *fwdOpts) { o.swap = true }), "γ and β are swapped"},
	{"dx without the mean terms", bwd(func(o *bwdOpts) { o.noMeanTerms = true }), "dx is missing both mean terms"},
	{"dx without the variance term", bwd(func(o *bwdOpts) { o.noXhatTerm = true }), "dx is missing the variance term"},
	{"dx without γ", bwd(func(o *bwdOpts) { o.noGamma = true }), "multiply by γ before the mean terms"},
	{"dγ not summed over the rows", bwd(func(o *bwdOpts) { o.dgLastRow = true }), "dγ is one row: sum over the batch"},
	{"dγ without x̂", bwd(func(o *bwdOpts) { o.dgNoXhat = true }), "its gradient carries x̂"},
	{"dγ and dβ averaged", bwd(func(o *bwdOpts) { o.averaged = true }), "sums over the batch, not means"},
	{"Forward changes x", checks.LayerNormImpl{Backward: Backward, Forward: func(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
		y := Forward(x, gamma, beta, eps)
		x[1][2] = y[1][2]
		return y
	}}, "changed its argument x[1][2]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckLayerNorm(m.impl), m.want)
		})
	}
}
