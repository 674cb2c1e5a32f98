package attention

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// The block moves its numbers between layouts many times per step: rows
// for a Dense layer, sequences for attention, heads beside the batch. A
// reshape or permute computes nothing, so the walk says, for each one,
// what the new layout is for (read from the shapes and the ops around
// it) and follows one number from its old place to its new one.

// shapeStory fills op.Title, op.Story and op.Trace for a reshape or
// permute node n of nodes; going backward, st is the node's step and the
// trace follows a gradient instead of a value.
func shapeStory(op *opInfo, n *autograd.Node, nodes []*autograd.Node, st autograd.Step) {
	in, out := n.Inputs[0].Value.Shape, n.Out.Value.Shape
	var perm []int
	if n.Op == "permute" {
		perm = axesOf(n.Attrs)
		if len(perm) != len(in) {
			return
		}
	}
	op.Title, op.Story = layoutStory(n, nodes, in, out, perm)
	// One number's journey: the 5th feature of the 3rd position of the
	// first sequence, or the element nearest to it the input has.
	pick := map[int][]int{2: {2, 4}, 3: {0, 2, 4}, 4: {0, 2, 1, 4}}[len(in)]
	if pick == nil {
		return
	}
	src := make([]int, len(in))
	for i, d := range in {
		src[i] = min(pick[i], d-1)
	}
	if perm != nil && len(src) == 4 && src[1] == src[2] {
		// A number whose swapped coordinates differ shows the swap.
		src[2] = 0
	}
	dst := moved(src, in, out, perm)
	from, to := n.Inputs[0].Value, n.Out.Value
	what := "value"
	if st.Node != nil {
		if st.Grads[0] == nil {
			return
		}
		// Backward the gradient goes the other way: from the output's
		// place to the input's.
		from, to, what = st.Upstream, st.Grads[0], "gradient"
		op.Trace = fmt.Sprintf("Follow one %s back (indices count from 0): ∂L/∂%s%s = %s arrives and leaves as ∂L/∂%s%s = %s — the same number at the old coordinates.",
			what, op.Name, index(dst), trainer.Num(from.Data[offset(dst, out)]), nameOf(n.Inputs[0]), index(src), trainer.Num(to.Data[offset(src, in)]))
		return
	}
	op.Trace = fmt.Sprintf("Follow one %s (indices count from 0): %s%s = %s is now %s%s = %s — the same number at new coordinates.",
		what, nameOf(n.Inputs[0]), index(src), trainer.Num(from.Data[offset(src, in)]), op.Name, index(dst), trainer.Num(to.Data[offset(dst, out)]))
}

// layoutStory says what a reshape from in to out (or a permute by perm)
// is for, with a short title for the heading.
func layoutStory(n *autograd.Node, nodes []*autograd.Node, in, out, perm []int) (title, story string) {
	if perm != nil {
		// [sequences, positions, heads, features] ↔ [sequences, heads, positions, features].
		if slices.Equal(perm, []int{0, 2, 1, 3}) {
			if p := n.Inputs[0].Node(); p != nil && p.Op == "reshape" && splitsLast(p.Inputs[0].Value.Shape, p.Out.Value.Shape) {
				return "heads first", fmt.Sprintf("The permute swaps the position and head axes, %s → %s, so that each head's %d positions sit together: the block of one head of one sequence is now a %d×%d matrix of its own.",
					dims(in), dims(out), out[2], out[2], out[3])
			}
			return "positions first again", fmt.Sprintf("The permute swaps the head and position axes back, %s → %s, so that each position's %d heads sit side by side again, ready to be joined into one vector per position.",
				dims(in), dims(out), out[2])
		}
		return "permute", fmt.Sprintf("The permute reorders the axes by %v: %s → %s; no number changes.", perm, dims(in), dims(out))
	}
	switch {
	case len(in) == 3 && len(out) == 2 && out[0] == in[0]*in[1] && out[1] == in[2]:
		user := consumer(n, nodes)
		if user != nil && user.Op == "softmax_ce" {
			return "one row per position", fmt.Sprintf("The %d sequences' %d positions become %d rows of %d symbol scores, one row per position, which is what the cross-entropy scores against the targets.",
				in[0], in[1], out[0], out[1])
		}
		to := "the next layer"
		if user != nil {
			if _, layer := role(user); layer != "" {
				to = layer
			}
		}
		return "rows for " + shortLayer(to), fmt.Sprintf("The %d sequences' %d positions become %d rows of %d features, so that %s, one matrix product, treats every position of every sequence alike.",
			in[0], in[1], out[0], out[1], to)
	case len(in) == 2 && len(out) == 3 && in[0] == out[0]*out[1] && in[1] == out[2]:
		from := "the layer before"
		if p := n.Inputs[0].Node(); p != nil && p.Op == "embedding" {
			from = "the embedding lookup"
		} else if p != nil {
			for q := p; q != nil; {
				if _, layer := role(q); layer != "" {
					from = layer
					break
				}
				if q.Op != "add" || len(q.Inputs) == 0 {
					break
				}
				q = q.Inputs[0].Node()
			}
		}
		next := "the model's layout of sequences, positions and features"
		if user := consumer(n, nodes); user != nil {
			switch r, _ := role(user); {
			case r == "positions":
				next = "ready for the positions to be added"
			case r == "residual":
				next = "the layout of the residual sum"
			case user.Op == "reshape" && splitsLast(out, user.Out.Value.Shape):
				next = "ready to be split into heads"
			}
		}
		return "back to sequences", fmt.Sprintf("The %d rows that %s computed fold back into %d sequences × %d positions of %d values each: %s.",
			in[0], from, out[0], out[1], out[2], next)
	case splitsLast(in, out):
		return "split into heads", fmt.Sprintf("Each position's %d features split into %d heads of %d: features 1–%d go to head 1%s. Every head will attend on its own.",
			in[2], out[2], out[3], out[3], moreHeads(out[2], out[3]))
	case len(in) == 4 && len(out) == 3 && out[0] == in[0]*in[1] && out[1] == in[2] && out[2] == in[3]:
		return "heads beside the batch", fmt.Sprintf("The %d sequences × %d heads become %d (sequence, head) pairs, each with its own %d×%d block, so that one batched product serves every head of every sequence.",
			in[0], in[1], out[0], in[2], in[3])
	case len(in) == 3 && len(out) == 4 && in[0] == out[0]*out[1] && in[1] == out[2] && in[2] == out[3]:
		return "heads apart again", fmt.Sprintf("The %d (sequence, head) pairs part again into %d sequences × %d heads.",
			in[0], out[0], out[1])
	case len(in) == 4 && len(out) == 3 && out[0] == in[0] && out[1] == in[1] && out[2] == in[2]*in[3]:
		return "heads joined", fmt.Sprintf("The %d heads' %d features join again into %d features per position: head 1's context first, then head 2's, and so on — the input of the output projection.",
			in[2], in[3], out[2])
	}
	return "reshape", fmt.Sprintf("The reshape reads the same numbers with new axes, %s → %s.", dims(in), dims(out))
}

// splitsLast reports whether a reshape from in to out splits the last of
// three axes in two ([32 6 16] → [32 6 2 8]).
func splitsLast(in, out []int) bool {
	return len(in) == 3 && len(out) == 4 && in[0] == out[0] && in[1] == out[1] && in[2] == out[2]*out[3]
}

// moreHeads continues "features 1–8 go to head 1" for the other heads.
func moreHeads(heads, dk int) string {
	switch heads {
	case 1:
		return ""
	case 2:
		return fmt.Sprintf(", %d–%d to head 2", dk+1, 2*dk)
	}
	return fmt.Sprintf(", %d–%d to head 2, and so on", dk+1, 2*dk)
}

// shortLayer is a layer's name without its article, for a heading.
func shortLayer(s string) string { return strings.TrimPrefix(s, "the ") }

// consumer is the first node after n that takes n's output.
func consumer(n *autograd.Node, nodes []*autograd.Node) *autograd.Node {
	for _, m := range nodes[n.Index+1:] {
		for _, in := range m.Inputs {
			if in == n.Out {
				return m
			}
		}
	}
	return nil
}

// axesOf reads a permute's "axes=[0 2 1 3]".
func axesOf(attrs string) []int {
	s, ok := strings.CutPrefix(attrs, "axes=[")
	if !ok {
		return nil
	}
	s, _, _ = strings.Cut(s, "]")
	var out []int
	for _, f := range strings.Fields(s) {
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// moved is where the element at index src of a tensor of shape in lands
// after a reshape to out (perm nil) or a permute by perm.
func moved(src, in, out, perm []int) []int {
	if perm != nil {
		dst := make([]int, len(perm))
		for i, a := range perm {
			dst[i] = src[a]
		}
		return dst
	}
	f := offset(src, in)
	dst := make([]int, len(out))
	for i := len(out) - 1; i >= 0; i-- {
		dst[i] = f % out[i]
		f /= out[i]
	}
	return dst
}

// offset is the row-major offset of index idx in shape.
func offset(idx, shape []int) int {
	f := 0
	for i, d := range shape {
		f = f*d + idx[i]
	}
	return f
}

// index writes idx as [0][2][4].
func index(idx []int) string {
	var b strings.Builder
	for _, i := range idx {
		fmt.Fprintf(&b, "[%d]", i)
	}
	return b.String()
}

// dims writes a shape as [32 6 16].
func dims(s []int) string { return fmt.Sprint(s) }
