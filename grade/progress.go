package grade

import (
	"strings"
	"time"

	"github.com/dlearn/dlearn/internal/progress"
)

// Record stores each graded exercise's status and counts in the learner's
// progress store, so that the course shows them, with the first problem
// the grade found and its hint (the first rung of dlearn hint). It
// returns the store's warning, if its file was unreadable and started
// afresh.
func Record(store *progress.Store, r *Report, now time.Time) (warning string, err error) {
	return store.Update(func(st *progress.State) {
		for _, e := range r.Exercises {
			old := st.Exercises[e.Name]
			// Extra keeps the fields this version does not know (written by
			// a newer dlearn, or by hand).
			ex := progress.Exercise{Status: string(e.Status), Passed: e.Passed, Total: e.Total, Graded: now, Extra: old.Extra}
			ex.Problem, ex.Hint = firstProblem(e)
			if old.Status == ex.Status {
				ex.HintsSeen = old.HintsSeen
			}
			st.Exercises[e.Name] = ex
		}
	})
}

// firstProblem is the first line of the exercise's (or its first
// unpassed check's) message, and the first hint in it.
func firstProblem(e Exercise) (problem, hint string) {
	msg := e.Message
	for _, c := range e.Checks {
		if msg == "" && c.Status != Pass {
			msg = c.Message
		}
	}
	for _, line := range strings.Split(msg, "\n") {
		if h, ok := strings.CutPrefix(strings.TrimSpace(line), "hint: "); ok {
			hint = h
			break
		}
	}
	return headline(msg), hint
}
