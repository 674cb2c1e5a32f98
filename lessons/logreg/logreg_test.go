package logreg

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

func start(t *testing.T, set lessons.Settings) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mach(r *lessons.Run) *machine { return lessons.MachineOf(r).(*machine) }

func TestDataIsTheSeedExample(t *testing.T) {
	m := mach(start(t, nil))
	for i := range N {
		x1, x2 := m.x.Data[2*i], m.x.Data[2*i+1]
		if x1 < 0 || x1 >= 1 || x2 < 0 || x2 >= 1 || m.y.Data[i] != math.Round(0.5*(x1+x2)) {
			t.Fatalf("point %d: (%v, %v) label %v", i, x1, x2, m.y.Data[i])
		}
	}
}

func TestDeterministicAndRewindable(t *testing.T) {
	a, b := start(t, nil), start(t, nil)
	for i := range 30 {
		g := []lessons.Granularity{lessons.Op, lessons.Op, lessons.Step, lessons.Epoch}[i%4]
		a.Advance(g)
		b.Advance(g)
	}
	if !reflect.DeepEqual(a.Scene(), b.Scene()) {
		t.Fatal("same seed, different scenes")
	}
	want := a.Scene()
	a.Advance(lessons.Op)
	a.Advance(lessons.Step)
	a.Back()
	a.Back()
	if !reflect.DeepEqual(a.Scene(), want) {
		t.Fatal("rewinding two actions does not give the earlier scene")
	}
}

func TestOpByOpEqualsOneStepAndBackward(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	whole.Advance(lessons.Step)
	ops.Advance(lessons.Op)
	n := ops.Scene().Pos.OpsPerStep
	if n != 9 {
		t.Fatalf("ops per step = %d, want 9 (4 forward, 4 backward, update)", n)
	}
	for range n - 2 {
		ops.Advance(lessons.Op)
	}
	// Before the update: the revealed steps' gradients equal Backward's.
	m := mach(ops)
	tp := autograd.NewTape()
	w := autograd.NewParam("W", m.dense.W.Value.Clone())
	b := autograd.NewParam("b", m.dense.B.Value.Clone())
	x, y := autograd.Const("x", m.xb), autograd.Const("y", m.yb)
	tp.Backward(tp.BCE(tp.Sigmoid(tp.Add(tp.MatMul(x, w), b)), y))
	gw, gb := m.loop.Cur.GradSoFar(m.dense.W), m.loop.Cur.GradSoFar(m.dense.B)
	if gw[0] != w.Grad.Data[0] || gw[1] != w.Grad.Data[1] || gb[0] != b.Grad.Data[0] {
		t.Fatalf("stepped gradients %v %v, Backward %v %v", gw, gb, w.Grad.Data, b.Grad.Data)
	}
	// The closed form: dL/ds = (p − y)/n.
	var db float64
	for i := range len(m.loop.Rows) {
		s := m.dense.W.Value.Data[0]*m.xb.Data[2*i] + m.dense.W.Value.Data[1]*m.xb.Data[2*i+1] + m.dense.B.Value.Data[0]
		db += (1/(1+math.Exp(-s)) - m.yb.Data[i]) / float64(len(m.loop.Rows))
	}
	if math.Abs(db-gb[0]) > 1e-12 {
		t.Fatalf("db = %v, closed form %v", gb[0], db)
	}
	ops.Advance(lessons.Op)
	if !reflect.DeepEqual(mach(ops).dense.W.Value.Data, mach(whole).dense.W.Value.Data) {
		t.Fatal("op by op and one step end with different weights")
	}
}

func TestSeedExampleAndFasterRate(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	sc := r.Scene()
	if !sc.Status.Finished || sc.Pos.Step != 400 || !strings.Contains(sc.Narrative, "Goal missed: still descending") {
		t.Fatalf("lr 0.01: status %+v, step %d\n%s", sc.Status, sc.Pos.Step, sc.Narrative)
	}
	fast := start(t, lessons.Settings{"lr": "3"})
	fast.Advance(lessons.End)
	if _, acc := mach(fast).evaluate(); acc < 0.97 {
		t.Fatalf("lr 3: accuracy %v, want ≥ 0.97", acc)
	}
	if !strings.Contains(fast.Scene().Narrative, "Goal met") {
		t.Fatalf("lr 3 narrative:\n%s", fast.Scene().Narrative)
	}
}

func TestScenePanels(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Op)
	sc := r.Scene()
	kinds := map[scene.Kind]int{}
	for _, p := range sc.Panels {
		if p.ID != "health" { // the runtime's training-health panel, not the lesson's
			kinds[p.Kind]++
		}
	}
	if kinds[scene.KindPlot] != 2 || kinds[scene.KindTable] != 1 || kinds[scene.KindMatrix] != 1 || kinds[scene.KindGraph] != 1 {
		t.Fatalf("panel kinds %v", kinds)
	}
	reg := sc.Panels[0].Plot.Region
	if reg == nil || len(reg.Values) != reg.Rows*reg.Cols {
		t.Fatal("no decision region")
	}
	for _, v := range reg.Values {
		if v <= 0 || v >= 1 {
			t.Fatalf("region value %v is not a probability", v)
		}
	}
}

func TestClipLine(t *testing.T) {
	xs, ys, ok := clipLine(1, 1, -1) // x + y = 1
	if !ok || len(xs) != 2 || math.Abs(xs[0]+ys[0]-1) > 1e-12 || math.Abs(xs[1]+ys[1]-1) > 1e-12 {
		t.Fatalf("diagonal: %v %v %v", xs, ys, ok)
	}
	if _, _, ok := clipLine(1, 1, 5); ok {
		t.Fatal("a line outside the square was clipped in")
	}
	if _, _, ok := clipLine(0, 0, 1); ok {
		t.Fatal("zero weights have no boundary")
	}
}
