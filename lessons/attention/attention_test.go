package attention

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

func start(t *testing.T, set lessons.Settings) (*lessons.Run, *machine) {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	return r, lessons.MachineOf(r).(*machine)
}

// Part one's matrices, recomputed here by plain loops.
func TestMechanismMatchesTheDefinition(t *testing.T) {
	for _, causal := range []bool{false, true} {
		mc := newMechanism(causal, tensor.NewRNG(7))
		n, d := len(words), TinyDim
		at := func(t *tensor.Tensor, i, j int) float64 { return t.Data[i*t.Shape[1]+j] }
		for i := range n {
			sum := 0.0
			for j := range n {
				s := 0.0
				for k := range d {
					s += at(mc.Q, i, k) * at(mc.K, j, k)
				}
				near(t, "S", at(mc.S, i, j), s)
				near(t, "S/√d", at(mc.Scaled, i, j), s/2)
				a := at(mc.A, i, j)
				if causal && j > i && a != 0 {
					t.Errorf("causal: A[%d][%d] = %g, want exactly 0", i, j, a)
				}
				if a < 0 {
					t.Errorf("A[%d][%d] = %g < 0", i, j, a)
				}
				sum += a
			}
			near(t, "row sum of A", sum, 1)
			for k := range d {
				o := 0.0
				for j := range n {
					o += at(mc.A, i, j) * at(mc.V, j, k)
				}
				near(t, "O", at(mc.O, i, k), o)
			}
		}
		// The two "the" (rows 0 and 4) share a vector, so without the mask
		// they share their output; with it, they do not.
		same := reflect.DeepEqual(row(mc.O, 0), row(mc.O, 4))
		if same == causal {
			t.Errorf("causal %v: rows 1 and 5 of O equal: %v", causal, same)
		}
		if len(mc.stages()) != 9+btoi(causal) {
			t.Errorf("causal %v: %d stages", causal, len(mc.stages()))
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

// The narrative of part one quotes the engine's numbers.
func TestPartOneNarrativeQuotesTheMatrices(t *testing.T) {
	r, m := start(t, lessons.Settings{"causal": "on"})
	mc := m.mech
	n := len(words)
	want := map[string][]string{
		"query":   {trainer.Num(mc.Q.Data[Focus*TinyDim])},
		"scores":  {trainer.Num(mc.S.Data[Focus*n+Focus]), "q_sat·k_sat"},
		"scale":   {trainer.Num(mc.S.Data[Focus*n+mc.Key]), trainer.Num(mc.Scaled.Data[Focus*n+mc.Key])},
		"mask":    {"keeps the, cat, sat and loses on, the, mat"},
		"softmax": {"−∞", trainer.Num(mc.A.Data[Focus*n+mc.Key])},
		"output":  {trainer.Num(mc.O.Data[Focus*TinyDim]), "four tokens before it"},
	}
	seen := map[string]bool{}
	for m.part1() {
		sc := r.Scene()
		name := stageNames[m.stage()]
		if !strings.HasPrefix(sc.Phase, "part 1") {
			t.Errorf("phase %q", sc.Phase)
		}
		text := strings.Join(strings.Fields(sc.Narrative), " ")
		for _, w := range want[name] {
			if !strings.Contains(text, w) {
				t.Errorf("%s: narrative lacks %q:\n%s", name, w, sc.Narrative)
			}
		}
		seen[name] = true
		r.Advance(lessons.Op)
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("stage %s never shown", name)
		}
	}
	if sc := r.Scene(); sc.Phase != "ready" || !strings.Contains(sc.Narrative, "Part 2") {
		t.Errorf("after part one: phase %q", sc.Phase)
	}
}

// An epoch (or end) in part one skips to part two; an op or step moves one
// stage; in part two they are the loop's.
func TestGranularities(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.Step)
	if m.at != 1 {
		t.Fatalf("a step in part one moved to stage %d", m.at)
	}
	r.Advance(lessons.Epoch)
	if m.part1() || m.loop.Step != 0 {
		t.Fatalf("an epoch in part one: part1 %v, step %d", m.part1(), m.loop.Step)
	}
	r.Advance(lessons.Op)
	if sc := r.Scene(); sc.Phase != "forward" || sc.Pos.Op != 1 || sc.Pos.OpsPerStep != 2*55+1 {
		t.Fatalf("first op of part two: %q %+v", sc.Phase, sc.Pos)
	}
	r.Advance(lessons.Epoch)
	if m.loop.Epoch != 1 || m.loop.Step != m.loop.StepsPerEpoch() {
		t.Fatalf("after an epoch: epoch %d step %d", m.loop.Epoch, m.loop.Step)
	}
}

// Walking one training step op by op meets every part of the block, with
// its own narrative, and ends exactly where a whole step does.
func TestOpWalkNamesEveryPart(t *testing.T) {
	for _, causal := range []string{"off", "on"} {
		r, m := start(t, lessons.Settings{"causal": causal})
		r.Advance(lessons.Epoch)
		roles := map[string]int{}
		for {
			r.Advance(lessons.Op)
			sc := r.Scene()
			if sc.Phase == "update" {
				break
			}
			op, ok := currentOp(&m.loop.Cur)
			if !ok || sc.Panels[0].Kind != scene.KindTable {
				t.Fatalf("phase %q without the current op", sc.Phase)
			}
			if sc.Phase == "forward" {
				roles[op.Role]++
			}
		}
		want := map[string]int{"embedding": 1, "positions": 1, "layernorm": 3, "scores": 1, "scale": 1,
			"weights": 1, "context": 1, "residual": 2, "relu": 1, "softmax_ce": 1, "dense": 7, "bias": 7}
		if causal == "on" {
			want["mask"] = 1
		}
		for k, n := range want {
			if roles[k] != n {
				t.Errorf("causal %s: %d %q nodes, want %d (%v)", causal, roles[k], k, n, roles)
			}
		}
		if roles[""] != 0 {
			t.Errorf("causal %s: %d unclassified nodes", causal, roles[""])
		}
		walked := m.enc.params()[0].Value.Clone()
		r2, m2 := start(t, lessons.Settings{"causal": causal})
		r2.Advance(lessons.Epoch)
		r2.Advance(lessons.Step)
		if !reflect.DeepEqual(walked, m2.enc.params()[0].Value) {
			t.Errorf("causal %s: a step walked op by op differs from a whole step", causal)
		}
	}
}

// The defaults learn to reverse: every held-out symbol right, and every
// head reading the mirror position more than half of the time.
func TestReversalIsLearned(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.End)
	last := m.evals[len(m.evals)-1]
	if last.Acc < 0.99 {
		t.Fatalf("test accuracy %.3f after %d steps", last.Acc, m.loop.Step)
	}
	for h, w := range last.Mirror {
		if w < 0.5 {
			t.Errorf("head %d puts %.2f on the mirror position", h+1, w)
		}
	}
	if m.evals[0].Acc > 0.2 {
		t.Errorf("untrained accuracy %.3f", m.evals[0].Acc)
	}
	sc := r.Scene()
	if !sc.Status.Finished || !strings.Contains(sc.Narrative, "every head") {
		t.Errorf("finished scene: %+v\n%s", sc.Status, sc.Narrative)
	}
}

// With the causal mask the first half of the outputs cannot see their
// answer: accuracy stays near chance there and under the cap overall.
func TestCausalMaskCapsReversal(t *testing.T) {
	r, m := start(t, lessons.Settings{"causal": "on", "epochs": "12"})
	r.Advance(lessons.End)
	last := m.evals[len(m.evals)-1]
	cap := (3 + 3.0/8) / 6
	if last.Acc > cap+0.03 || last.Acc < cap-0.1 {
		t.Errorf("test accuracy %.3f, want near the cap %.3f", last.Acc, cap)
	}
	for i, a := range last.PosAcc {
		if i < 3 && a > 0.25 || i >= 3 && a < 0.9 {
			t.Errorf("position %d: accuracy %.3f", i+1, a)
		}
	}
	// Every map is zero above the diagonal.
	p := m.predict(m.example())
	for k, mp := range p.Maps {
		for i := range SeqLen {
			for j := i + 1; j < SeqLen; j++ {
				if mp[i*SeqLen+j] != 0 {
					t.Fatalf("head %d: weight %g at (%d, %d)", k+1, mp[i*SeqLen+j], i, j)
				}
			}
		}
	}
	if sc := r.Scene(); !strings.Contains(flat(sc.Narrative), "the best to expect is 56.3%") {
		t.Errorf("finished narrative:\n%s", sc.Narrative)
	}
}

// Picking another test example changes what is shown, not the training.
func TestExampleChangesOnlyTheView(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.Epoch)
	r.Advance(lessons.Step)
	before := r.Scene()
	if _, err := r.Set("example", "3"); err != nil {
		t.Fatal(err)
	}
	after := r.Scene()
	if reflect.DeepEqual(before.Panels[0], after.Panels[0]) || !strings.Contains(after.Panels[0].Title, "example 3") {
		t.Errorf("maps panel unchanged: %q", after.Panels[0].Title)
	}
	r.Advance(lessons.Step)
	r2, _ := start(t, nil)
	r2.Advance(lessons.Epoch)
	r2.Advance(lessons.Step)
	r2.Advance(lessons.Step)
	if !reflect.DeepEqual(m.loop.Losses, lessons.MachineOf(r2).(*machine).loop.Losses) {
		t.Error("the example changed the training")
	}
	if _, err := r.Set("lr", "0.03"); err != nil || m.opt.LearningRate() != 0.03 {
		t.Errorf("lr: %v, %g", err, m.opt.LearningRate())
	}
}

// A run whose parameters turn into NaN is shown as diverged, and no
// number in its scene is NaN or infinite.
func TestDivergedSceneIsClean(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.Epoch)
	r.Advance(lessons.Step)
	m.enc.out.W.Value.Data[0] = math.NaN()
	r.Advance(lessons.Step)
	sc := r.Scene()
	if !sc.Status.Diverged || sc.Phase != "diverged" {
		t.Fatalf("status %+v, phase %q", sc.Status, sc.Phase)
	}
	for _, p := range sc.Panels {
		if pl := p.Plot; pl != nil {
			for _, s := range pl.Series {
				for _, v := range s.Y {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("panel %q, series %q: %g", p.Title, s.Name, v)
					}
				}
			}
		}
		if p.Kind == scene.KindImage {
			t.Errorf("maps of a diverged model are shown")
		}
	}
}

// flat is s with every run of white space one space, so tests do not
// depend on where a narrative wraps.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// The update text counts epochs as the header does (Pos.Epoch, the
// epochs completed): "k of E epochs done", and the end of epoch k is the
// header's epoch k.
func TestUpdateCountsEpochsAsTheHeader(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.Epoch)
	per := m.loop.StepsPerEpoch()
	for s := 1; s <= per+1; s++ {
		r.Advance(lessons.Step)
		sc := r.Scene()
		in := (s-1)%per + 1
		want := fmt.Sprintf("step %d (%d of %d in this epoch; %d of %d epochs done)", s, in, per, sc.Pos.Epoch, sc.Pos.Epochs)
		if !strings.Contains(sc.Narrative, want) {
			t.Fatalf("step %d: narrative lacks %q:\n%s", s, want, sc.Narrative)
		}
		if s == per && (sc.Pos.Epoch != 1 || !strings.Contains(sc.Narrative, "End of epoch 1:")) {
			t.Fatalf("end of the first epoch: header epoch %d, narrative:\n%s", sc.Pos.Epoch, sc.Narrative)
		}
	}
}

// The attention-weights op quotes output 3's row of the batch's first
// sequence, and going backward the gradient on its mirror score, with the
// direction the text gives it.
func TestWeightsOpQuotesTheMirror(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.Epoch)
	for {
		r.Advance(lessons.Op)
		op, ok := currentOp(&m.loop.Cur)
		if !ok {
			t.Fatal("no weights op in the step")
		}
		if op.Role != "weights" {
			continue
		}
		var w *tensor.Tensor // this step's weights, [batch·heads T T]
		for _, n := range m.loop.Cur.Tape.Nodes() {
			if n.Out.Name == "attn.weights" {
				w = n.Out.Value
			}
		}
		if want := w.Data[2*SeqLen+3]; op.Mirror != want {
			t.Fatalf("mirror weight %v, want %v", op.Mirror, want)
		}
		if !strings.Contains(flat(r.Scene().Narrative), "weight "+trainer.Num(op.Mirror)) {
			t.Fatalf("forward narrative:\n%s", r.Scene().Narrative)
		}
		if m.loop.Cur.Phase == trainer.Backward {
			text := flat(r.Scene().Narrative)
			dir := "Negative"
			if op.MirrorGrad > 0 {
				dir = "Positive"
			}
			if op.MirrorGrad == 0 || !strings.Contains(text, trainer.Num(op.MirrorGrad)+". "+dir) {
				t.Fatalf("backward: gradient %v, narrative:\n%s", op.MirrorGrad, text)
			}
			return
		}
	}
}

// Every reshape and permute of a step says what its new layout is for
// (never the generic fallback) and follows one number, forward and
// backward, to the same value at its new place.
func TestLayoutOpsTellTheirPurpose(t *testing.T) {
	r, m := start(t, nil)
	r.Advance(lessons.Epoch)
	titles := map[string]int{}
	traced := regexp.MustCompile(` = (\S+) is now .* = (\S+) — | = (\S+) arrives and leaves as .* = (\S+) — `)
	for {
		r.Advance(lessons.Op)
		sc := r.Scene()
		if sc.Phase == "update" {
			break
		}
		op, _ := currentOp(&m.loop.Cur)
		if op.Role != "reshape" && op.Role != "permute" {
			continue
		}
		if op.Title == "reshape" || op.Title == "permute" || op.Story == "" {
			t.Errorf("%s %s: generic %q", sc.Phase, op.Label, op.Story)
		}
		titles[op.Title]++
		m := traced.FindStringSubmatch(op.Trace)
		told := strings.Contains(sc.Narrative, op.Trace) && strings.Contains(sc.Narrative, op.Title)
		if sc.Phase == "forward" {
			told = told && strings.Contains(sc.Narrative, op.Story)
		}
		if m == nil || m[1]+m[3] != m[2]+m[4] || !told {
			t.Errorf("%s %s: trace %q", sc.Phase, op.Label, op.Trace)
		}
	}
	want := map[string]int{"rows for query projection": 2, "rows for key projection": 2, "rows for value projection": 2,
		"split into heads": 6, "heads first": 6, "heads beside the batch": 6, "heads apart again": 2,
		"positions first again": 2, "heads joined": 2, "one row per position": 2}
	for k, n := range want {
		if titles[k] != n {
			t.Errorf("%d reshapes titled %q forward and backward, want %d (%v)", titles[k], k, n, titles)
		}
	}
}
