package grade

import (
	"time"

	"github.com/dlearn/dlearn/internal/progress"
)

// Record stores each graded exercise's status and counts in the learner's
// progress store, so that the course shows them. It returns the store's
// warning, if its file was unreadable and started afresh.
func Record(store *progress.Store, r *Report, now time.Time) (warning string, err error) {
	return store.Update(func(st *progress.State) {
		for _, e := range r.Exercises {
			st.Exercises[e.Name] = progress.Exercise{
				Status: string(e.Status), Passed: e.Passed, Total: e.Total, Graded: now,
			}
		}
	})
}
