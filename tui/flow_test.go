package tui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"
)

// flow runs the app in a real tea.Program (teatest) and replays its
// output into a virtual terminal, so a test reads the screen a learner
// would see. The raw byte stream is never compared: the renderer's cell
// diffs vary from run to run.
type flow struct {
	t    *testing.T
	tm   *teatest.TestModel
	em   *vt.SafeEmulator
	stop chan struct{}
}

func startFlow(t *testing.T, w, h int) *flow {
	t.Helper()
	return startFlowWith(t, New(testRegistry(), Options{}), w, h)
}

// startFlowWith runs app m.
func startFlowWith(t *testing.T, m Model, w, h int) *flow {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	f := &flow{t: t, tm: tm, em: vt.NewSafeEmulator(w, h), stop: make(chan struct{})}
	go func() { _, _ = io.Copy(io.Discard, f.em) }() // the emulator's replies
	go func() {
		out := tm.Output()
		buf := make([]byte, 32<<10)
		for {
			select {
			case <-f.stop:
				return
			default:
			}
			n, err := out.Read(buf)
			if n > 0 {
				_, _ = f.em.Write(bytes.ReplaceAll(buf[:n], []byte("\n"), []byte("\r\n")))
			}
			if err != nil || n == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	t.Cleanup(func() { close(f.stop) })
	return f
}

func (f *flow) screen() string { return ansi.Strip(f.em.Render()) }

// waitFor waits until the screen shows text.
func (f *flow) waitFor(text string) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(f.screen(), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("the screen never showed %q; it shows:\n%s", text, f.screen())
}

func (f *flow) press(k string) { f.tm.Send(press(k)) }

func TestFlowStepRewindQuit(t *testing.T) {
	f := startFlow(t, 100, 30)
	f.waitFor("Every panel")
	f.press("enter")
	f.waitFor("step 0/20")
	f.press("space")
	f.waitFor("step 1/20")
	f.press("space")
	f.waitFor("step 2/20")
	f.press("left")
	f.waitFor("step 1/20")
	f.press("o")
	f.press("space")
	f.waitFor("op 1/3")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestFlowRunPause(t *testing.T) {
	f := startFlow(t, 120, 40)
	f.waitFor("Every panel")
	f.press("enter")
	f.waitFor("step 0/20")
	f.press("+")
	f.press("+") // 50 per second
	f.press("r")
	f.waitFor("running")
	f.waitFor("epoch 1/4")
	f.press("r")
	f.waitFor("paused")
	f.press("esc")
	f.waitFor("steps seen")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final := f.tm.FinalModel(t).(Model)
	if final.c.progress.Lessons[testLesson].StepsSeen < testPerEp {
		t.Errorf("steps seen %d after running past an epoch", final.c.progress.Lessons[testLesson].StepsSeen)
	}
}
