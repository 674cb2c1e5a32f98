package attention

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// opInfo describes the node of a training step's tape that the op walk
// has reached, for the narrative and the "current op" table.
type opInfo struct {
	K, N  int    // 1-based index of the node in its pass, and the pass's length
	Label string // "attn.weights = softmax(v27)"
	Name  string // "attn.weights"
	Op    string // "softmax"
	Shape string // "64×6×6"
	Value string // a short summary of the value
	Grad  string // of the upstream gradient (backward only)
	// Table holds the rows of the "current op" panel: the op, its output
	// and inputs, and the sizes (root mean square) of its value and, going
	// backward, of the gradients it receives and sends.
	Table [][]string
	// Role names what the node does in the model; it picks the narrative
	// block "fwd-<role>" or "bwd-<role>" when the narrative has one.
	Role string
	// Layer is the Dense layer or LayerNorm the node belongs to, in words.
	Layer string
	// At the attention weights: output 3 of the batch's first sequence in
	// head 1, its weights over the inputs (Row), the weight on its mirror
	// input 4 (Mirror) and, going backward, the gradient of the loss with
	// respect to that score (MirrorGrad).
	Row                string
	Mirror, MirrorGrad float64
	// At a reshape or permute (shapes.go): a short title of what the new
	// layout is for, the sentence saying so, and one number followed from
	// its old place to its new one (going backward, a gradient).
	Title, Story, Trace string
}

// layerNames are the parameters' prefixes in words.
var layerNames = map[string]string{
	"attn.q": "the query projection", "attn.k": "the key projection",
	"attn.v": "the value projection", "attn.o": "the output projection",
	"ffn1": "the first feed-forward layer", "ffn2": "the second feed-forward layer",
	"out": "the classifier", "ln1": "the LayerNorm before attention",
	"ln2": "the LayerNorm before the feed-forward layer", "ln3": "the final LayerNorm",
}

// role classifies node n of the tape: its op, and for the attention
// products which of the two it is.
func role(n *autograd.Node) (role, layer string) {
	for _, in := range n.Inputs {
		if in.IsParam() {
			prefix := in.Name[:strings.LastIndexByte(in.Name, '.')]
			layer = layerNames[prefix]
		}
	}
	switch n.Op {
	case "embedding", "layernorm", "relu", "softmax_ce", "scale", "permute":
		return n.Op, layer
	case "softmax":
		return "weights", layer
	case "reshape":
		return "reshape", layer
	case "matmul":
		return "dense", layer
	case "bmm":
		for _, in := range n.Inputs {
			if in.Name == "attn.weights" {
				return "context", layer
			}
		}
		return "scores", layer
	case "add":
		switch {
		case layer != "":
			return "bias", layer
		case n.Out.Name == "x":
			return "positions", layer
		case n.Out.Name == "x+attn" || n.Out.Name == "x+ffn":
			return "residual", layer
		case len(n.Inputs) == 2 && n.Inputs[1].Name == "causal_mask":
			return "mask", layer
		}
	}
	return "", layer
}

// currentOp describes the node the cursor is at, or reports false
// outside the forward and backward passes.
func currentOp(c *trainer.Cursor) (opInfo, bool) {
	if c.Tape == nil || (c.Phase != trainer.Forward && c.Phase != trainer.Backward) {
		return opInfo{}, false
	}
	nodes := c.Tape.Nodes()
	var n *autograd.Node
	info := opInfo{N: len(nodes)}
	var st autograd.Step
	if c.Phase == trainer.Forward {
		info.K = c.Fwd
		n = nodes[c.Fwd-1]
	} else {
		st = c.Steps[len(c.Steps)-1]
		info.K = len(c.Steps)
		n = st.Node
		info.Grad = summary(st.Upstream)
	}
	info.Label, info.Op, info.Name = n.Label(), n.Op, nameOf(n.Out)
	dims := make([]string, len(n.Out.Value.Shape))
	for i, d := range n.Out.Value.Shape {
		dims[i] = fmt.Sprint(d)
	}
	info.Shape = strings.Join(dims, "×")
	if info.Shape == "" {
		info.Shape = "scalar"
	}
	info.Value = summary(n.Out.Value)
	ins := make([]string, len(n.Inputs))
	for i, in := range n.Inputs {
		ins[i] = nameOf(in)
	}
	info.Table = [][]string{
		{"op", n.Op}, {"output", info.Name}, {"inputs", strings.Join(ins, ", ")},
		{"shape", info.Shape}, {"rms of value", trainer.Num(rms(n.Out.Value))},
	}
	if st.Node != nil {
		info.Table = append(info.Table, []string{"rms ∂L/∂" + info.Name, trainer.Num(rms(st.Upstream))})
		for j, in := range n.Inputs {
			if st.Grads[j] != nil {
				info.Table = append(info.Table, []string{"rms ∂L/∂" + nameOf(in), trainer.Num(rms(st.Grads[j]))})
			}
		}
	}
	info.Role, info.Layer = role(n)
	if info.Role == "reshape" || info.Role == "permute" {
		shapeStory(&info, n, nodes, st)
	}
	if info.Role == "weights" {
		// [batch·heads T T]: sequence 0, head 1 is the first block.
		w := n.Out.Value
		t := w.Shape[len(w.Shape)-1]
		const q = 2 // output 3
		row := w.Data[q*t : (q+1)*t]
		cells := make([]string, t)
		for j, x := range row {
			cells[j] = fmt.Sprintf("%d: %s", j+1, trainer.Num(x))
		}
		info.Row, info.Mirror = strings.Join(cells, ", "), row[t-1-q]
		if st.Node != nil && st.Grads[0] != nil {
			info.MirrorGrad = st.Grads[0].Data[q*t+t-1-q]
		}
	}
	return info, true
}

// summary describes a tensor by its shape and size: a scalar as a number,
// anything larger by its root mean square, which (unlike the mean of a
// gradient that sums to zero) says how big its entries are.
func summary(t *tensor.Tensor) string {
	if len(t.Data) == 1 {
		return trainer.Num(t.Data[0])
	}
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = fmt.Sprint(d)
	}
	return fmt.Sprintf("%s, rms %s", strings.Join(dims, "×"), trainer.Num(rms(t)))
}

// rms is the root mean square of t's entries.
func rms(t *tensor.Tensor) float64 {
	s := 0.0
	for _, v := range t.Data {
		s += v * v
	}
	return math.Sqrt(s / float64(len(t.Data)))
}

// nameOf is v's name, or the engine's "v<index>" for an unnamed result.
func nameOf(v *autograd.Var) string {
	if v.Name == "" && v.Node() != nil {
		return fmt.Sprintf("v%d", v.Node().Index)
	}
	return v.Name
}
