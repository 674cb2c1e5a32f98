package privacy

import (
	"testing"

	"github.com/dlearn/dlearn/engine/privacy"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
)

// ended runs the lesson to its end with the given settings.
func ended(t *testing.T, seed uint64, set lessons.Settings) (*lessons.Run, scene.Scene) {
	t.Helper()
	r, err := lessons.Start(Lesson(), seed, set)
	if err != nil {
		t.Fatal(err)
	}
	r.Advance(lessons.End)
	if !r.Done() {
		t.Fatal("the run did not end")
	}
	return r, r.Scene()
}

// TestGoalMetAtDefaults: on seeds 42 and 43 DP-SGD within ε ≤ 8 loses at
// most Target points of held-out accuracy, ε ends near 7.4, and the
// attack's advantage drops by at least 0.08 from the plain network's.
func TestGoalMetAtDefaults(t *testing.T) {
	for _, seed := range []uint64{42, 43} {
		r, sc := ended(t, seed, nil)
		m := lessons.MachineOf(r).(*machine)
		v := m.view()
		t.Logf("seed %d: cost %.1f points (plain %.1f%%, private %.1f%%), ε %.3f, advantage %.3f → %.3f, attack %.1f%% → %.1f%%",
			seed, v.Cost, 100*v.BaseHeld, 100*v.RelHeld, v.Eps, v.Base.Adv, v.RelAdv, 100*v.Base.Acc, 100*v.Priv.Acc)
		if vd := sc.Goal.Verdict; vd == nil || !vd.Success || sc.Status.Level != scene.LevelSuccess {
			t.Fatalf("seed %d: goal not met: %+v", seed, sc.Goal)
		}
		if v.Eps > Budget || v.Eps < 7 || v.Released != m.cfg.epochs {
			t.Errorf("seed %d: ε %g, released epoch %d", seed, v.Eps, v.Released)
		}
		if v.Base.Adv-v.RelAdv < 0.08 || v.Base.Acc < 0.57 {
			t.Errorf("seed %d: the attack's advantage %g → %g (accuracy %g): no measurable drop", seed, v.Base.Adv, v.RelAdv, v.Base.Acc)
		}
	}
}

// TestBadSettingsMissWithTheirCause: no noise spends an infinite budget
// at the first step; a learning rate fifty times too small leaves the
// private network still learning; one six times too large (for DP-SGD
// only: the plain network keeps its own) stalls it; a clip norm of 10
// makes the noise σ·C ten times larger and the weights run away.
func TestBadSettingsMissWithTheirCause(t *testing.T) {
	for _, c := range []struct {
		set   lessons.Settings
		cause string
	}{
		{lessons.Settings{"sigma": "0"}, CauseBudget},
		{lessons.Settings{"lr": "0.01"}, lessons.CauseDescending},
		{lessons.Settings{"lr": "3"}, lessons.CausePlateau},
		{lessons.Settings{"clip": "10"}, lessons.CauseExploding},
	} {
		_, sc := ended(t, lessons.DefaultSeed, c.set)
		vd := sc.Goal.Verdict
		t.Logf("%v: %s = %s; %s: %s; try: %s", c.set, sc.Goal.Measure, sc.Goal.Value, vd.Cause, vd.Explain, vd.Try)
		if vd.Success || vd.Cause != c.cause || vd.Try == "" || sc.Status.Level == scene.LevelSuccess {
			t.Errorf("%v: verdict %+v, want missed with cause %q", c.set, vd, c.cause)
		}
	}
}

// TestQuestionsRightAndWrong walks the default run answering every
// question right, then every one wrong.
func TestQuestionsRightAndWrong(t *testing.T) {
	l := Lesson()
	right := lessontest.Walk(t, l, lessons.DefaultSeed, nil, lessontest.Right)
	wrong := lessontest.Walk(t, l, lessons.DefaultSeed, nil, lessontest.Wrong)
	ids := map[string]bool{}
	for _, q := range right.Questions {
		ids[q.ID] = true
		if !q.Correct {
			t.Errorf("%s answered right scored wrong: %+v", q.ID, q)
		}
	}
	for _, id := range []string{"attack-acc", "eps-double", "clipped@1", "noise-vs-sum@1"} {
		if !ids[id] {
			t.Errorf("question %s not met", id)
		}
	}
	for _, q := range wrong.Questions {
		if q.Correct {
			t.Errorf("%s answered wrong scored right: %+v", q.ID, q)
		}
	}
	if len(wrong.Questions) != len(right.Questions) {
		t.Errorf("%d questions answered wrong, %d right", len(wrong.Questions), len(right.Questions))
	}
}

// TestEpsilonIsTheAccountants: the run's ε is the RDP accountant's for
// its steps, and a noise multiplier changed mid-run is accounted from the
// next step on: the RDP of both parts adds up.
func TestEpsilonIsTheAccountants(t *testing.T) {
	m := newMachine(lessons.DefaultSeed, Lesson().Defaults())
	m.Advance(lessons.Step) // the plain network and the attack
	m.Advance(lessons.Step) // DP-SGD ready
	for range 10 {
		m.Advance(lessons.Step)
	}
	q := float64(m.cfg.batch) / N
	got, _ := m.acct.Epsilon(Delta)
	want, _ := privacy.Epsilon(q, 1.7, 10, Delta)
	if got != want || m.acct.Count() != 10 {
		t.Fatalf("after 10 steps: ε %g (%d steps), want %g", got, m.acct.Count(), want)
	}
	m.Set("sigma", "3")
	for range 5 {
		m.Advance(lessons.Step)
	}
	var a privacy.Accountant
	a.Steps(q, 1.7, 10)
	a.Steps(q, 3, 5)
	got, _ = m.acct.Epsilon(Delta)
	want, _ = a.Epsilon(Delta)
	if got != want {
		t.Errorf("σ 1.7 then 3: ε %g, want %g", got, want)
	}
	if d := m.dp; d.sigma != 3 || d.noiseNorm/d.C < 2.5*100 {
		t.Errorf("the last step used σ %g, noise norm %g", d.sigma, d.noiseNorm)
	}
}
