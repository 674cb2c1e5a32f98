package trainer

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// A pool hands back the tapes put into it, reset, up to Keep of them.
func TestTapePoolKeepsUpToKeep(t *testing.T) {
	p := TapePool{Keep: 2}
	a, b, c := p.Get(), p.Get(), p.Get()
	if a == b || b == c || a == c || !a.Recycling() {
		t.Fatal("Get gave the same tape twice, or a tape that does not recycle")
	}
	x := autograd.NewParam("x", tensor.FromValues([]float64{1, -2}, 2))
	a.ReLU(x)
	for _, tp := range []*autograd.Tape{a, b, c} {
		p.Put(tp)
	}
	if a.Len() != 0 {
		t.Fatal("Put did not reset the tape")
	}
	got := map[*autograd.Tape]bool{p.Get(): true, p.Get(): true}
	if !got[a] || !got[b] {
		t.Fatal("the pool did not keep the first two tapes put")
	}
	if d := p.Get(); d == a || d == b || d == c {
		t.Fatal("the pool kept more than Keep tapes")
	}
}

// Chunks calls f once for every index, at most GOMAXPROCS at once.
func TestChunksCallsEachOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 64} {
		calls := make([]int32, n)
		var running, most atomic.Int32
		Chunks(n, func(i int) {
			r := running.Add(1)
			for {
				m := most.Load()
				if r <= m || most.CompareAndSwap(m, r) {
					break
				}
			}
			atomic.AddInt32(&calls[i], 1)
			running.Add(-1)
		})
		for i, c := range calls {
			if c != 1 {
				t.Fatalf("n = %d: f(%d) called %d times", n, i, c)
			}
		}
		if int(most.Load()) > runtime.GOMAXPROCS(0) {
			t.Fatalf("n = %d: %d calls at once on %d procs", n, most.Load(), runtime.GOMAXPROCS(0))
		}
	}
}

// A panic in a chunk or in background work is raised again in the
// caller's goroutine (where a front end recovers it), not in its own,
// which would stop the program.
func TestPanicsReachTheCaller(t *testing.T) {
	caught := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	if r := caught(func() {
		Chunks(5, func(i int) {
			if i == 3 {
				panic("chunk 3")
			}
		})
	}); r != "chunk 3" {
		t.Fatalf("Chunks: recovered %v", r)
	}
	done := false
	b := Go(func() { done = true })
	b.Wait()
	if !done {
		t.Fatal("Wait returned before the work ended")
	}
	b = Go(func() { panic("background") })
	if r := caught(b.Wait); r != "background" {
		t.Fatalf("Wait: recovered %v", r)
	}
}
