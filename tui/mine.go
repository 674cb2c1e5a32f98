package tui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/dlearn/dlearn/lessons"
)

// Mine mode in the app: m builds the learner's code of the lesson's
// exercises (seconds, in a job: the app stays responsive and keys wait in
// the queue) and restarts the run checking every step's ops against it;
// m again turns it off. The lesson's scenes carry the comparison (a
// "yours vs engine" table, and the status line at a disagreement): the
// app only switches the mode.

// OpenMine is how the app gets the learner's code for a lesson: the
// lessons.Mine to hand to the run and a function that ends its
// processes. The error is one line.
type OpenMine func(ctx context.Context, l *lessons.Lesson) (*lessons.Mine, func(), error)

// mineResult is what a mine job did.
type mineResult struct {
	on    bool
	close func() // ends the processes of the Mine now in use
}

// mineJob turns mine mode on (building the code with open) or off, and
// restarts r. closeOld ends the processes of the Mine being replaced.
func mineJob(gen int, r *lessons.Run, l *lessons.Lesson, open OpenMine, on bool, closeOld func()) tea.Cmd {
	return func() (msg tea.Msg) {
		d := jobDoneMsg{gen: gen, act: action{kind: actMine}}
		defer func() {
			d.panicked(recover())
			msg = d
		}()
		if !on {
			r.SetMine(nil)
			if closeOld != nil {
				closeOld()
			}
			d.mine = &mineResult{}
			d.restarted, d.moved = true, true
			d.snapshot(r)
			return d
		}
		m, closeNew, err := open(context.Background(), l)
		if err != nil {
			d.err = err
			d.snapshot(r)
			return d
		}
		r.SetMine(m)
		d.mine = &mineResult{on: true, close: closeNew}
		d.restarted, d.moved = true, true
		d.snapshot(r)
		return d
	}
}

// startMine launches the mine job (the player is not busy).
func (p playerModel) startMine(c *common) (playerModel, tea.Cmd, bool) {
	if p.run == nil || p.busy {
		return p, nil, false
	}
	if p.branch != nil {
		p.note = "end the branch first: b keeps the run, B keeps the branch"
		return p, nil, false
	}
	if !p.mineOn && c.opts.OpenMine == nil {
		p.note = "mine mode is not available here"
		return p, nil, false
	}
	p.busy, p.running = true, false
	if p.mineOn {
		p.note = "⋯ turning mine mode off"
	} else {
		p.note = "⋯ building your code for mine mode (" + strings.Join(p.lesson.Exercises, ", ") + ") — this takes a few seconds"
	}
	return p, mineJob(p.gen, p.run, p.lesson, c.opts.OpenMine, !p.mineOn, p.mineClose), false
}

// finishMine takes in a mine job's result.
func (p playerModel) finishMine(d jobDoneMsg) playerModel {
	if d.err != nil {
		p.note = "✗ " + d.err.Error()
		return p
	}
	if d.mine == nil {
		return p
	}
	p.mineOn, p.mineClose = d.mine.on, d.mine.close
	p.vp.GotoTop()
	p.geo.page = ""
	if p.mineOn {
		p.note = "mine mode on: restarted; every step runs your code beside the engine's, trains on your values while they agree and stops where they do not (m: off)"
		if note := p.run.Mine().SkippedNote(); note != "" {
			p.note = "mine mode on: restarted; " + note + " (m: off)"
		}
	} else {
		p.note = "mine mode off: restarted with the engine alone"
	}
	return p
}

// closeMine ends the processes of the player's Mine, if any.
func (p playerModel) closeMine() {
	if p.mineClose != nil {
		go p.mineClose()
	}
}
