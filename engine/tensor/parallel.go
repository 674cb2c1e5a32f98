package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// minParallelWork is the number of element operations below which a kernel
// runs on the calling goroutine: handing a part to a parked worker costs a
// few microseconds (the OS wakes its thread), to a spinning one a fraction
// of a microsecond. Measured on the 2-core machine of docs/PERFORMANCE.md
// (W3–W7 at GOMAXPROCS 2, alternating builds): below 2²⁰ the hand-off and
// the two cores' contention for cache cost more than the split saves.
var minParallelWork = MinParallelWork

// minParallelImageWork is the threshold of the convolution and pooling
// kernels, which split a batch's images: they stream through memory
// (columns, pooling windows), and at the lesson-sized batches (W4: 2–15
// million operations a kernel) two cores sharing the machine's caches ran
// them slower than one did (W4 2.1 → 1.8 ms a step at GOMAXPROCS 2).
var minParallelImageWork = 1 << 26

// parallelImages is parallelFor for the kernels that split a batch's
// images (see minParallelImageWork).
func parallelImages(n, work int, f func(lo, hi int)) {
	if work < minParallelImageWork {
		f(0, n)
		return
	}
	parallelFor(n, work, f)
}

// ParallelFor is parallelFor for kernels outside this package (the
// autograd ops' element-wise loops): f is called on disjoint ranges
// [lo, hi) covering [0, n), on several goroutines when work, the total
// number of element operations, is at least MinParallelWork and
// GOMAXPROCS is above 1, else once on the caller's goroutine. A kernel
// whose every output element is written by the call that owns its index
// gives the same bits whatever the number of goroutines.
func ParallelFor(n, work int, f func(lo, hi int)) { parallelFor(n, work, f) }

// MinParallelWork is the work from which ParallelFor splits by default.
const MinParallelWork = 1 << 20

// ParallelWorth reports whether ParallelFor splits work: callers that
// would have to allocate a closure for it ask this first.
func ParallelWorth(work int) bool { return work >= minParallelWork }

// SetParallelThresholds sets the work from which ParallelFor (work) and
// the convolution and pooling kernels (images) split, and returns a
// function that restores the previous ones. It is for tests that must
// exercise the split at small sizes; it must not be called while kernels
// run.
func SetParallelThresholds(work, images int) (restore func()) {
	oldWork, oldImages := minParallelWork, minParallelImageWork
	minParallelWork, minParallelImageWork = work, images
	return func() { minParallelWork, minParallelImageWork = oldWork, oldImages }
}

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
	SplitRanges(n, p, 1, f)
}

// SplitRanges calls f on the parts of [0, n) split into parts nearly equal
// ranges whose bounds are multiples of align (except n itself), skipping
// empty ones: part 0 on the calling goroutine, the others on the package's
// workers (see worker). It returns when every call has returned. With
// align 1, part w is [w·n/parts, (w+1)·n/parts).
//
// Which goroutine runs a part never changes what the part computes: a part
// whose worker is busy (another caller's, or a nested call) runs on the
// caller after its own, so results do not depend on timing.
func SplitRanges(n, parts, align int, f func(lo, hi int)) {
	if parts <= 1 || n <= align {
		if n > 0 {
			f(0, n)
		}
		return
	}
	// Parts 1 … maxHeld go to workers (or, when busy, run here after part
	// 0), the others run here last.
	helped := min(parts-1, maxHeld)
	ws := workersFor(helped)
	var held [maxHeld]bool
	for w := 1; w <= helped; w++ {
		if lo, hi := splitAligned(n, parts, w, align); lo < hi && ws[w-1].owner.CompareAndSwap(false, true) {
			ws[w-1].start(f, lo, hi)
			held[w-1] = true
		}
	}
	for w := range parts {
		if w >= 1 && w <= helped && held[w-1] {
			continue
		}
		if lo, hi := splitAligned(n, parts, w, align); lo < hi {
			f(lo, hi)
		}
	}
	for w := range helped {
		if held[w] {
			ws[w].wait()
		}
	}
}

// splitAligned returns part w of [0, n) split into parts nearly equal
// ranges whose bounds are multiples of align (except n itself).
func splitAligned(n, parts, w, align int) (lo, hi int) {
	tiles := (n + align - 1) / align
	lo = min(n, w*tiles/parts*align)
	hi = min(n, (w+1)*tiles/parts*align)
	return lo, hi
}

// maxHeld is the most workers one call hands parts to; further parts run
// on the caller.
const maxHeld = 63

// spinTime is how long a worker waits for its next part, and a caller for
// a worker's result, before sleeping: a sleeping thread takes several
// microseconds to wake, and a training step's parallel kernels often come
// closer together than that. While waiting a goroutine yields its
// processor to any other goroutine that can run, and after spinTime
// without work it sleeps, so an idle program uses no CPU. Measured on the
// shared 2-core machine (W3–W7, 5 alternating rounds under a load of 4–6),
// 5 µs gave better medians than 20 and 50 µs: a longer spin takes CPU time
// from the other threads of a busy machine.
const spinTime = 5 * time.Microsecond

// States of a worker (worker.state) and of its current part (worker.res).
const (
	wIdle    = iota // waiting for a part, spinning
	wParked         // waiting for a part, asleep on wake
	wJob            // a part was handed over and not started
	wRunning        // the worker runs the part
)

const (
	rPending = iota // the part runs
	rDone           // the part has returned
	rWaiting        // the caller sleeps on fin
)

// worker is a goroutine that runs parts of SplitRanges for the caller that
// owns it (owner), one part at a time.
type worker struct {
	owner atomic.Bool
	state atomic.Uint32
	res   atomic.Uint32
	wake  chan struct{} // a part for a parked worker
	fin   chan struct{} // the end of a part for a sleeping caller
	f     func(lo, hi int)
	lo    int
	hi    int
}

var (
	workersMu sync.Mutex
	workers   atomic.Pointer[[]*worker]
)

// workersFor returns at least n workers, starting the missing ones.
func workersFor(n int) []*worker {
	n = min(n, maxHeld)
	if ws := workers.Load(); ws != nil && len(*ws) >= n {
		return *ws
	}
	workersMu.Lock()
	defer workersMu.Unlock()
	var ws []*worker
	if p := workers.Load(); p != nil {
		ws = *p
	}
	for len(ws) < n {
		w := &worker{wake: make(chan struct{}, 1), fin: make(chan struct{}, 1)}
		go w.loop()
		ws = append(ws[:len(ws):len(ws)], w)
	}
	workers.Store(&ws)
	return ws
}

// start hands f(lo, hi) to the worker, which the caller owns.
func (w *worker) start(f func(lo, hi int), lo, hi int) {
	w.f, w.lo, w.hi = f, lo, hi
	w.res.Store(rPending)
	if w.state.Swap(wJob) == wParked {
		w.wake <- struct{}{}
	}
}

// wait returns when the part given to start has returned, and releases the
// worker. A part the worker has not started yet (its thread is asleep or
// not scheduled) is taken back and run here, so a busy machine never
// leaves the caller waiting for a thread that does not run.
func (w *worker) wait() {
	if w.state.CompareAndSwap(wJob, wIdle) {
		w.f(w.lo, w.hi)
	} else if !spinUntil(func() bool { return w.res.Load() == rDone }) && w.res.CompareAndSwap(rPending, rWaiting) {
		<-w.fin
	}
	w.f = nil
	w.owner.Store(false)
}

// loop runs the parts handed to w, forever.
func (w *worker) loop() {
	for {
		if !spinUntil(func() bool { return w.state.Load() == wJob }) {
			if w.state.CompareAndSwap(wIdle, wParked) {
				<-w.wake
			}
			continue // a part came, or came and was taken back
		}
		if !w.state.CompareAndSwap(wJob, wRunning) {
			continue // taken back by the caller
		}
		w.f(w.lo, w.hi)
		w.state.Store(wIdle)
		if w.res.Swap(rDone) == rWaiting {
			w.fin <- struct{}{}
		}
	}
}

// spinUntil polls cond until it holds (true) or spinTime has passed
// (false). It polls in a tight loop, yielding the processor to any other
// runnable goroutine every few hundred polls.
func spinUntil(cond func() bool) bool {
	var start time.Time
	for i := 1; ; i++ {
		if cond() {
			return true
		}
		if i&255 == 0 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinTime {
				return false
			}
			runtime.Gosched()
		}
	}
}
