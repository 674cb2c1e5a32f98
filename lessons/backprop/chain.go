package backprop

import (
	"fmt"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The narrative works every op out for one element: the point (1,1), the
// last row of x, and one hidden unit, machine.focus. Panels highlight the
// same element.
const focusPoint = 3

// pointNames label the four XOR points, in row order.
var pointNames = []string{"(0,0)", "(0,1)", "(1,0)", "(1,1)"}

// chain is the chain rule at one backward node, in numbers: for the focus
// element the upstream gradient ∂L/∂out, the local derivative ∂out/∂in and
// their product ∂L/∂in; for a node that feeds a parameter, that
// parameter's gradient (focus cell) and the sum over the four points that
// makes it; and the rows of the chain-rule table.
type chain struct {
	Up, Loc, Prod float64
	Grad          float64 // the parameter gradient this node completes (b2, W2[j], b1[j] or W1[1,j] for the focus unit j)
	Terms         string  // the sum over the points that gives Grad
	Grad2         float64 // W1[2,1], at the first layer's matmul
	Terms2        string
	// Path is, at the first layer's matmul, the product of every local
	// derivative on the path from L down to W1[1,j] through the focus
	// point and unit, and PathProd its value.
	Path     string
	PathProd float64
	Rows     [][]string
}

// chainColumns are the columns of the chain-rule table.
// The first column names the gradient being computed, ∂L/∂(that); a row
// whose point is "Σ" sums the rows above it into a parameter's gradient.
var chainColumns = []string{"∂L/∂", "point", "upstream", "× local", "= product"}

// sumPoint marks the row that sums the four points' products.
const sumPoint = "Σ"

// chainAt works out the chain rule at backward step st. Every number comes
// from the engine: the upstream gradient and the gradients sent are the
// step's own tensors, local derivatives are Node.Local where the op is
// element-wise, and for a matmul the local derivative of an output with
// respect to one weight is the input it multiplies (and vice versa).
func (m *machine) chainAt(st autograd.Step) chain {
	var c chain
	H := m.hidden
	up, sent := st.Upstream.Data, st.Grads
	// col returns the focus-unit column of a [4 H] tensor, or all of a [4 1] one.
	col := func(t *tensor.Tensor) []float64 {
		if len(t.Data) == N {
			return t.Data
		}
		out := make([]float64, N)
		for i := range out {
			out[i] = t.Data[i*H+m.focus]
		}
		return out
	}
	elementwise := func(to string, loc []float64) {
		u, g := col(st.Upstream), col(sent[0])
		for i := range N {
			c.Rows = append(c.Rows, row(to, i, u[i], loc[i], g[i]))
		}
		c.Up, c.Loc, c.Prod = u[focusPoint], loc[focusPoint], g[focusPoint]
	}
	unit := fmt.Sprintf("[·,%d]", m.focus+1)
	switch st.Node.Out.Name {
	case "L":
		loc := []float64{1.0 / N, 1.0 / N, 1.0 / N, 1.0 / N}
		for i := range N {
			c.Rows = append(c.Rows, row("e²", i, up[0], loc[i], sent[0].Data[i]))
		}
		c.Up, c.Loc, c.Prod = up[0], loc[focusPoint], sent[0].Data[focusPoint]
	case "e²":
		elementwise("e", col(st.Node.Local(0)))
	case "e":
		elementwise("p", col(st.Node.Local(0)))
	case "p":
		elementwise("z2", col(st.Node.Local(0)))
	case "h":
		elementwise("z1"+unit, col(st.Node.Local(0)))
	case "z2":
		elementwise("hW2", col(st.Node.Local(0)))
		c.Grad, c.Terms = sent[1].Data[0], sumOf(up)
		c.Rows = append(c.Rows, []string{"b2", sumPoint, "", "", num(c.Grad)})
	case "z1":
		elementwise("xW1"+unit, col(st.Node.Local(0)))
		u := col(st.Upstream)
		c.Grad, c.Terms = sent[1].Data[m.focus], sumOf(u)
		c.Rows = append(c.Rows, []string{fmt.Sprintf("b1[%d]", m.focus+1), sumPoint, "", "", num(c.Grad)})
	case "hW2":
		// ∂hW2ᵢ/∂W2ⱼ = hᵢⱼ and ∂hW2ᵢ/∂hᵢⱼ = W2ⱼ.
		h := col(m.cur.h.Value)
		w := m.l2.W.Value.Data[m.focus]
		name := fmt.Sprintf("W2[%d]", m.focus+1)
		for i := range N {
			c.Rows = append(c.Rows, row(name, i, up[i], h[i], up[i]*h[i]))
		}
		c.Grad, c.Terms = sent[1].Data[m.focus], dotOf(up, h)
		c.Rows = append(c.Rows, []string{name, sumPoint, "", "", num(c.Grad)})
		dh := col(sent[0])
		for i := range N {
			c.Rows = append(c.Rows, row("h"+unit, i, up[i], w, dh[i]))
		}
		c.Up, c.Loc, c.Prod = up[focusPoint], w, dh[focusPoint]
	case "xW1":
		// ∂xW1ᵢⱼ/∂W1ₖⱼ = xᵢₖ; x is data and takes no gradient.
		g := col(st.Upstream)
		for k := range 2 {
			x := []float64{m.x.Data[k], m.x.Data[2+k], m.x.Data[4+k], m.x.Data[6+k]}
			name := fmt.Sprintf("W1[%d,%d]", k+1, m.focus+1)
			for i := range N {
				c.Rows = append(c.Rows, row(name, i, g[i], x[i], g[i]*x[i]))
			}
			sum := sent[1].Data[k*H+m.focus]
			c.Rows = append(c.Rows, []string{name, sumPoint, "", "", num(sum)})
			if k == 0 {
				c.Grad, c.Terms = sum, dotOf(g, x)
			} else {
				c.Grad2, c.Terms2 = sum, dotOf(g, x)
			}
		}
		c.Up, c.Loc, c.Prod = g[focusPoint], m.x.Data[2*focusPoint], g[focusPoint]*m.x.Data[2*focusPoint]
		c.Path, c.PathProd = m.path()
	}
	return c
}

// path multiplies the local derivatives along the path from L to W1[1,j]
// through the focus point and unit j: mean, square, sub, sigmoid, add,
// matmul (to h), activation, add, matmul (to W1).
func (m *machine) path() (string, float64) {
	F, J, H := focusPoint, m.focus, m.hidden
	cur := m.cur
	p := cur.p.Value.Data[F]
	locals := []float64{
		1.0 / N,
		2 * cur.e.Value.Data[F],
		1,
		p * (1 - p),
		1,
		m.l2.W.Value.Data[J],
		cur.h.Node().Local(0).Data[F*H+J],
		1,
		m.x.Data[2*F],
	}
	prod := 1.0
	parts := make([]string, len(locals))
	for i, l := range locals {
		prod *= l
		parts[i] = signed(l)
	}
	return strings.Join(parts, " × "), prod
}

// row is one line of the chain-rule table.
func row(grad string, point int, up, loc, prod float64) []string {
	return []string{grad, pointNames[point], num(up), num(loc), num(prod)}
}

// num formats v like trainer.Num, but shows IEEE negative zero (0 times
// a negative number, a ReLU's output for a negative input) as 0.
func num(v float64) string {
	if v == 0 {
		v = 0
	}
	return trainer.Num(v)
}

// cleaned returns a copy of v with negative zeros made positive.
func cleaned(v []float64) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		if x != 0 {
			out[i] = x
		}
	}
	return out
}

// sumOf writes "a + b + (−c) + d".
func sumOf(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = signed(x)
	}
	return strings.Join(parts, " + ")
}

// dotOf writes "a₁×b₁ + a₂×b₂ + …", the terms of a dot product.
func dotOf(a, b []float64) string {
	parts := make([]string, len(a))
	for i := range a {
		parts[i] = signed(a[i]) + "×" + signed(b[i])
	}
	return strings.Join(parts, " + ")
}

// signed formats v like trainer.Num, in parentheses when negative.
func signed(v float64) string {
	if v < 0 {
		return "(" + trainer.Num(v) + ")"
	}
	return num(v)
}
