package tensor

import (
	"slices"
	"sync"
)

// Arena hands out the tensors of one training step and takes them all back
// at once: after Recycle, the next step's tensors of the same sizes reuse
// the same memory, so a step of a fixed-shape model allocates (almost)
// nothing once the first has run. Tensors are kept by length, so a buffer
// freed as [32 64] may come back as [64 32] or [2048].
//
// The contract is the owner's: every tensor (and []float64 or []int32
// buffer) an arena handed out is valid until the arena's next Recycle, and
// must not be read or written after it. Whatever must outlive the step has
// to be copied (Clone allocates outside any arena).
//
// A nil *Arena is valid and allocates as New does; its Recycle does
// nothing. So code that takes an optional arena keeps today's semantics
// when given nil. An Arena is not safe for concurrent use.
type Arena struct {
	free map[int][]*Tensor // tensors handed back, by length
	used []*Tensor         // handed out since the last Recycle
	// prev holds the tensors of the step before, in the order they were
	// asked for: a step of a fixed-shape model asks for the same lengths
	// in the same order, so prev[pos] is the one to hand out next, without
	// a map lookup. At the first request of another length the rest of
	// prev goes to free.
	prev    []*Tensor
	pos     int
	free64  map[int][][]float64
	used64  [][]float64
	free32  map[int][][]int32
	used32  [][]int32
	misses  int // requests that had to allocate
	handout int // requests served in all

	// Kernels' per-goroutine working memory, taken and given back within
	// one call (see take and give): safe for concurrent use.
	mu     sync.Mutex
	shared map[int][][]float64
}

// NewArena returns an empty arena.
func NewArena() *Arena {
	return &Arena{free: map[int][]*Tensor{}, free64: map[int][][]float64{}, free32: map[int][][]int32{}}
}

// New returns a zero tensor of the given shape, valid until Recycle (New
// itself when a is nil).
func (a *Arena) New(shape ...int) *Tensor {
	t := a.Uninit(shape...)
	if a != nil {
		clear(t.Data)
	}
	return t
}

// Uninit is New without the zeroing: the caller must write every element
// before reading it. A nil arena returns a zero tensor.
func (a *Arena) Uninit(shape ...int) *Tensor {
	if a == nil {
		return New(shape...)
	}
	n := Size(shape)
	a.handout++
	var t *Tensor
	if a.pos < len(a.prev) && len(a.prev[a.pos].Data) == n {
		t = a.prev[a.pos]
		a.prev[a.pos] = nil
		a.pos++
		if !slices.Equal(t.Shape, shape) {
			t.Shape = append(make([]int, 0, len(shape)), shape...)
		}
	} else if a.spill(); len(a.free[n]) > 0 {
		l := a.free[n]
		t = l[len(l)-1]
		l[len(l)-1] = nil
		a.free[n] = l[:len(l)-1]
		// A Shape slice is never written in place: holders keep shapes
		// (a scene's graph keeps a node's) without copying them. The
		// old one is kept only when it is the shape asked for.
		if !slices.Equal(t.Shape, shape) {
			t.Shape = append(make([]int, 0, len(shape)), shape...)
		}
	} else {
		a.misses++
		// Shape is never nil, even for a scalar (as Scalar's): encoders
		// tell [] from nil.
		t = &Tensor{Shape: append(make([]int, 0, len(shape)), shape...), Data: make([]float64, n)}
	}
	a.used = append(a.used, t)
	return t
}

// spill moves the tensors of prev not handed out yet to the free lists.
func (a *Arena) spill() {
	for i, t := range a.prev[a.pos:] {
		a.free[len(t.Data)] = append(a.free[len(t.Data)], t)
		a.prev[a.pos+i] = nil
	}
	a.prev, a.pos = a.prev[:0], 0
}

// Full returns a tensor of the given shape filled with v, valid until
// Recycle.
func (a *Arena) Full(v float64, shape ...int) *Tensor {
	t := a.Uninit(shape...)
	for i := range t.Data {
		t.Data[i] = v
	}
	return t
}

// Clone returns a copy of t valid until Recycle (a plain Clone when a is
// nil).
func (a *Arena) Clone(t *Tensor) *Tensor {
	c := a.Uninit(t.Shape...)
	copy(c.Data, t.Data)
	return c
}

// Floats returns a zeroed slice of n float64 valid until Recycle.
func (a *Arena) Floats(n int) []float64 {
	if a == nil {
		return make([]float64, n)
	}
	s := a.Scratch(n)
	clear(s)
	return s
}

// Scratch returns a slice of n float64 with undefined contents, valid
// until Recycle: the caller must write every element before reading it.
// A nil arena returns the package's Scratch(n), which the caller may give
// back with ReleaseScratch.
func (a *Arena) Scratch(n int) []float64 {
	if a == nil {
		return Scratch(n)
	}
	a.handout++
	var s []float64
	if l := a.free64[n]; len(l) > 0 {
		s = l[len(l)-1]
		l[len(l)-1] = nil
		a.free64[n] = l[:len(l)-1]
	} else {
		a.misses++
		s = make([]float64, n)
	}
	a.used64 = append(a.used64, s)
	return s
}

// take returns a slice of n float64 with undefined contents for a
// kernel's goroutine, to be given back with give before the kernel
// returns. Unlike the arena's other methods it is safe for concurrent use.
// A nil arena uses the package's scratch pool.
func (a *Arena) take(n int) []float64 {
	if a == nil {
		return Scratch(n)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if l := a.shared[n]; len(l) > 0 {
		s := l[len(l)-1]
		a.shared[n] = l[:len(l)-1]
		return s
	}
	return make([]float64, n)
}

// give returns a slice obtained from take.
func (a *Arena) give(s []float64) {
	if a == nil {
		ReleaseScratch(s)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.shared == nil {
		a.shared = map[int][][]float64{}
	}
	a.shared[len(s)] = append(a.shared[len(s)], s)
}

// Int32s returns a slice of n int32 with undefined contents, valid until
// Recycle (zeroed when a is nil).
func (a *Arena) Int32s(n int) []int32 {
	if a == nil {
		return make([]int32, n)
	}
	a.handout++
	var s []int32
	if l := a.free32[n]; len(l) > 0 {
		s = l[len(l)-1]
		l[len(l)-1] = nil
		a.free32[n] = l[:len(l)-1]
	} else {
		a.misses++
		s = make([]int32, n)
	}
	a.used32 = append(a.used32, s)
	return s
}

// Recycle takes back every tensor and buffer handed out since the last
// Recycle: they must not be used any more. It does nothing on a nil arena.
func (a *Arena) Recycle() {
	if a == nil {
		return
	}
	a.spill()
	a.prev, a.used = a.used, a.prev[:0]
	for i, s := range a.used64 {
		a.free64[len(s)] = append(a.free64[len(s)], s)
		a.used64[i] = nil
	}
	a.used64 = a.used64[:0]
	for i, s := range a.used32 {
		a.free32[len(s)] = append(a.free32[len(s)], s)
		a.used32[i] = nil
	}
	a.used32 = a.used32[:0]
}

// Owns reports whether t was handed out by a since its last Recycle (false
// for a nil arena). It is for tests and assertions: it scans the step's
// tensors.
func (a *Arena) Owns(t *Tensor) bool {
	if a == nil || t == nil {
		return false
	}
	return slices.Contains(a.used, t)
}

// Stats returns how many requests a has served since it was made and how
// many of them had to allocate: once a fixed-shape step has run, a step
// adds to served but not to allocated.
func (a *Arena) Stats() (served, allocated int) {
	if a == nil {
		return 0, 0
	}
	return a.handout, a.misses
}

// Add is the arena's form of the package function Add.
func (a *Arena) Add(x, y *Tensor) *Tensor { return arithmetic(a, opAdd, x, y) }

// Sub is the arena's form of Sub.
func (a *Arena) Sub(x, y *Tensor) *Tensor { return arithmetic(a, opSub, x, y) }

// Mul is the arena's form of Mul.
func (a *Arena) Mul(x, y *Tensor) *Tensor { return arithmetic(a, opMul, x, y) }

// Div is the arena's form of Div.
func (a *Arena) Div(x, y *Tensor) *Tensor { return arithmetic(a, opDiv, x, y) }

// BroadcastTo is the arena's form of BroadcastTo.
func (a *Arena) BroadcastTo(x *Tensor, shape ...int) *Tensor { return broadcastTo(a, x, shape) }

// Scaled is the arena's form of Scaled.
func (a *Arena) Scaled(x *Tensor, c float64) *Tensor { return scaled(a, x, c) }

// SumTo is the arena's form of SumTo.
func (a *Arena) SumTo(g *Tensor, shape []int) *Tensor { return sumTo(a, g, shape) }

// Map is the arena's form of Map.
func (a *Arena) Map(x *Tensor, f func(float64) float64) *Tensor {
	out := a.Uninit(x.Shape...)
	for i, v := range x.Data {
		out.Data[i] = f(v)
	}
	return out
}

// MatMul is the arena's form of MatMul.
func (a *Arena) MatMul(x, y *Tensor) *Tensor {
	m, n := checkMatMul("MatMul", x, y, false, false)
	out := a.Uninit(m, n)
	MatMulInto(out, x, y, false, false, 0)
	return out
}

// Transpose is the arena's form of Transpose.
func (a *Arena) Transpose(x *Tensor) *Tensor {
	if a == nil {
		return Transpose(x)
	}
	return permute(a, x, []int{1, 0}, "Transpose")
}

// Permute is the arena's form of Permute.
func (a *Arena) Permute(x *Tensor, axes ...int) *Tensor { return permute(a, x, axes, "Permute") }

// SumAxis is the arena's form of SumAxis.
func (a *Arena) SumAxis(x *Tensor, axis int, keepdims bool) *Tensor {
	return sumAxis(a, x, axis, keepdims)
}

// ExpandAxis is the arena's form of ExpandAxis.
func (a *Arena) ExpandAxis(g *Tensor, shape []int, axis int) *Tensor {
	return expandAxis(a, g, shape, axis)
}

// MaxPool2D is the arena's form of MaxPool2D.
func (a *Arena) MaxPool2D(g ConvGeom, x *Tensor) (*Tensor, []int32) { return maxPool2D(a, g, x) }

// MaxPool2DGrad is the arena's form of MaxPool2DGrad.
func (a *Arena) MaxPool2DGrad(g ConvGeom, gout *Tensor, arg []int32) *Tensor {
	return maxPool2DGrad(a, g, gout, arg)
}

// MaxPool2DBackward is the arena's form of MaxPool2DBackward.
func (a *Arena) MaxPool2DBackward(gout *Tensor, arg []int32, shape []int) *Tensor {
	return maxPool2DBackward(a, gout, arg, shape)
}

// Conv2DBackward is the arena's form of Conv2DBackward.
func (a *Arena) Conv2DBackward(g ConvGeom, gout, col, w *Tensor, needX, needW, needB bool) (dx, dw, db *Tensor) {
	return conv2DBackward(a, g, gout, col, w, needX, needW, needB)
}
