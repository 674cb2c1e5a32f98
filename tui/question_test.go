package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
)

// openQuiz returns the app opened on the quiz lesson at w×h.
func openQuiz(t *testing.T, w, h int, opts Options) Model {
	t.Helper()
	opts.Lesson = quizLesson
	m := New(quizRegistry(), opts)
	m.c.tick = func(_ time.Duration, msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
	m = send(m, teaSize(w, h), m.Init()())
	if m.screen != screenPlayer || !m.player.hasScene {
		t.Fatal("the quiz lesson did not open")
	}
	return m
}

func screenText(m Model) string { return ansi.Strip(m.View().Content) }

// bannerText is the text of the box area above the narrative, its frame
// removed and its wrapped lines joined by single spaces.
func bannerText(m Model) string {
	b := ansi.Strip(m.player.layout(m.c).banner)
	b = strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(b)
	return strings.Join(strings.Fields(b), " ")
}

// toEnd steps the quiz to the end of its run by epochs.
func toEnd(t *testing.T, m Model) Model {
	t.Helper()
	m = keys(m, "e", "space", "space", "space", "space")
	if !m.player.done {
		t.Fatalf("not at the end: %+v", m.player.sc.Pos)
	}
	return m
}

// atNumberQuestion skips the first question and walks to the number
// question in step 1's backward phase.
func atNumberQuestion(t *testing.T, w, h int) Model {
	t.Helper()
	m := keys(openQuiz(t, w, h, Options{}), "n", "space", "o", "space")
	if q := m.player.asking(m.c); q == nil || q.ID != "w-next" {
		t.Fatalf("no number question waiting at %+v", m.player.sc.Pos)
	}
	return m
}

func TestGoldenQuestionChoice(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := openQuiz(t, w, h, Options{})
		if q := m.player.asking(m.c); q == nil || q.ID != "reach" {
			t.Fatal("no question waiting at the start")
		}
		if !strings.Contains(m.player.sc.Question.Prompt, "At learning rate 0.1") {
			t.Errorf("prompt %q", m.player.sc.Question.Prompt)
		}
		for _, want := range []string{"At learning rate 0.1", "1  yes", "2  no", "n to skip", "You are done when"} {
			if !strings.Contains(screenText(m), want) {
				t.Errorf("the screen lacks %q", want)
			}
		}
		return m
	})
}

func TestGoldenQuestionNumber(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := keys(atNumberQuestion(t, w, h), "1", ".", "7", "backspace", "6", "space")
		if m.player.input.text != "1.6" || m.player.sc.Pos.Step != 1 {
			t.Fatalf("typed %q at %+v, want 1.6 at step 1", m.player.input.text, m.player.sc.Pos)
		}
		if s := bannerText(m); !strings.Contains(s, "your answer: 1.6▏") || !strings.Contains(s, "What will w be after the update?") {
			t.Errorf("the question box: %s", s)
		}
		return m
	})
}

func TestGoldenRevealRight(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := keys(openQuiz(t, w, h, Options{}), "1")
		q := m.player.revealed(m.c)
		if q == nil || !q.Correct || m.player.sc.Score.Correct != 1 {
			t.Fatalf("after 1: revealed %+v score %+v", q, m.player.sc.Score)
		}
		if s := screenText(m); !strings.Contains(s, "✓ Right") || !strings.Contains(s, "Yes: it ends at w = 1.98") {
			t.Errorf("the reveal does not say right and why:\n%s", s)
		}
		return m
	})
}

func TestGoldenRevealWrong(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := keys(atNumberQuestion(t, w, h), "9", "enter")
		q := m.player.revealed(m.c)
		if q == nil || q.Correct || q.Given != "9" {
			t.Fatalf("after 9: revealed %+v", q)
		}
		if s := screenText(m); !strings.Contains(s, "✗ Not quite") || !strings.Contains(s, "you said 9 · the answer: 1.04") {
			t.Errorf("the reveal does not show the answers:\n%s", s)
		}
		return m
	})
}

func TestGoldenVerdictMissed(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := toEnd(t, keys(openQuiz(t, w, h, Options{Settings: lessons.Settings{"lr": "0.01"}}), "2"))
		vd := m.player.sc.Goal.Verdict
		if vd == nil || vd.Success || vd.Cause != "still descending" {
			t.Fatalf("verdict %+v, want missed, still descending", vd)
		}
		s := bannerText(m)
		for _, want := range []string{"! Goal missed", "w = 0.9986 (goal: w within 0.05 of 2)", "Cause: still descending — the loss was still falling",
			"Try: raise the learning rate from 0.01 to 0.1, then press R"} {
			if !strings.Contains(s, want) {
				t.Errorf("the verdict lacks %q: %s", want, s)
			}
		}
		if strings.Contains(s, "✓") || !strings.Contains(screenText(m), "! goal missed: still descending") {
			t.Errorf("a missed goal shows a tick, or the status line does not say it is missed: %s", s)
		}
		return m
	})
}

func TestGoldenVerdictMet(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) Model {
		m := toEnd(t, keys(openQuiz(t, w, h, Options{}), "1"))
		if vd := m.player.sc.Goal.Verdict; vd == nil || !vd.Success {
			t.Fatalf("verdict %+v, want success", vd)
		}
		if s := screenText(m); !strings.Contains(s, "✓ Goal met") || !strings.Contains(s, "✓ goal met") {
			t.Errorf("the screen does not say the goal is met:\n%s", s)
		}
		return m
	})
}

func TestQuestionWaitsForTheAnswer(t *testing.T) {
	m := openQuiz(t, 120, 40, Options{})
	m = keys(m, "space", "r", "l")
	if m.player.sc.Pos.Step != 0 || m.player.running || !strings.Contains(m.player.note, "answer the question first") {
		t.Fatalf("advance keys moved past a waiting question: pos %+v running %v note %q", m.player.sc.Pos, m.player.running, m.player.note)
	}
	m = keys(m, "9")
	if m.player.sc.Question.Answered || !strings.Contains(m.player.note, "2 choices") {
		t.Fatalf("9 of 2 choices: answered %v note %q", m.player.sc.Question.Answered, m.player.note)
	}
	m = keys(m, "]") // settings still change while a question waits: the question follows
	if !strings.Contains(m.player.sc.Question.Prompt, "0.3") || m.player.asking(m.c) == nil {
		t.Fatalf("after ] the question is %+v", m.player.sc.Question)
	}
	m = keys(m, "1")
	q := m.player.sc.Question
	if !q.Answered || q.Given != "yes" || !q.Correct {
		t.Fatalf("after 1 at lr 0.3: %+v", q)
	}
	if r, n := m.c.progress.Lessons[quizLesson].Score(); r != 1 || n != 1 {
		t.Fatalf("progress score %d/%d, want 1/1", r, n)
	}
	m = keys(m, "space")
	if m.player.sc.Pos.Step != 1 {
		t.Fatalf("after the answer space went to %+v", m.player.sc.Pos)
	}
}

func TestBackTakesTheAnswerBack(t *testing.T) {
	m := keys(openQuiz(t, 120, 40, Options{}), "2")
	if q := m.player.revealed(m.c); q == nil || q.Correct {
		t.Fatalf("after a wrong answer: %+v", q)
	}
	m = keys(m, "left")
	if m.player.asking(m.c) == nil {
		t.Fatal("← did not take the answer back")
	}
	m = keys(m, "1")
	if m.player.sc.Score.Correct != 1 || m.player.sc.Score.Wrong != 0 {
		t.Fatalf("run score %+v after answering again", m.player.sc.Score)
	}
	// The progress keeps the first answer.
	if r, n := m.c.progress.Lessons[quizLesson].Score(); r != 0 || n != 1 {
		t.Fatalf("progress score %d/%d, want the first answer (0/1)", r, n)
	}
}

func TestNumberAnswerTyping(t *testing.T) {
	m := atNumberQuestion(t, 120, 40)
	m = keys(m, "enter")
	if !strings.Contains(m.player.note, "type a number first") {
		t.Fatalf("enter with nothing typed: note %q", m.player.note)
	}
	m = keys(m, "1", "e", "enter")
	if m.player.sc.Question.Answered || !strings.Contains(m.player.note, "not a number") {
		t.Fatalf("1e: answered %v, note %q", m.player.sc.Question.Answered, m.player.note)
	}
	m = keys(m, "backspace", "backspace", "1", ".", "0", "4", "enter")
	q := m.player.sc.Question
	if !q.Answered || !q.Correct || q.Given != "1.04" || m.player.input.text != "" {
		t.Fatalf("1.04: %+v, input %q", q, m.player.input.text)
	}
}

func TestQuestionPausesTheRun(t *testing.T) {
	m := keys(openQuiz(t, 120, 40, Options{}), "n", "o", "r")
	if m.player.running || m.player.asking(m.c) == nil || m.player.sc.Pos.Step != 1 || m.player.sc.Pos.Op != 1 {
		t.Fatalf("running %v at %+v, want paused at the question of step 1 op 1", m.player.running, m.player.sc.Pos)
	}
	if !strings.Contains(m.player.note, "a question") {
		t.Errorf("note %q", m.player.note)
	}
}

func TestQuestionsOff(t *testing.T) {
	dir := t.TempDir()
	store := &progress.Store{Path: filepath.Join(dir, "progress.json")}
	m := openQuiz(t, 120, 40, Options{NoQuestions: true, Store: store})
	if m.player.asking(m.c) != nil || strings.Contains(screenText(m), "Predict") {
		t.Fatal("a question shows with questions off")
	}
	m = keys(m, "space")
	if m.player.sc.Pos.Step != 1 {
		t.Fatalf("with questions off space went to %+v", m.player.sc.Pos)
	}
	m = keys(m, "left", "a")
	if m.player.asking(m.c) == nil || !strings.Contains(screenText(m), "Predict") {
		t.Fatal("a did not turn the questions on")
	}
	m = keys(m, "a")
	st, _, err := store.Load()
	if err != nil || !st.Prefs.NoQuestions {
		t.Fatalf("questions off was not saved: %+v %v", st.Prefs, err)
	}
	// A new app reads the preference.
	m2 := openQuiz(t, 120, 40, Options{Store: store})
	if m2.player.asking(m2.c) != nil {
		t.Fatal("the saved preference did not turn questions off")
	}
}

func TestRestartAfterTheEnd(t *testing.T) {
	m := toEnd(t, keys(openQuiz(t, 120, 40, Options{Settings: lessons.Settings{"lr": "0.01"}}), "2"))
	if !strings.Contains(screenText(m), "R runs it again") && !strings.Contains(screenText(m), "R run again") {
		t.Error("the finished screen does not say how to run again")
	}
	m = keys(m, "space")
	if !strings.Contains(m.player.note, "R runs it again") {
		t.Fatalf("space after the end: note %q", m.player.note)
	}
	m = keys(m, "]", "]") // 0.01 → 0.03 → 0.1
	if !strings.Contains(m.player.note, "R runs it again from the start with it") {
		t.Fatalf("a change after the end: note %q", m.player.note)
	}
	m = keys(m, "R")
	if m.player.done || m.player.sc.Pos.Step != 0 || settingValue(m.player.sc, "lr", "") != "0.1" {
		t.Fatalf("after R: done %v at %+v lr %s", m.player.done, m.player.sc.Pos, settingValue(m.player.sc, "lr", ""))
	}
	if q := m.player.asking(m.c); q == nil || !strings.Contains(q.Prompt, "0.1") {
		t.Fatalf("after R the first question is %+v", q)
	}
	m = toEnd(t, keys(m, "1"))
	if vd := m.player.sc.Goal.Verdict; vd == nil || !vd.Success {
		t.Fatalf("the run again at lr 0.1: verdict %+v", vd)
	}
	m = keys(m, "left")
	if m.player.done {
		t.Fatal("← after the end of the run again did not step back")
	}
}

func TestScoreOnHomeAndSaved(t *testing.T) {
	dir := t.TempDir()
	store := &progress.Store{Path: filepath.Join(dir, "progress.json")}
	m := New(quizRegistry(), Options{Store: store})
	m = send(m, teaSize(100, 30))
	m = keys(m, "enter", "1", "space", "o", "space", "0", ".", "5", "enter", "esc")
	if m.screen != screenHome {
		t.Fatalf("on screen %d, want home", m.screen)
	}
	if s := screenText(m); !strings.Contains(s, "questions 1/2 right") {
		t.Fatalf("the home screen does not show the score:\n%s", s)
	}
	data, err := os.ReadFile(store.Path)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if r, n := st.Lessons[quizLesson].Score(); r != 1 || n != 2 {
		t.Fatalf("saved score %d/%d, want 1/2:\n%s", r, n, data)
	}
	// The journal keeps the answers: reopening shows the second reveal.
	m = keys(m, "enter")
	if q := m.player.revealed(m.c); q == nil || q.ID != "w-next" || q.Given != "0.5" {
		t.Fatalf("after reopening: %+v", q)
	}
}

// TestFlowAnswerQuestion answers a question by keys in a real program.
func TestFlowAnswerQuestion(t *testing.T) {
	f := startFlowWith(t, New(quizRegistry(), Options{}), 100, 30)
	f.waitFor("Quiz")
	f.press("enter")
	f.waitFor("1  yes")
	f.press("space")
	f.waitFor("answer the question first")
	f.press("1")
	f.waitFor("✓ Right")
	f.waitFor("Yes: it ends at w")
	f.press("space")
	f.waitFor("step 1/20")
	f.press("o")
	f.press("space")
	f.waitFor("your answer: ▏")
	for _, k := range []string{"1", ".", "0", "enter"} {
		f.press(k)
	}
	f.waitFor("✗ Not quite")
	f.waitFor("you said 1 · the answer:")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestQuestionViewsWithoutColour(t *testing.T) {
	m := openQuiz(t, 90, 30, Options{NoColor: true})
	views := []string{m.View().Content}
	m = keys(m, "2")
	views = append(views, m.View().Content)
	m = toEnd(t, m)
	views = append(views, m.View().Content)
	for i, v := range views {
		if loc := colourSGR.FindStringIndex(v); loc != nil {
			t.Fatalf("NO_COLOR view %d has a colour sequence %q", i, v[loc[0]:loc[1]])
		}
	}
	if !strings.Contains(ansi.Strip(views[1]), "✗ Not quite") || !strings.Contains(ansi.Strip(views[2]), "✓ Goal met") {
		t.Error("the NO_COLOR reveal or verdict does not say what happened in words")
	}
}

func TestVerdictDiverged(t *testing.T) {
	m := toEnd(t, keys(openQuiz(t, 120, 40, Options{Settings: lessons.Settings{"lr": "3"}}), "n"))
	s := bannerText(m)
	if !m.player.sc.Status.Diverged || !strings.Contains(s, "✗ Goal missed: the run diverged") || !strings.Contains(s, "Try: lower the learning rate from 3 to 0.1") {
		t.Fatalf("diverged verdict: %s", s)
	}
}

// Turning questions on while the run goes on stops it at the question.
func TestQuestionsOnWhileRunning(t *testing.T) {
	m := openQuiz(t, 120, 40, Options{NoQuestions: true})
	// Running at the start, its next tick not yet arrived.
	m.player.running = true
	m = keys(m, "a")
	m = send(m, tickMsg{gen: m.player.tickGen})
	if m.player.running || m.player.asking(m.c) == nil {
		t.Fatalf("running %v, asking %v after questions on", m.player.running, m.player.asking(m.c))
	}
}

// In a small window, with the full help open, the verdict still shows the
// change to try.
func TestVerdictKeepsTheTryWhenShort(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {100, 20}, {80, 24}} {
		m := toEnd(t, keys(openQuiz(t, size[0], size[1], Options{Settings: lessons.Settings{"lr": "0.01"}}), "2"))
		m = keys(m, "?")
		if s := bannerText(m); !strings.Contains(s, "Try: raise the learning rate from 0.01 to 0.1") {
			t.Errorf("%dx%d with help: the verdict lost the try: %q", size[0], size[1], s)
		}
	}
}
