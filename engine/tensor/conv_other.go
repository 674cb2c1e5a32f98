//go:build !amd64

package tensor

// Only amd64 has vector loops for addTo and addConst.
var (
	addVector          = false
	addVectorAvailable = false
)

func addToPrefix(dst, src []float64) int          { return 0 }
func addConstPrefix(dst []float64, c float64) int { return 0 }
