package trainer

import (
	"runtime"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
)

// TapePool keeps recycling tapes (autograd.NewRecyclingTape) for a
// lesson's inference passes, so that measuring a test set does not
// allocate (and the collector reclaim) a pass's activations at every
// pass. It keeps at most Keep tapes (1 when Keep is 0); Get makes a new
// one when none is free. Not a sync.Pool: the collector empties those,
// and they are then refilled with new tapes of the same size. The zero
// value is ready to use; a TapePool is safe for concurrent use.
type TapePool struct {
	Keep int

	mu   sync.Mutex
	free []*autograd.Tape
}

// Get returns a recycling tape, reset.
func (p *TapePool) Get() *autograd.Tape {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		tp := p.free[n-1]
		p.free = p.free[:n-1]
		return tp
	}
	return autograd.NewRecyclingTape()
}

// Put resets tp and keeps it for the next Get, unless Keep tapes are
// kept already. Nothing tp made may be used after Put.
func (p *TapePool) Put(tp *autograd.Tape) {
	tp.Reset()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < max(p.Keep, 1) {
		p.free = append(p.free, tp)
	}
}

// Chunks calls f(i) for every i in [0, n), on up to GOMAXPROCS
// goroutines at once, and returns when all have returned; a panic in f
// is raised again in the caller. The calls must
// be independent (each writing only its own results), so that the caller,
// combining the results in the order of i, gets the same bits as calling
// them one after another.
func Chunks(n int, f func(i int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	var once sync.Once
	var panicked any
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range p {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() { panicked = r })
				}
			}()
			for i := range next {
				f(i)
			}
		})
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked) // in the caller, where a front end can recover it
	}
}

// Background is work running on its own goroutine (see Go).
type Background struct {
	done     chan struct{}
	panicked any
}

// Go runs f on its own goroutine. Wait joins it.
func Go(f func()) *Background {
	b := &Background{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		defer func() { b.panicked = recover() }()
		f()
	}()
	return b
}

// Wait returns once f has returned; if f panicked, Wait panics with the
// same value, in the caller's goroutine (where a front end recovers it),
// rather than the whole program stopping.
func (b *Background) Wait() {
	<-b.done
	if b.panicked != nil {
		panic(b.panicked)
	}
}
