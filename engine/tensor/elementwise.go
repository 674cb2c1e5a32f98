package tensor

import "slices"

// arith names the element-wise binary kernels; each has a closure-free
// inner loop for contiguous and scalar-broadcast operands.
type arith int

const (
	opAdd arith = iota
	opSub
	opMul
	opDiv
	opRight // y: broadcasts the second operand (BroadcastTo)
)

var arithNames = [...]string{"Add", "Sub", "Mul", "Div", "BroadcastTo"}

// Add returns a + b with NumPy broadcasting as a new tensor. It panics,
// naming both shapes, if they do not broadcast.
func Add(a, b *Tensor) *Tensor { return arithmetic(nil, opAdd, a, b) }

// Sub returns a − b with NumPy broadcasting as a new tensor. It panics,
// naming both shapes, if they do not broadcast.
func Sub(a, b *Tensor) *Tensor { return arithmetic(nil, opSub, a, b) }

// Mul returns the element-wise product a ⊙ b with NumPy broadcasting as a
// new tensor. It panics, naming both shapes, if they do not broadcast.
func Mul(a, b *Tensor) *Tensor { return arithmetic(nil, opMul, a, b) }

// Div returns the element-wise quotient a / b with NumPy broadcasting as a
// new tensor. It panics, naming both shapes, if they do not broadcast.
func Div(a, b *Tensor) *Tensor { return arithmetic(nil, opDiv, a, b) }

// BroadcastTo returns a copied into a new tensor of the given shape by
// NumPy broadcasting. It panics if a's shape does not broadcast to shape.
func BroadcastTo(a *Tensor, shape ...int) *Tensor { return broadcastTo(nil, a, shape) }

func broadcastTo(ar *Arena, a *Tensor, shape []int) *Tensor {
	if !slices.Equal(BroadcastShape("BroadcastTo", shape, a.Shape), shape) {
		panic("tensor: BroadcastTo: shape " + shapeString(a.Shape) + " does not broadcast to " + shapeString(shape))
	}
	return arithmetic(ar, opRight, ar.Uninit(shape...), a)
}

// arithmetic evaluates op over the broadcast of a and b. Axes are first
// coalesced (size-1 axes dropped, adjacent axes merged where both operands
// stay contiguous), so most broadcasts run as a few long inner loops. The
// result comes from ar (a new tensor when ar is nil).
func arithmetic(ar *Arena, op arith, a, b *Tensor) *Tensor {
	if slices.Equal(a.Shape, b.Shape) {
		out := ar.Uninit(a.Shape...)
		arithInner(op, out.Data, a.Data, 1, b.Data, 1)
		return out
	}
	var b0, b1, b2, b3, b4, b5 [shapeBuf]int
	shape := broadcastShapeTo(b0[:0], arithNames[op], a.Shape, b.Shape)
	out := ar.Uninit(shape...)
	if len(out.Data) == 0 {
		return out
	}
	dims, sa, sb := coalesce(shape, broadcastStridesTo(b1[:], a.Shape, shape), broadcastStridesTo(b2[:], b.Shape, shape), b3[:0], b4[:0], b5[:0])
	last := len(dims) - 1
	n := dims[last]
	forOuter(dims[:last], sa[:last], sb[:last], func(o, ia, ib int) {
		arithInner(op, out.Data[o*n:(o+1)*n], a.Data[ia:], sa[last], b.Data[ib:], sb[last])
	})
	return out
}

// forOuter calls f for every index of the outer axes dims (row-major),
// with the running output row o and the offsets into two operands whose
// strides on those axes are sa and sb.
func forOuter(dims, sa, sb []int, f func(o, ia, ib int)) {
	switch len(dims) {
	case 0:
		f(0, 0, 0)
		return
	case 1:
		for i := range dims[0] {
			f(i, i*sa[0], i*sb[0])
		}
		return
	}
	var ibuf [shapeBuf]int
	idx := resize(ibuf[:], len(dims))
	clear(idx)
	total := 1
	for _, d := range dims {
		total *= d
	}
	ia, ib := 0, 0
	for o := range total {
		f(o, ia, ib)
		for ax := len(dims) - 1; ax >= 0; ax-- {
			idx[ax]++
			ia += sa[ax]
			ib += sb[ax]
			if idx[ax] < dims[ax] {
				break
			}
			ia -= sa[ax] * dims[ax]
			ib -= sb[ax] * dims[ax]
			idx[ax] = 0
		}
	}
}

// coalesce drops size-1 axes of shape and merges adjacent axes along which
// both stride lists stay contiguous, appending the result to dims, xa and
// xb (empty slices, usually stack buffers). The result has at least one
// axis.
func coalesce(shape, sa, sb, dims, xa, xb []int) ([]int, []int, []int) {
	for i, d := range shape {
		if d == 1 {
			continue
		}
		if k := len(dims) - 1; k >= 0 && xa[k] == sa[i]*d && xb[k] == sb[i]*d {
			dims[k] *= d
			xa[k], xb[k] = sa[i], sb[i]
			continue
		}
		dims = append(dims, d)
		xa = append(xa, sa[i])
		xb = append(xb, sb[i])
	}
	if len(dims) == 0 {
		return append(dims, 1), append(xa, 0), append(xb, 0)
	}
	return dims, xa, xb
}

// arithInner computes dst[i] = x[i·sx] op y[i·sy] for sx, sy in {0, 1}.
func arithInner(op arith, dst, x []float64, sx int, y []float64, sy int) {
	n := len(dst)
	switch {
	case sx == 1 && sy == 1:
		x, y = x[:n], y[:n]
		if arithVector(op, dst, x, y) {
			return
		}
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = x[i] + y[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = x[i] - y[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = x[i] * y[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = x[i] / y[i]
			}
		case opRight:
			copy(dst, y)
		}
	case sx == 1:
		x = x[:n]
		s := y[0]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = x[i] + s
			}
		case opSub:
			for i := range dst {
				dst[i] = x[i] - s
			}
		case opMul:
			for i := range dst {
				dst[i] = x[i] * s
			}
		case opDiv:
			for i := range dst {
				dst[i] = x[i] / s
			}
		case opRight:
			for i := range dst {
				dst[i] = s
			}
		}
	case sy == 1:
		y = y[:n]
		s := x[0]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = s + y[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = s - y[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = s * y[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = s / y[i]
			}
		case opRight:
			copy(dst, y)
		}
	default:
		v := arithScalar(op, x[0], y[0])
		for i := range dst {
			dst[i] = v
		}
	}
}

func arithScalar(op arith, x, y float64) float64 {
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	}
	return y
}

// AddInto adds src into dst element by element (dst += src). It panics if
// the shapes differ.
func AddInto(dst, src *Tensor) {
	MustSameShape("AddInto", dst, src)
	d, s := dst.Data, src.Data[:len(dst.Data)]
	if arithVector(opAdd, d, d, s) {
		return
	}
	for i := range d {
		d[i] += s[i]
	}
}

// ScaledMul returns (c·x)·y element by element (two rounded products)
// as a tensor from a (a new one when a is nil). It panics, naming both
// shapes, if they differ.
func (a *Arena) ScaledMul(x, y *Tensor, c float64) *Tensor {
	MustSameShape("ScaledMul", x, y)
	out := a.Uninit(x.Shape...)
	d, xs, ys := out.Data, x.Data[:len(out.Data)], y.Data[:len(out.Data)]
	if scaleMulVector(d, xs, ys, c) {
		return out
	}
	for i, v := range xs {
		d[i] = c * v * ys[i]
	}
	return out
}

// Scaled returns c·a as a new tensor.
func Scaled(a *Tensor, c float64) *Tensor { return scaled(nil, a, c) }

func scaled(ar *Arena, a *Tensor, c float64) *Tensor {
	out := ar.Uninit(a.Shape...)
	for i, x := range a.Data {
		out.Data[i] = c * x
	}
	return out
}

func shapeString(s []int) string {
	b := []byte{'['}
	for i, d := range s {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendInt(b, d)
	}
	return string(append(b, ']'))
}

func appendInt(b []byte, v int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}
