//go:build !amd64

package tensor

// Only amd64 has vector loops for addTo and addConst.
var (
	convVector          = false
	convVectorAvailable = false
)

func addToPrefix(dst, src []float64) int          { return 0 }
func addConstPrefix(dst []float64, c float64) int { return 0 }

func maxPool2x2Prefix(dst []float64, at []int32, r0, r1 []float64, top, w int) int { return 0 }

func maxPool2x2GradPrefix(r0, r1, gs []float64, at []int32, top, w int) int { return 0 }
