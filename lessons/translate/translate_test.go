package translate

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
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

func TestHeldOutIsHeldOut(t *testing.T) {
	m := mach(start(t, nil))
	train := map[string]bool{}
	for _, p := range m.train {
		train[p.In] = true
	}
	seen := map[string]bool{}
	for i, p := range m.held {
		if train[p.In] || seen[p.In] {
			t.Fatalf("held-out #%d %q is a training input or repeated", i+1, p.In)
		}
		seen[p.In] = true
	}
	if len(m.held) != NHeld {
		t.Fatalf("%d held-out pairs, want %d", len(m.held), NHeld)
	}
	// The example control walks through every format first.
	formats := map[string]bool{}
	for _, p := range m.held[:len(data.DateFormats)] {
		formats[p.Layout] = true
	}
	if len(formats) != len(data.DateFormats) {
		t.Fatalf("the first %d held-out pairs cover %d formats", len(data.DateFormats), len(formats))
	}
}

func TestDateSpans(t *testing.T) {
	d := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	for _, layout := range data.DateFormats {
		p := data.DatePair{In: d.Format(layout), Out: "2026-11-29", Layout: layout}
		y, mo, day, ok := dateSpans(p)
		if !ok || y.text(p.In) != "2026" || day.text(p.In) != "29" {
			t.Fatalf("%q: year %q day %q ok %v", p.In, y.text(p.In), day.text(p.In), ok)
		}
		if m := mo.text(p.In); m != "11" && m != "Nov" && m != "November" {
			t.Fatalf("%q: month %q", p.In, m)
		}
	}
	// A day and month that are both single digits: the day comes first.
	p := data.DatePair{In: "3.4.1999", Out: "1999-04-03", Layout: "2.1.2006"}
	if _, mo, day, _ := dateSpans(p); day.text(p.In) != "3" || mo.text(p.In) != "4" {
		t.Fatalf("%q: day %q month %q", p.In, day.text(p.In), mo.text(p.In))
	}
}

func TestOpsOfAStep(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	whole.Advance(lessons.Step)
	var phases []string
	for range opsPerStep {
		ops.Advance(lessons.Op)
		sc := ops.Scene()
		phases = append(phases, sc.Phase)
		if got := sc.Pos.Op; got != len(phases) {
			t.Fatalf("op %d: scene says op %d", len(phases), got)
		}
	}
	want := []string{"forward", "backward", "update"}
	for range outLen - 1 {
		want = append(want, "decode")
	}
	want = append(want, "translated")
	if !slices.Equal(phases, want) {
		t.Fatalf("phases %v, want %v", phases, want)
	}
	if !reflect.DeepEqual(ops.Scene(), whole.Scene()) {
		t.Fatal("thirteen ops and one step end in different scenes")
	}
	// Each decode op reveals one more character.
	r := start(t, nil)
	for range 3 {
		r.Advance(lessons.Op)
	}
	for k := 1; k <= outLen; k++ {
		r.Advance(lessons.Op)
		rows := r.Scene().Panels[0].Table.Rows
		if rows[k-1][1] == "·" || (k < outLen && rows[k][1] != "·") {
			t.Fatalf("after decode op %d: rows %v", k, rows)
		}
	}
}

func TestTeacherForcedLoss(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Op)
	m := mach(r)
	// The loss is the mean over rows and positions of −log p(target).
	want := 0.0
	for k, lg := range m.cur.logits {
		v := lg.Value.Shape[1]
		for i, row := range m.cur.rows {
			want -= logProbs(lg.Value.Data[i*v : (i+1)*v])[m.train[row].out[k]]
		}
	}
	want /= float64(len(m.cur.rows) * outLen)
	if got := m.cur.loss.Item(); math.Abs(got-want) > 1e-12 {
		t.Fatalf("loss %v, mean −log p(target) %v", got, want)
	}
	// Untrained, every one of the 15 output tokens is about equally likely.
	if got := m.cur.loss.Item(); math.Abs(got-math.Log(15)) > 0.2 {
		t.Fatalf("initial loss %v, want about ln 15 = %v", got, math.Log(15))
	}
}

// TestPaddingChangesNothing: an input translated alone and in a batch
// with longer inputs gives the same output, probabilities and attention,
// which put no weight on the padding.
func TestPaddingChangesNothing(t *testing.T) {
	m := mach(start(t, nil))
	short := m.held[0].in
	for _, p := range m.held {
		if len(p.in) < len(short) {
			short = p.in
		}
	}
	alone := m.model.translate([][]int{short}, outLen)[0]
	batch := m.model.translate([][]int{m.held[0].in, short, m.held[1].in}, outLen)[1]
	if !slices.Equal(alone.ids, batch.ids) {
		t.Fatalf("ids %v alone, %v in a batch", alone.ids, batch.ids)
	}
	for k := range outLen {
		if math.Abs(alone.probs[k]-batch.probs[k]) > 1e-12 {
			t.Fatalf("position %d: p %v alone, %v in a batch", k, alone.probs[k], batch.probs[k])
		}
		sum := 0.0
		for j, w := range batch.attn[k] {
			sum += w
			if math.Abs(w-alone.attn[k][j]) > 1e-12 {
				t.Fatalf("position %d, input %d: weight %v alone, %v in a batch", k, j, alone.attn[k][j], w)
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("position %d: the weights over the %d characters sum to %v", k, len(short), sum)
		}
	}
}

func TestModelGradients(t *testing.T) {
	for _, att := range []bool{true, false} {
		inV, outV := data.DateVocabs()
		m := newModel(tensor.NewRNG(1), inV.Size(), outV.Size(), 4, att)
		pairs := data.DatePairs(3, 2)
		var in, out [][]int
		for _, p := range pairs {
			in, out = append(in, inV.Encode(p.In)), append(out, outV.Encode(p.Out))
		}
		ps := append(m.enc.Params(), m.dec.Params()...)
		ps = append(ps, m.out.Params()...)
		if att {
			ps = append(append(ps, m.wa), m.comb.Params()...)
		}
		res := autograd.GradCheck(func(tp *autograd.Tape) *autograd.Var {
			l, _ := m.teacherForce(tp, m.encode(tp, in), out)
			return l
		}, ps, 1e-5)
		if res.MaxRelErr > 1e-6 {
			t.Fatalf("attention %v: %v", att, res)
		}
	}
}

func TestScenes(t *testing.T) {
	r := start(t, nil)
	kinds := func() []scene.Kind {
		var ks []scene.Kind
		for _, p := range r.Scene().Panels {
			ks = append(ks, p.Kind)
		}
		return ks
	}
	tb, im, pl := scene.KindTable, scene.KindImage, scene.KindPlot
	if got, want := kinds(), []scene.Kind{tb, im, pl, pl, tb}; !slices.Equal(got, want) {
		t.Fatalf("ready: panels %v, want %v", got, want)
	}
	for i, want := range [][]scene.Kind{{tb, pl, tb, im}, {im, pl, tb, im}, {tb, pl, tb, im}} {
		r.Advance(lessons.Op)
		if got := kinds(); !slices.Equal(got, want) {
			t.Fatalf("op %d: panels %v, want %v", i+1, got, want)
		}
	}
	r.Advance(lessons.Step)
	sc := r.Scene()
	att := sc.Panels[1].Image
	if att.Rows != outLen || att.Cols != len(mach(r).held[0].In) || len(att.ColLabels) != att.Cols {
		t.Fatalf("attention map %d×%d with %d column labels", att.Rows, att.Cols, len(att.ColLabels))
	}
	for k := range outLen {
		sum := 0.0
		for _, w := range att.Tiles[0][k*att.Cols : (k+1)*att.Cols] {
			sum += w
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("row %d of the attention map sums to %v", k, sum)
		}
	}
	// Another example at once, from the same weights.
	if _, err := r.Set("example", "3"); err != nil {
		t.Fatal(err)
	}
	if sc := r.Scene(); !strings.Contains(sc.Panels[0].Title, mach(r).held[2].In) {
		t.Fatalf("example 3: title %q", sc.Panels[0].Title)
	}
	off := start(t, lessons.Settings{"attention": "off"})
	off.Advance(lessons.Step)
	for _, p := range off.Scene().Panels {
		if p.Kind == scene.KindImage {
			t.Fatal("attention off still shows an attention map")
		}
	}
	if !strings.Contains(off.Scene().Narrative, "Attention is off") {
		t.Fatalf("attention off, narrative:\n%s", off.Scene().Narrative)
	}
}

func TestSnapshotRestore(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	r.Advance(lessons.Op)
	if _, ok := mach(r).Snapshot(); ok {
		t.Fatal("a snapshot was taken in the middle of a step")
	}
	r.Advance(lessons.Step)
	m := mach(r)
	st, ok := m.Snapshot()
	if !ok {
		t.Fatal("no snapshot between steps")
	}
	want := r.Scene()
	r.Advance(lessons.Step)
	r.Set("lr", "0.1")
	r.Advance(lessons.Step)
	m.Restore(st)
	got := r.Scene()
	got.Settings, want.Settings = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatal("restoring a snapshot does not give its scene back")
	}
	if m.opt.LR != 0.01 {
		t.Fatalf("restored learning rate %v", m.opt.LR)
	}
}

func TestNarrativeNumbers(t *testing.T) {
	r := start(t, nil)
	sc := r.Scene()
	m := mach(r)
	if !strings.Contains(sc.Narrative, strconv.Itoa(m.view(translation{}).Params)+" weights") {
		t.Fatalf("intro does not give the parameter count:\n%s", sc.Narrative)
	}
	r.Advance(lessons.Op)
	if sc := r.Scene(); !strings.Contains(sc.Narrative, "teacher forcing") || !strings.Contains(sc.Narrative, m.train[m.cur.rows[0]].In) {
		t.Fatalf("forward narrative:\n%s", sc.Narrative)
	}
}

// TestLearnsWithAndWithoutAttention runs the default lesson to the end
// with attention on and off and checks the numbers the narrative states.
func TestLearnsWithAndWithoutAttention(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models for 256 steps each")
	}
	on := start(t, nil)
	on.Advance(lessons.End)
	ev := mach(on).evals[len(mach(on).evals)-1]
	if ev.exact < 0.95 {
		t.Fatalf("attention on: %v of held-out dates exact after 256 steps", ev.exact)
	}
	off := start(t, lessons.Settings{"attention": "off"})
	off.Advance(lessons.End)
	evOff := mach(off).evals[len(mach(off).evals)-1]
	if evOff.exact > 0.5 {
		t.Fatalf("attention off: %v exact, not far behind %v", evOff.exact, ev.exact)
	}
	// Without attention the year, which ends every input, comes first.
	if year, day := mean(evOff.perPos[0:4]), mean(evOff.perPos[8:10]); year < 0.9 || day > year-0.2 {
		t.Fatalf("attention off: year digits %v, day digits %v", year, day)
	}
	if sc := on.Scene(); !strings.Contains(sc.Narrative, "attention on \"") {
		t.Fatalf("finished narrative lacks the alignment numbers:\n%s", sc.Narrative)
	}
}

// A snapshot restored into a fresh machine (as the runtime does to look
// ahead) goes on exactly as the machine that took it: the optimizer's
// state moves to the fresh machine's parameters.
func TestSnapshotIntoFreshMachine(t *testing.T) {
	r := start(t, nil)
	for range 3 {
		r.Advance(lessons.Step)
	}
	m := mach(r)
	st, ok := m.Snapshot()
	if !ok {
		t.Fatal("no snapshot between steps")
	}
	fresh := newMachine(lessons.DefaultSeed, m.cfg)
	fresh.Restore(st)
	m.Advance(lessons.Step)
	fresh.Advance(lessons.Step)
	for i, p := range m.params {
		if !reflect.DeepEqual(p.Value.Data, fresh.params[i].Value.Data) {
			t.Fatalf("parameter %s differs after one step from a restored snapshot", p.Name)
		}
	}
}

// The LSTM step the forward narrative works by hand is the engine's: its
// h is the encoder's first state of the batch's first pair, and the
// narrative quotes its gates.
func TestLSTMStepByHand(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Op)
	m := mach(r)
	st := m.firstLSTMStep(m.train[m.cur.rows[0]])
	h := m.cur.enc.hs[0].Value.Data[:m.cfg.hidden]
	for j, want := range h {
		if math.Abs(st.Out[j]-want) > 1e-12 {
			t.Fatalf("unit %d: h by hand %v, engine %v", j, st.Out[j], want)
		}
	}
	if math.Abs(st.F-0.73) > 0.1 {
		t.Errorf("mean forget gate %v at the start, bias 1", st.F)
	}
	text := strings.Join(strings.Fields(r.Scene().Narrative), " ")
	if !strings.Contains(text, "f "+trainer.Num(st.F)) || !strings.Contains(text, "c ← f⊙c + i⊙g") {
		t.Errorf("forward narrative lacks the LSTM step:\n%s", text)
	}
}
