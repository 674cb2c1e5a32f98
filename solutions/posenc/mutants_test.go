package posenc

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement posenc.Encode"

// opts are the places where the encoding commonly goes wrong.
type opts struct {
	exponent func(i, col, d int) float64 // i the pair, col the column
	swap     bool
	base     float64
	first    int // the first position
	halves   bool
	noResult bool
}

// wrong is Encode with the mistakes of o.
func wrong(f func(*opts)) checks.PosEncImpl {
	o := opts{exponent: func(i, _, d int) float64 { return float64(2*i) / float64(d) }, base: 10000}
	f(&o)
	return checks.PosEncImpl{Encode: func(T, d int) [][]float64 {
		pe := make([][]float64, T)
		if o.noResult {
			return pe[:0]
		}
		for pos := range T {
			pe[pos] = make([]float64, d)
			p := float64(pos + o.first)
			for i := range d / 2 {
				s := math.Sin(p / math.Pow(o.base, o.exponent(i, 2*i, d)))
				c := math.Cos(p / math.Pow(o.base, o.exponent(i, 2*i+1, d)))
				if o.swap {
					s = math.Cos(p / math.Pow(o.base, o.exponent(i, 2*i, d)))
					c = math.Sin(p / math.Pow(o.base, o.exponent(i, 2*i+1, d)))
				}
				if o.halves {
					pe[pos][i], pe[pos][d/2+i] = s, c
				} else {
					pe[pos][2*i], pe[pos][2*i+1] = s, c
				}
			}
		}
		return pe
	}}
}

var mutants = []struct {
	name string
	impl checks.PosEncImpl
	want string
}{
	{"stub", checks.PosEncImpl{Encode: func(T, d int) [][]float64 { panic(todo) }}, "not implemented yet: posenc.Encode"},
	{"exponent i/d", wrong(func(o *opts) { o.exponent = func(i, _, d int) float64 { return float64(i) / float64(d) } }), "not i/d"},
	{"exponent of the column", wrong(func(o *opts) { o.exponent = func(_, col, d int) float64 { return float64(col) / float64(d) } }), "not (2i+1)/d"},
	{"sin and cos swapped", wrong(func(o *opts) { o.swap = true }), "sine and cosine are swapped"},
	{"base 1000", wrong(func(o *opts) { o.base = 1000 }), "not 1000"},
	{"positions from 1", wrong(func(o *opts) { o.first = 1 }), "positions count from 0"},
	{"halves concatenated", wrong(func(o *opts) { o.halves = true }), "interleave sine and cosine"},
	{"no rows", wrong(func(o *opts) { o.noResult = true }), "has shape 0×0, want 3×4"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckPosEnc(m.impl), m.want)
		})
	}
}
