package tensor

import (
	"runtime"
	"sync"
)

// minParallelWork is the number of element operations below which a kernel
// runs on the calling goroutine: starting goroutines costs about a
// microsecond each.
const minParallelWork = 1 << 15

// ParallelFor is parallelFor for kernels outside this package (the
// autograd ops' element-wise loops): f is called on disjoint ranges
// [lo, hi) covering [0, n), on several goroutines when work, the total
// number of element operations, is at least MinParallelWork and
// GOMAXPROCS is above 1, else once on the caller's goroutine. A kernel
// whose every output element is written by the call that owns its index
// gives the same bits whatever the number of goroutines.
func ParallelFor(n, work int, f func(lo, hi int)) { parallelFor(n, work, f) }

// MinParallelWork is the work from which ParallelFor splits: callers that
// would have to allocate a closure for it compare with this first.
const MinParallelWork = minParallelWork

// parallelFor calls f on disjoint ranges [lo, hi) covering [0, n), in
// parallel when work (the total number of element operations) is large.
// Each index is handled by exactly one call, so kernels that write disjoint
// outputs per index give the same bits whatever the number of cores.
func parallelFor(n, work int, f func(lo, hi int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p <= 1 || work < minParallelWork {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range p {
		lo, hi := w*n/p, (w+1)*n/p
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}
