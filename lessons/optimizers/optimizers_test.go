package optimizers

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
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

func advance(r *lessons.Run, g lessons.Granularity, n int) {
	for range n {
		r.Advance(g)
	}
}

func panel(t *testing.T, sc scene.Scene, prefix string) scene.Panel {
	t.Helper()
	for _, p := range sc.Panels {
		if strings.HasPrefix(p.Title, prefix) {
			return p
		}
	}
	t.Fatalf("no panel titled %q…", prefix)
	return scene.Panel{}
}

func TestSameSeedSameScenes(t *testing.T) {
	for _, s := range surfaceIDs {
		a, b := start(t, lessons.Settings{"surface": s}), start(t, lessons.Settings{"surface": s})
		for i := range 24 {
			g := []lessons.Granularity{lessons.Op, lessons.Step, lessons.Op, lessons.Epoch}[i%4]
			a.Advance(g)
			b.Advance(g)
			if !reflect.DeepEqual(a.Scene(), b.Scene()) {
				t.Fatalf("%s: scenes differ after action %d", s, i)
			}
		}
		if _, err := json.Marshal(a.Scene()); err != nil {
			t.Fatalf("%s: scene does not encode: %v", s, err)
		}
	}
	// Another seed draws other SGD noise, and only SGD moves differently.
	c, err := lessons.Start(Lesson(), 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := start(t, nil)
	c.Advance(lessons.Step)
	d.Advance(lessons.Step)
	mc, md := mach(c), mach(d)
	for i, n := range names {
		same := reflect.DeepEqual(mc.runners[i].xs, md.runners[i].xs)
		if same == (n == "sgd") {
			t.Errorf("%s: paths with seeds 7 and 42 equal = %v", n, same)
		}
	}
}

func TestRewindThenForwardIsIdentical(t *testing.T) {
	// More than 16 actions, so Back restores from a checkpoint clone.
	script := func(r *lessons.Run) {
		advance(r, lessons.Op, 4)
		advance(r, lessons.Step, 12)
		if _, err := r.Set("lr", "0.05"); err != nil {
			t.Fatal(err)
		}
		advance(r, lessons.Op, 3)
	}
	r := start(t, nil)
	script(r)
	want := r.Scene()
	r.Advance(lessons.Op)
	r.Advance(lessons.Epoch)
	for range 2 {
		if !r.Back() {
			t.Fatal("Back refused with actions in the log")
		}
	}
	if got := r.Scene(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after two steps back the scene differs: pos %+v, want %+v", got.Pos, want.Pos)
	}
	r.Advance(lessons.Op)
	r.Advance(lessons.Epoch)
	r2 := start(t, nil)
	script(r2)
	r2.Advance(lessons.Op)
	r2.Advance(lessons.Epoch)
	if !reflect.DeepEqual(r.Scene(), r2.Scene()) {
		t.Fatal("forward again after rewinding differs from a run that never rewound")
	}
}

func TestOneStepIsSixOps(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	for k := 1; k <= 6; k++ {
		ops.Advance(lessons.Op)
		sc := ops.Scene()
		if sc.Pos.OpsPerStep != 6 || sc.Pos.Op != k {
			t.Fatalf("after %d ops: pos %+v", k, sc.Pos)
		}
		if k < 6 {
			if sc.Phase != "update" || sc.Pos.Step != 0 {
				t.Fatalf("after %d ops: phase %q, step %d", k, sc.Phase, sc.Pos.Step)
			}
			label := labels[names[k-1]]
			if !strings.Contains(sc.Narrative, label+" moves") || !strings.Contains(sc.Narrative, "**"+label+"**, update") {
				t.Fatalf("op %d narrative does not show %s moving:\n%s", k, label, sc.Narrative)
			}
			// Only the first k optimizers have moved.
			for i, r := range mach(ops).runners {
				if moved := r.updates() == 1; moved != (i < k) {
					t.Fatalf("after %d ops %s has %d updates", k, r.name, r.updates())
				}
			}
		}
	}
	whole.Advance(lessons.Step)
	if !reflect.DeepEqual(ops.Scene(), whole.Scene()) {
		t.Fatal("six ops and one step give different scenes")
	}
	// An epoch is StepsPerEpoch steps.
	e, s := start(t, nil), start(t, nil)
	e.Advance(lessons.Epoch)
	advance(s, lessons.Step, StepsPerEpoch)
	if !reflect.DeepEqual(e.Scene(), s.Scene()) || e.Scene().Pos.Step != StepsPerEpoch {
		t.Fatalf("one epoch differs from %d steps", StepsPerEpoch)
	}
}

// TestFirstUpdatesMatchTheRules checks every optimizer's first update on
// the valley against its update rule, computed here from the gradient of
// f = 0.1·x² + 9·y² by hand.
func TestFirstUpdatesMatchTheRules(t *testing.T) {
	const lr = 0.1
	r := start(t, nil)
	r.Advance(lessons.Step)
	m := mach(r)
	x0, y0 := m.surf.start[0], m.surf.start[1]
	g := [2]float64{0.2 * x0, 18 * y0}
	sign := func(v float64) float64 { return math.Copysign(1, v) }
	want := map[string]func(i int) float64{
		"gd":       func(i int) float64 { return -lr * g[i] },
		"sgd":      func(i int) float64 { return -lr * (g[i] + m.runner("sgd").noise[i]) },
		"momentum": func(i int) float64 { return -lr * g[i] },                            // v = g
		"adagrad":  func(i int) float64 { return -lr * g[i] / (math.Abs(g[i]) + 1e-10) }, // G = g²
		"rmsprop":  func(i int) float64 { return -10 * lr * sign(g[i]) },                 // √v = 0.1·|g|
		"adam":     func(i int) float64 { return -lr * sign(g[i]) },                      // m̂ = g, v̂ = g²
	}
	for _, run := range m.runners {
		d := run.opt.LastUpdate(run.p).Data
		for i := range 2 {
			if w := want[run.name](i); math.Abs(d[i]-w) > 1e-6*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: first Δ[%d] = %v, want %v", run.name, i, d[i], w)
			}
		}
	}
	n := m.runner("sgd").noise
	if n[0] == 0 || n[1] == 0 || math.Abs(n[0]) > 5*m.surf.sigma || math.Abs(n[1]) > 5*m.surf.sigma {
		t.Errorf("SGD noise %v is not a plausible draw from N(0, %g²)", n, m.surf.sigma)
	}
	// The narrative (focus Adam) spells out the same update.
	nar := r.Scene().Narrative
	for _, s := range []string{"update t = 1", "= (0.1, -0.1)", "lr·sign(g)", "m̂ = g and v̂ = g²"} {
		if !strings.Contains(nar, s) {
			t.Errorf("step 1 narrative lacks %q:\n%s", s, nar)
		}
	}
}

// TestGradientsComeFromTheEngine checks the engine's backward pass through
// each surface's formula against the derivative worked out by hand, and
// the tape's f against the plain one.
func TestGradientsComeFromTheEngine(t *testing.T) {
	grads := map[string]func(x, y float64) (float64, float64){
		"valley": func(x, y float64) (float64, float64) { return 0.2 * x, 18 * y },
		"rosenbrock": func(x, y float64) (float64, float64) {
			return 0.01 * (-2*(1-x) - 400*x*(y-x*x)), 0.01 * 200 * (y - x*x)
		},
		"saddle": func(x, y float64) (float64, float64) { return x, y*y*y - y },
	}
	for _, id := range surfaceIDs {
		s := surfaceByID(id)
		for _, pt := range [][2]float64{{-1.2, 1}, {0.3, -0.7}, {2, 1.5}} {
			p := autograd.NewParam("p", tensor.FromValues(pt[:], 2))
			tp := autograd.NewTape()
			f := s.build(tp, p)
			tp.Backward(f)
			gx, gy := grads[id](pt[0], pt[1])
			if math.Abs(f.Item()-s.f(pt[0], pt[1])) > 1e-12 ||
				math.Abs(p.Grad.Data[0]-gx) > 1e-9 || math.Abs(p.Grad.Data[1]-gy) > 1e-9 {
				t.Errorf("%s at %v: f = %v (want %v), g = %v (want %v, %v)", id, pt, f.Item(), s.f(pt[0], pt[1]), p.Grad.Data, gx, gy)
			}
		}
	}
}
