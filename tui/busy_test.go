package tui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons"
)

// gate holds the gated lesson's advances while it is shut.
type gate struct {
	mu sync.Mutex
	ch chan struct{}
}

func newGate() *gate {
	g := &gate{ch: make(chan struct{})}
	close(g.ch)
	return g
}

func (g *gate) wait() {
	g.mu.Lock()
	ch := g.ch
	g.mu.Unlock()
	<-ch
}

// shut makes advances wait from now on; open lets them all go.
func (g *gate) shut() { g.mu.Lock(); g.ch = make(chan struct{}); g.mu.Unlock() }
func (g *gate) open() { g.mu.Lock(); close(g.ch); g.mu.Unlock() }

// gatedMachine is the test lesson's machine, except that each Advance
// waits while the test keeps its gate shut: jobs stay busy as long as the
// test wants, as a long epoch of a real lesson does.
type gatedMachine struct {
	*testMachine
	gate *gate
}

func (m *gatedMachine) Advance(g lessons.Granularity) {
	m.gate.wait()
	m.testMachine.Advance(g)
}

// Clone gives checkpoints of the plain machine, so that a Back's replay
// does not wait at the gate.
func (m *gatedMachine) Clone() lessons.Machine { return m.testMachine.Clone() }

func newGatedLesson(gate *gate) *lessons.Lesson {
	l := newTestLesson()
	plain := l.New
	l.New = func(seed uint64, s lessons.Settings) lessons.Machine {
		return &gatedMachine{testMachine: plain(seed, s).(*testMachine), gate: gate}
	}
	return l
}

// asyncApp drives the model the way Bubble Tea does: every command runs
// on a goroutine of its own and its message comes back on a channel, so
// keys can arrive while a job is still running.
type asyncApp struct {
	t    *testing.T
	m    Model
	msgs chan tea.Msg
}

func (a *asyncApp) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { a.msgs <- cmd() }()
	}
}

func (a *asyncApp) update(msg tea.Msg) {
	if msg == nil {
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		for i := range v.Len() {
			a.run(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		return
	}
	next, cmd := a.m.Update(msg)
	a.m = next.(Model)
	a.run(cmd)
}

func (a *asyncApp) press(ks ...string) {
	for _, k := range ks {
		a.update(press(k))
	}
}

// settle takes in the messages that come back until cond holds.
func (a *asyncApp) settle(what string, cond func(p playerModel) bool) {
	a.t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond(a.m.player) {
		select {
		case msg := <-a.msgs:
			a.update(msg)
		case <-deadline:
			a.t.Fatalf("%s: timed out at step %d (busy %v, queue %d, note %q)", what,
				a.m.player.sc.Pos.Step, a.m.player.busy, len(a.m.player.queue), a.m.player.note)
		}
	}
}

// quiet takes in whatever comes back within d, for a test to see that
// nothing more happens.
func (a *asyncApp) quiet(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case msg := <-a.msgs:
			a.update(msg)
		case <-end:
			return
		}
	}
}

func openGated(t *testing.T) (*asyncApp, *gate) {
	gate := newGate()
	m := New(lessons.NewRegistry(newGatedLesson(gate)), Options{NoQuestions: true})
	m.c.tick = func(time.Duration, tea.Msg) tea.Cmd { return nil } // no run timer, no autosave
	a := &asyncApp{t: t, m: m, msgs: make(chan tea.Msg, 64)}
	a.update(teaSize(120, 40))
	a.press("enter")
	a.settle("open", func(p playerModel) bool { return p.hasScene && !p.busy })
	return a, gate
}

// Keys pressed while a job runs are applied in order, once each, as soon
// as the job is done, with no further key press; while they wait, the
// screen says so.
func TestBusyKeysApplyInOrderWhenDone(t *testing.T) {
	a, gate := openGated(t)
	gate.shut()
	a.press("e", "space") // an epoch: waits at the gate
	if !a.m.player.busy {
		t.Fatal("the epoch is not running")
	}
	a.press("space", "]", "space", "h")
	if got := len(a.m.player.queue); got != 4 {
		t.Fatalf("%d keys queued, want 4", got)
	}
	v := ansi.Strip(a.m.View().Content)
	if !strings.Contains(v, "⋯") || !strings.Contains(v, "4 keys waiting") {
		t.Fatalf("no busy indicator while keys wait:\n%s", v)
	}
	gate.open()
	a.settle("drain", func(p playerModel) bool { return !p.busy && len(p.queue) == 0 })
	// epoch (5), epoch (10), lr up, epoch (15), back one epoch action (10).
	if got := a.m.player.sc.Pos.Step; got != 10 {
		t.Fatalf("after the queue: step %d, want 10", got)
	}
	if v := settingValue(a.m.player.sc, "lr", ""); v != "0.3" {
		t.Fatalf("lr %s after ], want 0.3", v)
	}
	if strings.Contains(a.m.player.note, "waiting") {
		t.Errorf("the note still says keys wait: %q", a.m.player.note)
	}
	a.quiet(100 * time.Millisecond)
	if got := a.m.player.sc.Pos.Step; got != 10 || a.m.player.busy {
		t.Fatalf("something more happened with no key: step %d busy %v", got, a.m.player.busy)
	}
}

// The review's bug 7: a queued step the run refuses (it is over) must not
// stop the queue; the h behind it goes back at once, and a later h goes
// back only once more.
func TestBusyRefusedKeyDoesNotStallTheQueue(t *testing.T) {
	a, gate := openGated(t)
	a.press("e", "space", "space", "space")
	a.settle("to step 15", func(p playerModel) bool { return !p.busy && len(p.queue) == 0 && p.sc.Pos.Step == 15 })

	gate.shut()
	a.press("space") // the last epoch: waits at the gate
	a.press("space", "space", "h")
	if got := len(a.m.player.queue); got != 3 {
		t.Fatalf("%d keys queued, want 3", got)
	}
	gate.open()
	a.settle("drain", func(p playerModel) bool { return !p.busy && len(p.queue) == 0 })
	if got := a.m.player.sc.Pos.Step; got != 15 {
		t.Fatalf("after the end, two refused steps and h: step %d, want 15 (back from the end, once)", got)
	}
	a.quiet(100 * time.Millisecond)
	a.press("h")
	a.settle("one more h", func(p playerModel) bool { return !p.busy && len(p.queue) == 0 })
	if got := a.m.player.sc.Pos.Step; got != 10 {
		t.Fatalf("a later h: step %d, want 10 (one epoch back, not two)", got)
	}
}
