package trainer

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
)

// Graph converts the cursor's tape into a scene graph: one node per leaf
// (inputs and parameters, in order of first use) and per recorded op, each
// with its value, the gradient revealed so far, and the state of the pass.
// During the backward pass the current node's Detail spells out the chain
// rule: the upstream gradient, the local derivative and what is sent on.
func (c *Cursor) Graph() *scene.Graph {
	g := &scene.Graph{Current: -1}
	if c.Tape == nil {
		return g
	}
	index := map[*autograd.Var]int{}
	add := func(n scene.GraphNode, v *autograd.Var) int {
		g.Nodes = append(g.Nodes, n)
		index[v] = len(g.Nodes) - 1
		return len(g.Nodes) - 1
	}
	nodes := c.Tape.Nodes()
	// Gradients revealed so far, by Var.
	grads := map[*autograd.Var]*tensor.Tensor{}
	for _, st := range c.Steps {
		if _, ok := grads[st.Node.Out]; !ok {
			grads[st.Node.Out] = st.Upstream
		}
		for j, in := range st.Node.Inputs {
			if st.Grads[j] != nil && in.Node() == nil {
				if prev, ok := grads[in]; ok {
					sum := prev.Clone()
					for i, x := range st.Grads[j].Data {
						sum.Data[i] += x
					}
					grads[in] = sum
				} else {
					grads[in] = st.Grads[j]
				}
			}
		}
	}
	if c.Phase == Backward || c.Phase == Updated {
		g.Pass = "backward"
	} else {
		g.Pass = "forward"
	}
	for i, n := range nodes {
		var inputs []int
		for _, in := range n.Inputs {
			k, ok := index[in]
			if !ok {
				state := scene.NodeDone
				k = add(scene.GraphNode{Label: nameOf(in), Shape: in.Value.Shape, Value: Summary(in.Value), ValueNum: Numbers(in.Value), State: state}, in)
			}
			inputs = append(inputs, k)
		}
		state := scene.NodePending
		if c.Phase != Forward || i < c.Fwd {
			state = scene.NodeDone
		}
		gn := scene.GraphNode{Label: nameOf(n.Out), Op: n.Op, Inputs: inputs, Shape: n.Out.Value.Shape, State: state}
		if state == scene.NodeDone {
			gn.Value = Summary(n.Out.Value)
			gn.ValueNum = Numbers(n.Out.Value)
		}
		k := add(gn, n.Out)
		if c.Phase == Forward && i == c.Fwd-1 {
			g.Nodes[k].State = scene.NodeCurrent
			g.Current = k
		}
	}
	for v, k := range index {
		if gr, ok := grads[v]; ok {
			g.Nodes[k].Grad = Summary(gr)
			g.Nodes[k].GradNum = Numbers(gr)
		}
	}
	if c.Phase == Backward && len(c.Steps) > 0 {
		st := c.Steps[len(c.Steps)-1]
		k := index[st.Node.Out]
		g.Nodes[k].State = scene.NodeCurrent
		g.Nodes[k].Detail = ChainRule(st)
		g.Current = k
	}
	return g
}

// ChainRule spells out one backward step: for each input that takes a
// gradient, "∂L/∂in = upstream × local = sent", with the local derivative
// when the op is element-wise and the rule's name otherwise.
func ChainRule(st autograd.Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "upstream ∂L/∂%s = %s", nameOf(st.Node.Out), Summary(st.Upstream))
	for j, in := range st.Node.Inputs {
		if st.Grads[j] == nil {
			continue
		}
		if loc := st.Node.Local(j); loc != nil {
			fmt.Fprintf(&b, "; ∂L/∂%s = upstream × local %s = %s", nameOf(in), Summary(loc), Summary(st.Grads[j]))
		} else {
			fmt.Fprintf(&b, "; ∂L/∂%s = %s", nameOf(in), Summary(st.Grads[j]))
		}
	}
	return b.String()
}

func nameOf(v *autograd.Var) string {
	if v.Name != "" {
		return v.Name
	}
	if n := v.Node(); n != nil {
		return fmt.Sprintf("v%d", n.Index)
	}
	return "const"
}

// Summary formats a tensor briefly: a scalar as a number, up to four
// values in brackets, larger tensors by shape and mean.
func Summary(t *tensor.Tensor) string {
	if t == nil {
		return ""
	}
	switch n := len(t.Data); {
	case n == 1:
		return Num(t.Data[0])
	case n <= 4:
		parts := make([]string, n)
		for i, v := range t.Data {
			parts[i] = Num(v)
		}
		return "[" + strings.Join(parts, " ") + "]"
	default:
		s := 0.0
		for _, v := range t.Data {
			s += v
		}
		dims := make([]string, len(t.Shape))
		for i, d := range t.Shape {
			dims[i] = fmt.Sprint(d)
		}
		return fmt.Sprintf("%s, mean %s", strings.Join(dims, "×"), Num(s/float64(n)))
	}
}

// Numbers gives a tensor as a scene.Summary (shape, mean, extremes and,
// up to 16 entries, every value), or nil when it is nil, empty or holds a
// NaN or an infinity (the string Summary spells those out).
func Numbers(t *tensor.Tensor) *scene.Summary {
	if t == nil || len(t.Data) == 0 {
		return nil
	}
	s := &scene.Summary{Shape: append([]int(nil), t.Shape...), Min: math.Inf(1), Max: math.Inf(-1)}
	sum := 0.0
	for _, v := range t.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		sum += v
		s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
	}
	s.Mean = sum / float64(len(t.Data))
	if len(t.Data) <= 16 {
		s.Values = append([]float64(nil), t.Data...)
	}
	return s
}

// Num formats a number for narratives and tables: four significant digits,
// without exponent noise for ordinary magnitudes.
func Num(v float64) string {
	return fmt.Sprintf("%.4g", v)
}
