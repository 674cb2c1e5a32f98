package toolkit

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// run plays the lesson to its end with the given settings on seed.
func run(t *testing.T, seed uint64, set lessons.Settings) (*machine, scene.Scene) {
	t.Helper()
	r, err := lessons.Start(Lesson(), seed, set)
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.End)
	return lessons.MachineOf(r).(*machine), r.Scene()
}

// TestDefaultsMeetTheGoal: He initialisation trains the 10-layer ReLU
// network past the goal on both seeds the course uses.
func TestDefaultsMeetTheGoal(t *testing.T) {
	for _, seed := range []uint64{42, 43} {
		m, sc := run(t, seed, nil)
		acc := m.Measures().Values["test_acc"]
		t.Logf("seed %d: test accuracy %.1f%%", seed, acc)
		if v := sc.Goal.Verdict; v == nil || !v.Success || acc < GoalAcc+5 {
			t.Fatalf("seed %d: test accuracy %.1f%%, verdict %+v; want the goal met with a margin of 5 points", seed, acc, sc.Goal.Verdict)
		}
	}
}

// TestBadSettingsMissTheGoal: zero and too-small initialisation cannot
// train the network (it stays at chance), raw pixels diverge; each
// verdict names its cause and the change that cures it.
func TestBadSettingsMissTheGoal(t *testing.T) {
	for _, c := range []struct {
		set            lessons.Settings
		cause, control string
	}{
		{lessons.Settings{"init": "zeros"}, lessons.CauseDead, "init"},
		{lessons.Settings{"init": "small"}, lessons.CausePlateau, "init"},
		{lessons.Settings{"inputs": "raw"}, lessons.CauseDiverged, "inputs"},
		{lessons.Settings{"init": "large"}, lessons.CauseDiverged, "init"},
		// He's start and standardised inputs: the rate itself is too high.
		{lessons.Settings{"lr": "1"}, lessons.CauseDiverged, "lr"},
	} {
		m, sc := run(t, 42, c.set)
		v := sc.Goal.Verdict
		acc := m.Measures().Values["test_acc"]
		t.Logf("%v: %.1f%% %s", c.set, acc, sc.Status.Message)
		if v == nil || v.Success || v.Cause != c.cause || v.Control != c.control {
			t.Fatalf("%v: verdict %+v, want cause %q and a change of %s", c.set, v, c.cause, c.control)
		}
		if c.cause != lessons.CauseDiverged && math.Abs(acc-10) > 5 {
			t.Errorf("%v: test accuracy %.1f%%, want chance (10%% ± 5)", c.set, acc)
		}
	}
}

// TestBatchNormRescuesSmallInit: the same too-small start that cannot
// train learns with batch normalisation on.
func TestBatchNormRescuesSmallInit(t *testing.T) {
	off, _ := run(t, 42, lessons.Settings{"init": "small"})
	on, _ := run(t, 42, lessons.Settings{"init": "small", "bn": "on"})
	a, b := off.Measures().Values["test_acc"], on.Measures().Values["test_acc"]
	if !(b > a+20) {
		t.Fatalf("small init: %.1f%% without batch norm, %.1f%% with; want batch norm 20 points better", a, b)
	}
}

// TestSurfaceMaths checks the Hessian, its eigenvalues and 2/λmax against
// finite differences of the loss and a hand case, and that gradient
// descent diverges just above 2/λmax and converges just below.
func TestSurfaceMaths(t *testing.T) {
	raw, std := newSurfaces(42, 0.5)
	for _, s := range []*surface{raw, std} {
		const h = 1e-4
		w, b := 0.3, -0.7
		fd := [2][2]float64{
			{(s.loss(w+h, b) - 2*s.loss(w, b) + s.loss(w-h, b)) / (h * h), (s.loss(w+h, b+h) - s.loss(w+h, b-h) - s.loss(w-h, b+h) + s.loss(w-h, b-h)) / (4 * h * h)},
			{0, (s.loss(w, b+h) - 2*s.loss(w, b) + s.loss(w, b-h)) / (h * h)},
		}
		fd[1][0] = fd[0][1]
		for i := range 2 {
			for j := range 2 {
				if math.Abs(fd[i][j]-s.h[i][j]) > 1e-5 {
					t.Fatalf("%s: H[%d][%d] = %g, finite differences %g", s.name, i, j, s.h[i][j], fd[i][j])
				}
			}
		}
		gw, gb := s.grad(w, b)
		if math.Abs(gw-(s.loss(w+h, b)-s.loss(w-h, b))/(2*h)) > 1e-6 || math.Abs(gb-(s.loss(w, b+h)-s.loss(w, b-h))/(2*h)) > 1e-6 {
			t.Fatalf("%s: gradient differs from finite differences", s.name)
		}
		if gw, gb := s.grad(s.wOpt, s.bOpt); math.Hypot(gw, gb) > 1e-9 {
			t.Fatalf("%s: gradient %g, %g at the minimum", s.name, gw, gb)
		}
		above := newSurface(s.name, s.u, s.y, 1.05*s.limit)
		below := newSurface(s.name, s.u, s.y, 0.95*s.limit)
		if !above.diverged || below.diverged || below.final() > below.pathLoss[0] {
			t.Fatalf("%s: at 1.05·2/λmax diverged %v; at 0.95·2/λmax diverged %v (loss %g → %g)", s.name, above.diverged, below.diverged, below.pathLoss[0], below.final())
		}
	}
	// Standardised inputs: H = 2·I exactly, condition number 1.
	if math.Abs(std.h[0][0]-2) > 1e-12 || math.Abs(std.h[0][1]) > 1e-12 || math.Abs(std.cond-1) > 1e-12 {
		t.Errorf("standardised H = %v, cond %g; want 2·I and 1", std.h, std.cond)
	}
	// A hand case: [[2, 1], [1, 2]] has eigenvalues 3 and 1.
	if hi, lo := eig2([2][2]float64{{2, 1}, {1, 2}}); math.Abs(hi-3) > 1e-15 || math.Abs(lo-1) > 1e-15 {
		t.Errorf("eig2 = %g, %g; want 3, 1", hi, lo)
	}
	// At the default rate 0.9 the raw path diverges and the standardised
	// one converges: the lesson's point in numbers.
	raw9, std9 := newSurfaces(42, 0.9)
	if !raw9.diverged || std9.diverged || raw.limit >= 0.9 || std.limit <= 0.9 {
		t.Errorf("rate 0.9: raw diverged %v (2/λmax %g), standardised diverged %v (2/λmax %g)", raw9.diverged, raw.limit, std9.diverged, std.limit)
	}
}

// TestSchedules checks the schedules against the schedule exercise's
// definitions (PyTorch's StepLR and CosineAnnealingLR) on hand cases.
func TestSchedules(t *testing.T) {
	for _, c := range []struct {
		sched           string
		lr              float64
		warm, total, at int
		want            float64
	}{
		{"constant", 0.1, 0, 100, 57, 0.1},
		{"constant", 0.1, 10, 100, 0, 0},
		{"constant", 0.1, 10, 100, 5, 0.05},
		{"constant", 0.1, 10, 100, 10, 0.1},
		{"step", 0.1, 0, 99, 32, 0.1},
		{"step", 0.1, 0, 99, 33, 0.02},
		{"step", 0.1, 0, 99, 98, 0.1 * 0.04},
		{"cosine", 0.1, 0, 100, 0, 0.1},
		{"cosine", 0.1, 0, 100, 50, 0.05},
		{"cosine", 0.1, 0, 100, 100, 0},
		{"cosine", 0.1, 20, 100, 20, 0.1},
		{"cosine", 0.1, 20, 100, 60, 0.05},
		{"cosine", 0.1, 20, 100, 10, 0.05},
	} {
		if got := rateAt(c.sched, c.lr, c.warm, c.total, c.at); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s lr %g warm-up %d of %d, t = %d: %g, want %g", c.sched, c.lr, c.warm, c.total, c.at, got, c.want)
		}
	}
}

// TestSurveyScales: the survey's spreads follow σ·√(in/2) per ReLU
// layer: He keeps them level, N(0, 0.01²) shrinks them ~25-fold a layer,
// N(0, 1) grows them, zeros leaves nothing.
func TestSurveyScales(t *testing.T) {
	train, _, _, _ := loadDigits(42, true)
	s := newSurvey(42, train)
	he, small, large, zeros := s.act[s.of("he")], s.act[s.of("small")], s.act[s.of("large")], s.act[s.of("zeros")]
	if r := he[Depth-2] / he[0]; r < 1.0/3 || r > 3 {
		t.Errorf("He: layer 9 / layer 1 spread %g, want within 3×", r)
	}
	if f := ratioPerLayer(small); math.Abs(f-SmallStd*math.Sqrt(Width/2.0)) > 0.02 {
		t.Errorf("small: factor per layer %g, want about %g", f, SmallStd*math.Sqrt(Width/2.0))
	}
	if ratioPerLayer(large) < 3 {
		t.Errorf("large: factor per layer %g, want about 4", ratioPerLayer(large))
	}
	for _, v := range zeros {
		if v != 0 {
			t.Fatalf("zeros: spread %g, want 0", v)
		}
	}
	// The gradient reaching layer 1 vanishes with the small start.
	if g := s.grad[s.of("small")][0]; !(g < 1e-6*s.grad[s.of("he")][0]) {
		t.Errorf("small start: gradient at layer 1 %g, He's %g", g, s.grad[s.of("he")][0])
	}
}

// TestQuestions answers every question right and wrong through the
// runtime, and checks the depth question against the survey directly.
func TestQuestions(t *testing.T) {
	l := Lesson()
	right := lessontest.Walk(t, l, 42, nil, lessontest.Right)
	wrong := lessontest.Walk(t, l, 42, nil, lessontest.Wrong)
	if len(right.Questions) < 3 || len(wrong.Questions) != len(right.Questions) {
		t.Fatalf("questions: %d right, %d wrong", len(right.Questions), len(wrong.Questions))
	}
	for i, q := range right.Questions {
		if !q.Correct || wrong.Questions[i].Correct || strings.TrimSpace(q.Explain) == "" {
			t.Errorf("%s: right %v, wrong %v", q.ID, q.Correct, wrong.Questions[i].Correct)
		}
	}
	want := map[string]string{"depth-spread": depthChoices[0], "grad-spread": gradChoices[0], "raw-converges": convergeChoices[1]}
	for _, q := range right.Questions {
		if w, ok := want[q.ID]; ok && q.Answer != w {
			t.Errorf("%s: answer %q, want %q at the defaults", q.ID, q.Answer, w)
		}
	}
	// Each initialisation gives its own answer to the depth question.
	for name, w := range map[string]int{"zeros": 3, "small": 1, "large": 2} {
		r, _ := lessons.Start(l, 42, lessons.Settings{"init": name})
		q := r.Question()
		if q == nil || q.ID != "depth-spread" || q.AnswerIndex != w {
			t.Errorf("init %s: question %+v, want answer %d", name, q, w)
		}
		// The gradient question, resolved on the machine at its stage.
		m := lessons.MachineOf(r).(*machine)
		m.at = stageSurvey
		a := m.Ask()
		if a == nil || a.ID != "grad-spread" {
			t.Fatalf("init %s: at the survey the question is %+v", name, a)
		}
		if got := a.Resolve(m).Choice; got != w {
			t.Errorf("init %s: gradient answer %q, want %q", name, gradChoices[got], gradChoices[w])
		}
	}
}

// TestBatchNormInTheNetwork: with batch normalisation on, every hidden
// layer's pre-activations have mean ≈ β = 0 and std ≈ γ = 1 over the
// batch at the start, whatever the weights' scale.
func TestBatchNormInTheNetwork(t *testing.T) {
	train, _, _, _ := loadDigits(42, true)
	for _, init := range []string{"small", "large"} {
		n := newNet(init, true, tensor.NewRNG(1))
		p := n.forward(autograd.NoGradTape(), autograd.Const("x", train.X))
		for l, z := range p.z {
			if s := std(z.Value.Data); math.Abs(s-1) > 0.01 && !(init == "small" && l > 2) {
				t.Errorf("%s, layer %d: std %g after batch norm, want 1", init, l+1, s)
			}
		}
	}
}

// TestWarmupRescuesHighRate: at rate 0.3 the He network diverges on seed
// 43 within its first steps; a linear warm-up over 40 steps takes it
// through them and it trains.
func TestWarmupRescuesHighRate(t *testing.T) {
	_, cold := run(t, 43, lessons.Settings{"lr": "0.3"})
	m, warm := run(t, 43, lessons.Settings{"lr": "0.3", "warmup": "40"})
	if !cold.Status.Diverged {
		t.Fatalf("rate 0.3 without warm-up: %s, want diverged", cold.Status.Message)
	}
	if acc := m.Measures().Values["test_acc"]; warm.Status.Diverged || acc < 50 {
		t.Fatalf("rate 0.3 with 40 warm-up steps: %s (%.1f%%)", warm.Status.Message, acc)
	}
}
