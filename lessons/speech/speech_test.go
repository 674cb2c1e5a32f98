package speech

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/data/speech"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/lessontest"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

func start(t testing.TB, seed uint64, set lessons.Settings) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(Lesson(), seed, set)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mach(r *lessons.Run) *machine { return lessons.MachineOf(r).(*machine) }

func flatText(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestDefaultsMeetTheGoalAnsweringRight walks the defaults as a learner
// would, answering every question right, on seeds 42 and 43: the goal
// (≥ 90% on held-out voices) is met with margin and the verdict says so.
func TestDefaultsMeetTheGoalAnsweringRight(t *testing.T) {
	for _, seed := range []uint64{42, 43} {
		w := lessontest.Walk(t, Lesson(), seed, nil, lessontest.Right)
		var ids []string
		for _, q := range w.Questions {
			ids = append(ids, q.ID)
			if !q.Answered || !q.Correct || q.Explain == "" {
				t.Errorf("seed %d: %s answered right: %+v", seed, q.ID, q)
			}
		}
		want := []string{"peak-7-12", "band-width", "log-spread-7-12", "acc@18", "relu-zeros", "goal@75"}
		if !slices.Equal(ids, want) {
			t.Fatalf("seed %d: questions %v, want %v", seed, ids, want)
		}
		m := mach(w.Run)
		e := m.lastEval()
		v := w.Final.Goal.Verdict
		if v == nil || !v.Success || w.Final.Status.Level != scene.LevelSuccess || e.Acc < 0.94 || e.Step != m.loop.Step {
			t.Fatalf("seed %d: verdict %+v, accuracy %v at step %d", seed, v, e.Acc, e.Step)
		}
		t.Logf("seed %d: %.1f%% on held-out voices, per word %.3f", seed, 100*e.Acc, e.classAcc())
		n := flatText(w.Final.Narrative)
		if !strings.Contains(n, "Goal met") || strings.Contains(n, "Goal missed") || !strings.Contains(n, "CTC") {
			t.Fatalf("finished narrative:\n%s", w.Final.Narrative)
		}
		var kinds []scene.Kind
		for _, p := range w.Final.Panels {
			kinds = append(kinds, p.Kind)
		}
		if !slices.Contains(kinds, scene.KindMatrix) || w.Final.Panels[0].ID != "spectrogram" {
			t.Fatalf("finished panels %v", kinds)
		}
	}
}

// TestWrongAnswersAreMarkedWrong answers every question wrong: the score
// says so and the run is the same.
func TestWrongAnswersAreMarkedWrong(t *testing.T) {
	w := lessontest.Walk(t, Lesson(), lessons.DefaultSeed, nil, lessontest.Wrong)
	if s := w.Run.Score(); s.Correct != 0 || s.Wrong != len(w.Questions) || len(w.Questions) != 6 {
		t.Fatalf("score %+v over %d questions", s, len(w.Questions))
	}
}

// TestBadSettingsMissWithTheirCause: a learning rate of 1 kills the
// ReLUs; plain SGD at 0.001 hardly moves in one epoch.
func TestBadSettingsMissWithTheirCause(t *testing.T) {
	for _, c := range []struct {
		set   lessons.Settings
		cause string
	}{
		{lessons.Settings{"lr": "1"}, lessons.CauseDead},
		{lessons.Settings{"lr": "0.001", "optimizer": "sgd"}, lessons.CausePlateau},
	} {
		r := start(t, lessons.DefaultSeed, c.set)
		r.Advance(lessons.End)
		sc := r.Scene()
		v := sc.Goal.Verdict
		if v == nil || v.Success || v.Cause != c.cause {
			t.Fatalf("%v: verdict %+v, want cause %q", c.set, v, c.cause)
		}
		n := flatText(sc.Narrative)
		if !strings.Contains(n, "Goal missed") || strings.Contains(n, "Goal met") || !strings.Contains(n, c.cause) {
			t.Fatalf("%v: narrative:\n%s", c.set, sc.Narrative)
		}
		if c.cause == lessons.CauseDead && !strings.Contains(n, "for every word") {
			t.Fatalf("%v: a dead network answering one word is not named:\n%s", c.set, sc.Narrative)
		}
		t.Logf("%v: %.1f%%, %s", c.set, 100*mach(r).lastEval().Acc, v.Cause)
	}
}

// TestSoundWalkIsTheData: the walk's numbers are the data package's, by a
// second route: the frame is the waveform's samples, the windowed frame
// their product with 0.5 − 0.5·cos, the power a plain DFT's, the bands
// the bank's sums, the logs their ln, and the spectrogram the shipped
// features up to the byte rounding.
func TestSoundWalkIsTheData(t *testing.T) {
	r := start(t, lessons.DefaultSeed, lessons.Settings{"word": "3", "frame": "20"})
	m := mach(r)
	s := m.snd
	if s.word != 3 || m.c.raw.Test[s.test].Label != 3 || s.t != 20 {
		t.Fatalf("word %d (label %d), frame %d", s.word, m.c.raw.Test[s.test].Label, s.t)
	}
	for i := range speech.NFFT {
		if s.frame[i] != s.wave[20*speech.Hop+i] {
			t.Fatalf("frame sample %d", i)
		}
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/speech.NFFT)
		if math.Abs(s.windowed[i]-s.frame[i]*w) > 1e-15 {
			t.Fatalf("windowed sample %d", i)
		}
	}
	for _, k := range []int{0, 5, s.peak, 128} {
		re, im := 0.0, 0.0
		for n, x := range s.windowed {
			a := -2 * math.Pi * float64(k*n) / speech.NFFT
			re += x * math.Cos(a)
			im += x * math.Sin(a)
		}
		if p := re*re + im*im; math.Abs(p-s.power[k]) > 1e-9*(1+p) {
			t.Fatalf("power[%d] = %v, DFT gives %v", k, s.power[k], p)
		}
	}
	for j := range H {
		e := 0.0
		for k, w := range s.bank[j] {
			e += w * s.power[k]
		}
		if math.Abs(e-s.bands[j]) > 1e-12*(1+e) || s.logs[j] != math.Log(s.bands[j]+speech.Floor) ||
			math.Abs(s.gram[j*W+20]-s.logs[j]) > 1e-12 {
			t.Fatalf("band %d: %v vs %v, log %v, column %v", j, e, s.bands[j], s.logs[j], s.gram[j*W+20])
		}
	}
	if s.maxDiff > speech.QScale/2+1e-9 {
		t.Fatalf("computed and shipped spectrograms differ by %v", s.maxDiff)
	}
	// The network's input for this word is the shipped one, standardised.
	x := m.inspected()
	if got := x.Data[5*W+20]; math.Abs(got-m.c.norm(s.shipped[5*W+20])) > 1e-12 {
		t.Fatalf("input %v, want %v", got, m.c.norm(s.shipped[5*W+20]))
	}
}

// TestStagesAndMainPicture: the walk has its eight moments, each with the
// spectrogram as main picture and its own narrative block, then training.
func TestStagesAndMainPicture(t *testing.T) {
	r := start(t, lessons.DefaultSeed, nil)
	want := []string{"intro", "frame", "window", "fft", "mel", "bands", "log", "spectrogram", "train", "fwd-a1"}
	for i, b := range want {
		m := mach(r)
		if _, got := m.phase(); got != b {
			t.Fatalf("advance %d: block %q, want %q", i, got, b)
		}
		sc := r.Scene()
		if sc.Panels[0].ID != "spectrogram" || sc.Panels[0].Priority != 1 {
			t.Fatalf("%s: first panel %q", b, sc.Panels[0].ID)
		}
		r.Advance(lessons.Op)
	}
	// The walk is skipped by an epoch.
	e := start(t, lessons.DefaultSeed, nil)
	e.Advance(lessons.Epoch)
	if m := mach(e); m.stage != stTrain || m.loop.Epoch != 1 {
		t.Fatalf("after an epoch: stage %d, epoch %d", m.stage, m.loop.Epoch)
	}
}

// TestShapes of the network's nodes for the default filters.
func TestShapes(t *testing.T) {
	r := start(t, lessons.DefaultSeed, lessons.Settings{"filters": "2"})
	for range stTrain + 1 {
		r.Advance(lessons.Op)
	}
	want := map[string][]int{
		"a1": {32, 2, 24, 48}, "h1": {32, 2, 24, 48}, "p1": {32, 2, 12, 24},
		"a2": {32, 4, 12, 24}, "h2": {32, 4, 12, 24}, "p2": {32, 4, 6, 12},
		"f": {32, 288}, "z": {32, 10}, "s": {32, 10}, "L": {},
	}
	nodes := mach(r).loop.Cur.Tape.Nodes()
	if len(nodes) != 10 {
		t.Fatalf("%d nodes", len(nodes))
	}
	for _, nd := range nodes {
		if w := want[nd.Out.Name]; !slices.Equal(nd.Out.Value.Shape, w) {
			t.Errorf("%s: shape %v, want %v", nd.Out.Name, nd.Out.Value.Shape, w)
		}
	}
}

// TestConfusionMatchesAccuracy: the matrix's diagonal is the accuracy and
// every row holds the 48 test utterances of its word.
func TestConfusionMatchesAccuracy(t *testing.T) {
	r := start(t, lessons.DefaultSeed, nil)
	r.Advance(lessons.Epoch)
	e := mach(r).lastEval()
	diag := 0
	for y := range Classes {
		n := 0
		for p := range Classes {
			n += e.confusion[y][p]
		}
		if n != 48 {
			t.Fatalf("row %d holds %d", y, n)
		}
		diag += e.confusion[y][y]
	}
	if math.Abs(float64(diag)/480-e.Acc) > 1e-12 {
		t.Fatalf("diagonal %d/480 vs accuracy %v", diag, e.Acc)
	}
}

// TestKitPassesTheExercise: the kit's own filter bank and power spectrum,
// which made the shipped features and the lesson's numbers, pass the
// melbank exercise's checks, so a learner's passing functions reproduce
// them.
func TestKitPassesTheExercise(t *testing.T) {
	power := func(frame []float64) []float64 { return speech.PowerSpectrum(frame, speech.Hann(len(frame))) }
	if p := checks.CheckMelBank(checks.MelBankImpl{MelFilterBank: speech.MelFilterBank, PowerSpectrum: power}); len(p) != 0 {
		t.Fatalf("the kit's MelFilterBank fails the melbank check: %v", p)
	}
}

// TestNarrativeNumbersAreTheEngines: the loss block's p and −ln p are the
// engine's softmax of x[0]'s scores, and the first backward block's
// ∂L/∂s of the true word is the engine's gradient.
func TestNarrativeNumbersAreTheEngines(t *testing.T) {
	r := start(t, lessons.DefaultSeed, nil)
	for range stTrain + 10 {
		r.Advance(lessons.Op)
	}
	m := mach(r)
	if _, b := m.phase(); b != "fwd-L" {
		t.Fatalf("block %q, want fwd-L", b)
	}
	v := m.view("forward")
	p := softmax(m.loop.Cur.Tape.Nodes()[8].Out.Value.Data[:Classes])
	if math.Abs(v.PLabel-p[m.yb[0]]) > 1e-12 || math.Abs(v.NegLog+math.Log(p[m.yb[0]])) > 1e-12 {
		t.Fatalf("p = %v, −ln p = %v; engine p = %v", v.PLabel, v.NegLog, p[m.yb[0]])
	}
	if n := flatText(r.Scene().Narrative); !strings.Contains(n, "L = "+trainer.Num(v.Loss)) {
		t.Fatalf("the loss block does not quote L = %s:\n%s", trainer.Num(v.Loss), n)
	}
	r.Advance(lessons.Op)
	v = m.view("backward")
	if got := m.loop.Cur.Steps[0].Grads[0].Data[m.yb[0]]; math.Abs(got-v.DSLabel) > 1e-12 {
		t.Fatalf("∂L/∂s of the label: engine %v, narrative %v", got, v.DSLabel)
	}
}
