// Package posenc is the reference solution of the posenc exercise: the
// sinusoidal positional encoding of the Transformer.
package posenc

import "math"

// Encode returns the positional encodings of positions 0 … T−1 in d
// features (d even), a T×d matrix:
//
//	PE[pos][2i]   = sin(pos / 10000^(2i/d))
//	PE[pos][2i+1] = cos(pos / 10000^(2i/d))
func Encode(T, d int) [][]float64 {
	pe := make([][]float64, T)
	for pos := range T {
		pe[pos] = make([]float64, d)
		for i := 0; i < d; i += 2 { // i is the even column 2i of the formula
			angle := float64(pos) / math.Pow(10000, float64(i)/float64(d))
			pe[pos][i] = math.Sin(angle)
			pe[pos][i+1] = math.Cos(angle)
		}
	}
	return pe
}
