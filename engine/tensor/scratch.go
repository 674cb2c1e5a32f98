package tensor

import (
	"math/bits"
	"sync"
)

// Scratch buffers are working memory that kernels need between a forward
// and a backward pass but that no caller ever sees (the im2col columns of a
// convolution). Reusing them across training steps saves allocating and
// zeroing megabytes per step. Buffers are pooled by power-of-two capacity.
var scratchPools [48]sync.Pool

// Scratch returns a slice of length n with undefined contents: the caller
// must write every element before reading it. Give it back with
// ReleaseScratch when no one will read it again, or simply drop it.
func Scratch(n int) []float64 {
	if n == 0 {
		return nil
	}
	b := bits.Len(uint(n - 1))
	if p, ok := scratchPools[b].Get().(*[]float64); ok {
		return (*p)[:n]
	}
	return make([]float64, n, 1<<b)
}

// ReleaseScratch returns a buffer obtained from Scratch to the pool. The
// caller must not use it afterwards.
func ReleaseScratch(s []float64) {
	c := cap(s)
	if c == 0 || c&(c-1) != 0 {
		return // not from Scratch
	}
	s = s[:c]
	scratchPools[bits.Len(uint(c-1))].Put(&s)
}
