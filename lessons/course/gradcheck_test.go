package course

import (
	"math"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// atBackward starts lesson id with settings and advances it op by op
// into the backward pass of its second training step.
func atBackward(t *testing.T, id string, settings lessons.Settings) (*lessons.Run, *trainer.Loop) {
	t.Helper()
	l, err := Registry().Get(id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := lessons.Start(l, lessons.DefaultSeed, settings)
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.Step)
	loop := lessons.MachineOf(r).(lessons.Instrumented).Instruments().(*trainer.Loop)
	for i := 0; loop.Cur.Phase != trainer.Backward; i++ {
		if i > 100000 || !r.Advance(lessons.Op) {
			t.Fatalf("%s: no backward pass reached", id)
		}
	}
	return r, loop
}

// TestGradCheckOnEveryOpOfTheLessons runs the on-demand gradient check on
// every node of the tapes of the trainer's lessons — every op kind they
// record — and holds it to the engine's own gradient checks (the
// op_*_test.go files, relative error |a − n| / max(1, |a|, |n|)): below
// 1e-6 wherever the loss is smooth. Elements at a kink (a ReLU at 0, a
// tie in a max) are left out by the check and counted. Replaying a node
// with nothing changed gives its recorded value bit for bit, so the
// replay computes the same op with the same arguments.
func TestGradCheckOnEveryOpOfTheLessons(t *testing.T) {
	if testing.Short() {
		t.Skip("walks nine lessons")
	}
	kinds := map[string]int{}
	for _, c := range []struct {
		id  string
		set lessons.Settings
	}{
		{"linreg", nil}, {"logreg", nil}, {"backprop", nil}, {"overfit", lessons.Settings{"dropout": "0.3", "l2": "0.01"}},
		{"embeddings", nil}, {"attention", nil}, {"rnn", nil}, {"rnn", lessons.Settings{"cell": "lstm"}}, {"cnn", nil}, {"explain", nil},
	} {
		_, loop := atBackward(t, c.id, c.set)
		tp, loss := loop.Cur.Tape, loop.Cur.Loss
		for _, n := range tp.Nodes() {
			if len(n.Inputs) > 0 {
				in := n.Inputs[0]
				got := tp.Replay(n.Out, map[*autograd.Var]*tensor.Tensor{in: in.Value.Clone()})
				if !slices.Equal(bits(got.Data), bits(n.Out.Value.Data)) {
					t.Errorf("%s: replaying %s does not give its value", c.id, n.Label())
				}
			}
			gc := trainer.CheckNode(tp, loss, n)
			for _, r := range gc.Inputs {
				if r.Checked > 0 && !(r.MaxRelErr < 1e-6) {
					t.Errorf("%s: %s: ∂L/∂%s: rel err %.3g (analytic %.10g, numeric %.10g at %d)", c.id, n.Label(), r.Name, r.MaxRelErr, r.Analytic, r.Numeric, r.Worst)
				}
				if r.Checked > 0 {
					kinds[n.Op]++
				}
				if r.Kinks > 0 {
					t.Logf("%s: %s: ∂L/∂%s: %d elements at a kink left out", c.id, n.Label(), r.Name, r.Kinks)
				}
			}
		}
	}
	var ops []string
	for k := range kinds {
		ops = append(ops, k)
	}
	sort.Strings(ops)
	t.Logf("op kinds checked: %v", ops)
	for _, want := range []string{"add", "sub", "mul", "matmul", "square", "mean", "sigmoid", "tanh", "relu", "softmax", "conv2d", "maxpool2d", "dropout", "bce_logits", "softmax_ce", "embedding", "bmm"} {
		if kinds[want] == 0 {
			t.Errorf("no %s node was checked", want)
		}
	}
}

func bits(xs []float64) []uint64 {
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = math.Float64bits(x)
	}
	return out
}

// TestGradCheckOnDemandChangesNothing: the run's check is the check of the
// node in focus, repeatable, and the scene and the rest of the run are as
// they were; outside the backward pass it says why it cannot run.
func TestGradCheckOnDemandChangesNothing(t *testing.T) {
	r, loop := atBackward(t, "logreg", nil)
	r.Advance(lessons.Op)
	before := r.Scene()
	gc, err := r.GradCheck()
	if err != nil {
		t.Fatal(err)
	}
	want := trainer.CheckNode(loop.Cur.Tape, loop.Cur.Loss, loop.Cur.Steps[len(loop.Cur.Steps)-1].Node)
	if !reflect.DeepEqual(gc, want) || gc.Node != want.Node || len(gc.Inputs) == 0 {
		t.Fatalf("check %+v, want %+v", gc, want)
	}
	again, _ := r.GradCheck()
	if !reflect.DeepEqual(gc, again) || !reflect.DeepEqual(r.Scene(), before) {
		t.Fatal("a second check differs, or the check changed the scene")
	}
	r.Advance(lessons.Step)
	after := r.Scene()
	r2, _ := atBackward(t, "logreg", nil)
	r2.Advance(lessons.Op)
	r2.Advance(lessons.Step)
	if !reflect.DeepEqual(after, r2.Scene()) {
		t.Fatal("a run checked on the way differs from one that was not")
	}
	if _, err := r.GradCheck(); err != trainer.ErrNoBackward {
		t.Fatalf("between steps: err %v, want ErrNoBackward", err)
	}
	l, _ := Registry().Get("gan")
	g, _ := lessons.Start(l, lessons.DefaultSeed, nil)
	if _, err := g.GradCheck(); err != lessons.ErrNoGradCheck {
		t.Fatalf("gan: err %v", err)
	}
}
