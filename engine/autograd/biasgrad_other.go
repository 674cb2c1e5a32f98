//go:build !amd64

package autograd

// Only amd64 has a vector loop for the bias's gradient.
var (
	biasGradVector          = false
	biasGradVectorAvailable = false
)

func biasGradColumns(d, g, y, gb []float64, relu bool) bool { return false }
