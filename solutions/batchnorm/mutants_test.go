package batchnorm

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement batchnorm."

type trainFunc = func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64)
type evalFunc = func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64
type backFunc = func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64)

func impl(tr trainFunc, ev evalFunc, bw backFunc) checks.BatchNormImpl {
	if tr == nil {
		tr = TrainForward
	}
	if ev == nil {
		ev = EvalForward
	}
	if bw == nil {
		bw = Backward
	}
	return checks.BatchNormImpl{TrainForward: tr, EvalForward: ev, Backward: bw}
}

// update is the running-statistics update with the batch's mean and
// variance (already corrected or not), as a mutant wants it.
func update(runMean, runVar, mean, variance []float64, f func(run, batch float64) float64) ([]float64, []float64) {
	nm, nv := make([]float64, len(mean)), make([]float64, len(mean))
	for j := range mean {
		nm[j], nv[j] = f(runMean[j], mean[j]), f(runVar[j], variance[j])
	}
	return nm, nv
}

func unbiased(variance []float64, n int) []float64 {
	u := make([]float64, len(variance))
	for j, v := range variance {
		u[j] = v * float64(n) / float64(n-1)
	}
	return u
}

// transposed runs f on xᵀ, as if rows were features: normalising over the
// features instead of the batch.
func transposed(x [][]float64) [][]float64 {
	t := newMatrix(len(x[0]), len(x))
	for i, row := range x {
		for j, v := range row {
			t[j][i] = v
		}
	}
	return t
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.BatchNormImpl
	want string
}{
	{"TrainForward stub", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		panic(todo + "TrainForward")
	}, nil, nil), "not implemented yet: batchnorm.TrainForward"},
	{"EvalForward stub", impl(nil, func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
		panic(todo + "EvalForward")
	}, nil), "not implemented yet: batchnorm.EvalForward"},
	{"Backward stub", impl(nil, nil, func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		panic(todo + "Backward")
	}), "not implemented yet: batchnorm.Backward"},
	{"running statistics not updated", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		y, _, _ := TrainForward(x, gamma, beta, runMean, runVar, momentum, eps)
		return y, append([]float64(nil), runMean...), append([]float64(nil), runVar...)
	}, nil, nil), "the running statistics are not updated"},
	{"running statistics updated in place", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		y, nm, nv := TrainForward(x, gamma, beta, runMean, runVar, momentum, eps)
		copy(runMean, nm)
		copy(runVar, nv)
		return y, runMean, runVar
	}, nil, nil), "changed its argument runMean[0] from"},
	{"momentum reversed", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		mean, variance := stats(x)
		nm, nv := update(runMean, runVar, mean, unbiased(variance, len(x)), func(run, batch float64) float64 {
			return momentum*run + (1-momentum)*batch
		})
		return normalize(x, gamma, beta, mean, variance, eps), nm, nv
	}, nil, nil), "the momentum is the weight of the new batch"},
	{"biased variance in the running update", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		mean, variance := stats(x)
		nm, nv := update(runMean, runVar, mean, variance, func(run, batch float64) float64 {
			return (1-momentum)*run + momentum*batch
		})
		return normalize(x, gamma, beta, mean, variance, eps), nm, nv
	}, nil, nil), "updated with the unbiased batch variance"},
	{"unbiased variance in the normalisation", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		_, nm, nv := TrainForward(x, gamma, beta, runMean, runVar, momentum, eps)
		mean, variance := stats(x)
		return normalize(x, gamma, beta, mean, unbiased(variance, len(x)), eps), nm, nv
	}, nil, nil), "normalise with the biased batch variance"},
	{"normalised over the features", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		_, nm, nv := TrainForward(x, gamma, beta, runMean, runVar, momentum, eps)
		mean, variance := stats(transposed(x)) // one mean per row
		y := newMatrix(len(x), len(gamma))
		for i, row := range x {
			for j, v := range row {
				y[i][j] = gamma[j]*(v-mean[i])/math.Sqrt(variance[i]+eps) + beta[j]
			}
		}
		return y, nm, nv
	}, nil, nil), "normalises each row over its features (layer norm)"},
	{"running statistics in training", impl(func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
		_, nm, nv := TrainForward(x, gamma, beta, runMean, runVar, momentum, eps)
		return normalize(x, gamma, beta, runMean, runVar, eps), nm, nv
	}, nil, nil), "in training mode, normalise with the batch's own statistics"},
	{"batch statistics in evaluation", impl(nil, func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
		mean, variance := stats(x)
		return normalize(x, gamma, beta, mean, variance, eps)
	}, nil), "evaluation mode uses the running statistics"},
	{"running variance taken for a standard deviation", impl(nil, func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
		y := newMatrix(len(x), len(gamma))
		for i, row := range x {
			for j, v := range row {
				y[i][j] = gamma[j]*(v-runMean[j])/(runVar[j]+eps) + beta[j]
			}
		}
		return y
	}, nil), "runVar is a variance"},
	{"dx without the mean terms", impl(nil, nil, func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		_, dg, db := Backward(x, gamma, eps, dy)
		_, variance := stats(x)
		dx := newMatrix(len(x), len(gamma))
		for i := range dx {
			for j := range dx[i] {
				dx[i][j] = dy[i][j] * gamma[j] / math.Sqrt(variance[j]+eps)
			}
		}
		return dx, dg, db
	}), "dx is missing both mean terms"},
	{"backward with the means over each row", impl(nil, nil, func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		// layer norm's backward: the statistics of each row
		n, d := len(x), len(gamma)
		dx, dg, db := newMatrix(n, d), make([]float64, d), make([]float64, d)
		mean, variance := stats(transposed(x))
		for i := range n {
			inv := 1 / math.Sqrt(variance[i]+eps)
			mg, mgx := 0.0, 0.0
			xh := make([]float64, d)
			for j := range d {
				xh[j] = (x[i][j] - mean[i]) * inv
				mg += dy[i][j] * gamma[j] / float64(d)
				mgx += dy[i][j] * gamma[j] * xh[j] / float64(d)
				dg[j] += dy[i][j] * xh[j]
				db[j] += dy[i][j]
			}
			for j := range d {
				dx[i][j] = inv * (dy[i][j]*gamma[j] - mg - xh[j]*mgx)
			}
		}
		return dx, dg, db
	}), "that is layer norm's backward pass"},
	{"dγ not summed over the batch", impl(nil, nil, func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		dx, _, db := Backward(x, gamma, eps, dy)
		mean, variance := stats(x)
		dg := make([]float64, len(gamma))
		for i := range x {
			for j := range dg {
				dg[j] = dy[i][j] * (x[i][j] - mean[j]) / math.Sqrt(variance[j]+eps)
			}
		}
		return dx, dg, db
	}), "dγ is one row: sum over the batch"},
	{"dγ and dβ averaged", impl(nil, nil, func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
		dx, dg, db := Backward(x, gamma, eps, dy)
		for j := range dg {
			dg[j] /= float64(len(x))
			db[j] /= float64(len(x))
		}
		return dx, dg, db
	}), "sums over the batch, not means"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckBatchNorm(m.impl), m.want)
		})
	}
}
