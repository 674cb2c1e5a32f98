package linreg

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// end runs the lesson to its end with settings and returns its last scene.
func end(t *testing.T, set lessons.Settings) (*lessons.Run, scene.Scene) {
	t.Helper()
	r := start(t, set)
	r.Advance(lessons.End)
	return r, r.Scene()
}

// hessian is the Hessian of the full-data MSE in (W, b) for inputs us,
// with its eigenvalues from the characteristic polynomial, computed here
// independently of the lesson's code.
func hessian(us []float64) (lmin, lmax float64) {
	var su, suu float64
	for _, u := range us {
		su += u
		suu += u * u
	}
	n := float64(len(us))
	a, b, d := 2*suu/n, 2*su/n, 2.0
	tr, det := a+d, a*d-b*b
	disc := math.Sqrt(tr*tr - 4*det)
	return (tr - disc) / 2, (tr + disc) / 2
}

// TestVerdicts runs the lesson at its defaults (the seed's Keras program)
// and at two bad rates: success, noise and overshoot, explosion.
func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		lr      string
		success bool
		cause   string
		value   string
	}{
		{"0.01", true, "", "2.057"},
		{"0.75", false, lessons.CauseOscillating, "1.021"},
		{"0.8", false, lessons.CauseExploding, ""},
	} {
		t.Run("lr "+c.lr, func(t *testing.T) {
			_, sc := end(t, lessons.Settings{"lr": c.lr})
			v := sc.Goal.Verdict
			if v == nil || v.Success != c.success || v.Cause != c.cause {
				t.Fatalf("verdict %+v, want success %v cause %q", v, c.success, c.cause)
			}
			if c.value != "" && sc.Goal.Value != c.value {
				t.Errorf("ŷ(0.5) = %s, want %s", sc.Goal.Value, c.value)
			}
			if !c.success && (sc.Status.Level == scene.LevelSuccess || strings.Contains(sc.Narrative, "Goal met")) {
				t.Errorf("a missed goal reads as success: %+v\n%s", sc.Status, sc.Narrative)
			}
			if !c.success && v.Control == "lr" && !strings.HasPrefix(v.Try, "lower") {
				t.Errorf("try %q: the rate is too large here", v.Try)
			}
		})
	}
}

// TestFinishedAdviceFollowsTheRegime holds the finished text to the run:
// too small a rate is told to go up, a noisy or exploding one never is.
func TestFinishedAdviceFollowsTheRegime(t *testing.T) {
	raise := []string{"Raise the learning rate", "raise the learning rate", "**]**"}
	for _, c := range []struct {
		lr, want string
		mayRaise bool
	}{
		{"0.001", "Goal missed: still descending", true},
		{"0.75", "Goal missed: noise and overshoot", false},
		{"0.8", "The loss exploded", false},
		{"3", "Stopped in step 2: the loss jumped", false},
	} {
		t.Run("lr "+c.lr, func(t *testing.T) {
			_, sc := end(t, lessons.Settings{"lr": c.lr})
			if !strings.Contains(sc.Narrative, c.want) {
				t.Fatalf("finished text lacks %q:\n%s", c.want, sc.Narrative)
			}
			for _, r := range raise {
				if has := strings.Contains(sc.Narrative, r); has && !c.mayRaise {
					t.Errorf("lr %s: finished text advises raising the rate (%q):\n%s", c.lr, r, sc.Narrative)
				} else if !has && c.mayRaise && r == "Raise the learning rate" {
					t.Errorf("lr %s: finished text does not advise raising the rate:\n%s", c.lr, sc.Narrative)
				}
			}
			if !c.mayRaise && !strings.Contains(sc.Narrative, "Lower the learning rate") {
				t.Errorf("lr %s: no advice to lower the rate:\n%s", c.lr, sc.Narrative)
			}
		})
	}
}

// TestStabilityLimitIsComputedFromTheData checks the 2/λmax the text shows
// against the Hessian of this data, and that it separates 0.75 from 0.8.
func TestStabilityLimitIsComputedFromTheData(t *testing.T) {
	r, sc := end(t, lessons.Settings{"lr": "0.8"})
	lmin, lmax := hessian(mach(r).x.Data)
	limit := 2 / lmax
	if !(0.75 < limit && limit < 0.8) {
		t.Fatalf("2/λmax = %v: the lesson's rates 0.75 and 0.8 no longer straddle it", limit)
	}
	for _, want := range []string{
		"above 2/λmax ≈ " + trainer.Num(limit) + " the loss explodes",
		"λmax = " + trainer.Num(lmax),
	} {
		if !strings.Contains(sc.Narrative, want) {
			t.Errorf("finished text at lr 0.8 lacks %q:\n%s", want, sc.Narrative)
		}
	}
	_, sc = end(t, nil)
	left := math.Pow(1-0.01*lmin, 400)
	for _, want := range []string{
		"λmin = " + trainer.Num(lmin) + "**",
		"κ = " + trainer.Num(lmax/lmin),
		fmt.Sprintf("(1 − 0.01·%s)^400 = %s%%", trainer.Num(lmin), trainer.Num(100*left)),
	} {
		if !strings.Contains(sc.Narrative, want) {
			t.Errorf("finished text at the defaults lacks %q:\n%s", want, sc.Narrative)
		}
	}
	var kappa []string
	for _, p := range sc.Panels {
		if p.Table != nil && p.Table.Columns[0] == "centre x" {
			kappa = p.Table.Rows[2]
		}
	}
	if len(kappa) != 4 || kappa[0] != "κ" || kappa[1] != trainer.Num(lmax/lmin) || kappa[3] != "1" {
		t.Errorf("curvature table's κ row %v, want %s for raw x and 1 standardised", kappa, trainer.Num(lmax/lmin))
	}
	if math.Abs(lmin-0.114) > 0.001 || math.Abs(lmax-2.61) > 0.01 {
		t.Errorf("eigenvalues %v, %v: the review's 0.114 and 2.61 no longer hold", lmin, lmax)
	}
}

// TestCentring checks the centre x control: the curvature it shows is the
// Hessian of the centred (or standardised) input, the prediction is still
// made for x, and standardising makes the fit arrive at lr 0.01.
func TestCentring(t *testing.T) {
	raw, _ := end(t, nil)
	xs := mach(raw).x.Data
	lmin, lmax := hessian(xs)
	rawKappa := lmax / lmin
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= N
	cent := make([]float64, N)
	for i, x := range xs {
		cent[i] = x - mean
	}
	cmin, cmax := hessian(cent)
	if cmax/cmin >= rawKappa {
		t.Fatalf("centring does not lower κ: %v vs %v", cmax/cmin, rawKappa)
	}
	r, sc := end(t, lessons.Settings{"centre": "on"})
	m := mach(r)
	if got := m.curvatureOf(m.centre).Kappa(); math.Abs(got-cmax/cmin) > 1e-9 {
		t.Errorf("centred κ = %v, want %v", got, cmax/cmin)
	}
	if !strings.Contains(sc.Narrative, "κ = "+trainer.Num(cmax/cmin)+" (it was "+trainer.Num(rawKappa)+" for raw x)") {
		t.Errorf("centred finished text does not show κ falling from %s to %s:\n%s", trainer.Num(rawKappa), trainer.Num(cmax/cmin), sc.Narrative)
	}
	// The prediction is for x: W·(0.5 − mean) + b with the neuron's own W, b.
	wu, bu := m.dense.W.Value.Data[0], m.dense.B.Value.Data[0]
	if p := m.Measures().Values["pred"]; math.Abs(p-(wu*(Query-mean)+bu)) > 1e-12 {
		t.Errorf("centred prediction %v, want %v", p, wu*(Query-mean)+bu)
	}

	// Standardised: κ = 1 and at the program's lr 0.01 the whole line
	// arrives, where raw x leaves W far from least squares.
	r, sc = end(t, lessons.Settings{"centre": "scale"})
	m = mach(r)
	if k := m.curvatureOf(CentreScale).Kappa(); math.Abs(k-1) > 1e-9 {
		t.Errorf("standardised κ = %v, want 1", k)
	}
	lsw, lsb := m.leastSquares()
	w, b := m.line()
	if math.Abs(w-lsw) > 0.05 || math.Abs(b-lsb) > 0.05 || !sc.Goal.Verdict.Success {
		t.Errorf("standardised at lr 0.01: W, b = %v, %v; least squares %v, %v; verdict %+v", w, b, lsw, lsb, sc.Goal.Verdict)
	}
	if rw, _ := mach(raw).line(); math.Abs(rw-lsw) < 0.5 {
		t.Errorf("raw x at lr 0.01 reached W = %v: the conditioning lesson no longer shows", rw)
	}
	// Restarting: a change of centring starts the run again.
	r = start(t, nil)
	r.Advance(lessons.Step)
	if restarted, err := r.Set("centre", "on"); err != nil || !restarted || r.Scene().Pos.Step != 0 {
		t.Fatalf("Set centre: restarted %v, err %v", restarted, err)
	}
}

// TestBatchOneIsOneSampleSGD: the source's SGD, one sample per step, is a
// setting, and the intro sets it against Keras's mini-batches.
func TestBatchOneIsOneSampleSGD(t *testing.T) {
	c, _ := Lesson().Control("batch")
	if p, err := c.Parse("1"); err != nil || p != "1" || c.Next("4", -1) != "1" {
		t.Fatalf("batch size 1 is not a setting: %q %v, ladder %v", p, err, c.Ladder)
	}
	r := start(t, lessons.Settings{"batch": "1"})
	sc := r.Scene()
	if sc.Pos.Steps != 100*N {
		t.Fatalf("batch 1: %d steps, want %d", sc.Pos.Steps, 100*N)
	}
	for _, want := range []string{"Textbook SGD takes *one* sample per step", "Set the batch size to 1", "an epoch is ⌈100/1⌉ = 100 steps"} {
		if !strings.Contains(sc.Narrative, want) {
			t.Errorf("intro lacks %q:\n%s", want, sc.Narrative)
		}
	}
	r.Advance(lessons.Op)
	if mach(r).xb.Shape[0] != 1 {
		t.Fatalf("batch 1 feeds %d rows", mach(r).xb.Shape[0])
	}
}

// TestStepsAndEpochsCountedLikeTheHeader: the update text counts completed
// epochs as the header (Pos.Epoch) does.
func TestStepsAndEpochsCountedLikeTheHeader(t *testing.T) {
	r := start(t, nil)
	for range 9 {
		r.Advance(lessons.Step)
		sc := r.Scene()
		done := fmt.Sprintf("%d of %d", sc.Pos.Epoch, sc.Pos.Epochs)
		if !strings.Contains(sc.Narrative, done) || !strings.Contains(sc.Narrative, fmt.Sprintf("step %d/%d", sc.Pos.Step, sc.Pos.Steps)) {
			t.Fatalf("step %d, header epoch %d/%d: the text does not agree:\n%s", sc.Pos.Step, sc.Pos.Epoch, sc.Pos.Epochs, sc.Narrative)
		}
		if strings.Contains(sc.Narrative, "(epoch") {
			t.Fatalf("old epoch wording:\n%s", sc.Narrative)
		}
	}
}

// TestKerasProgramPanel: the intro sets the Keras program beside the
// engine, with the defaults the program never states.
func TestKerasProgramPanel(t *testing.T) {
	r := start(t, nil)
	sc := r.Scene()
	tb := sc.Panels[0].Table
	if tb == nil || tb.Columns[0] != "Keras" {
		t.Fatalf("first panel at the start: %+v", sc.Panels[0])
	}
	var keras, engine strings.Builder
	for _, row := range tb.Rows {
		keras.WriteString(row[0] + "\n")
		engine.WriteString(row[1] + "\n")
	}
	for _, want := range []string{"Dense(1, input_dim=1)", "optimizer='sgd'", "loss='mean_squared_error'", "epochs=100", "model.predict([[0.5]])"} {
		if !strings.Contains(keras.String(), want) {
			t.Errorf("Keras column lacks %q", want)
		}
	}
	w0 := trainer.Num(mach(r).dense.W.Value.Data[0])
	for _, want := range []string{"batch_size 32", "lr 0.01 (Keras's default)", "Glorot-uniform", "√3 = √(6/(1 input + 1 output))", "here W = " + w0, "b = 0", "⌈100/32⌉ = 4 steps", "3×32 + one of 4", "mean of (ŷ − y)²"} {
		if !strings.Contains(engine.String(), want) {
			t.Errorf("engine column lacks %q:\n%s", want, engine.String())
		}
	}
}

// TestQuestions answers every question right and then wrong through the
// runtime and checks the reveals and the score.
func TestQuestions(t *testing.T) {
	right := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Right)
	want := []string{"reach-goal", "dW-sign", "W-after", "W-end"}
	if len(right.Questions) != len(want) {
		t.Fatalf("%d questions, want %v", len(right.Questions), want)
	}
	for i, q := range right.Questions {
		if q.ID != want[i] || !q.Correct || q.Explain == "" || q.Answer == "" {
			t.Errorf("question %d: %+v", i, q)
		}
	}
	if s := right.Run.Score(); s.Correct != 4 || s.Wrong != 0 {
		t.Errorf("all right: score %+v", s)
	}
	// The answers are the run's: yes (it ends at 2.057), the gradient's
	// sign at step 1, and W after step 1.
	if a := right.Questions[0]; a.Answer != "yes" || !strings.Contains(a.Explain, "2.057") {
		t.Errorf("reach-goal: %+v", a)
	}
	r := start(t, nil)
	r.Advance(lessons.Step)
	w1 := mach(r).dense.W.Value.Data[0]
	if got := right.Questions[2].Answer; got != lessons.FormatNum(w1) {
		t.Errorf("W-after answer %s, want W after step 1 = %v", got, w1)
	}
	if wEnd, _ := mach(right.Run).line(); right.Questions[3].Answer != lessons.FormatNum(wEnd) || !strings.Contains(right.Questions[3].Explain, "63.28%") {
		t.Errorf("W-end: %+v, the run ends at W = %v", right.Questions[3], wEnd)
	}
	wrong := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Wrong)
	if s := wrong.Run.Score(); s.Wrong != 4 || s.Correct != 0 {
		t.Errorf("all wrong: score %+v", s)
	}
	for _, q := range wrong.Questions {
		if q.Correct || !q.Answered || q.Explain == "" {
			t.Errorf("wrong answer revealed as %+v", q)
		}
	}
	// At lr 0.8 the first answer turns: the run explodes.
	hot := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"lr": "0.8"}, lessontest.Right)
	if a := hot.Questions[0]; a.Answer != "no" {
		t.Errorf("reach-goal at lr 0.8: %+v", a)
	}
	// Centred, the gradient question no longer claims every x is positive.
	cent := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"centre": "on"}, lessontest.Right)
	if e := cent.Questions[1].Explain; strings.Contains(e, "every x is positive") {
		t.Errorf("centred dW-sign explanation: %s", e)
	}
}

// TestDivergedSceneEncodes: a run that diverged has infinite losses; its
// scene still encodes as JSON (the plots leave those points out).
func TestDivergedSceneEncodes(t *testing.T) {
	for _, lr := range []string{"3", "0.8"} {
		_, sc := end(t, lessons.Settings{"lr": lr})
		if _, err := json.Marshal(sc); err != nil {
			t.Errorf("lr %s: %v", lr, err)
		}
	}
}
