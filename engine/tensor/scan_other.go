//go:build !amd64

package tensor

// Only amd64 has the vector kernel of MaxAbsBits.
var (
	scanVector          = false
	scanVectorAvailable = false
)

func maxAbsBitsPrefix(xs []float64) (uint64, int) { return 0, 0 }
