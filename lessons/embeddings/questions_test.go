package embeddings

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// TestVerdicts runs the lesson to the end at its defaults and at bad
// learning rates: the defaults meet the goal; 0.01 misses it still
// descending (try the default rate); 1 makes the loss explode and 3
// diverges (try the default rate, not one rung down).
func TestVerdicts(t *testing.T) {
	cases := []struct {
		set            lessons.Settings
		success        bool
		cause, control string
		value          string
	}{
		{nil, true, "", "", ""},
		{lessons.Settings{"lr": "0.01"}, false, lessons.CauseDescending, "lr", "0.1"},
		{lessons.Settings{"lr": "1"}, false, lessons.CauseExploding, "lr", "0.1"},
		{lessons.Settings{"lr": "3"}, false, lessons.CauseDiverged, "lr", "0.1"},
	}
	for _, c := range cases {
		r := start(t, c.set)
		r.Advance(lessons.End)
		sc := r.Scene()
		v := sc.Goal.Verdict
		agree := mach(r).Measures().Values["agree"]
		if v == nil || v.Success != c.success || v.Cause != c.cause || v.Control != c.control || v.Value != c.value {
			t.Errorf("%v: %g%% agree, verdict %+v; want success %v, cause %q, try %s=%s", c.set, agree, v, c.success, c.cause, c.control, c.value)
			continue
		}
		if c.success != (agree >= 40) || (sc.Status.Level == scene.LevelSuccess) != c.success {
			t.Errorf("%v: %g%% agree, status %+v", c.set, agree, sc.Status)
		}
		if sc.Phase == "finished" && !strings.Contains(sc.Narrative, "Exploding") {
			met, missed := strings.Contains(sc.Narrative, "That meets the goal"), strings.Contains(sc.Narrative, "That misses the goal")
			if met != c.success || missed == c.success {
				t.Errorf("%v: success %v, but the finished narrative says met %v, missed %v", c.set, c.success, met, missed)
			}
		}
	}
}

// TestQuestions answers every question right and then wrong through the
// runtime and checks each reveal against the run itself.
func TestQuestions(t *testing.T) {
	right := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Right)
	qs := map[string]scene.Question{}
	for _, q := range right.Questions {
		qs[q.ID] = q
		if !q.Answered || !q.Correct || q.Explain == "" {
			t.Errorf("%s answered right: %+v", q.ID, q)
		}
	}
	for _, id := range []string{"p-context", "dz-favourite", "below-best", "nearest-cat"} {
		if _, ok := qs[id]; !ok {
			t.Fatalf("question %s not met; met %v", id, right.Questions)
		}
	}
	if s := right.Run.Score(); s.Correct != len(right.Questions) || s.Wrong != 0 || len(right.Questions) != 4 {
		t.Errorf("all right: %+v for %d questions", s, len(right.Questions))
	}

	// p-context: the probability the first step's forward pass computes.
	r := start(t, nil)
	for range nodeLogP + 1 {
		r.Advance(lessons.Op)
	}
	m := mach(r)
	p := m.pair()
	pt := math.Exp(m.loop.Cur.Tape.Nodes()[nodeLogP].Out.Value.Data[p.Context])
	if got := num(t, qs["p-context"].Answer); math.Abs(got-pt) > 1e-3*pt {
		t.Errorf("p-context: answer %g, the forward pass has %g", got, pt)
	}
	// dz-favourite: p − onehot at a word that is not the context is
	// positive.
	if q := qs["dz-favourite"]; q.Answer != "positive" || !strings.Contains(q.Explain, "p − onehot") {
		t.Errorf("dz-favourite: %+v", q)
	}
	// below-best: no; the explanation gives the run's loss after epoch 2.
	end := start(t, nil)
	end.Advance(lessons.End)
	me := mach(end)
	if q := qs["below-best"]; q.Answer != "no" || !strings.Contains(q.Explain, trainer.Num(me.epochLoss[1])) {
		t.Errorf("below-best: %+v, loss after epoch 2 %g", q, me.epochLoss[1])
	}
	// nearest-cat: the word nearest to cat at the end of this very run.
	near := me.words.List[me.neighbours(me.words.Index["cat"], 1)[0].id]
	if q := qs["nearest-cat"]; q.Answer != near && !(q.Answer == "another word" && !strings.Contains(q.Prompt, near+" (")) {
		t.Errorf("nearest-cat: answer %q, nearest at the end %q", q.Answer, near)
	}

	wrong := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Wrong)
	for _, q := range wrong.Questions {
		if q.Correct || q.Answer != qs[q.ID].Answer {
			t.Errorf("%s answered wrong: %+v", q.ID, q)
		}
	}
	if s := wrong.Run.Score(); s.Wrong != 4 || s.Correct != 0 {
		t.Errorf("all wrong: %+v", s)
	}
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "−", "-"), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEpochsCountedAsTheHeader: the update's heading counts completed
// epochs, as the header's Pos.Epoch does.
func TestEpochsCountedAsTheHeader(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	sc := r.Scene()
	if sc.Pos.Epoch != 0 || !strings.Contains(sc.Narrative, "## Update · step 1 of 12100 · 0 of 10 epochs done") {
		t.Fatalf("after step 1: epoch %d, narrative:\n%s", sc.Pos.Epoch, sc.Narrative)
	}
	r.Advance(lessons.Epoch)
	sc = r.Scene()
	if sc.Pos.Epoch != 1 || !strings.Contains(sc.Narrative, "· 1 of 10 epochs done") || !strings.Contains(sc.Narrative, "That completes epoch 1 of 10") {
		t.Fatalf("after epoch 1: epoch %d, narrative:\n%s", sc.Pos.Epoch, sc.Narrative)
	}
}
