package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// A lesson Run is not safe for concurrent use, and advancing it can take
// long (an epoch, a replay from the seed). So every call on a Run happens
// in a job: a tea.Cmd that runs off the UI goroutine and comes back as a
// jobDoneMsg carrying everything the UI needs (scene, journal, done). The
// player starts at most one job at a time and does not touch the Run
// until it returns; keys pressed meanwhile are queued.

// actionKind is what a job does to the run.
type actionKind int

const (
	actStep      actionKind = iota // Advance at the player's granularity
	actBack                        // Back
	actSet                         // Set a control one rung up or down
	actAnswer                      // Answer the question posed now
	actRestart                     // Restart from the seed with the current settings
	actBranch                      // Branch with control set to value
	actUnbranch                    // End the branch, keeping the run (or, with keep, the branch)
	actMine                        // Turn mine mode on or off (mine.go)
	actGradCheck                   // check the gradient at the node in focus (changes nothing)
)

// action is one queued learner action.
type action struct {
	kind    actionKind
	g       lessons.Granularity
	control string // for actSet
	dir     int    // for actSet: −1 down, +1 up
	value   string // for actSet: the new value, fixed when the job starts
	auto    bool   // started by the run timer, not a key
	qid     string // for actAnswer: the question answered
	answer  string // for actAnswer: the answer as typed ("" skips)
	stop    bool   // for actStep: stop at a question inside the step (questions on)
	keep    bool   // for actUnbranch: keep the branch instead of the run
}

// jobDoneMsg is the result of a job on the run of player generation gen.
// Results of an older generation (the learner left the lesson meanwhile)
// are dropped.
type jobDoneMsg struct {
	gen       int
	act       action
	opened    *lessons.Run // set by an open job, and by ending a branch kept
	branch    *lessons.Branch
	unbranch  bool // the branch ended
	moved     bool // Advance or Back did something
	restarted bool
	err       error
	note      string
	scene     scene.Scene
	done      bool
	journal   lessons.Journal
	saved     *lessons.Saved // the run's latest checkpoints, saved with the journal
	canBack   bool
	mine      *mineResult // set by a mine job that did its work
}

// snapshot fills in what the UI reads from the run, so it never has to
// touch the run itself.
func (d *jobDoneMsg) snapshot(r *lessons.Run) {
	d.scene = r.Scene()
	d.done = r.Done()
	d.journal = r.Journal()
	d.saved = r.Checkpoint()
	d.canBack = r.CanBack()
}

// panicked turns a panic in lesson code (recovered by the job) into an
// error in the message, so a broken lesson shows an error instead of
// taking the terminal down.
func (d *jobDoneMsg) panicked(p any) {
	if p != nil {
		d.err = fmt.Errorf("the lesson failed: %v", p)
	}
}

// openJob starts lesson l: afresh with settings when given, else from
// the saved place (falling back to a fresh start, with a note, when the
// saved journal no longer fits the lesson). The saved place is restored
// from the lesson's checkpoint file in store, when it has one that fits
// the journal, instead of replaying the whole journal.
func openJob(gen int, l *lessons.Lesson, seed uint64, settings lessons.Settings, saved *progress.Lesson, store *progress.Store) tea.Cmd {
	return func() (msg tea.Msg) {
		defer region(func() string { return "job: open" }).End()
		d := jobDoneMsg{gen: gen}
		defer func() {
			d.panicked(recover())
			msg = d
		}()
		var r *lessons.Run
		var err error
		if saved != nil && settings == nil {
			var ckpt []byte
			if store != nil && len(saved.Journal.Entries) > 0 {
				ckpt = store.ReadCheckpoint(l.ID)
			}
			r, _, err = lessons.ResumeFrom(l, saved.Journal, ckpt)
			if err != nil {
				d.note = fmt.Sprintf("your saved place no longer fits this lesson (%v); started afresh", err)
				r, err = lessons.Start(l, seed, nil)
			} else if len(saved.Journal.Entries) > 0 {
				d.note = "resumed where you left off"
			}
		} else {
			r, err = lessons.Start(l, seed, settings)
			if err != nil {
				d.note = fmt.Sprintf("%v; started with the defaults", err)
				r, err = lessons.Start(l, seed, nil)
			}
		}
		if err != nil {
			d.err = err
			return d
		}
		d.opened = r
		d.snapshot(r)
		return d
	}
}

// runJob applies a to r, or to br when a branch runs beside r.
func runJob(gen int, r *lessons.Run, br *lessons.Branch, a action) tea.Cmd {
	return func() (msg tea.Msg) {
		defer region(func() string { return jobRegion(a) }).End()
		d := jobDoneMsg{gen: gen, act: a}
		defer func() {
			d.panicked(recover())
			msg = d
		}()
		if br != nil {
			branchJob(&d, br, a)
			return d
		}
		switch a.kind {
		case actBranch:
			d.branch, d.err = lessons.NewBranch(r, a.control, a.value)
			if d.err == nil {
				d.moved = true
				d.snapshotBranch(d.branch)
				return d
			}
		case actStep:
			r.SetStopAtQuestions(a.stop)
			d.moved = r.Advance(a.g)
		case actBack:
			d.moved = r.Back()
		case actSet:
			d.restarted, d.err = r.Set(a.control, a.value)
			d.moved = d.err == nil
		case actAnswer:
			_, d.err = r.Answer(a.qid, a.answer)
		case actRestart:
			r.Restart()
			d.restarted, d.moved = true, true
		case actGradCheck:
			if gc, err := r.GradCheck(); err != nil {
				d.note = err.Error()
			} else {
				d.note = gc.Summary
			}
		}
		d.snapshot(r)
		return d
	}
}

// branchJob applies a to a branch and its run in lockstep.
func branchJob(d *jobDoneMsg, br *lessons.Branch, a action) {
	switch a.kind {
	case actStep:
		d.moved = br.Advance(a.g)
	case actBack:
		d.moved = br.Back()
	case actSet:
		d.err = br.Set(a.control, a.value)
		d.moved = d.err == nil
	case actUnbranch:
		d.unbranch, d.moved = true, true
		if a.keep {
			d.opened = br.Branch
			d.snapshot(br.Branch)
		} else {
			d.snapshot(br.Parent)
		}
		return
	}
	d.snapshotBranch(br)
}

// snapshotBranch is snapshot for a branch: its scene shows both runs; the
// place saved is the run's.
func (d *jobDoneMsg) snapshotBranch(br *lessons.Branch) {
	d.scene = br.Scene()
	d.done = br.Done()
	d.journal = br.Parent.Journal()
	d.saved = br.Parent.Checkpoint()
	d.canBack = br.Parent.CanBack() || br.Branch.CanBack()
}

// tickMsg advances a running player; ticks of an older run timer (gen)
// are dropped.
type tickMsg struct{ gen int }

// saveJob records the learner's place in lesson id, and the answers to
// its questions the app has seen (first answers only: see
// progress.Lesson.RecordAnswer). The save runs off the UI goroutine and
// goes through the store's lock, applied to what the file holds then: the
// other lessons' places (saved meanwhile by another dlearn) are kept, and
// this lesson's place is replaced only if it is not newer than this one
// (by its Updated time), so an older save finishing late, or another
// instance's later place, is not overwritten.
//
// When the place is written, the run's latest checkpoints (saved, nil
// when it has none) are written to the lesson's checkpoint file, or the
// file is removed; a failure there costs only time at the next opening
// (the journal is replayed), so it is not reported.
func saveJob(c *common, id string, j lessons.Journal, saved *lessons.Saved, stepsSeen int) tea.Cmd {
	answers := map[string]bool{}
	for q, ok := range c.progress.Lessons[id].Answers {
		answers[q] = ok
	}
	at := now()
	update := func(st *progress.State) (placed bool) {
		if st.Lessons == nil {
			st.Lessons = map[string]progress.Lesson{}
		}
		p := st.Lessons[id]
		if !p.Updated.After(at) {
			p.Journal = j
			p.Updated = at
			placed = true
		}
		p.StepsSeen = max(p.StepsSeen, stepsSeen)
		for q, ok := range answers {
			p.RecordAnswer(q, ok)
		}
		st.Lessons[id] = p
		return placed
	}
	update(c.progress) // the home screen shows it at once
	store := c.opts.Store
	if store == nil {
		return nil
	}
	return func() tea.Msg {
		defer region(func() string { return "save" }).End()
		placed := false
		_, err := store.Update(func(st *progress.State) { placed = update(st) })
		if err == nil && placed {
			var data []byte
			if saved != nil {
				data, _ = saved.Encode() // nil on failure: the stale file goes
			}
			_ = store.WriteCheckpoint(id, data)
		}
		return savedMsg{err: err}
	}
}

// prefsJob saves the learner's preferences (already changed in
// c.progress) to the store.
func prefsJob(c *common) tea.Cmd {
	prefs := c.progress.Prefs
	store := c.opts.Store
	if store == nil {
		return nil
	}
	return func() tea.Msg {
		_, err := store.Update(func(st *progress.State) { st.Prefs = prefs })
		return savedMsg{err: err}
	}
}
