package trainer

import (
	"fmt"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
)

// The recurrent cells of engine/nn, matched op by op as their Step methods
// record them (one example is one row of the batch):
//
//	RNNCell:  h' = tanh(add(add(matmul(x, Wx), matmul(h, Wh)), b))
//	LSTMCell: z = add(add(matmul(x, Wx), matmul(h, Wh)), b)
//	          i, f, o = sigmoid(slice(z, axis 1, block 0, 1, 3)), g = tanh(slice(z, block 2))
//	          c' = add(mul(f, c), mul(i, g)),  h' = mul(o, tanh(c'))
//	GRUCell:  gx = add(matmul(x, Wx), bx),  gh = add(matmul(h, Wh), bh)
//	          r = sigmoid(add(slice(gx, 0), slice(gh, 0))), z = sigmoid(add(slice(gx, 1), slice(gh, 1)))
//	          n = tanh(add(slice(gx, 2), mul(r, slice(gh, 2))))
//	          h' = add(n, mul(z, sub(h, n)))
//
// the exercises rnn, lstm and gru use the same layouts (Wx in×k·hidden,
// Wh hidden×k·hidden, the gates' blocks in the order i, f, g, o and r, z,
// n, row i of Wh the weights from unit i of h).

// rnnCell is a matched RNN cell step.
type rnnCell struct {
	x, h, wx, wh, b   *autograd.Var
	mx, mh, a1, a2, t *autograd.Node
	batch, in, hidden int
}

// matchRNN matches an RNN cell whose last op (the tanh) is n.
func matchRNN(n *autograd.Node) *rnnCell {
	if n == nil || n.Op != "tanh" {
		return nil
	}
	a2 := made(n.Inputs[0], "add")
	if a2 == nil {
		return nil
	}
	a1 := made(a2.Inputs[0], "add")
	if a1 == nil {
		return nil
	}
	mx, mh := made(a1.Inputs[0], "matmul"), made(a1.Inputs[1], "matmul")
	if mx == nil || mh == nil {
		return nil
	}
	c := &rnnCell{x: mx.Inputs[0], wx: mx.Inputs[1], h: mh.Inputs[0], wh: mh.Inputs[1], b: a2.Inputs[1],
		mx: mx, mh: mh, a1: a1, a2: a2, t: n}
	if len(c.x.Value.Shape) != 2 || len(c.wx.Value.Shape) != 2 {
		return nil
	}
	c.batch, c.in, c.hidden = c.x.Value.Shape[0], c.x.Value.Shape[1], c.wx.Value.Shape[1]
	B, H := c.batch, c.hidden
	if !shaped(c.wx, c.in, H) || !shaped(c.h, B, H) || !shaped(c.wh, H, H) || !shaped(c.b, H) || !shaped(n.Out, B, H) {
		return nil
	}
	return c
}

// anchorOf finds the pattern's last op from any node n of it: n itself or
// a node that uses n's output, at most depth ops later, that match
// accepts with n among its nodes.
func anchorOf[T any](tp *autograd.Tape, n *autograd.Node, depth int, match func(*autograd.Node) *T, has func(*T, *autograd.Node) bool) *T {
	if p := match(n); p != nil && has(p, n) {
		return p
	}
	front, seen := []*autograd.Node{n}, map[*autograd.Node]bool{n: true}
	for range depth {
		var next []*autograd.Node
		for _, f := range front {
			for _, u := range users(tp, f.Out) {
				if seen[u] {
					continue
				}
				seen[u] = true
				if p := match(u); p != nil && has(p, n) {
					return p
				}
				next = append(next, u)
			}
		}
		front = next
	}
	return nil
}

// rows is how many examples of width w a check compares: the first ones,
// at least one, until MineCap elements.
func rows(batch, w int) int { return max(1, min(batch, MineCap/max(w, 1))) }

// rnnGrads is the learner's StepBackward on every example of a cell.
type rnnGrads struct {
	dx, dh, da [][]float64 // per example (da is the learner's db: da = db)
	dwx, dwh   [][]float64 // summed over the batch
	db         []float64   // summed over the batch
}

// rnnBackward calls StepBackward on each example of cell, with dhNext the
// gradient arriving at h' (the tanh's output).
func rnnBackward(f func(x, h, hNext []float64, Wx, Wh [][]float64, dhNext []float64) (dx, dh []float64, dWx, dWh [][]float64, db []float64), cell *rnnCell, c *compare) *rnnGrads {
	B, I, H := cell.batch, cell.in, cell.hidden
	wx, wh := mat(cell.wx.Value.Data, 0, I, H), mat(cell.wh.Value.Data, 0, H, H)
	up := cell.t.Out.Grad
	if up == nil {
		return nil
	}
	g := &rnnGrads{dwx: mat(make([]float64, I*H), 0, I, H), dwh: mat(make([]float64, H*H), 0, H, H), db: make([]float64, H)}
	for r := range B {
		x, h := vec(cell.x.Value.Data, r*I, I), vec(cell.h.Value.Data, r*H, H)
		hn, dhn := vec(cell.t.Out.Value.Data, r*H, H), vec(up.Data, r*H, H)
		var dx, dh, db []float64
		var dwx, dwh [][]float64
		if !c.call(func() { dx, dh, dwx, dwh, db = f(x, h, hn, wx, wh, dhn) }) {
			return nil
		}
		for _, p := range []string{vecProblem("dx", dx, I), vecProblem("dh", dh, H), vecProblem("db", db, H),
			prefixed("dWx ", shapeProblem(dwx, I, H)), prefixed("dWh ", shapeProblem(dwh, H, H))} {
			if p != "" {
				c.problem(p)
				return nil
			}
		}
		g.dx, g.dh, g.da = append(g.dx, dx), append(g.dh, dh), append(g.da, db)
		addInto(g.dwx, dwx)
		addInto(g.dwh, dwh)
		for j := range H {
			g.db[j] += db[j]
		}
	}
	return g
}

func prefixed(p, msg string) string {
	if msg == "" {
		return ""
	}
	return p + msg
}

func addInto(dst, m [][]float64) {
	for i := range dst {
		for j := range dst[i] {
			dst[i][j] += m[i][j]
		}
	}
}

// rowsElems compares the first examples' rows of a per-example gradient
// (dst nil: no comparison) with the learner's.
func rowsElems(c *compare, dst *tensor.Tensor, name string, yours [][]float64) bool {
	if dst == nil {
		return true
	}
	w := len(dst.Data) / len(yours)
	for r := range rows(len(yours), w) {
		for j := range w {
			if !c.elem(dst, r*w+j, fmt.Sprintf("%s[%d][%d]", name, r, j), dst.Data[r*w+j], yours[r][j], nil, nil) {
				return false
			}
		}
	}
	return true
}

// sumElems compares a parameter's gradient (dst nil: none) with the sum of
// the learner's, whole.
func sumElems(c *compare, dst *tensor.Tensor, name string, yours []float64, cols int) bool {
	if dst == nil {
		return true
	}
	for k, v := range yours {
		idx := fmt.Sprintf("%s[%d]", name, k)
		if cols > 0 {
			idx = fmt.Sprintf("%s[%d][%d]", name, k/cols, k%cols)
		}
		if !c.elem(dst, k, idx, dst.Data[k], v, nil, nil) {
			return false
		}
	}
	return true
}

func flat(m [][]float64) []float64 { return slices.Concat(m...) }

func init() {
	// rnn.Step(x, h, Wx, Wh, b) on the first examples of the batch,
	// compared with h' = the cell's tanh.
	mineForward("tanh", "rnn", "Step", func(impl any, n *autograd.Node, c *compare) {
		cell := matchRNN(n)
		if cell == nil {
			return
		}
		f := impl.(*checks.RNNImpl).Step
		I, H := cell.in, cell.hidden
		wx, wh := mat(cell.wx.Value.Data, 0, I, H), mat(cell.wh.Value.Data, 0, H, H)
		b := slices.Clone(cell.b.Value.Data)
		out := n.Out.Value
		c.total = len(out.Data)
		for r := range rows(cell.batch, H) {
			x, h := vec(cell.x.Value.Data, r*I, I), vec(cell.h.Value.Data, r*H, H)
			var got []float64
			if !c.call(func() { got = f(x, h, wx, wh, b) }) {
				return
			}
			if msg := vecProblem("h'", got, H); msg != "" {
				c.problem(msg)
				return
			}
			for j := range H {
				if !c.elem(out, r*H+j, fmt.Sprintf("[%d][%d]", r, j), out.Data[r*H+j], got[j], nil, nil) {
					return
				}
			}
		}
	})
	// rnn.StepBackward(x, h, h', Wx, Wh, dh') on every example of the
	// cell, dh' the gradient arriving at the tanh's output; at each node
	// of the cell, what it sends: the tanh the gradient of its input (the
	// learner's db of the example), matmul(h, Wh) dh and dWh,
	// matmul(x, Wx) dx and dWx, the add of b db (summed over the batch).
	rnnBack := func(impl any, st autograd.Step, c *compare) {
		cell := anchorOf(c.tape, st.Node, 3, matchRNN, func(p *rnnCell, n *autograd.Node) bool {
			return slices.Contains([]*autograd.Node{p.t, p.a2, p.mh, p.mx}, n)
		})
		if cell == nil {
			return
		}
		f := impl.(*checks.RNNImpl).StepBackward
		g := memo(cell.t, impl, func() *rnnGrads { return rnnBackward(f, cell, c) })
		if g == nil {
			if c.OK {
				c.problem("no gradient reached the cell's output")
			}
			return
		}
		c.total = 0
		for j, t := range st.Grads {
			if t != nil && (st.Node != cell.a2 || j == 1) {
				c.total += len(t.Data)
			}
		}
		switch st.Node {
		case cell.t:
			rowsElems(c, st.Grads[0], "da", g.da)
		case cell.a2:
			sumElems(c, st.Grads[1], "db", g.db, 0)
		case cell.mh:
			_ = rowsElems(c, st.Grads[0], "dh", g.dh) && sumElems(c, st.Grads[1], "dWh", flat(g.dwh), cell.hidden)
		case cell.mx:
			_ = rowsElems(c, st.Grads[0], "dx", g.dx) && sumElems(c, st.Grads[1], "dWx", flat(g.dwx), cell.hidden)
		}
	}
	mineBackward("tanh", "rnn", "StepBackward", rnnBack)
	mineBackward("add", "rnn", "StepBackward", rnnBack)
	mineBackward("matmul", "rnn", "StepBackward", rnnBack)
}

// lstmCell is a matched LSTM cell step.
type lstmCell struct {
	x, h, c, wx, wh, b *autograd.Var
	cn, hn             *autograd.Node // c' and h'
	// The nodes that send the gradients StepBackward returns: z's add of
	// b (dz = the example's db, and db), the matmuls (dh, dWh; dx, dWx),
	// f ⊙ c (dc).
	zb, mh, mx, fc    *autograd.Node
	batch, in, hidden int
}

// matchLSTM matches an LSTM cell whose last op (h' = mul(o, tanh(c'))) is n.
func matchLSTM(n *autograd.Node) *lstmCell {
	if n == nil || n.Op != "mul" {
		return nil
	}
	o, tc := made(n.Inputs[0], "sigmoid"), made(n.Inputs[1], "tanh")
	if o == nil || tc == nil {
		return nil
	}
	cn := made(tc.Inputs[0], "add")
	if cn == nil {
		return nil
	}
	fc, ig := made(cn.Inputs[0], "mul"), made(cn.Inputs[1], "mul")
	if fc == nil || ig == nil {
		return nil
	}
	f, i, g := made(fc.Inputs[0], "sigmoid"), made(ig.Inputs[0], "sigmoid"), made(ig.Inputs[1], "tanh")
	if f == nil || i == nil || g == nil {
		return nil
	}
	gates := []*autograd.Node{made(i.Inputs[0], "slice"), made(f.Inputs[0], "slice"), made(g.Inputs[0], "slice"), made(o.Inputs[0], "slice")}
	if gates[0] == nil {
		return nil
	}
	z := gates[0].Inputs[0]
	if len(z.Value.Shape) != 2 || z.Value.Shape[1]%4 != 0 {
		return nil
	}
	H := z.Value.Shape[1] / 4
	for k, s := range gates {
		if s == nil || s.Inputs[0] != z || !sliceAttr(s, k*H, (k+1)*H) {
			return nil
		}
	}
	za2 := made(z, "add")
	if za2 == nil {
		return nil
	}
	za1 := made(za2.Inputs[0], "add")
	if za1 == nil {
		return nil
	}
	mx, mh := made(za1.Inputs[0], "matmul"), made(za1.Inputs[1], "matmul")
	if mx == nil || mh == nil {
		return nil
	}
	l := &lstmCell{x: mx.Inputs[0], wx: mx.Inputs[1], h: mh.Inputs[0], wh: mh.Inputs[1], b: za2.Inputs[1], c: fc.Inputs[1],
		cn: cn, hn: n, zb: za2, mh: mh, mx: mx, fc: fc, hidden: H}
	if len(l.x.Value.Shape) != 2 {
		return nil
	}
	B, I := l.x.Value.Shape[0], l.x.Value.Shape[1]
	l.batch, l.in = B, I
	if !shaped(l.wx, I, 4*H) || !shaped(l.wh, H, 4*H) || !shaped(l.b, 4*H) || !shaped(l.h, B, H) || !shaped(l.c, B, H) ||
		!shaped(n.Out, B, H) || !shaped(cn.Out, B, H) {
		return nil
	}
	return l
}

// lstmOut is the learner's Step on the first examples of a cell.
type lstmOut struct{ h, c [][]float64 }

func lstmStep(f func(x, h, c []float64, Wx, Wh [][]float64, b []float64) (hNext, cNext []float64), l *lstmCell, c *compare) *lstmOut {
	I, H := l.in, l.hidden
	wx, wh := mat(l.wx.Value.Data, 0, I, 4*H), mat(l.wh.Value.Data, 0, H, 4*H)
	b := slices.Clone(l.b.Value.Data)
	out := &lstmOut{}
	for r := range rows(l.batch, H) {
		x, h, cs := vec(l.x.Value.Data, r*I, I), vec(l.h.Value.Data, r*H, H), vec(l.c.Value.Data, r*H, H)
		var hn, cn []float64
		if !c.call(func() { hn, cn = f(x, h, cs, wx, wh, b) }) {
			return nil
		}
		for _, p := range []string{vecProblem("h'", hn, H), vecProblem("c'", cn, H)} {
			if p != "" {
				c.problem(p)
				return nil
			}
		}
		out.h, out.c = append(out.h, hn), append(out.c, cn)
	}
	return out
}

// gruCell is a matched GRU cell step.
type gruCell struct {
	x, h, wx, wh, bx, bh *autograd.Var
	batch, in, hidden    int
}

// matchGRU matches a GRU cell whose last op (h' = add(n, mul(z, sub(h, n))))
// is n.
func matchGRU(n *autograd.Node) *gruCell {
	if n == nil || n.Op != "add" {
		return nil
	}
	cand, zm := made(n.Inputs[0], "tanh"), made(n.Inputs[1], "mul")
	if cand == nil || zm == nil {
		return nil
	}
	z, sub := made(zm.Inputs[0], "sigmoid"), made(zm.Inputs[1], "sub")
	ca := made(cand.Inputs[0], "add")
	if z == nil || sub == nil || ca == nil || sub.Inputs[1] != cand.Out {
		return nil
	}
	xn, rm := made(ca.Inputs[0], "slice"), made(ca.Inputs[1], "mul")
	if xn == nil || rm == nil {
		return nil
	}
	r, hn := made(rm.Inputs[0], "sigmoid"), made(rm.Inputs[1], "slice")
	if r == nil || hn == nil {
		return nil
	}
	ra, za := made(r.Inputs[0], "add"), made(z.Inputs[0], "add")
	if ra == nil || za == nil {
		return nil
	}
	gx, gh := xn.Inputs[0], hn.Inputs[0]
	if len(gx.Value.Shape) != 2 || gx.Value.Shape[1]%3 != 0 {
		return nil
	}
	H := gx.Value.Shape[1] / 3
	want := []struct {
		s      *autograd.Node
		from   *autograd.Var
		lo, hi int
	}{
		{made(ra.Inputs[0], "slice"), gx, 0, H}, {made(ra.Inputs[1], "slice"), gh, 0, H},
		{made(za.Inputs[0], "slice"), gx, H, 2 * H}, {made(za.Inputs[1], "slice"), gh, H, 2 * H},
		{xn, gx, 2 * H, 3 * H}, {hn, gh, 2 * H, 3 * H},
	}
	for _, w := range want {
		if w.s == nil || w.s.Inputs[0] != w.from || !sliceAttr(w.s, w.lo, w.hi) {
			return nil
		}
	}
	ax, ah := made(gx, "add"), made(gh, "add")
	if ax == nil || ah == nil {
		return nil
	}
	mx, mh := made(ax.Inputs[0], "matmul"), made(ah.Inputs[0], "matmul")
	if mx == nil || mh == nil || mh.Inputs[0] != sub.Inputs[0] {
		return nil
	}
	g := &gruCell{x: mx.Inputs[0], wx: mx.Inputs[1], h: mh.Inputs[0], wh: mh.Inputs[1], bx: ax.Inputs[1], bh: ah.Inputs[1], hidden: H}
	if len(g.x.Value.Shape) != 2 {
		return nil
	}
	B, I := g.x.Value.Shape[0], g.x.Value.Shape[1]
	g.batch, g.in = B, I
	if !shaped(g.wx, I, 3*H) || !shaped(g.wh, H, 3*H) || !shaped(g.bx, 3*H) || !shaped(g.bh, 3*H) || !shaped(g.h, B, H) || !shaped(n.Out, B, H) {
		return nil
	}
	return g
}

// rowElems compares the rows of out (the node's output, [batch w]) with
// the learner's first rows.
func rowElems(c *compare, out *tensor.Tensor, yours [][]float64) {
	w := out.Shape[len(out.Shape)-1]
	for r, row := range yours {
		for j := range w {
			if !c.elem(out, r*w+j, fmt.Sprintf("[%d][%d]", r, j), out.Data[r*w+j], row[j], nil, nil) {
				return
			}
		}
	}
}

func init() {
	// lstm.Step(x, h, c, Wx, Wh, b) on the first examples of the batch,
	// compared twice: c' at the add that makes it (found from h' through
	// tanh(c')), h' at the mul that makes it.
	lstmAt := func(tp *autograd.Tape, n *autograd.Node) (*lstmCell, bool) {
		if l := matchLSTM(n); l != nil {
			return l, false
		}
		if n.Op != "add" {
			return nil, false
		}
		for _, t := range users(tp, n.Out) {
			if t.Op != "tanh" {
				continue
			}
			for _, m := range users(tp, t.Out) {
				if l := matchLSTM(m); l != nil && l.cn == n {
					return l, true
				}
			}
		}
		return nil, false
	}
	mineForward("mul", "lstm", "Step", func(impl any, n *autograd.Node, c *compare) {
		if l, _ := lstmAt(c.tape, n); l != nil {
			if out := memo(l.hn, impl, func() *lstmOut { return lstmStep(impl.(*checks.LSTMImpl).Step, l, c) }); out != nil {
				c.total = len(n.Out.Value.Data)
				rowElems(c, n.Out.Value, out.h)
			}
		}
	})
	mineForward("add", "lstm", "Step", func(impl any, n *autograd.Node, c *compare) {
		if l, isC := lstmAt(c.tape, n); l != nil && isC {
			if out := memo(l.hn, impl, func() *lstmOut { return lstmStep(impl.(*checks.LSTMImpl).Step, l, c) }); out != nil {
				c.total = len(n.Out.Value.Data)
				rowElems(c, n.Out.Value, out.c)
			}
		}
	})
	// gru.Step(x, h, Wx, Wh, bx, bh) on the first examples of the batch,
	// compared with h'.
	mineForward("add", "gru", "Step", func(impl any, n *autograd.Node, c *compare) {
		g := matchGRU(n)
		if g == nil {
			return
		}
		f := impl.(*checks.GRUImpl).Step
		I, H := g.in, g.hidden
		wx, wh := mat(g.wx.Value.Data, 0, I, 3*H), mat(g.wh.Value.Data, 0, H, 3*H)
		bx, bh := slices.Clone(g.bx.Value.Data), slices.Clone(g.bh.Value.Data)
		c.total = len(n.Out.Value.Data)
		var got [][]float64
		for r := range rows(g.batch, H) {
			x, h := vec(g.x.Value.Data, r*I, I), vec(g.h.Value.Data, r*H, H)
			var hn []float64
			if !c.call(func() { hn = f(x, h, wx, wh, bx, bh) }) {
				return
			}
			if msg := vecProblem("h'", hn, H); msg != "" {
				c.problem(msg)
				return
			}
			got = append(got, hn)
		}
		rowElems(c, n.Out.Value, got)
	})
}

// lstmGrads is the learner's LSTM StepBackward on every example of a cell.
type lstmGrads struct {
	dx, dh, dc, dz [][]float64 // per example (dz is the learner's db)
	dwx, dwh       [][]float64 // summed over the batch
	db             []float64   // summed over the batch
}

// lstmBackward calls StepBackward on each example of l. It must run at
// the cell's first node in backward order, h' = mul(o, tanh(c')): then
// h' has its whole gradient (dh') and c' only the gradient from outside
// the cell (the next step's f ⊙ c'), the dc' the exercise takes; the
// cell's own path c' → tanh → h' is added later.
func lstmBackward(f func(x, h, c []float64, Wx, Wh [][]float64, b []float64, dhNext, dcNext []float64) (dx, dh, dc []float64, dWx, dWh [][]float64, db []float64), l *lstmCell, c *compare) *lstmGrads {
	B, I, H := l.batch, l.in, l.hidden
	dhn := l.hn.Out.Grad
	if dhn == nil {
		return nil
	}
	dcn := make([]float64, B*H)
	if g := l.cn.Out.Grad; g != nil {
		copy(dcn, g.Data)
	}
	wx, wh := mat(l.wx.Value.Data, 0, I, 4*H), mat(l.wh.Value.Data, 0, H, 4*H)
	b := slices.Clone(l.b.Value.Data)
	g := &lstmGrads{dwx: mat(make([]float64, I*4*H), 0, I, 4*H), dwh: mat(make([]float64, H*4*H), 0, H, 4*H), db: make([]float64, 4*H)}
	for r := range B {
		x, h, cs := vec(l.x.Value.Data, r*I, I), vec(l.h.Value.Data, r*H, H), vec(l.c.Value.Data, r*H, H)
		dh1, dc1 := vec(dhn.Data, r*H, H), vec(dcn, r*H, H)
		var dx, dh, dc, db []float64
		var dwx, dwh [][]float64
		if !c.call(func() { dx, dh, dc, dwx, dwh, db = f(x, h, cs, wx, wh, b, dh1, dc1) }) {
			return nil
		}
		for _, p := range []string{vecProblem("dx", dx, I), vecProblem("dh", dh, H), vecProblem("dc", dc, H), vecProblem("db", db, 4*H),
			prefixed("dWx ", shapeProblem(dwx, I, 4*H)), prefixed("dWh ", shapeProblem(dwh, H, 4*H))} {
			if p != "" {
				c.problem(p)
				return nil
			}
		}
		g.dx, g.dh, g.dc, g.dz = append(g.dx, dx), append(g.dh, dh), append(g.dc, dc), append(g.dz, db)
		addInto(g.dwx, dwx)
		addInto(g.dwh, dwh)
		for j := range db {
			g.db[j] += db[j]
		}
	}
	return g
}

func init() {
	// lstm.StepBackward(x, h, c, Wx, Wh, b, dh', dc') on every example of
	// the cell, called at h' (see lstmBackward); then at each node of the
	// cell, what it sends: z's add of b dz (the learner's db of the
	// example) and db, matmul(h, Wh) dh and dWh, matmul(x, Wx) dx and dWx,
	// f ⊙ c dc.
	lstmBack := func(impl any, st autograd.Step, c *compare) {
		l := anchorOf(c.tape, st.Node, 7, matchLSTM, func(l *lstmCell, n *autograd.Node) bool {
			return slices.Contains([]*autograd.Node{l.hn, l.zb, l.mh, l.mx, l.fc}, n)
		})
		if l == nil {
			return
		}
		f := impl.(*checks.LSTMImpl).StepBackward
		g := memo(l.hn, impl, func() *lstmGrads {
			if st.Node != l.hn {
				return nil // too late for dc': only h' can ask
			}
			return lstmBackward(f, l, c)
		})
		if g == nil {
			if !c.OK {
				return
			}
			if st.Node == l.hn {
				c.problem("no gradient reached the cell's output")
			}
			return
		}
		c.total = 0
		for j, t := range st.Grads {
			if t != nil && (st.Node != l.fc || j == 1) {
				c.total += len(t.Data)
			}
		}
		switch st.Node {
		case l.zb:
			_ = rowsElems(c, st.Grads[0], "dz", g.dz) && sumElems(c, st.Grads[1], "db", g.db, 0)
		case l.mh:
			_ = rowsElems(c, st.Grads[0], "dh", g.dh) && sumElems(c, st.Grads[1], "dWh", flat(g.dwh), 4*l.hidden)
		case l.mx:
			_ = rowsElems(c, st.Grads[0], "dx", g.dx) && sumElems(c, st.Grads[1], "dWx", flat(g.dwx), 4*l.hidden)
		case l.fc:
			rowsElems(c, st.Grads[1], "dc", g.dc)
		}
	}
	mineBackward("mul", "lstm", "StepBackward", lstmBack)
	mineBackward("add", "lstm", "StepBackward", lstmBack)
	mineBackward("matmul", "lstm", "StepBackward", lstmBack)
}
