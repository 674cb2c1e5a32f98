package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Tensor is a float64 n-dimensional array in row-major order.
// len(Data) == Size(Shape) always holds for tensors made by this package.
type Tensor struct {
	Shape []int
	Data  []float64
}

// Size returns the number of elements of a tensor with the given shape
// (1 for the empty shape of a scalar). It panics if a dimension is negative.
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", cloneShape(shape))) // a copy: shape stays on the caller's stack
		}
		n *= d
	}
	return n
}

// New returns a zero tensor of the given shape.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: cloneShape(shape), Data: make([]float64, Size(shape))}
}

// cloneShape is slices.Clone(shape) (nil stays nil) through a fresh
// slice, so that the compiler sees shape does not escape: the callers'
// variadic shapes then stay on their stacks.
func cloneShape(shape []int) []int {
	if shape == nil {
		return nil
	}
	return append(make([]int, 0, len(shape)), shape...)
}

// Zeros is New: a tensor of the given shape filled with 0.
func Zeros(shape ...int) *Tensor { return New(shape...) }

// Ones returns a tensor of the given shape filled with 1.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a tensor of the given shape filled with v.
func Full(v float64, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = v
	}
	return t
}

// Scalar returns a tensor of shape [] holding v.
func Scalar(v float64) *Tensor { return &Tensor{Shape: []int{}, Data: []float64{v}} }

// FromValues returns a tensor of the given shape that holds a copy of data.
// It panics if len(data) does not equal Size(shape).
func FromValues(data []float64, shape ...int) *Tensor {
	if len(data) != Size(shape) {
		panic(fmt.Sprintf("tensor: FromValues: %d values do not fill shape %v (%d elements)", len(data), shape, Size(shape)))
	}
	return &Tensor{Shape: slices.Clone(shape), Data: slices.Clone(data)}
}

// FromRows returns a 2-D tensor built from equal-length rows.
// It panics if the rows have different lengths.
func FromRows(rows [][]float64) *Tensor {
	if len(rows) == 0 {
		return New(0, 0)
	}
	c := len(rows[0])
	t := New(len(rows), c)
	for i, r := range rows {
		if len(r) != c {
			panic(fmt.Sprintf("tensor: FromRows: row %d has %d values, row 0 has %d", i, len(r), c))
		}
		copy(t.Data[i*c:], r)
	}
	return t
}

// NewRNG returns a deterministic random source for the given seed.
func NewRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// RandN returns a tensor of the given shape with values drawn from
// N(0, 1) using rng.
func RandN(rng *rand.Rand, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = rng.NormFloat64()
	}
	return t
}

// RandU returns a tensor of the given shape with values drawn uniformly
// from [lo, hi) using rng.
func RandU(rng *rand.Rand, lo, hi float64, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = lo + (hi-lo)*rng.Float64()
	}
	return t
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Dims returns the number of axes.
func (t *Tensor) Dims() int { return len(t.Shape) }

// Item returns the single value of a one-element tensor.
// It panics if t has more than one element.
func (t *Tensor) Item() float64 {
	if len(t.Data) != 1 {
		panic(fmt.Sprintf("tensor: Item: shape %v has %d elements, want 1", t.Shape, len(t.Data)))
	}
	return t.Data[0]
}

// At returns the element at the given index (one index per axis).
// It panics if the number of indices or any index is out of range.
func (t *Tensor) At(idx ...int) float64 { return t.Data[t.offset("At", idx)] }

// Set stores v at the given index (one index per axis).
// It panics if the number of indices or any index is out of range.
func (t *Tensor) Set(v float64, idx ...int) { t.Data[t.offset("Set", idx)] = v }

func (t *Tensor) offset(op string, idx []int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("tensor: %s: %d indices for shape %v", op, len(idx), t.Shape))
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.Shape[i] {
			panic(fmt.Sprintf("tensor: %s: index %v out of range for shape %v", op, idx, t.Shape))
		}
		off = off*t.Shape[i] + x
	}
	return off
}

// Reshape returns a tensor sharing t's data with a new shape. One dimension
// may be -1 and is then inferred. It panics if the sizes do not match.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	infer := -1
	known := 1
	for i, d := range shape {
		if d == -1 {
			if infer >= 0 {
				panic(fmt.Sprintf("tensor: Reshape: shapes %v and %v: more than one -1", t.Shape, shape))
			}
			infer = i
			continue
		}
		known *= d
	}
	if infer >= 0 && known > 0 {
		shape[infer] = len(t.Data) / known
	}
	if Size(shape) != len(t.Data) {
		panic(fmt.Sprintf("tensor: Reshape: shapes %v and %v have different sizes", t.Shape, shape))
	}
	return &Tensor{Shape: shape, Data: t.Data}
}

// Zero sets every element to 0.
func (t *Tensor) Zero() {
	clear(t.Data)
}

// CopyFrom copies src's values into t. It panics if the shapes differ.
func (t *Tensor) CopyFrom(src *Tensor) {
	MustSameShape("CopyFrom", t, src)
	copy(t.Data, src.Data)
}

// HasNaNOrInf reports whether any element is NaN or ±Inf.
func (t *Tensor) HasNaNOrInf() bool {
	for _, v := range t.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

// String formats small tensors fully and large ones by shape.
func (t *Tensor) String() string {
	if len(t.Data) > 64 {
		return fmt.Sprintf("tensor%v", t.Shape)
	}
	parts := make([]string, len(t.Data))
	for i, v := range t.Data {
		parts[i] = fmt.Sprintf("%.4g", v)
	}
	return fmt.Sprintf("tensor%v[%s]", t.Shape, strings.Join(parts, " "))
}

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b *Tensor) bool { return slices.Equal(a.Shape, b.Shape) }

// MustSameShape panics, naming op and both shapes, unless a and b have the
// same shape.
func MustSameShape(op string, a, b *Tensor) {
	if !slices.Equal(a.Shape, b.Shape) {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v do not match", op, a.Shape, b.Shape))
	}
}
