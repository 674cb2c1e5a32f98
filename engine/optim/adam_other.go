//go:build !amd64

package optim

// adamAVX is false: only amd64 has a vector kernel.
var adamAVX = false

// adamVector handles nothing: adamKernel does all the work.
func adamVector(k *adamConsts, w, g, m, v, d []float64) int { return 0 }

// adamAVXAvailable is false: only amd64 has a vector kernel.
var adamAVXAvailable = false
