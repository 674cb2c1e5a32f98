package checks

import (
	"math"
	"testing"
)

func TestAutogradReference(t *testing.T) {
	// a² + a at 3: d/da = 2a + 1 = 7, the node used twice counted twice.
	var g agGraph
	a := g.leaf(3)
	g.add("add", 0, g.add("mul", 0, a, a), a)
	near(t, "d(a²+a)/da", agBackward(agVariant{}, g)[0], 7, 0)
	near(t, "a²+a", agForward(g)[2], 12, 0)
	// Every random graph stays finite and shares a node.
	r := newRand(99)
	for range 50 {
		g := agRandomGraph(r, 30)
		for i, v := range append(agForward(g), agBackward(agVariant{}, g)...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("value %d of %s is %v", i, g, v)
			}
		}
	}
	// Every known mistake changes the gradients of some graph the check uses.
	var graphs []agGraph
	for _, s := range [][]string{{"add"}, {"mul"}, {"tanh"}, {"exp"}, {"pow"}} {
		var g agGraph
		x, y := g.leaf(0.7), g.leaf(-1.2)
		switch s[0] {
		case "add", "mul":
			g.add(s[0], 0, x, y)
		case "pow":
			g.add("pow", 3, x)
		default:
			g.add(s[0], 0, x)
		}
		graphs = append(graphs, g)
	}
	var d agGraph
	t1 := d.add("tanh", 0, d.leaf(0.9))
	d.add("add", 0, d.add("mul", 0, t1, t1), d.add("exp", 0, t1))
	graphs = append(graphs, d)
	for _, m := range agMistakes {
		changed := false
		for _, g := range graphs {
			want, got := agBackward(agVariant{}, g), agBackward(m.v, g)
			for i := range want {
				changed = changed || math.Abs(want[i]-got[i]) > 1e-9
			}
		}
		if !changed {
			t.Errorf("mistake %q changes nothing", m.hint)
		}
	}
}
