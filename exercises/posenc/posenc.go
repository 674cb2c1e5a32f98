// Package posenc is an exercise of the self-attention lesson (attention):
// the sinusoidal positional encoding of the Transformer (Vaswani et al.,
// "Attention Is All You Need", 2017), which tells attention, itself blind
// to order, where each token stands.
//
// Run `dlearn grade posenc` (or `go test ./posenc` in this folder) to
// check it.
package posenc

// Encode returns the positional encodings of positions 0 … T−1 in d
// features (d is even), a T×d matrix, row pos for position pos:
//
//	PE[pos][2i]   = sin(pos / 10000^(2i/d))
//	PE[pos][2i+1] = cos(pos / 10000^(2i/d))      i = 0 … d/2−1
//
// Sine and cosine are interleaved, as in the paper: columns 2i and 2i+1
// are one pair and share one frequency 1/10000^(2i/d), from 1 radian per
// position in the first pair down to nearly 1/10000 in the last. Positions
// count from 0, so row 0 is 0, 1, 0, 1, … (math.Pow, math.Sin and
// math.Cos do the work). Return a new [][]float64 of T rows of d values.
func Encode(T, d int) [][]float64 {
	panic("TODO: implement posenc.Encode")
}
