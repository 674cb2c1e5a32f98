package lessons

import (
	"fmt"
	"strings"
	"time"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Granularity is how far one Advance moves a run.
type Granularity int

const (
	// Op is one forward op, one backward graph node, or one update.
	Op Granularity = iota
	// Step is to the end of the current training step (forward, loss,
	// backward, update).
	Step
	// Epoch is to the end of the current epoch.
	Epoch
	// End is to the end of the run.
	End
)

var granularityNames = []string{"op", "step", "epoch", "end"}

func (g Granularity) String() string {
	if g < 0 || int(g) >= len(granularityNames) {
		return fmt.Sprintf("Granularity(%d)", int(g))
	}
	return granularityNames[g]
}

// ParseGranularity parses "op", "step", "epoch" or "end".
func ParseGranularity(s string) (Granularity, error) {
	for i, n := range granularityNames {
		if strings.EqualFold(s, n) {
			return Granularity(i), nil
		}
	}
	return 0, fmt.Errorf("granularity %q: want one of %s", s, strings.Join(granularityNames, ", "))
}

// Machine is a lesson's state machine. It is deterministic: the same seed,
// settings and sequence of calls give the same scenes.
type Machine interface {
	// Advance moves forward by one unit of g. It is not called once Done
	// reports true.
	Advance(g Granularity)
	// Done reports whether the run has finished or diverged; a done
	// machine still answers Scene.
	Done() bool
	// Scene describes the current moment. The runtime fills in Settings.
	Scene() scene.Scene
	// Set applies a new value of a control whose Restart is false, from the
	// next training step on. The value has been validated.
	Set(name, value string)
}

// Cloner is implemented by machines that can copy themselves; Run then keeps
// checkpoints so stepping back does not replay from the start.
type Cloner interface {
	Clone() Machine
}

// Snapshotter is implemented by machines that can save their state and
// return to it, when copying the whole machine is awkward (it holds engine
// layers). Run then saves a snapshot about every checkpointEvery actions,
// whenever the machine can take one, and steps back by restoring the
// latest snapshot and replaying only the actions after it.
type Snapshotter interface {
	// Snapshot returns the machine's state, or false when it cannot save
	// one now (in the middle of a training step, say). The state must not
	// change when the machine goes on.
	Snapshot() (state any, ok bool)
	// Restore puts the machine back into a state Snapshot returned.
	Restore(state any)
}

// action is one entry of a run's log: an Advance, a Set when name != "",
// or the answer to a question when answer != "" (value is the answer, ""
// when skipped). An Advance that stopped early at a question is logged as
// ops > 0 Op advances taken as one action.
type action struct {
	g           Granularity
	ops         int
	name, value string
	answer      string
	correct     bool
}

// Checkpoints are spaced by cost: one is taken (whenever the machine can)
// once checkpointBudget of work has been done since the last, or
// checkpointEvery actions, whichever comes first. Stepping back then
// replays at most about that much work, however large one action is (an
// epoch, the whole run). At most maxCheckpoints are kept: past that, every
// other one of the older ones is dropped, so memory stays bounded and the
// spacing grows with age (stepping far back costs more than one step).
var (
	checkpointBudget = 40 * time.Millisecond
	checkpointEvery  = 16
	maxCheckpoints   = 48
)

// recentCheckpoints are never thinned.
const recentCheckpoints = 16

// Run is a lesson in progress: a Machine plus the log that lets the learner
// step back. A Run is not safe for concurrent use; front ends that advance
// it off their UI goroutine must not touch it until that work returns.
type Run struct {
	lesson   *Lesson
	seed     uint64
	settings Settings
	start    Settings // the settings the machine was created with

	m   Machine
	log []action
	// checkpoints are machine states after the first at actions of the
	// log, in increasing order of at.
	checkpoints []checkpoint
	// moves counts the changes of the machine's state (not answers), so
	// the resolution of the question posed now is cached until the next.
	moves int
	posed *posed
	// cost is the time spent advancing the machine since the latest
	// checkpoint.
	cost time.Duration
	// stopAtQuestions makes Step, Epoch and End advances stop at a question
	// not yet answered (see SetStopAtQuestions).
	stopAtQuestions bool
	// mine is the learner's code every machine of the run checks its ops
	// against (mine mode), or nil.
	mine *Mine
}

// Progresser is implemented by machines that can say cheaply how far they
// are: training steps and epochs completed, as in the scene's Position.
// With Questioner it lets a run stop at questions inside a step.
type Progresser interface {
	Progress() (step, epoch int)
}

// SetStopAtQuestions makes every later Advance by Step, Epoch or End stop
// early at a moment that poses a question not yet answered in this run,
// so a learner who moves by whole steps still meets the questions asked
// inside one — for machines that are both Questioner and Progresser (for
// others it changes nothing). Front ends that ask questions turn it on;
// the partial advance is one action, undone by one Back. Off by default.
func (r *Run) SetStopAtQuestions(on bool) { r.stopAtQuestions = on }

// checkpoint is a clone of the machine (clone set) or a snapshot of its
// state (state set) after the first at actions.
type checkpoint struct {
	at    int
	clone Machine
	state any
	// hash is the prefix hash of the log up to at, once hashed (see
	// Run.Checkpoint).
	hash   [32]byte
	hashed bool
}

// Start validates settings (nil means all defaults) and starts the lesson.
func Start(l *Lesson, seed uint64, settings Settings) (*Run, error) {
	s := l.Defaults()
	for name, v := range settings {
		c, ok := l.Control(name)
		if !ok {
			return nil, fmt.Errorf("lesson %s has no control %q", l.ID, name)
		}
		p, err := c.Parse(v)
		if err != nil {
			return nil, err
		}
		s[name] = p
	}
	r := &Run{lesson: l, seed: seed, settings: s}
	r.restart()
	return r, nil
}

func (r *Run) restart() {
	r.start = r.settings.Clone()
	r.m = r.newMachine()
	r.log = r.log[:0]
	r.checkpoints = nil
	r.cost = 0
	r.moves++
}

// Restart starts the run again from the seed with the current settings —
// after the end, say, with a control changed — and forgets the history,
// answers included.
func (r *Run) Restart() { r.restart() }

// Lesson returns the lesson being run.
func (r *Run) Lesson() *Lesson { return r.lesson }

// Seed returns the run's seed.
func (r *Run) Seed() uint64 { return r.seed }

// Settings returns a copy of the current settings.
func (r *Run) Settings() Settings { return r.settings.Clone() }

// Done reports whether the run can advance no further.
func (r *Run) Done() bool { return r.m.Done() }

// Advance moves the run forward by g. It returns false, and does nothing,
// when the run is already done.
func (r *Run) Advance(g Granularity) bool {
	if r.m.Done() {
		return false
	}
	q, isQ := r.m.(Questioner)
	p, isP := r.m.(Progresser)
	if g != Op && r.stopAtQuestions && isQ && isP {
		r.advanceToQuestion(g, q, p)
		return true
	}
	t0 := time.Now()
	r.apply(r.m, action{g: g})
	r.cost += time.Since(t0)
	r.push(action{g: g})
	r.moves++
	return true
}

// advanceToQuestion advances one op at a time to the end of g, or to the
// first moment on the way that poses a question not yet answered, and
// logs the ops it took as one action.
func (r *Run) advanceToQuestion(g Granularity, q Questioner, p Progresser) {
	step0, epoch0 := p.Progress()
	t0 := time.Now()
	n := 0
	for !r.m.Done() {
		r.m.Advance(Op)
		n++
		step, epoch := p.Progress()
		if g == Step && step != step0 || g == Epoch && epoch != epoch0 {
			break
		}
		if a := q.Ask(); a != nil && !r.answered(a.ID) {
			break
		}
	}
	r.cost += time.Since(t0)
	r.push(action{g: Op, ops: n})
	r.moves++
}

// advanceOps takes n ops as one action (a journal's stopped advance).
func (r *Run) advanceOps(n int) {
	t0 := time.Now()
	a := action{g: Op, ops: n}
	r.apply(r.m, a)
	r.cost += time.Since(t0)
	r.push(a)
	r.moves++
}

// answered reports whether the log holds an answer to question id.
func (r *Run) answered(id string) bool {
	for _, a := range r.log {
		if a.answer == id {
			return true
		}
	}
	return false
}

// Set changes a control. A change to a control with Restart restarts the
// run from the seed (restarted is true) and forgets the history; any other
// change continues the run (the machine applies it as its lesson documents:
// a learning rate from the next update on) and can be stepped back over
// like an Advance. After the end (finished or diverged) a continuing change
// is only recorded: the ended run and its narrative keep the values it ran
// with, and Restart runs the new ones.
func (r *Run) Set(name, value string) (restarted bool, err error) {
	c, ok := r.lesson.Control(name)
	if !ok {
		return false, fmt.Errorf("lesson %s has no control %q", r.lesson.ID, name)
	}
	v, err := c.Parse(value)
	if err != nil {
		return false, err
	}
	if v == r.settings[name] {
		return false, nil
	}
	r.settings[name] = v
	if c.Restart {
		r.restart()
		return true, nil
	}
	a := action{name: name, value: v}
	r.apply(r.m, a)
	r.push(a)
	r.moves++
	return false, nil
}

// Back undoes the last action (an Advance or a continuing Set). It returns
// false when there is nothing to undo.
func (r *Run) Back() bool {
	if len(r.log) == 0 {
		return false
	}
	last := r.log[len(r.log)-1]
	r.log = r.log[:len(r.log)-1]
	if last.name != "" {
		r.settings[last.name] = r.previousValue(last.name)
	}
	// Drop checkpoints taken after the new end of the log.
	for len(r.checkpoints) > 0 && r.checkpoints[len(r.checkpoints)-1].at > len(r.log) {
		r.checkpoints = r.checkpoints[:len(r.checkpoints)-1]
	}
	t0 := time.Now()
	m, from := r.fromCheckpoint(len(r.checkpoints), false)
	r.m = m
	for _, a := range r.log[from:] {
		r.apply(r.m, a)
	}
	r.cost = time.Since(t0)
	r.moves++
	return true
}

// fromCheckpoint returns a machine in the state of the latest of the first
// n checkpoints (or a new machine when there is none) and the number of
// log actions that state includes. With fresh, a snapshot is restored into
// a new machine rather than the run's own.
func (r *Run) fromCheckpoint(n int, fresh bool) (Machine, int) {
	if n == 0 {
		return r.newMachine(), 0
	}
	cp := r.checkpoints[n-1]
	if cp.clone != nil {
		return r.withMine(cp.clone.(Cloner).Clone()), cp.at
	}
	m := r.m
	if fresh {
		m = r.newMachine()
	}
	m.(Snapshotter).Restore(cp.state)
	return m, cp.at
}

// previousValue is the value control name had before the last Set of it
// still in the log, or its value at the start.
func (r *Run) previousValue(name string) string {
	for i := len(r.log) - 1; i >= 0; i-- {
		if r.log[i].name == name {
			return r.log[i].value
		}
	}
	return r.start[name]
}

// Actions returns the number of actions Back can undo.
func (r *Run) Actions() int { return len(r.log) }

// CanBack reports whether Back has anything to undo.
func (r *Run) CanBack() bool { return len(r.log) > 0 }

func (r *Run) apply(m Machine, a action) {
	if a.answer != "" {
		return
	}
	if a.name != "" {
		// A run that has ended keeps the settings it ran with, so what
		// its scenes say stays true; the new value waits for Restart.
		if !m.Done() {
			m.Set(a.name, a.value)
		}
		return
	}
	for range max(a.ops, 1) {
		if m.Done() {
			return
		}
		m.Advance(a.g)
	}
}

func (r *Run) push(a action) {
	r.log = append(r.log, a)
	last := 0
	if n := len(r.checkpoints); n > 0 {
		last = r.checkpoints[n-1].at
	}
	if len(r.log)-last < checkpointEvery && r.cost < checkpointBudget {
		return
	}
	switch m := r.m.(type) {
	case Cloner:
		r.checkpoints = append(r.checkpoints, checkpoint{at: len(r.log), clone: m.Clone()})
	case Snapshotter:
		st, ok := m.Snapshot()
		if !ok {
			return
		}
		r.checkpoints = append(r.checkpoints, checkpoint{at: len(r.log), state: st})
	default:
		return
	}
	r.cost = 0
	r.thin()
}

// thin drops every other checkpoint among the older ones once there are
// more than maxCheckpoints.
func (r *Run) thin() {
	if len(r.checkpoints) <= maxCheckpoints {
		return
	}
	old := len(r.checkpoints) - recentCheckpoints
	kept := r.checkpoints[:0]
	for i, cp := range r.checkpoints {
		if i >= old || i%2 == 1 {
			kept = append(kept, cp)
		}
	}
	clear(r.checkpoints[len(kept):])
	r.checkpoints = kept
}

// Scene returns the current scene with the lesson's identity and the
// current settings filled in.
func (r *Run) Scene() scene.Scene {
	sc := r.m.Scene()
	sc.LessonID = r.lesson.ID
	if sc.Lesson == "" {
		sc.Lesson = r.lesson.Title
	}
	sc.Settings = make([]scene.Setting, len(r.lesson.Controls))
	for i, c := range r.lesson.Controls {
		sc.Settings[i] = scene.Setting{Name: c.Name, Label: c.Label, Value: r.settings[c.Name]}
	}
	sc.Question = r.Question()
	sc.Score = r.Score()
	r.autopsy(&sc)
	r.judgeGoal(&sc)
	r.mineScene(&sc)
	return sc
}

// judgeGoal fills in the scene's goal and, at the end of the run, replaces
// the machine's own end status with the runtime's verdict: success only
// when the goal is met.
func (r *Run) judgeGoal(sc *scene.Scene) {
	g := r.lesson.Goal
	ms, ok := r.m.(Measurer)
	if g == nil || !ok {
		return
	}
	m := ms.Measures()
	sg := &scene.Goal{Text: g.Text(), Measure: g.Label}
	if v, ok := m.Values[g.Measure]; ok {
		sg.Value = FormatNum(v) + g.Unit
		sg.Met = g.Met(v)
	}
	sc.Goal = sg
	if !r.m.Done() {
		return
	}
	vd := Diagnose(r.lesson, m, sc.Status.Diverged, r.settings)
	if a := sc.Autopsy; a != nil && vd.Cause == CauseDiverged {
		// The autopsy found where: that is the explanation.
		vd.Explain = fmt.Sprintf("the run stopped in step %d on a %s: %s", a.Step, a.Trigger, a.Summary)
	}
	sg.Verdict = &vd
	st := &sc.Status
	st.Finished = !st.Diverged
	if vd.Success {
		st.Level = scene.LevelSuccess
		st.Message = fmt.Sprintf("goal met: %s = %s (goal: %s)", g.Label, sg.Value, sg.Text)
		return
	}
	st.Level = scene.LevelWarning
	if st.Diverged {
		st.Level = scene.LevelError
	}
	got := sg.Value
	if got == "" {
		got = "not measured"
	}
	st.Message = fmt.Sprintf("goal missed: %s = %s (goal: %s) · %s · try: %s", g.Label, got, sg.Text, vd.Cause, vd.Try)
}

// DefaultSeed is the seed front ends use unless the learner picks another.
const DefaultSeed = 42

// MachineOf returns the machine a run is driving, for a lesson's own tests
// that need to look at engine state the scene does not carry.
func MachineOf(r *Run) Machine { return r.m }
