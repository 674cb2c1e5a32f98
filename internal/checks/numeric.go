package checks

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// seed makes every random case the same on every run and machine; a
// learner who fixes a bug sees the same numbers change, not new ones.
const seed = 20260101

// newRand returns the deterministic generator of one check.
func newRand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// randVec returns n values uniform in [lo, hi).
func randVec(r *rand.Rand, n int, lo, hi float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = lo + (hi-lo)*r.Float64()
	}
	return v
}

// randMat returns a rows×cols matrix of values uniform in [lo, hi).
func randMat(r *rand.Rand, rows, cols int, lo, hi float64) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = randVec(r, cols, lo, hi)
	}
	return m
}

// fdStep is the step of central differences: small enough for the
// truncation error (∝ h²), large enough for the rounding error (∝ 1/h).
const fdStep = 1e-5

// centralDiff returns the gradient of f at x by central differences,
// (f(x+h·eᵢ) − f(x−h·eᵢ)) / 2h for each i. x is restored afterwards.
func centralDiff(f func() float64, x []float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + fdStep
		up := f()
		x[i] = old - fdStep
		down := f()
		x[i] = old
		g[i] = (up - down) / (2 * fdStep)
	}
	return g
}

// frozen remembers the learner's arguments so that a check can tell them
// when their function changed an input it should only read.
type frozen struct {
	names []string
	live  [][]float64
	saved [][]float64
}

// freeze snapshots the vectors, named in order by names.
func freeze(names []string, vs ...[]float64) frozen {
	f := frozen{names: names, live: vs}
	for _, v := range vs {
		f.saved = append(f.saved, slices.Clone(v))
	}
	return f
}

// verify records a problem for fn if an argument changed since freeze.
func (f frozen) verify(c *ctx, fn Func) bool {
	for k, v := range f.live {
		for i := range v {
			if v[i] != f.saved[k][i] { // the checks never pass NaN
				c.fail(fn.Name, Wrong, fmt.Sprintf("%s: changed its argument %s[%d] from %s to %s.\n"+
					"  hint: treat the inputs as read-only; write results into a new slice made with make([]float64, n).",
					fn, f.names[k], i, num(f.saved[k][i]), num(v[i])))
				return false
			}
		}
	}
	return true
}

// mapVec returns f applied to each element of a and b.
func mapVec(a, b []float64, f func(x, y float64) float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = f(a[i], b[i])
	}
	return out
}
