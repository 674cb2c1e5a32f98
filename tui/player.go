package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// now is the clock used for progress timestamps.
var now = time.Now

// speeds are the run timer's rates, advances per second.
var speeds = []int{1, 2, 5, 10, 20, 50}

const defaultSpeed = 3 // 10 per second

// maxQueue bounds the actions queued while a job runs; more are dropped.
const maxQueue = 16

// playerModel is the lesson player: it drives one lesson Run through
// jobs, shows its latest scene, and keeps what the learner set (the
// granularity, the run timer, the focused control).
type playerModel struct {
	keys playerKeys
	help help.Model
	vp   viewport.Model

	lesson *lessons.Lesson
	run    *lessons.Run // nil until the open job returns; touched only by jobs
	// branch, when set, runs beside run (touched only by jobs); branchName
	// is its changed control and branchTo the branch's value of it.
	branch               *lessons.Branch
	branchName, branchTo string
	gen                  int // bumped on every open and close

	sc       scene.Scene
	hasScene bool
	done     bool
	canBack  bool
	journal  lessons.Journal
	saved    *lessons.Saved // the run's latest checkpoints, saved with the journal
	stepsMax int

	busy  bool
	queue []action

	gran    lessons.Granularity
	running bool
	speed   int
	tickGen int

	focus     int
	geo       geometry    // layout, stage plan and page shown (layout.go)
	note      string      // the outcome of the last action, for the status line
	failure   string      // a lesson error; the run is not usable after it
	exercises bool        // the exercises view is open
	narrative string      // the narrative the viewport holds, rendered
	input     answerInput // the answer being typed, and whether one was sent
	mineOn    bool        // mine mode is on (mine.go)
	mineClose func()      // ends the processes of the run's Mine
}

func newPlayer() playerModel {
	vp := viewport.New()
	vp.SoftWrap = true
	return playerModel{keys: newPlayerKeys(), help: help.New(), vp: vp, gran: lessons.Step, speed: defaultSpeed}
}

// open starts lesson l in a job.
func (p playerModel) open(c *common, l *lessons.Lesson, settings lessons.Settings) (playerModel, tea.Cmd) {
	gen := p.gen + 1
	p = newPlayer()
	p.gen = gen
	p.lesson = l
	p.busy = true
	p.focus = firstFocus(l)
	var saved *progress.Lesson
	if s, ok := c.progress.Lessons[l.ID]; ok {
		saved = &s
		p.stepsMax = s.StepsSeen
	}
	if c.opts.Mine && l.ID == c.opts.Lesson {
		// dlearn lesson ID --mine: mine mode as soon as the run is open.
		c.opts.Mine = false
		p.queue = append(p.queue, action{kind: actMine})
	}
	p = p.resize(c)
	return p, openJob(gen, l, c.opts.Seed, settings, saved, c.opts.Store)
}

// firstFocus puts the focus on the learning rate when the lesson has one.
func firstFocus(l *lessons.Lesson) int {
	for i, ct := range l.Controls {
		if ct.Name == "lr" || strings.Contains(strings.ToLower(ct.Label), "learning rate") {
			return i
		}
	}
	return 0
}

// close forgets the lesson; a job still running for it is ignored when
// it returns.
func (p playerModel) close() playerModel {
	p.closeMine()
	gen := p.gen + 1
	p = newPlayer()
	p.gen = gen
	return p
}

// save records the lesson's place (nil when there is nothing to save).
func (p playerModel) save(c *common) tea.Cmd {
	if p.lesson == nil || !p.hasScene {
		return nil
	}
	return saveJob(c, p.lesson.ID, p.journal, p.saved, p.stepsMax)
}

// playerState is what the player is doing; a key press goes to the
// state's handler. It is derived from the model (the exercises flag, the
// scene's question), never stored beside it.
type playerState int

const (
	// statePlaying: stepping, running, changing controls.
	statePlaying playerState = iota
	// stateQuestion: a question waits for its answer (question.go); keys
	// that would advance the run are refused.
	stateQuestion
	// stateExercises: the exercises view is open (exercises.go).
	stateExercises
)

func (p playerModel) state(c *common) playerState {
	switch {
	case p.exercises:
		return stateExercises
	case p.asking(c) != nil:
		return stateQuestion
	}
	return statePlaying
}

// update handles a message. quit asks the app to quit.
func (p playerModel) update(c *common, msg tea.Msg) (_ playerModel, _ tea.Cmd, quit bool) {
	switch msg := msg.(type) {
	case jobDoneMsg:
		if msg.gen != p.gen {
			return p, nil, false
		}
		return p.finish(c, msg)
	case tickMsg:
		if msg.gen != p.tickGen || !p.running || p.busy || p.done || p.failure != "" {
			return p, nil, false
		}
		if q := p.asking(c); q != nil {
			p.running, p.note = false, "a question: "+answerHint(q)
			return p, nil, false
		}
		return p.start(c, action{kind: actStep, g: p.gran, auto: true})
	case tea.KeyPressMsg:
		if p.state(c) == stateExercises {
			k := newExerciseKeys()
			switch {
			case key.Matches(msg, k.Quit):
				return p, nil, true
			case key.Matches(msg, k.Back):
				p.exercises = false
			}
			return p, nil, false
		}
		p, cmd, quit := p.key(c, msg)
		return p.resize(c), cmd, quit
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		p.vp, cmd = p.vp.Update(msg)
		return p, cmd, false
	}
	return p, nil, false
}

// key handles a key press in the player.
func (p playerModel) key(c *common, k tea.KeyPressMsg) (_ playerModel, _ tea.Cmd, quit bool) {
	ks := p.keys
	if p.state(c) == stateQuestion {
		if next, cmd, handled := p.questionKey(c, p.asking(c), k); handled {
			return next, cmd, false
		}
	}
	switch {
	case key.Matches(k, ks.Quit):
		return p, nil, true
	case key.Matches(k, ks.Home):
		return p, func() tea.Msg { return leaveLessonMsg{} }, false
	case key.Matches(k, ks.Help):
		p.help.ShowAll = !p.help.ShowAll
		return p.resize(c), nil, false
	case key.Matches(k, ks.Exercises):
		p.exercises = true
		p.running = false
		return p, nil, false
	case key.Matches(k, ks.ScrollUp):
		if k.String() == "pgup" {
			p.vp.PageUp()
		} else {
			p.vp.ScrollUp(1)
		}
		return p, nil, false
	case key.Matches(k, ks.ScrollDown):
		if k.String() == "pgdown" {
			p.vp.PageDown()
		} else {
			p.vp.ScrollDown(1)
		}
		return p, nil, false
	case key.Matches(k, ks.NextPanels), key.Matches(k, ks.PrevPanels):
		return p.turnPage(key.Matches(k, ks.NextPanels)), nil, false
	case key.Matches(k, ks.OpMode):
		p.gran, p.note = lessons.Op, "stepping one op at a time"
	case key.Matches(k, ks.StepMode):
		p.gran, p.note = lessons.Step, "stepping one training step at a time"
	case key.Matches(k, ks.EpochMode):
		p.gran, p.note = lessons.Epoch, "stepping one epoch at a time"
	case key.Matches(k, ks.Faster):
		p.speed = min(p.speed+1, len(speeds)-1)
		p.note = fmt.Sprintf("speed %d/s", speeds[p.speed])
	case key.Matches(k, ks.Slower):
		p.speed = max(p.speed-1, 0)
		p.note = fmt.Sprintf("speed %d/s", speeds[p.speed])
	case key.Matches(k, ks.Focus), key.Matches(k, ks.FocusBack):
		if n := len(p.lessonControls()); n > 0 {
			d := 1
			if key.Matches(k, ks.FocusBack) {
				d = n - 1
			}
			p.focus = (p.focus + d) % n
			ct := p.lessonControls()[p.focus]
			p.note = ct.Label + ": " + ct.Help
		}
	case key.Matches(k, ks.Run):
		if p.running {
			p.running, p.note = false, "paused"
			return p, nil, false
		}
		if p.done {
			p.note = runOverNote
			return p, nil, false
		}
		p.running, p.note = true, ""
		p.tickGen++
		if !p.busy {
			return p.start(c, action{kind: actStep, g: p.gran, auto: true})
		}
	case key.Matches(k, ks.Step):
		p.running = false
		return p.enqueue(c, action{kind: actStep, g: p.gran})
	case key.Matches(k, ks.Back):
		p.running = false
		return p.enqueue(c, action{kind: actBack})
	case key.Matches(k, ks.Restart):
		p.running = false
		return p.enqueue(c, action{kind: actRestart})
	case key.Matches(k, ks.Branch):
		p.running = false
		if p.branch != nil {
			return p.enqueue(c, action{kind: actUnbranch})
		}
		ctl := p.lessonControls()
		if len(ctl) == 0 {
			p.note = "this lesson has no settings to branch on"
			return p, nil, false
		}
		return p.enqueue(c, action{kind: actBranch, control: ctl[p.focus%len(ctl)].Name, dir: 1})
	case key.Matches(k, ks.Mine):
		if p.busy {
			return p.enqueue(c, action{kind: actMine})
		}
		return p.startMine(c)
	case key.Matches(k, ks.KeepBranch):
		p.running = false
		if p.branch == nil {
			p.note = "no branch to keep: b starts one with the focused setting changed"
			return p, nil, false
		}
		return p.enqueue(c, action{kind: actUnbranch, keep: true})
	case key.Matches(k, ks.GradCheck):
		p.running = false
		return p.enqueue(c, action{kind: actGradCheck})
	case key.Matches(k, ks.Questions):
		c.questionsOff = !c.questionsOff
		c.progress.Prefs.NoQuestions = c.questionsOff
		if c.questionsOff {
			p.note = "questions off: the lessons will not stop to ask you (a turns them on)"
		} else {
			p.note = "questions on: the lessons ask you to predict before they show (a turns them off)"
		}
		return p, prefsJob(c), false
	case key.Matches(k, ks.Dec), key.Matches(k, ks.Inc):
		ctl := p.lessonControls()
		if len(ctl) == 0 {
			p.note = "this lesson has no settings"
			return p, nil, false
		}
		dir := 1
		if key.Matches(k, ks.Dec) {
			dir = -1
		}
		return p.enqueue(c, action{kind: actSet, control: ctl[p.focus%len(ctl)].Name, dir: dir})
	}
	return p, nil, false
}

func (p playerModel) lessonControls() []lessons.Control {
	if p.lesson == nil {
		return nil
	}
	return p.lesson.Controls
}

// runOverNote is the note for a step asked for after the end of the run.
const runOverNote = "the run is over: R runs it again from the start (← steps back)"

// enqueue starts a right away, or queues it behind the running job.
func (p playerModel) enqueue(c *common, a action) (playerModel, tea.Cmd, bool) {
	if p.run == nil && !p.busy {
		return p, nil, false
	}
	if p.failure != "" {
		return p, nil, false
	}
	if p.busy {
		if len(p.queue) < maxQueue {
			p.queue = append(p.queue, a)
			p.note = waitingNote(len(p.queue))
		} else {
			p.note = fmt.Sprintf("busy: %d keys already waiting; that one was dropped", maxQueue)
		}
		return p, nil, false
	}
	return p.start(c, a)
}

// waitingNote is the status line's note while n keys wait for a job.
func waitingNote(n int) string {
	keys := "1 key waits"
	if n > 1 {
		keys = fmt.Sprintf("%d keys waiting", n)
	}
	return waitingPrefix + keys + ", applied in order as soon as it is done"
}

const waitingPrefix = "⋯ working: "

// start launches the job for a, or refuses it with a note when it cannot
// do anything.
func (p playerModel) start(c *common, a action) (playerModel, tea.Cmd, bool) {
	if p.run == nil || p.busy {
		return p, nil, false
	}
	switch a.kind {
	case actStep:
		a.stop = !c.questionsOff
		if q := p.asking(c); q != nil {
			p.running = false
			p.note = "answer the question first: " + answerHint(q)
			return p, nil, false
		}
		if p.done {
			p.running = false
			p.note = runOverNote
			return p, nil, false
		}
	case actBack:
		if !p.canBack {
			p.note = "already at the start"
			return p, nil, false
		}
	case actRestart:
		if p.branch != nil {
			p.note = "end the branch first: b keeps the run, B keeps the branch"
			return p, nil, false
		}
	case actUnbranch:
		if p.branch == nil {
			return p, nil, false
		}
	case actBranch:
		ct, ok := p.lesson.Control(a.control)
		if !ok || p.branch != nil {
			return p, nil, false
		}
		cur := settingValue(p.sc, a.control, ct.Default)
		a.value = ct.Next(cur, 1)
		if a.value == cur {
			a.value = ct.Next(cur, -1)
		}
		if a.value == cur {
			p.note = fmt.Sprintf("%s has only one value: nothing to branch on", ct.Label)
			return p, nil, false
		}
	case actSet:
		ct, ok := p.lesson.Control(a.control)
		if !ok {
			return p, nil, false
		}
		cur := settingValue(p.sc, a.control, ct.Default)
		if p.branch != nil && a.control == p.branchName {
			cur = p.branchTo
		}
		dir := a.dir
		next := ct.Next(cur, dir)
		if next == cur {
			end := "highest"
			if dir < 0 {
				end = "lowest"
			}
			p.note = fmt.Sprintf("%s is at its %s setting (%s)", ct.Label, end, cur)
			return p, nil, false
		}
		a.value = next
	}
	if a.kind == actMine {
		return p.startMine(c)
	}
	p.busy = true
	return p, runJob(p.gen, p.run, p.branch, a), false
}

// settingValue is the current value of control name in scene sc.
func settingValue(sc scene.Scene, name, def string) string {
	for _, s := range sc.Settings {
		if s.Name == name {
			return s.Value
		}
	}
	return def
}

// finish takes in a job's result, then starts the next queued action or
// schedules the next tick of a running player.
func (p playerModel) finish(c *common, d jobDoneMsg) (playerModel, tea.Cmd, bool) {
	p.busy = false
	p.input.sent = false
	if strings.HasPrefix(p.note, waitingPrefix) {
		p.note = ""
	}
	if d.opened != nil {
		p.run = d.opened
	}
	if d.act.kind == actMine {
		p = p.finishMine(d)
		d.err = nil
	}
	if d.err != nil && d.opened == nil && d.act.kind != actSet && d.act.kind != actAnswer && d.act.kind != actBranch {
		p.failure = d.err.Error()
		p.running = false
		p.queue = nil
		if d.scene.LessonID != "" {
			p.sc, p.hasScene = d.scene, true
		}
		return p.resize(c), nil, false
	}
	if d.err != nil && (d.act.kind == actSet || d.act.kind == actAnswer || d.act.kind == actBranch) {
		p.note = strings.TrimPrefix(d.err.Error(), "lessons: ")
	}
	if d.scene.LessonID != "" {
		p.sc, p.hasScene = d.scene, true
		p.done, p.canBack, p.journal, p.saved = d.done, d.canBack, d.journal, d.saved
		p.stepsMax = max(p.stepsMax, d.scene.Pos.Step)
	}
	if d.note != "" {
		p.note = d.note
	}
	if d.branch != nil {
		p.branch, p.branchName, p.branchTo = d.branch, d.act.control, d.act.value
		ct, _ := p.lesson.Control(d.act.control)
		how := "from here"
		if d.branch.Restarted {
			how = "replayed from the start (it restarts the lesson)"
		}
		p.note = fmt.Sprintf("branch: %s %s → %s, %s; both step together · [ ] the branch's %s · b keeps the run · B keeps the branch",
			ct.Label, d.branch.From, d.act.value, how, ct.Label)
	}
	if d.unbranch {
		p.branch = nil
		if d.act.keep {
			p.note = fmt.Sprintf("kept the branch (%s %s); the run it was compared with is gone", p.branchName, p.branchTo)
		} else {
			p.note = "branch ended: the run goes on as it was"
		}
	}
	if d.act.kind == actSet && d.err == nil && p.branch != nil && d.act.control == p.branchName {
		p.branchTo = d.act.value
		ct, _ := p.lesson.Control(d.act.control)
		p.note = fmt.Sprintf("the branch's %s = %s (the run keeps %s)", ct.Label, d.act.value, settingValue(p.sc, d.act.control, ct.Default))
	} else if d.act.kind == actSet && d.err == nil && d.opened == nil {
		ct, _ := p.lesson.Control(d.act.control)
		if d.restarted {
			p.note = fmt.Sprintf("%s = %s: restarted from the start", ct.Label, d.act.value)
			p.vp.GotoTop()
		} else if d.done {
			p.note = fmt.Sprintf("%s = %s: the run has ended, so R runs it again from the start with it", ct.Label, d.act.value)
		} else {
			p.note = fmt.Sprintf("%s = %s: the run goes on from here with it", ct.Label, d.act.value)
		}
	}
	if d.act.kind == actStep && !d.act.auto && d.opened == nil {
		p.note = ""
	}
	switch {
	case d.act.kind == actAnswer && d.err == nil:
		p.input = answerInput{}
		if p.lesson != nil {
			recordAnswer(c, p.lesson.ID, d.scene.Question)
		}
	case d.act.kind == actRestart && d.err == nil:
		p.note = "started again from the start with " + settingsText(p.sc)
		p.vp.GotoTop()
		p.geo.page = ""
	}
	if q := p.asking(c); q != nil && (p.running || len(p.queue) > 0) {
		// A question stops the run where it is asked: the timer and the
		// steps queued before it appeared.
		p.running = false
		p.note = "a question: " + answerHint(q)
		kept := p.queue[:0]
		for _, a := range p.queue {
			if a.kind != actStep {
				kept = append(kept, a)
			}
		}
		p.queue = kept
	}
	p = p.resize(c)
	if p.done && p.running {
		p.running = false
		if p.sc.Status.Diverged {
			p.note = "stopped: the run diverged"
		} else if p.mineOn && p.sc.Status.Level == scene.LevelError {
			p.note = "stopped: your code and the engine disagree (the table shows where)"
		} else {
			p.note = "stopped at the end of the run"
		}
	}
	// Start the next queued action; one the run refuses (a step past the
	// end, a back at the start) leaves its note and the next one starts,
	// so no key waits for a later key press.
	for len(p.queue) > 0 && !p.busy {
		a := p.queue[0]
		p.queue = p.queue[1:]
		var cmd tea.Cmd
		if p, cmd, _ = p.start(c, a); cmd != nil {
			if len(p.queue) > 0 {
				p.note = waitingNote(len(p.queue))
			}
			return p, cmd, false
		}
	}
	if p.running {
		return p, c.tick(time.Second/time.Duration(speeds[p.speed]), tickMsg{gen: p.tickGen}), false
	}
	return p, nil, false
}

// settingsText lists the scene's settings ("learning rate 0.1, batch size 32").
func settingsText(sc scene.Scene) string {
	parts := make([]string, len(sc.Settings))
	for i, st := range sc.Settings {
		parts[i] = st.Label + " " + st.Value
	}
	if len(parts) == 0 {
		return "the same settings"
	}
	return strings.Join(parts, ", ")
}
