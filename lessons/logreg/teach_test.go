package logreg

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

func end(t *testing.T, set lessons.Settings) (*lessons.Run, scene.Scene) {
	t.Helper()
	r := start(t, set)
	r.Advance(lessons.End)
	return r, r.Scene()
}

// TestVerdicts runs the seed's program (the defaults) and two other rates
// to the end: the program misses 95% while still descending and is told
// to raise the rate to 1, which reaches it; lr 300 overshoots.
func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		lr, value string
		success   bool
		cause     string
		try       string
	}{
		{"0.01", "76%", false, lessons.CauseDescending, "raise the learning rate from 0.01 to 1"},
		{"1", "99%", true, "", ""},
		{"300", "50%", false, lessons.CauseExploding, "lower the learning rate from 300 to 1"},
	} {
		t.Run("lr "+c.lr, func(t *testing.T) {
			r, sc := end(t, lessons.Settings{"lr": c.lr})
			v := sc.Goal.Verdict
			if v == nil || v.Success != c.success || v.Cause != c.cause || v.Try != c.try || sc.Goal.Value != c.value {
				t.Fatalf("goal %+v verdict %+v, want %s success %v cause %q try %q", sc.Goal, v, c.value, c.success, c.cause, c.try)
			}
			if !c.success && (sc.Status.Level == scene.LevelSuccess || strings.Contains(sc.Narrative, "Goal met")) {
				t.Errorf("a missed goal reads as success: %+v\n%s", sc.Status, sc.Narrative)
			}
			if _, err := json.Marshal(sc); err != nil {
				t.Errorf("the final scene does not encode: %v", err)
			}
			if c.lr == "300" {
				ms := mach(r).Measures()
				if ms.Values[lessons.SignalSaturated] != 1 || mach(r).clippedWrong() == 0 {
					t.Errorf("lr 300: saturated %v, clipped wrong points %d", ms.Values[lessons.SignalSaturated], mach(r).clippedWrong())
				}
				for _, bad := range []string{"Raise", "raise", "**]**"} {
					if strings.Contains(sc.Narrative, bad) {
						t.Errorf("lr 300: the finished text advises raising the rate:\n%s", sc.Narrative)
					}
				}
			}
		})
	}
	// The rate the verdict suggests is checked here, not assumed: it meets
	// the goal, where the alternative 0.3 has less margin.
	_, sc := end(t, lessons.Settings{"lr": goal.Remedies[lessons.CauseDescending].Value})
	if !sc.Goal.Verdict.Success {
		t.Fatalf("the suggested rate misses the goal: %+v", sc.Goal)
	}
}

// TestFinishedText: the finished text agrees with the goal, names the
// cause of the miss, counts the points on the wrong side truthfully (the
// review's #11) and ends with the program's prediction at (0.3, 0.7).
func TestFinishedText(t *testing.T) {
	r, sc := end(t, nil)
	for _, want := range []string{"Goal missed: still descending", "This is the source's program exactly", "Set the learning rate\nto 1", "24 of the 100 points are on the wrong side"} {
		if !strings.Contains(sc.Narrative, want) {
			t.Errorf("default finished text lacks %q:\n%s", want, sc.Narrative)
		}
	}
	checkPrediction(t, r, sc)

	r, sc = end(t, lessons.Settings{"lr": "1"})
	for _, want := range []string{"Goal met", "One of the 100 points is on the wrong side"} {
		if !strings.Contains(sc.Narrative, want) {
			t.Errorf("lr 1 finished text lacks %q:\n%s", want, sc.Narrative)
		}
	}
	if strings.Contains(sc.Narrative, "once every point is on the right side") {
		t.Errorf("lr 1 (99%%) claims every point is on the right side:\n%s", sc.Narrative)
	}
	checkPrediction(t, r, sc)

	r, sc = end(t, lessons.Settings{"lr": "30"})
	if _, acc := mach(r).evaluate(); acc != 1 || !strings.Contains(sc.Narrative, "Every point is on its correct side") {
		t.Errorf("lr 30 (accuracy %v):\n%s", acc, sc.Narrative)
	}
}

// checkPrediction checks p(0.3, 0.7) and the distance of the model's
// boundary from it against a computation here.
func checkPrediction(t *testing.T, r *lessons.Run, sc scene.Scene) {
	t.Helper()
	m := mach(r)
	w1, w2, b := m.dense.W.Value.Data[0], m.dense.W.Value.Data[1], m.dense.B.Value.Data[0]
	s := 0.3*w1 + 0.7*w2 + b
	p := 1 / (1 + math.Exp(-s))
	d := math.Abs(s) / math.Sqrt(w1*w1+w2*w2)
	for _, want := range []string{
		"p(0.3, 0.7) = " + trainer.Num(p) + ".**",
		"boundary passes " + trainer.Num(d),
		"x1 + x2 = 0.3 + 0.7 = 1",
		"the\nright probability there is 0.5",
	} {
		if !strings.Contains(sc.Narrative, want) {
			t.Errorf("finished text lacks %q:\n%s", want, sc.Narrative)
		}
	}
	var row []string
	for _, pn := range sc.Panels {
		if pn.Title == "parameters" {
			row = pn.Table.Rows[len(pn.Table.Rows)-1]
		}
	}
	if len(row) < 2 || row[0] != "p(0.3, 0.7)" || row[1] != trainer.Num(p) {
		t.Errorf("parameters table ends with %v, want p(0.3, 0.7) = %s", row, trainer.Num(p))
	}
}

// TestStepsAndEpochsCountedLikeTheHeader: the update text counts completed
// epochs as the header (Pos.Epoch) does.
func TestStepsAndEpochsCountedLikeTheHeader(t *testing.T) {
	r := start(t, nil)
	for range 9 {
		r.Advance(lessons.Step)
		sc := r.Scene()
		if !strings.Contains(sc.Narrative, fmt.Sprintf("%d of %d", sc.Pos.Epoch, sc.Pos.Epochs)) || !strings.Contains(sc.Narrative, fmt.Sprintf("step %d/%d", sc.Pos.Step, sc.Pos.Steps)) {
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
	for _, want := range []string{"Dense(1, activation='sigmoid',", "input_dim=2", "optimizer='sgd'", "loss='binary_crossentropy'", "epochs=100", "[[0.3, 0.7]]", "model.predict(X_test)"} {
		if !strings.Contains(keras.String(), want) {
			t.Errorf("Keras column lacks %q", want)
		}
	}
	w := mach(r).dense.W.Value.Data
	for _, want := range []string{"batch_size 32", "lr 0.01 (Keras's default)", "Glorot-uniform in (−√2, √2)", "√(6/(2 inputs + 1 output))", "here w1 = " + trainer.Num(w[0]) + ", w2 = " + trainer.Num(w[1]), "b = 0", "⌈100/32⌉ = 4 steps", "3×32 + one of 4", "p clipped to [1e−7, 1 − 1e−7]"} {
		if !strings.Contains(engine.String(), want) {
			t.Errorf("engine column lacks %q:\n%s", want, engine.String())
		}
	}
	if !strings.Contains(sc.Narrative, "You are done when accuracy ≥ 95%") {
		t.Errorf("intro does not state the goal:\n%s", sc.Narrative)
	}
}

// TestQuestions answers every question right and then wrong through the
// runtime and checks the reveals, the score and that the answers are the
// run's own.
func TestQuestions(t *testing.T) {
	right := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Right)
	want := []string{"reach-goal", "db-sign", "p-moves", "p-final"}
	if len(right.Questions) != len(want) {
		t.Fatalf("%d questions %v, want %v", len(right.Questions), right.Questions, want)
	}
	for i, q := range right.Questions {
		if q.ID != want[i] || !q.Correct || q.Explain == "" || q.Answer == "" {
			t.Errorf("question %d: %+v", i, q)
		}
	}
	if s := right.Run.Score(); s.Correct != 4 || s.Wrong != 0 {
		t.Errorf("all right: score %+v", s)
	}
	if q := right.Questions[0]; q.Answer != "no" || !strings.Contains(q.Explain, "76%") {
		t.Errorf("reach-goal at the defaults: %+v", q)
	}
	m := mach(right.Run)
	pEnd := m.prob(0.3, 0.7)
	if q := right.Questions[3]; q.Answer != lessons.FormatNum(pEnd) {
		t.Errorf("p-final answer %s, the run ends at %v", q.Answer, pEnd)
	}
	// ∂L/∂b and the move of p at (0.3, 0.7) in step 1, from a run here.
	r := start(t, nil)
	for range 8 {
		r.Advance(lessons.Op)
	}
	before := mach(r).prob(0.3, 0.7)
	db := mach(r).loop.Cur.GradSoFar(mach(r).dense.B)[0]
	r.Advance(lessons.Op)
	after := mach(r).prob(0.3, 0.7)
	if got := right.Questions[1].Answer; got != lessons.SignChoices[lessons.SignIndex(db, 0)] {
		t.Errorf("db-sign answer %s, ∂L/∂b = %v", got, db)
	}
	if up := right.Questions[2].Answer == "up"; up != (after > before) {
		t.Errorf("p-moves answer %s, p went %v → %v", right.Questions[2].Answer, before, after)
	}

	wrong := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Wrong)
	if s := wrong.Run.Score(); s.Wrong != 4 || s.Correct != 0 {
		t.Errorf("all wrong: score %+v", s)
	}
	for _, q := range wrong.Questions {
		if q.Correct || !q.Answered || q.Explain == "" || q.Answer == "" {
			t.Errorf("wrong answer revealed as %+v", q)
		}
	}
	// At lr 1 the first answer turns.
	fast := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, lessons.Settings{"lr": "1"}, lessontest.Right)
	if q := fast.Questions[0]; q.Answer != "yes" {
		t.Errorf("reach-goal at lr 1: %+v", q)
	}
}
